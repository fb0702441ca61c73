import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingApi, type Standin } from '../../src/standins/index.js';
import { besideProxyPlaybook, startBesideProxy, type BesideProxy } from '../support/beside-proxy.js';
import { runCli } from '../support/run-cli.js';
import { waitFor } from '../support/workspace.js';

/** Debian's nginx-light (`.ci/run` installs it). */
const NGINX = '/usr/sbin/nginx';
const haveNginx = existsSync(NGINX);
if (!haveNginx && process.env.CI !== 'true') {
  console.warn(`nginx hook test skipped: no ${NGINX} (apt-get install nginx-light)`);
}

const NGINX_PORT = 27201;
const APP_PORT = 27202;
const API_PORT = 27210;
/** The attacker and a regular client, told apart by their loopback source address, as nginx logs them. */
const ATTACKER = '127.0.0.2';
const REGULAR = '127.0.0.1';
/** The hook shipped as an example in docs/hooks, used as it is. */
const HOOK = resolve('docs/hooks/nginx-deny.sh');

function send(method: string, path: string, from: string, body?: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: NGINX_PORT,
        method,
        path,
        localAddress: from,
        agent: false,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}
const badLogin = (from: string) =>
  send('POST', '/auth/login', from, JSON.stringify({ username: 'mallory@example.com', password: 'guess' }));

