/**
 * What one log line costs the replay, counted rather than timed: instructions, and cache misses in a simulated
 * cache (valgrind's cachegrind), per line of the bench's fotospiel access log (the head of its 1M-line log:
 * ordinary guest traffic). Wall time on a shared VM swings by a factor of two or more from one hour to the next;
 * counts of the same mode move by a percent or two between runs (see below). Compared with another checkout
 * (--base), each in the same run.
 *
 * Each measurement replays the first --from lines and the first --to lines of the same file in one thread under
 * cachegrind (the two at once, one per core) and divides the difference by (to - from): start-up, compiling and
 * warm-up cancel out. The simulated last level is --ll bytes (default 1 MiB, this machine's L2 per core: the
 * replay's tables do not stay in a shared L3 that other tenants use).
 *
 *   node --import tsx bench/detector/instructions.ts [--playbook fotospiel-own,fotospiel+http] [--from 20000]
 *     [--to 160000] [--runs 2] [--ll 1048576] [--base /path/to/other/checkout] [--heuristics]
 *
 * --playbook takes profile.ts's names (fotospiel, 6fb, none, fotospiel-own, 6fb-own, fotospiel+http, 6fb+http).
 * --base: another checkout with its node_modules (a `git worktree add` of the previous commit, say). Each
 * checkout's built dist/ is what runs (built here first when older than its src/), in V8's predictable mode (see
 * measure()). Even then the counts of one build fall into two modes about 15 % apart (most likely one major
 * collection more or less inside the window; bench/detector/README.md). So each checkout runs --runs times,
 * alternating, every run is printed, and the ratio is of each checkout's run with the fewest instructions; a
 * checkout whose runs are more than 5 % apart is named. Needs valgrind (`apt-get install -y valgrind`). About
 * five minutes per run, playbook and checkout on 2 cores. The generated log (254 MB) is deleted at the end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { newestMtime } from './newest-mtime.js';

const ROOT = resolve(import.meta.dirname, '../..');
const option = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
};
const count = (name: string, fallback: number): number => {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const FROM = count('from', 20_000);
const TO = count('to', 160_000);
if (TO <= FROM) throw new Error('--to must be more lines than --from');
const LL = count('ll', 1 << 20);
const PLAYBOOKS = option('playbook', 'fotospiel-own,fotospiel+http').split(',');
/** Runs per checkout and playbook: one build's counts fall into two modes (see the header), so one is not enough. */
const RUNS = count('runs', 2);
const BASE = option('base', '');
/** --heuristics: V8's own collector heuristics, as in a real run, at the price of counts that vary by up to 15 %. */
const HEURISTICS = process.argv.includes('--heuristics');
if (BASE !== '' && !existsSync(join(BASE, 'tsconfig.build.json')))
  throw new Error(`--base ${BASE}: expected a Rampart checkout (no tsconfig.build.json there)`);
if (spawnSync('valgrind', ['--version']).status !== 0)
  throw new Error('valgrind is not installed: apt-get install -y valgrind');

interface Counts {
  instructions: number;
  d1Misses: number;
  llMisses: number;
  llReadMisses: number;
}

