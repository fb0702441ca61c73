/**
 * Detector throughput: lines per second for `rampart logs replay` over a generated 1,000,000-line nginx access
 * log (fotospiel guest traffic with a token enumeration in the middle) with the seed playbooks' rules, beside
 * `grep -c` and a plain Node readline + regex loop over the same file, in the same run. Every candidate runs
 * --runs times (default 3) and the best wall time counts; CPU time (user + system) is shown too because the
 * machines this runs on are shared. The log is deleted at the end.
 *
 * With the standard HTTP rule pack included (`include: [http]`), each seed playbook is measured again in the same
 * run and the pack's cost is printed as the ratio of the two times (`--only pack` runs just those rows).
 *
 * Every replay row with rules runs once per --threads entry (default 1,2): in one thread, and split by rules
 * across two (each thread reads every line; see src/detector/replay-threads.ts). CPU lines/s counts every thread.
 *
 *   node --import tsx bench/detector/run.ts [--lines 1000000] [--runs 3] [--only seeds|port|cli|pack|all]
 *     [--threads 1,2]
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { newestMtime } from './newest-mtime.js';
import { once } from 'node:events';
import { replayFiles } from '../../src/detector/index.js';
import { fotospielAccessLines } from '../../src/detector/testing/fotospiel-traffic.js';
import { scannerPortRules } from '../../src/detector/testing/scanner-port.js';
import { loadPlaybook, parsePlaybook } from '../../src/playbook/index.js';
import { ruleSchema } from '../../src/playbook/schema/detection.js';
import type { Playbook } from '../../src/playbook/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const LINES = arg('lines', 1_000_000);
const RUNS = arg('runs', 3);
/** --only seeds|port|cli|all: which replay rows to run (cli: only the fotospiel replay in-process and the CLI). */
const ONLY = (() => {
  const i = process.argv.indexOf('--only');
  return i === -1 ? 'all' : (process.argv[i + 1] ?? 'all');
})();
const TOKEN_KEY = 'bench-token-key-0123456789';
/**
 * --threads 1,auto: the thread counts each replay row with rules runs with; `auto` is replayFiles' default (it
 * times the rules on the file's head and splits them when that pays), the one `rampart logs replay` uses.
 */
type Threads = number | 'auto';
const THREADS: Threads[] = (() => {
  const i = process.argv.indexOf('--threads');
  const list = (i === -1 ? '1,auto' : (process.argv[i + 1] ?? '')).split(',');
  const parsed = list.map((t) => (t === 'auto' ? 'auto' : Number(t)));
  if (parsed.some((n) => n !== 'auto' && (!Number.isInteger(n) || n < 1 || n > 64)))
    throw new Error('--threads must be a comma-separated list of auto and whole numbers from 1 to 64');
  return parsed;
})();
const threadLabel = (n: Threads): string =>
  n === 'auto' ? 'default threads' : n === 1 ? '1 thread' : `${n} threads`;

interface Measure {
  name: string;
  wallMs: number;
  cpuMs: number | null;
  note: string;
}

