/**
 * What a list costs in a filter: one rule's filter over one pattern against the same filter over a 5,000-entry
 * list, for each matcher (equals, starts_with, ends_with, contains, regex), on the request paths and user agents
 * of generated fotospiel traffic (the lists' entries are scanner paths and agents, so nearly every event is a
 * miss, as in production). Both run in the same process, interleaved, best of --runs; the ratio is what counts.
 *
 *   node --import tsx bench/detector/filter-lists.ts [--events 200000] [--runs 5]
 */
import type { RequestEvent } from '../../src/domain/request-event.js';
import { compileFilter } from '../../src/detector/rules/index.js';
import { getParser } from '../../src/detector/sources/parsers/index.js';
import { fotospielAccessLines } from '../../src/detector/testing/fotospiel-traffic.js';
import { filterSchema } from '../../src/playbook/schema/filter.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const EVENTS = arg('events', 200_000);
const RUNS = arg('runs', 5);
const LIST = 5_000;

const parser = getParser('nginx');
const events: RequestEvent[] = [];
for (const line of fotospielAccessLines({ lines: EVENTS, start: Date.UTC(2025, 9, 13), attack: true })) {
  const parsed = parser.parse(line, { service: 'guest-api', source: 'gateway', tokenKey: 'bench-key' });
  if (parsed.ok) events.push(parsed.event);
}

// Entries shaped like the real lists: scanner paths (10 folders × 500 probe names) and user-agent fragments.
const paths = Array.from({ length: LIST }, (_, i) => `/${['', 'old/', 'wp/', 'backup/', 'test/', 'dev/', 'site/', 'new/', 'blog/', 'admin/'][i % 10]}probe-${Math.floor(i / 10)}.php`);
const agents = Array.from({ length: LIST }, (_, i) => `scanner-${i}/1.${i % 7}`);
const regexes = Array.from({ length: LIST }, (_, i) => `probe-${i}\\.(?:php|asp)x?$`);

interface Case {
  name: string;
  one: unknown;
  many: unknown;
}

const CASES: Case[] = [
  { name: 'equals (path)', one: { path: { equals: paths[0] } }, many: { path: { equals: paths } } },
  { name: 'starts_with (path)', one: { path: { starts_with: paths[0] } }, many: { path: { starts_with: paths } } },
  { name: 'ends_with (path, ignore_case)', one: { path: { ends_with: paths[0], ignore_case: true } }, many: { path: { ends_with: paths, ignore_case: true } } },
  { name: 'contains (user_agent)', one: { user_agent: { contains: agents[0] } }, many: { user_agent: { contains: agents } } },
  { name: 'contains (path)', one: { path: { contains: paths[0] } }, many: { path: { contains: paths } } },
  { name: 'regex (path)', one: { path: { regex: regexes[0] } }, many: { path: { regex: regexes } } },
];

function time(filter: (e: RequestEvent) => boolean): { ns: number; hits: number } {
  let hits = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) if (filter(events[i] as RequestEvent)) hits++;
  return { ns: Number(process.hrtime.bigint() - started) / events.length, hits };
}

const routes = new Map<string, string>();
console.log(`${events.length} events of generated fotospiel traffic; lists of ${LIST} entries; best of ${RUNS} runs\n`);
console.log(`${'matcher'.padEnd(30)} ${'compile ms'.padStart(10)} ${'1 entry ns/ev'.padStart(14)} ${`${LIST} ns/ev`.padStart(12)} ${'ratio'.padStart(7)}`);
for (const c of CASES) {
  const one = compileFilter(filterSchema.parse(c.one), routes, 'bench.one');
  const compileStart = performance.now();
  const many = compileFilter(filterSchema.parse(c.many), routes, 'bench.many');
  const compileMs = performance.now() - compileStart;
  let bestOne = Infinity;
  let bestMany = Infinity;
  for (let run = 0; run < RUNS; run++) {
    bestOne = Math.min(bestOne, time(one).ns);
    bestMany = Math.min(bestMany, time(many).ns);
  }
  console.log(
    `${c.name.padEnd(30)} ${compileMs.toFixed(0).padStart(10)} ${bestOne.toFixed(0).padStart(14)} ${bestMany.toFixed(0).padStart(12)} ${(bestMany / bestOne).toFixed(1).padStart(7)}`,
  );
}