/** The totals cachegrind prints on stderr ("==123== I   refs:      6,492,192,009", "LL misses: 1 (2 rd + 3 wr)"). */
function countsOf(stderr: string, what: string): Counts {
  const total = (label: string): number => {
    const m = new RegExp(`${label}:\\s+([\\d,]+)`).exec(stderr);
    if (m === null) throw new Error(`${what}: no "${label}" in cachegrind's output:\n${stderr.slice(-2000)}`);
    return Number((m[1] as string).replaceAll(',', ''));
  };
  const reads = /LL misses:\s+[\d,]+\s+\(\s*([\d,]+) rd/.exec(stderr);
  if (reads === null) throw new Error(`${what}: no LL read misses in cachegrind's output`);
  return {
    instructions: total('I   refs'),
    d1Misses: total('D1  misses'),
    llMisses: total('LL misses'),
    llReadMisses: Number((reads[1] as string).replaceAll(',', '')),
  };
}

/** Builds `checkout`'s dist/ when it is missing or older than its src/. */
function ensureBuilt(checkout: string): void {
  const entry = join(checkout, 'dist/detector/index.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(checkout, 'src'))) return;
  console.log(`building ${checkout}/dist (tsc -p tsconfig.build.json)`);
  const build = spawnSync(process.execPath, [join(checkout, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: checkout,
    encoding: 'utf8',
  });
  if (build.status !== 0 || !existsSync(entry)) throw new Error(`building ${checkout} failed:\n${build.stdout}`);
}

/**
 * The replay each measurement runs: profile.ts's choice of playbook, written out in plain JavaScript against a
 * checkout's dist/, through the calls every version has (loadPlaybook, parsePlaybook, replayFiles), so that an
 * older checkout than this script can be measured too.
 */
const RUNNER = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [root, file, which] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const { replayFiles } = await load('detector/index.js');
const { loadPlaybook, parsePlaybook } = await load('playbook/index.js');
const name = which.startsWith('6fb') ? '6fb-booking.yaml' : 'fotospiel-public-api.yaml';
const path = join(root, 'playbooks', name);
const shipped = readFileSync(path, 'utf8');
const withoutInclude = shipped.replace(/^include:.*\\n/m, '');
const loaded = which.endsWith('+http')
  ? parsePlaybook(withoutInclude.replace('rampart: 1\\n', 'rampart: 1\\ninclude: [http]\\n'), path)
  : which.endsWith('-own')
    ? parsePlaybook(withoutInclude, path)
    : await loadPlaybook(path);
if (!loaded.ok) throw new Error(name + ' does not load: ' + (loaded.errors[0]?.message ?? ''));
const playbook = which === 'none'
  ? { ...loaded.playbook, detection: { ...loaded.playbook.detection, rules: [] } }
  : loaded.playbook;
const result = await replayFiles([file], { playbook, tokenKey: 'bench-token-key-0123456789', format: 'nginx', threads: 1 });
console.log(which + ': ' + result.lines + ' lines, ' + result.signals.length + ' signals');
`;

/** One replay of `file` under cachegrind, with `checkout`'s built dist/. */
async function measure(checkout: string, playbook: string, file: string): Promise<Counts> {
  const args = [
    '--tool=cachegrind',
    '--cache-sim=yes',
    `--LL=${LL},16,64`,
    // V8 writes and rewrites machine code: cachegrind must see it change.
    '--smc-check=all-non-file',
    '--cachegrind-out-file=/dev/null',
    process.execPath,
    // One thread for everything, and (unless --heuristics) none of V8's heuristics that read the clock (when to
    // collect, how far to grow the young generation): without --predictable two runs of one build counted up to
    // 15 % apart per line, with it two runs of 90k lines were 0.04 % apart. But the collector then works
    // differently from a real run, so a change in what survives a collection shows less.
    '--single-threaded',
    ...(HEURISTICS ? [] : ['--predictable']),
    runner,
    checkout,
    file,
    playbook,
  ];
  const child = spawn('valgrind', args, { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  const what = `${checkout} ${playbook} ${file}`;
  if (code !== 0) throw new Error(`${what}: exited ${code}:\n${stderr.slice(-2000)}`);
  return countsOf(stderr, what);
}

/** The first `lines` lines of `from`, written to `to`. */
async function head(from: string, to: string, lines: number): Promise<void> {
  const out = createWriteStream(to);
  const input = createReadStream(from);
  const reader = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of reader) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    if (++n === lines) break;
  }
  reader.close();
  input.destroy();
  out.end();
  await once(out, 'finish');
  if (n < lines) throw new Error(`${from} has ${n} lines, fewer than ${lines}`);
}

const dir = await mkdtemp(join(tmpdir(), 'rampart-instructions-'));
const runner = join(dir, 'replay-once.mjs');
try {
  writeFileSync(runner, RUNNER);
  ensureBuilt(ROOT);
  if (BASE !== '') ensureBuilt(resolve(BASE));
  const whole = join(dir, 'bench.log');
  // profile.ts writes the bench's log when the file is missing (and replays it: the 'none' playbook is quick).
  // The whole 1M-line log, of which the window is the head: ordinary guest traffic. A log of only --to lines has
  // its enumeration attack in the middle, inside the window, and there two runs of one build counted up to 15 %
  // apart per line (signals, samples, evidence scans); on the head of the 1M-line log, 0.1-2 %.
  const made = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench/detector/profile.ts'),
      '--file',
      whole,
      '--lines',
      String(Math.max(TO, 1_000_000)),
      '--playbook',
      'none',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`generating the log failed:\n${made.stderr}`);
  const full = join(dir, 'to.log');
  await head(whole, full, TO);
  const short = join(dir, 'from.log');
  await head(whole, short, FROM);
  console.log(
    `per line of lines ${FROM}-${TO} of the bench's fotospiel log, one thread, cachegrind with a ${LL / 1024} KiB last level, ${HEURISTICS ? "V8's own collector heuristics" : "V8's predictable mode"}\n`,
  );
  const perLine = (a: Counts, b: Counts): Counts => ({
    instructions: (b.instructions - a.instructions) / (TO - FROM),
    d1Misses: (b.d1Misses - a.d1Misses) / (TO - FROM),
    llMisses: (b.llMisses - a.llMisses) / (TO - FROM),
    llReadMisses: (b.llReadMisses - a.llReadMisses) / (TO - FROM),
  });
  const row = (label: string, c: Counts, base?: Counts): string => {
    const ratio = (k: keyof Counts) => (base === undefined ? '' : ` (${(c[k] / base[k]).toFixed(2)}×)`);
    return [
      label.padEnd(44),
      `${Math.round(c.instructions).toLocaleString('en')}${ratio('instructions')}`.padStart(20),
      `${Math.round(c.d1Misses)}${ratio('d1Misses')}`.padStart(14),
      `${Math.round(c.llMisses)}${ratio('llMisses')}`.padStart(14),
      `${Math.round(c.llReadMisses)}${ratio('llReadMisses')}`.padStart(14),
    ].join('  ');
  };
  console.log(
    ['candidate'.padEnd(44), 'instructions'.padStart(20), 'D1 misses'.padStart(14), 'LL misses'.padStart(14), 'LL reads'.padStart(14)].join('  '),
  );
  const fewest = (runs: Counts[]): Counts =>
    runs.reduce((best, c) => (c.instructions < best.instructions ? c : best));
  const spread = (runs: Counts[]): number => {
    const counts = runs.map((c) => c.instructions);
    return Math.max(...counts) / Math.min(...counts) - 1;
  };
  for (const playbook of PLAYBOOKS) {
    const candidates = [
      ...(BASE !== '' ? [{ label: `${playbook}, --base`, checkout: resolve(BASE) }] : []),
      { label: `${playbook}, this checkout`, checkout: ROOT },
    ];
    const runs = new Map<string, Counts[]>(candidates.map((c) => [c.label, []]));
    // Alternating, so a change of the machine's state during the runs falls on both checkouts alike.
    for (let run = 1; run <= RUNS; run++) {
      for (const { label, checkout } of candidates) {
        const [a, b] = await Promise.all([measure(checkout, playbook, short), measure(checkout, playbook, full)]);
        const counts = perLine(a, b);
        (runs.get(label) as Counts[]).push(counts);
        console.log(row(`${label}, run ${run}`, counts));
      }
    }
    // The fewest instructions of each: with two or more runs each, most likely runs of the same mode (see above).
    const baseBest = BASE !== '' ? fewest(runs.get(`${playbook}, --base`) as Counts[]) : undefined;
    for (const { label } of candidates) {
      const all = runs.get(label) as Counts[];
      const best = fewest(all);
      const against = label.endsWith('--base') ? undefined : baseBest;
      console.log(row(`${label}, fewest of ${all.length}`, best, against));
      if (spread(all) > 0.05) {
        const apart = Math.round(spread(all) * 100);
        console.log(`  ${label}: its runs are ${apart} % apart (two modes): compare runs of one mode`);
      }
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
