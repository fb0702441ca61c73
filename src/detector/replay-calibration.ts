import { createReadStream } from 'node:fs';
import type { RequestEvent } from '../domain/request-event.js';
import type { Playbook, RuleSpec } from '../playbook/index.js';
import { createDetector } from './engine.js';
import type { FilePlan } from './replay.js';
import { parserOptionsOf } from './replay.js';
import { compileRules } from './rules/index.js';
import { getParser } from './sources/parsers/index.js';
import { queryTokensOf } from './token-locations.js';

/** The head of the biggest file a calibration reads: enough lines to rank rules, a few per cent of a big replay. */
export const CALIBRATION_BYTES = 512 * 1024;
const ROUNDS = 3;
/** A head with fewer events than this says too little to split by. */
const MIN_EVENTS = 500;

/**
 * The work every thread does per line besides the rules (reading, splitting, parsing, enrichment, the engine), as
 * a multiple of the head's warm parse: 1. Measured on bench/detector's 1M-line file, the head's parse time scaled
 * to the file was 1.0–1.3 × the "no rules" replay (the head's parse is not yet fully optimised, which makes up for
 * the work it leaves out).
 */
const SHARED_PER_EVENT = 1;

/**
 * What each unit of rules costs on this replay's own traffic, in ms: the head of the biggest file is parsed,
 * run through every rule to warm the code, then through each unit alone, timed. A rule's cost depends on the
 * traffic (how many events its filter passes, how many keys it keeps) more than on its shape, so a split by
 * measured cost is even where one by estimate is not. Undefined when the head holds fewer than MIN_EVENTS events.
 */
export async function measureUnitCosts(
  plan: FilePlan,
  playbook: Playbook,
  tokenKey: string,
  units: readonly RuleSpec[][],
  headBytes = CALIBRATION_BYTES,
): Promise<HeadCosts | undefined> {
  const { events, parseMs, bytes } = await headEvents(plan, playbook, tokenKey, headBytes);
  // Too few events to rank rules by (a short file, a head of lines that are not this format): not measured.
  if (events.length < MIN_EVENTS) return undefined;
  const compiled = compileRules(playbook);
  const byName = new Map(compiled.map((rule) => [rule.name, rule]));
  // The warm-up also enriches the events (route, token) once, as the replay would.
  const warm = createDetector({
    playbooks: [{ ...playbook, detection: { ...playbook.detection, rules: [] } }],
    rules: compiled,
    tokenKey,
    recent: { maxEvents: 16 },
    onSignal: () => {},
  });
  for (const event of events) warm.ingest(event);
  // Each unit runs ROUNDS times from fresh keys, units taking turns, and its fastest run counts: a unit's run is a
  // millisecond or two, and one collection pause in it would double its figure.
  const unitRules = units.map((unit) => unit.flatMap((rule) => byName.get(rule.name) ?? []));
  const unitMs = units.map(() => Infinity);
  for (let round = 0; round < ROUNDS; round++)
    unitRules.forEach((rules, i) => {
      const detector = createDetector({
        playbooks: [],
        rules,
        recent: { maxEvents: 16 },
        onSignal: () => {},
      });
      const started = performance.now();
      for (const event of events) detector.ingest(event);
      unitMs[i] = Math.min(unitMs[i] ?? Infinity, performance.now() - started);
    });
  return { unitMs, parseMs, bytes };
}

/** What the head of a file cost: ms to parse its lines, ms per unit of rules, and its size. */
export interface HeadCosts {
  unitMs: number[];
  parseMs: number;
  bytes: number;
}

async function headEvents(
  plan: FilePlan,
  playbook: Playbook,
  tokenKey: string,
  headBytes: number,
): Promise<{ events: RequestEvent[]; parseMs: number; bytes: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(plan.file, { start: 0, end: headBytes - 1 }))
    chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  const lines = head.toString('utf8').split('\n');
  // A file longer than the head: its last piece is a line cut in half.
  if (head.length === headBytes) lines.pop();
  const parser = getParser(plan.format, parserOptionsOf(plan.spec));
  const ctx = {
    service: playbook.service.name,
    source: plan.source,
    tokenKey,
    queryTokens: queryTokensOf(playbook),
  };
  const events: RequestEvent[] = [];
  for (const line of lines) {
    const parsed = parser.parse(line, ctx);
    if (parsed.ok) events.push(parsed.event);
  }
  // Timed warm, as it runs over the rest of the file (see SHARED_PER_EVENT): in a fresh process the first passes
  // run unoptimised code, and a cold figure made the choice flip between runs. Fastest of ROUNDS, after one more.
  let parseMs = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    const started = performance.now();
    for (const line of lines) parser.parse(line, ctx);
    if (round > 0) parseMs = Math.min(parseMs, (performance.now() - started) * SHARED_PER_EVENT);
  }
  return { events, parseMs, bytes: head.length };
}
