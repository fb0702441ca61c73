import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clfTime } from '../../src/detector/testing/log-lines.js';
import { besideProxyPlaybook, startBesideProxy, type BesideProxy } from '../support/beside-proxy.js';
import { runCli } from '../support/run-cli.js';
import { waitFor } from '../support/workspace.js';

/** Debian's crowdsec-custom-bouncer: runs a program per decision added or deleted (`.ci/run` installs it). */
const BOUNCER = '/usr/bin/crowdsec-custom-bouncer';
const haveBouncer = existsSync(BOUNCER);
if (!haveBouncer && process.env.CI !== 'true') {
  console.warn(`CrowdSec bouncer test skipped: no ${BOUNCER} (apt-get install crowdsec-custom-bouncer)`);
}

const API_PORT = 27110;
const ATTACKER = '203.0.113.7';

describe.skipIf(!haveBouncer && process.env.CI !== 'true')(
  "Debian's CrowdSec custom bouncer enforces Rampart's blocks from its decisions API",
  () => {
    let rampart: BesideProxy;
    let bouncer: ChildProcess | undefined;
    let bouncerOutput = '';
    const calls = () => {
      const file = join(rampart.dir, 'decisions.log');
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    };

    beforeAll(async () => {
      rampart = await startBesideProxy({
        port: API_PORT,
        playbook: () =>
          besideProxyPlaybook({
            upstream: 'http://127.0.0.1:27119',
            accessLog: 'logs/access.log',
            enforcement: 'enforcement:\n  bouncers: true\n',
          }),
      });
    }, 60_000);
    afterAll(async () => {
      if (bouncer?.pid !== undefined && bouncer.exitCode === null) {
        const exited = new Promise((done) => bouncer?.once('exit', done));
        process.kill(bouncer.pid, 'SIGTERM');
        const kill = setTimeout(
          () => bouncer?.pid !== undefined && process.kill(bouncer.pid, 'SIGKILL'),
          5000,
        );
        await exited;
        clearTimeout(kill);
      }
      await rampart?.app.stop();
      if (rampart) rmSync(rampart.dir, { recursive: true, force: true });
    });

    it('a detector block reaches the bouncer, and its lift removes it', async () => {
      const { dir } = rampart;
      const added = await runCli(['bouncers', 'add', 'e2e-custom', '--json'], { cwd: dir });
      expect(added.code).toBe(0);
      const { key } = JSON.parse(added.out) as { key: string };

      // The bouncer's own program: one line per decision, with the time it was called (ms since the epoch).
      const script = join(dir, 'on-decision.sh');
      writeFileSync(
        script,
        `#!/bin/sh\necho "$(date +%s%3N) $1 $2 $3 $4" >> "${join(dir, 'decisions.log')}"\n`,
      );
      chmodSync(script, 0o755);
      const config = join(dir, 'crowdsec-custom-bouncer.yaml');
      writeFileSync(
        config,
        [
          `bin_path: ${script}`,
          'feed_via_stdin: false',
          'total_retries: 0',
          'scenarios_containing: []',
          'scenarios_not_containing: []',
          'origins: []',
          `piddir: ${dir}`,
          'update_frequency: 200ms',
          'cache_retention_duration: 10s',
          'daemonize: false',
          'log_mode: stdout',
          `log_dir: ${dir}`,
          'log_level: info',
          `api_url: http://127.0.0.1:${API_PORT}/`,
          `api_key: ${key}`,
          'prometheus:',
          '  enabled: false',
          '  listen_addr: 127.0.0.1',
          '  listen_port: 27111',
          '',
        ].join('\n'),
      );
      bouncer = spawn(BOUNCER, ['-c', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      bouncer.stdout?.on('data', (c: Buffer) => (bouncerOutput += c.toString()));
      bouncer.stderr?.on('data', (c: Buffer) => (bouncerOutput += c.toString()));
      // Its first (startup) pull.
      await waitFor(
        async () => (await rampart.app.desk.store.bouncers.list()).some((b) => b.lastPullAt !== null),
        15_000,
        50,
      ).catch(() => {
        throw new Error(`the bouncer never pulled:\n${bouncerOutput}`);
      });

      // nginx logs ten failed logins from one address.
      const now = Date.now();
      const lines = Array.from(
        { length: 10 },
        (_, i) =>
          `${ATTACKER} - - [${clfTime(now + i)}] "POST /auth/login HTTP/1.1" 401 21 "-" "curl/8.5" 0.003 0.003`,
      );
      appendFileSync(join(dir, 'logs', 'access.log'), `${lines.join('\n')}\n`);

      await waitFor(
        () => Promise.resolve(calls().some((c) => c.includes(`add ${ATTACKER}`))),
        20_000,
        10,
      ).catch(() => {
        throw new Error(
          `the bouncer was never called to add ${ATTACKER}:\n${calls().join('\n')}\n${bouncerOutput}`,
        );
      });
      const fired = rampart.firedAt.get('failed-logins');
      expect(fired).toBeDefined();
      const add = calls().find((c) => c.includes(`add ${ATTACKER}`)) ?? '';
      const [addAt = '0', , , duration, scenario] = add.split(' ');
      expect(scenario).toBe('rampart/failed-logins');
      // One hour, counted down in whole seconds.
      expect(Number(duration)).toBeGreaterThan(3500);
      expect(Number(duration)).toBeLessThanOrEqual(3600);
      console.log(
        `crowdsec-custom-bouncer: block ${ATTACKER} reached the bouncer ${Math.round(Number(addAt) - (fired ?? 0))} ms after rule failed-logins fired (update_frequency 200ms)`,
      );

      // The pull is its acknowledgement: `rampart mitigations` names it.
      await waitFor(
        async () => {
          const listed = await runCli(['mitigations'], { cwd: dir });
          return listed.out.includes('bouncer e2e-custom');
        },
        5000,
        50,
      );

      const liftStarted = Date.now();
      const lifted = await runCli(['unblock', ATTACKER, '--reason', 'e2e: attack over'], { cwd: dir });
      expect(lifted.code).toBe(0);
      await waitFor(() => Promise.resolve(calls().some((c) => c.includes(`del ${ATTACKER}`))), 20_000, 10);
      const del = calls().find((c) => c.includes(`del ${ATTACKER}`)) ?? '';
      console.log(
        `crowdsec-custom-bouncer: lift of ${ATTACKER} reached the bouncer ${Number(del.split(' ')[0]) - liftStarted} ms after rampart unblock`,
      );

      const [m] = await rampart.app.desk.store.mitigations.list({ service: 'shop' });
      expect(m?.incidentId).toBeTruthy();
      await waitFor(
        async () => {
          const records = await rampart.app.desk.store.enforcement.list([m!.id]);
          return records.some((r) => r.pointKind === 'bouncer' && r.state === 'removed');
        },
        5000,
        50,
      );
      const timeline = (await rampart.app.desk.store.timeline.list(m!.incidentId!)).map((e) => e.summary);
      expect(timeline).toContain(`bouncer e2e-custom enforces block ${ATTACKER}`);
      expect(timeline).toContain(`bouncer e2e-custom released block ${ATTACKER}`);
      expect(timeline.some((s) => s.includes('recorded but not enforced'))).toBe(false);
    }, 90_000);
  },
);