describe.skipIf(!haveNginx && process.env.CI !== 'true')(
  'real nginx in front of the app, Rampart beside it tailing its logs, enforcing through an action hook',
  () => {
    let rampart: BesideProxy;
    let app: Standin;
    let nginx: ChildProcess | undefined;
    let nginxOutput = '';
    let dir = '';
    const nginxArgs = () => `-p ${dir}/nginx -c ${dir}/nginx/nginx.conf -e ${dir}/logs/nginx-error.log`;

    beforeAll(async () => {
      rampart = await startBesideProxy({
        port: API_PORT,
        playbook: (d) => {
          dir = d;
          return besideProxyPlaybook({
            upstream: `http://127.0.0.1:${APP_PORT}`,
            accessLog: 'logs/access.log',
            errorLog: 'logs/nginx-error.log',
            enforcement: [
              'enforcement:',
              '  hooks:',
              '    - name: nginx-deny',
              `      command: [${HOOK}]`,
              '      kinds: [block]',
              '      timeout: 10s',
              '      env:',
              `        NGINX_DENY_FILE: ${d}/nginx/rampart-deny.conf`,
              `        NGINX_BIN: ${NGINX}`,
              `        NGINX_ARGS: "-p ${d}/nginx -c ${d}/nginx/nginx.conf -e ${d}/logs/nginx-error.log"`,
              '',
            ].join('\n'),
          });
        },
      });
      app = createBookingApi({
        accessLog: join(dir, 'app', 'uvicorn-access.log'),
        errorLog: join(dir, 'app', 'uvicorn-error.log'),
        jwtSecret: 'nginx-e2e-jwt-secret-0123456789abcdef',
        controlKey: 'nginx-e2e-control-key',
      });
      await app.listen(APP_PORT, '127.0.0.1');

      mkdirSync(join(dir, 'nginx'), { recursive: true });
      writeFileSync(join(dir, 'nginx', 'rampart-deny.conf'), '');
      writeFileSync(
        join(dir, 'nginx', 'nginx.conf'),
        `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx/nginx.pid;
error_log ${dir}/logs/nginx-error.log info;
events { worker_connections 256; }
http {
  access_log ${dir}/logs/access.log combined;
  client_body_temp_path ${dir}/nginx/body;
  proxy_temp_path ${dir}/nginx/proxy;
  fastcgi_temp_path ${dir}/nginx/fastcgi;
  uwsgi_temp_path ${dir}/nginx/uwsgi;
  scgi_temp_path ${dir}/nginx/scgi;
  server {
    listen 127.0.0.1:${NGINX_PORT};
    include ${dir}/nginx/rampart-deny.conf;
    location / {
      proxy_pass http://127.0.0.1:${APP_PORT};
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
      );
      nginx = spawn(NGINX, nginxArgs().split(' '), { stdio: ['ignore', 'pipe', 'pipe'] });
      nginx.stdout?.on('data', (c: Buffer) => (nginxOutput += c.toString()));
      nginx.stderr?.on('data', (c: Buffer) => (nginxOutput += c.toString()));
      await waitFor(
        () =>
          send('GET', '/health', REGULAR)
            .then((s) => s === 200)
            .catch(() => false),
        15_000,
        50,
      ).catch(() => {
        throw new Error(`nginx did not start:\n${nginxOutput}`);
      });
    }, 60_000);

    afterAll(async () => {
      if (nginx?.pid !== undefined && nginx.exitCode === null) {
        const exited = new Promise((done) => nginx?.once('exit', done));
        // SIGQUIT: nginx's graceful shutdown of the master and its workers.
        process.kill(nginx.pid, 'SIGQUIT');
        const kill = setTimeout(() => nginx?.pid !== undefined && process.kill(nginx.pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }
      await rampart?.app.stop();
      await app?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('ten failed logins through nginx: the hook writes a deny line and reloads nginx, the attacker gets 403, others do not', async () => {
      for (let i = 0; i < 10; i++) expect(await badLogin(ATTACKER)).toBe(401);
      const tenthFailureAt = Date.now();
      // The attacker keeps trying; the first 403 is nginx enforcing Rampart's block.
      let firstForbiddenAt = 0;
      let tries = 0;
      await waitFor(
        async () => {
          tries++;
          const status = await badLogin(ATTACKER);
          if (status === 403) firstForbiddenAt = Date.now();
          return status === 403;
        },
        20_000,
        5,
      ).catch(() => {
        throw new Error(
          `the attacker never got 403 after ${tries} more tries; deny file:\n${readFileSync(join(dir, 'nginx', 'rampart-deny.conf'), 'utf8')}\nnginx:\n${nginxOutput}`,
        );
      });
      const fired = rampart.firedAt.get('failed-logins');
      expect(fired).toBeDefined();
      const [m] = await rampart.app.desk.store.mitigations.list({ service: 'shop' });
      expect(m).toMatchObject({ kind: 'block', target: ATTACKER });
      // The hook's result is written once it has exited, which may be just after nginx already answers 403.
      const hookEntries = async () => {
        const all = await rampart.app.desk.store.timeline.list(m!.incidentId!);
        return { all, run: all.find((e) => e.summary.startsWith('hook nginx-deny apply')) };
      };
      await waitFor(async () => (await hookEntries()).run !== undefined, 10_000, 20);
      const { all: entries, run: hookRun } = await hookEntries();
      console.log(
        `nginx + hook: first 403 for ${ATTACKER} from nginx ${Math.round(firstForbiddenAt - (fired ?? 0))} ms after rule failed-logins fired, ${firstForbiddenAt - tenthFailureAt} ms after the 10th failed login (the access log is tailed every 200 ms); the hook (nginx -t, nginx -s reload) took ${String(hookRun?.data.ms)} ms, applied ${Date.parse(hookRun?.at ?? '') - Date.parse(m!.createdAt)} ms after the block was recorded`,
      );
      expect(readFileSync(join(dir, 'nginx', 'rampart-deny.conf'), 'utf8')).toBe(`deny ${ATTACKER};\n`);
      // Everyone else still reaches the app through nginx.
      expect(await send('GET', '/health', REGULAR)).toBe(200);
      expect(await badLogin(REGULAR)).toBe(401);

      const timeline = entries.map((e) => e.summary);
      expect(timeline).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^hook nginx-deny apply block 127\.0\.0\.2: exit 0 in \d+ ms$/),
        ]),
      );
      const listed = await runCli(['mitigations'], { cwd: dir });
      expect(listed.out).toContain('hook nginx-deny');

      // The lift runs the hook again: the deny line goes, nginx reloads, the attacker is an ordinary client again.
      expect((await runCli(['unblock', ATTACKER, '--reason', 'e2e: attack over'], { cwd: dir })).code).toBe(
        0,
      );
      // `rampart unblock` ran as another process would: the desk's hook loop notices the lift on its next pass.
      await waitFor(
        async () =>
          (await rampart.app.desk.store.timeline.list(m!.incidentId!)).some((e) =>
            /^hook nginx-deny lift block 127\.0\.0\.2: exit 0/.test(e.summary),
          ),
        10_000,
        20,
      );
      // (Probed with a harmless request: more failed logins would rightly fire the rule again. Right after a
      // reload nginx's old worker may still answer a moment, so the probe waits for the new one.)
      await waitFor(async () => (await send('GET', '/health', ATTACKER)) === 200, 20_000, 20);
      expect(readFileSync(join(dir, 'nginx', 'rampart-deny.conf'), 'utf8')).toBe('');
    }, 90_000);
  },
);
