/**
 * Desk store benchmark: the write path of a busy incident (each timeline append in its own transaction with
 * the incident's updatedAt bump, as the desk does it), a batched variant, then the read paths of the
 * dashboard (list incidents, show one incident with its full timeline). Runs on SQLite, PostgreSQL or both,
 * each in a fresh temp file / schema that is removed at the end.
 *
 *   node --import tsx bench/desk/run.ts [--engine sqlite|postgres|both] [--incidents 1000] [--entries 100000]
 *     [--batch 100] [--batched-entries 10000] [--concurrency 8] [--concurrent-entries 20000] [--samples 200]
 *     [--max-seconds 600]
 */
import { parseArgs } from 'node:util';
import { emptyScope } from '../../src/domain/scope.js';
import type { TimelineKind } from '../../src/domain/timeline.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/ports.js';
import {
  postgresEngine,
  sqliteEngine,
  type ContractEngine,
} from '../../src/store/testing/contract-engines.js';

interface Row {
  engine: string;
  operation: string;
  count: number;
  seconds: number;
  latencies: number[];
}

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    incidents: { type: 'string', default: '1000' },
    entries: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '100' },
    'batched-entries': { type: 'string', default: '10000' },
    samples: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    'concurrent-entries': { type: 'string', default: '20000' },
    'max-seconds': { type: 'string', default: '600' },
  },
});

function positive(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

const config = {
  incidents: positive('incidents', values.incidents, 100_000),
  entries: positive('entries', values.entries, 2_000_000),
  batch: positive('batch', values.batch, 10_000),
  batchedEntries: positive('batched-entries', values['batched-entries'], 2_000_000),
  samples: positive('samples', values.samples, 100_000),
  concurrency: positive('concurrency', values.concurrency, 64),
  concurrentEntries: positive('concurrent-entries', values['concurrent-entries'], 2_000_000),
  // Every timed loop stops at this bound even if the machine is far slower than expected.
  maxSeconds: positive('max-seconds', values['max-seconds'], 3600),
};
const engines: ContractEngine[] =
  values.engine === 'sqlite'
    ? [sqliteEngine]
    : values.engine === 'postgres'
      ? [postgresEngine('rampart_bench')]
      : values.engine === 'both'
        ? [sqliteEngine, postgresEngine('rampart_bench')]
        : (() => {
            throw new Error('--engine must be sqlite, postgres or both');
          })();

const KINDS: TimelineKind[] = ['signal', 'note', 'evidence', 'checklist', 'notification'];

/**
 * Runs `op` for i = 0..count-1, timing each, with `workers` callers at once (1 = one after the other),
 * until done or the time bound passes.
 */
async function timed(
  engine: string,
  operation: string,
  count: number,
  op: (i: number) => Promise<void>,
  workers = 1,
): Promise<Row> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + config.maxSeconds * 1000;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return {
    engine,
    operation,
    count: latencies.length,
    seconds: (performance.now() - start) / 1000,
    latencies,
  };
}

async function benchEngine(engine: ContractEngine): Promise<Row[]> {
  const target = await engine.create();
  let store: Store | undefined;
  try {
    store = await openStore(target.url, { cwd: target.cwd });
    const s = store;
    const base = Date.parse('2026-01-05T10:00:00.000Z');
    const iso = (i: number): string => new Date(base + i * 1000).toISOString();
    const ids: string[] = [];
    const rows: Row[] = [];
    const log = (row: Row): void => {
      rows.push(row);
      console.error(`  ${row.engine} ${row.operation}: ${row.count} in ${row.seconds.toFixed(1)} s`);
    };

    log(
      await timed(engine.name, 'create incident', config.incidents, async (i) => {
        const incident = await s.incidents.create({
          title: `bench incident ${i}`,
          service: `svc-${i % 10}`,
          severity: 'SEV-2',
          severityRank: 2,
          status: 'triggered',
          fingerprint: `fp-${i}`,
          type: 'brute-force',
          commander: null,
          scope: emptyScope(),
          createdAt: iso(i),
        });
        ids.push(incident.id);
      }),
    );
    const idOf = (i: number): string => ids[i % ids.length] ?? '';
    const entry = (i: number): Parameters<Store['timeline']['append']>[0] => ({
      incidentId: idOf(i),
      at: iso(i),
      actor: 'detector',
      kind: KINDS[i % KINDS.length] ?? 'note',
      summary: `rate:ip 203.0.113.${i % 250} exceeded 120/min (${i})`,
      data: { rule: 'per-ip', value: 120 + (i % 50), window: '1m', ip: `203.0.113.${i % 250}` },
    });

    log(
      await timed(engine.name, 'append (1 per tx)', config.entries, async (i) => {
        await s.transaction(async (tx) => {
          const e = await tx.timeline.append(entry(i));
          await tx.incidents.update(e.incidentId, { updatedAt: e.at });
        });
      }),
    );

    const offset = config.entries;
    log(
      await timed(
        engine.name,
        `append (1 per tx, ${config.concurrency} at once)`,
        config.concurrentEntries,
        async (i) => {
          await s.transaction(async (tx) => {
            const e = await tx.timeline.append(entry(offset + i));
            await tx.incidents.update(e.incidentId, { updatedAt: e.at });
          });
        },
        config.concurrency,
      ),
    );

    const batches = Math.ceil(config.batchedEntries / config.batch);
    const batched = await timed(engine.name, `append (${config.batch} per tx)`, batches, async (b) => {
      await s.transaction(async (tx) => {
        const first = config.entries + config.concurrentEntries + b * config.batch;
        for (let i = first; i < first + config.batch; i++) await tx.timeline.append(entry(i));
        await tx.incidents.update(idOf(first), { updatedAt: iso(first) });
      });
    });
    // Reported per entry so it compares with the row above; latencies stay per transaction.
    log({ ...batched, count: batched.count * config.batch });

    log(
      await timed(engine.name, `list ${config.incidents} incidents`, 50, async () => {
        await s.incidents.list({ limit: config.incidents });
      }),
    );
    log(
      await timed(engine.name, 'show (get + full timeline)', config.samples, async (i) => {
        const id = idOf((i * 7919) % ids.length);
        const [incident, timeline] = await Promise.all([s.incidents.get(id), s.timeline.list(id)]);
        if (incident === undefined || timeline.length === 0)
          throw new Error(`incident ${id} came back empty`);
      }),
    );
    return rows;
  } finally {
    await store?.close();
    await target.drop();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function printTable(rows: Row[]): void {
  const header = ['engine', 'operation', 'count', 'total s', 'ops/s', 'p50 ms', 'p99 ms'];
  const lines = rows.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return [
      r.engine,
      r.operation,
      String(r.count),
      r.seconds.toFixed(2),
      (r.count / r.seconds).toFixed(0),
      percentile(sorted, 50).toFixed(2),
      percentile(sorted, 99).toFixed(2),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? '').length)));
  const fmt = (cells: string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(fmt(line));
}

const all: Row[] = [];
for (const engine of engines) {
  console.error(`${engine.name}: ${config.incidents} incidents, ${config.entries} entries …`);
  all.push(...(await benchEngine(engine)));
}
printTable(all);