async function writeLog(file: string): Promise<void> {
  const out = createWriteStream(file);
  let batch: string[] = [];
  for (const line of fotospielAccessLines({
    lines: LINES,
    start: Date.UTC(2025, 9, 13),
    attack: true,
    gapMs: 10,
  })) {
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

async function timed(name: string, work: () => Promise<string>): Promise<Measure> {
  let best: Measure | null = null;
  for (let run = 0; run < RUNS; run++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const note = await work();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const measure = { name, wallMs, cpuMs: (used.user + used.system) / 1000, note };
    if (best === null || measure.wallMs < best.wallMs) best = measure;
  }
  return best as Measure;
}

function child(name: string, command: string, args: string[]): Measure {
  let best: Measure | null = null;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = spawnSync(command, args, {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    const wallMs = performance.now() - started;
    if (result.status !== 0)
      return {
        name,
        wallMs,
        cpuMs: null,
        note: `failed: ${(result.stderr || result.error?.message || '').trim().split('\n')[0] ?? ''}`,
      };
    const out = result.stdout.trim().split('\n');
    const measure = { name, wallMs, cpuMs: null, note: (out.at(-1) ?? '').slice(0, 100) };
    if (best === null || measure.wallMs < best.wallMs) best = measure;
  }
  return best as Measure;
}

async function readlineRegex(file: string): Promise<string> {
  const combined = /^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"/;
  let matched = 0;
  let errors = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const m = combined.exec(line);
    if (m === null) continue;
    matched++;
    if ((m[6] ?? '').startsWith('5')) errors++;
  }
  return `${matched} matched, ${errors} 5xx`;
}

async function replay(file: string, playbook: Playbook, index = true, threads: Threads = 1): Promise<string> {
  const result = await replayFiles([file], {
    playbook,
    tokenKey: TOKEN_KEY,
    format: 'nginx',
    index,
    ...(threads === 'auto' ? {} : { threads }),
  });
  const fired = result.signals.filter((s) => s.kind === 'fired').map((s) => `${s.rule}:${s.groupKey}`);
  const split = threads === 'auto' ? `ran in ${result.threads}; ` : '';
  return `${split}${result.events} events, ${result.signals.length} signals (${fired.join(', ') || 'none fired'})`;
}

/**
 * null when dist/cli/main.js is there and newer than every file under src/ (rebuilt with tsc when it is not),
 * else why the CLI rows are skipped.
 */
function ensureBuilt(cli: string): string | null {
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestMtime(join(ROOT, 'src'))) return null;
  console.log('dist/ is older than src/: building it (tsc -p tsconfig.build.json) for the CLI rows');
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    {
      encoding: 'utf8',
      timeout: 600_000,
    },
  );
  if (build.status !== 0 || !existsSync(cli))
    return `CLI rows skipped: the build failed (${build.stdout.split('\n')[0] ?? ''})`;
  return null;
}

/**
 * A seed playbook's text with its top-level `include:` line replaced: by `include: [http]` (the whole standard
 * pack) or removed (the seed's own rules alone). The shipped seeds include the pack, some with `except`.
 */
function withIncludeText(name: string, include: string | null): string {
  const text = readFileSync(join(ROOT, 'playbooks', name), 'utf8').replace(/^include:.*\n/m, '');
  return include === null ? text : text.replace('rampart: 1\n', `rampart: 1\n${include}\n`);
}

function withInclude(name: string, include: string | null): Playbook {
  const file = join(ROOT, 'playbooks', name);
  const loaded = parsePlaybook(withIncludeText(name, include), file);
  if (!loaded.ok)
    throw new Error(
      `${name} with ${include ?? 'no include'} does not load: ${loaded.errors[0]?.message ?? ''}`,
    );
  return loaded.playbook;
}

/** What the CLI printed about one replay (its --json summary) and the process's own wall time. */
interface CliRun {
  wallMs: number;
  own: number;
  ownCpu: number;
  events: number;
  signals: number;
  threads: number;
}

