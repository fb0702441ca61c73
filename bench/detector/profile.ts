/**
 * One replay of a generated log under the profiler, for finding where `rampart logs replay` spends its time.
 * The log is generated once into --file (kept, so repeated profiles skip generation; delete it yourself).
 *
 *   node --cpu-prof --cpu-prof-dir /tmp/dprof --import tsx bench/detector/profile.ts \
 *     --file /tmp/dprof/access.log [--playbook fotospiel|6fb|none|fotospiel-own|6fb-own|fotospiel+http|6fb+http]
 *     [--lines 1000000] [--threads 1]
 * (a seed as shipped; `-own`: its own rules without the standard HTTP pack; `+http`: with the whole pack.)
 * --dump FILE writes every signal, clear and rule stat as JSON, to diff before and after a change.
 *   node --import tsx bench/gateway/profile-summary.ts /tmp/dprof/<newest>.cpuprofile --top 30
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { replayFiles } from '../../src/detector/index.js';
import { fotospielAccessLines } from '../../src/detector/testing/fotospiel-traffic.js';
import { loadPlaybook, parsePlaybook } from '../../src/playbook/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const opt = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
};
const file = opt('file', '/tmp/rampart-detector-profile.log');
const lines = Number(opt('lines', '1000000'));
const which = opt('playbook', 'fotospiel');

if (!existsSync(file)) {
  const out = createWriteStream(file);
  let batch: string[] = [];
  for (const line of fotospielAccessLines({ lines, start: Date.UTC(2025, 9, 13), attack: true, gapMs: 10 })) {
    batch.push(line);
    if (batch.length === 5_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}
const name = which.startsWith('6fb') ? '6fb-booking.yaml' : 'fotospiel-public-api.yaml';
/** The seed as shipped, or with its top-level `include:` line replaced (`+http`: the whole pack; `-own`: none). */
const shipped = readFileSync(join(ROOT, 'playbooks', name), 'utf8');
const withoutInclude = shipped.replace(/^include:.*\n/m, '');
const loaded = which.endsWith('+http')
  ? parsePlaybook(
      withoutInclude.replace('rampart: 1\n', 'rampart: 1\ninclude: [http]\n'),
      join(ROOT, 'playbooks', name),
    )
  : which.endsWith('-own')
    ? parsePlaybook(withoutInclude, join(ROOT, 'playbooks', name))
    : await loadPlaybook(join(ROOT, 'playbooks', name));
if (!loaded.ok) throw new Error(`${name} does not load: ${loaded.errors[0]?.message ?? ''}`);
const playbook =
  which === 'none'
    ? { ...loaded.playbook, detection: { ...loaded.playbook.detection, rules: [] } }
    : loaded.playbook;
const cpu = process.cpuUsage();
// One thread by default: a profile of the rules, not of the split (--threads 2 profiles this thread's share).
const threads = Number(opt('threads', '1'));
const result = await replayFiles([file], {
  playbook,
  tokenKey: 'bench-token-key-0123456789',
  format: 'nginx',
  threads,
});
const used = process.cpuUsage(cpu);
const dump = opt('dump', '');
if (dump !== '') {
  // For checking that an optimisation changed nothing: every signal, clear and rule stat, in order.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    dump,
    JSON.stringify({ signals: result.signals, clears: result.clears, stats: result.stats }, null, 1),
  );
}
const fired = result.signals.filter((s) => s.kind === 'fired').map((s) => `${s.rule}:${s.groupKey}`);
console.log(
  `${which}: ${result.lines} lines in ${Math.round(result.elapsedMs)} ms = ${result.linesPerSecond} lines/s (CPU ${Math.round((result.lines / ((used.user + used.system) / 1000)) * 1000)}/s); ${result.signals.length} signals (${fired.join(', ')})`,
);