/** `node dist/cli/main.js logs replay FILE --playbook PLAYBOOK --format nginx --json`, RUNS times; the fastest. */
function cliReplay(cli: string, file: string, playbook: string): CliRun | string {
  const runs: CliRun[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [cli, 'logs', 'replay', file, '--playbook', playbook, '--format', 'nginx', '--json'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 600_000,
        env: { ...process.env, RAMPART_TOKEN_KEY: TOKEN_KEY },
      },
    );
    const wallMs = performance.now() - started;
    if (result.status !== 0)
      return `CLI failed: ${(result.stderr || result.error?.message || '').trim().split('\n')[0] ?? ''}`;
    const summary = (
      JSON.parse(result.stdout) as {
        summary: {
          linesPerSecond: number;
          cpuLinesPerSecond: number;
          events: number;
          signals: number;
          threads: number;
        };
      }
    ).summary;
    runs.push({
      wallMs,
      own: summary.linesPerSecond,
      ownCpu: summary.cpuLinesPerSecond,
      events: summary.events,
      signals: summary.signals,
      threads: summary.threads,
    });
  }
  return runs.sort((a, b) => a.wallMs - b.wallMs)[0] as CliRun;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-bench-detector-'));
  try {
    const file = join(dir, 'access.log');
    const genStart = performance.now();
    await writeLog(file);
    const size = (await stat(file)).size;
    console.log(
      `generated ${LINES} lines (${(size / 1e6).toFixed(0)} MB) in ${Math.round(performance.now() - genStart)} ms; ${RUNS} runs each, best wall time`,
    );
    const playbooks: Playbook[] = [];
    for (const name of ['fotospiel-public-api.yaml', '6fb-booking.yaml']) {
      const loaded = await loadPlaybook(join(ROOT, 'playbooks', name));
      if (!loaded.ok) throw new Error(`${name} does not load`);
      playbooks.push(loaded.playbook);
    }
    const [fotospiel, booking] = playbooks as [Playbook, Playbook];
    const noRules: Playbook = { ...fotospiel, detection: { ...fotospiel.detection, rules: [] } };
    const grep = child('grep -c', 'grep', ['-c', '', file]);
    console.log('');
    console.log(
      `${'candidate'.padEnd(52)} ${'wall ms'.padStart(8)} ${'lines/s'.padStart(10)} ${'CPU lines/s'.padStart(12)} ${'× grep'.padStart(7)}  note`,
    );
    // Each row is printed as soon as it is measured, so a long run that is stopped still shows what it had.
    const results = {
      push(m: Measure): void {
        const rate = Math.round((LINES / m.wallMs) * 1000);
        const cpuRate = m.cpuMs === null ? '' : String(Math.round((LINES / m.cpuMs) * 1000));
        console.log(
          `${m.name.padEnd(52)} ${Math.round(m.wallMs).toString().padStart(8)} ${rate.toString().padStart(10)} ${cpuRate.padStart(12)} ${(m.wallMs / grep.wallMs).toFixed(1).padStart(7)}  ${m.note}`,
        );
      },
    };
    results.push(grep);
    let inProcess: Measure | null = null;
    const seedRows = new Map<string, Measure>();
    if (ONLY !== 'cli') {
      results.push(await timed('node readline + regex', () => readlineRegex(file)));
      results.push(await timed('replay, no rules (parse + route/token)', () => replay(file, noRules)));
    }
    // The CLI runs with the default: its in-process twin is the default row (else the last one asked for).
    const cliThreads: Threads = THREADS.includes('auto') ? 'auto' : (THREADS.at(-1) ?? 1);
    if (ONLY === 'cli') {
      inProcess = await timed(
        `replay, fotospiel rules (${fotospiel.detection.rules.length}), ${threadLabel(cliThreads)}`,
        () => replay(file, fotospiel, true, cliThreads),
      );
      results.push(inProcess);
    } else if (ONLY !== 'port' && ONLY !== 'pack') {
      for (const threads of THREADS) {
        const measure = await timed(
          `replay, fotospiel rules (${fotospiel.detection.rules.length}), ${threadLabel(threads)}`,
          () => replay(file, fotospiel, true, threads),
        );
        seedRows.set(`fotospiel-public-api.yaml ${threads}`, measure);
        if (threads === cliThreads) inProcess = measure;
        results.push(measure);
      }
      results.push(
        await timed(`replay, fotospiel rules, no index, 1 thread`, () => replay(file, fotospiel, false)),
      );
      for (const threads of THREADS) {
        const bookingMeasure = await timed(
          `replay, 6fb rules (${booking.detection.rules.length}), ${threadLabel(threads)}`,
          () => replay(file, booking, true, threads),
        );
        seedRows.set(`6fb-booking.yaml ${threads}`, bookingMeasure);
        results.push(bookingMeasure);
      }
    }
    if (ONLY === 'all' || ONLY === 'pack' || ONLY === 'seeds') {
      // The standard HTTP pack beside each seed's own rules, same file, same run: its cost is the ratio.
      for (const [name, label] of [
        ['fotospiel-public-api.yaml', 'fotospiel'],
        ['6fb-booking.yaml', '6fb'],
      ] as const) {
        const own = name === '6fb-booking.yaml' ? booking : fotospiel;
        const alone = withInclude(name, null);
        const whole = withInclude(name, 'include: [http]');
        const ratio = (a: Measure, b: Measure): string =>
          `${(a.wallMs / b.wallMs).toFixed(2)}× wall` +
          (a.cpuMs !== null && b.cpuMs !== null ? `, ${(a.cpuMs / b.cpuMs).toFixed(2)}× CPU` : '');
        for (const threads of THREADS) {
          let seed = seedRows.get(`${name} ${threads}`);
          if (seed === undefined) {
            seed = await timed(
              `replay, ${label} rules (${own.detection.rules.length}), ${threadLabel(threads)}`,
              () => replay(file, own, true, threads),
            );
            results.push(seed);
          }
          const bare = await timed(
            `replay, ${label} without the pack (${alone.detection.rules.length}), ${threadLabel(threads)}`,
            () => replay(file, alone, true, threads),
          );
          results.push(bare);
          seedRows.set(`${label} own ${threads}`, bare);
          const pack = await timed(
            `replay, ${label} + whole pack (${whole.detection.rules.length}), ${threadLabel(threads)}`,
            () => replay(file, whole, true, threads),
          );
          results.push(pack);
          seedRows.set(`${label} pack ${threads}`, pack);
          console.log(
            `  http pack cost with ${label}, ${threadLabel(threads)}: as shipped ${ratio(seed, bare)}; whole pack ${ratio(pack, bare)} (against the seed's own rules alone)`,
          );
        }
      }
    }
    if (ONLY !== 'seeds' && ONLY !== 'cli' && ONLY !== 'pack') {
      // A scanner-path list ported one rule per path (as the 632-rule port was), beside the seed rules.
      const port: Playbook = {
        ...fotospiel,
        detection: {
          ...fotospiel.detection,
          rules: [...fotospiel.detection.rules, ...scannerPortRules().map((r) => ruleSchema.parse(r))],
        },
      };
      const n = port.detection.rules.length;
      results.push(await timed(`replay, ${n}-rule scanner port`, () => replay(file, port)));
      results.push(await timed(`replay, ${n}-rule scanner port, no index`, () => replay(file, port, false)));
    }
    // The CLI, built from this tree (rebuilt first when a source file is newer than dist/): the process's wall time
    // (start-up included) and the lines/s the CLI itself reports, beside the in-process figure of the same run.
    // The shipped fotospiel playbook, each seed's own rules alone and each seed with the whole pack (the two
    // goals); the variants are written to the temp dir beside a copy of playbooks/lists.
    const cli = join(ROOT, 'dist/cli/main.js');
    const built = ONLY === 'pack' || ONLY === 'port' ? `CLI rows skipped (--only ${ONLY})` : ensureBuilt(cli);
    if (built !== null) {
      console.log(built);
    } else {
      const variants: { label: string; playbook: string; twin: Measure | null }[] = [
        {
          label: `fotospiel as shipped (${fotospiel.detection.rules.length})`,
          playbook: join(ROOT, 'playbooks/fotospiel-public-api.yaml'),
          twin: inProcess,
        },
      ];
      cpSync(join(ROOT, 'playbooks/lists'), join(dir, 'lists'), { recursive: true });
      for (const [name, label] of [
        ['fotospiel-public-api.yaml', 'fotospiel'],
        ['6fb-booking.yaml', '6fb'],
      ] as const) {
        for (const [kind, include, what] of [
          ['own', null, 'own rules'],
          ['pack', 'include: [http]', '+ whole pack'],
        ] as const) {
          const playbook = join(dir, `${label}-${kind}.yaml`);
          writeFileSync(playbook, withIncludeText(name, include));
          const rules = withInclude(name, include).detection.rules.length;
          variants.push({
            label: `${label} ${what} (${rules})`,
            playbook,
            twin: seedRows.get(`${label} ${kind} ${cliThreads}`) ?? null,
          });
        }
      }
      const ratios: string[] = [];
      for (const variant of variants) {
        const best = cliReplay(cli, file, variant.playbook);
        if (typeof best === 'string') {
          console.log(`${variant.label}: ${best}`);
          continue;
        }
        results.push({
          name: `CLI process, ${variant.label}`,
          wallMs: best.wallMs,
          cpuMs: null,
          note: `ran in ${best.threads}; ${best.events} events, ${best.signals} signals; whole process, start-up included`,
        });
        const ownMs = (LINES / best.own) * 1000;
        const ownCpuMs = best.ownCpu > 0 ? (LINES / best.ownCpu) * 1000 : null;
        results.push({
          name: `  CLI's own lines/s (--json summary)`,
          wallMs: ownMs,
          cpuMs: ownCpuMs,
          note: 'reading and replay, as the CLI reports it',
        });
        const twin = variant.twin;
        if (twin !== null) {
          const cpuRatio =
            ownCpuMs !== null && twin.cpuMs !== null ? `, own CPU ${(twin.cpuMs / ownCpuMs).toFixed(2)}` : '';
          ratios.push(
            `CLI / in-process (${variant.label}, ${threadLabel(cliThreads)}), same run: own wall ${(twin.wallMs / ownMs).toFixed(2)}${cpuRatio}, whole process wall ${(twin.wallMs / best.wallMs).toFixed(2)}`,
          );
        }
      }
      if (ratios.length > 0) console.log(`\n${ratios.join('\n')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
