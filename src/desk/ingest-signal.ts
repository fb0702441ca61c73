import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import { mergeScope } from '../domain/scope.js';
import type { TimelineEntry } from '../domain/timeline.js';
import { correlationKey } from '../domain/correlation-key.js';
import { RampartError } from '../shared/errors.js';
import type { StoreRepos } from '../store/ports.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { openIncidentIn, scopeInput } from './open-incident.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';
import { resolveSeverity } from './resolve-severity.js';
import { MAX_DURATION_MS, measure } from '../shared/input-bounds.js';

/** Samples are kept small: a handful of events is evidence enough on the timeline; the snapshot holds the rest. */
const MAX_SAMPLES = 5;

export const signalInput = z
  .object({
    service: z.string().min(1).max(100),
    rule: z.string().min(1).max(200),
    fingerprint: z.string().min(1).max(300),
    title: z.string().trim().min(1).max(300),
    severity: z.string().min(1).max(50).optional(),
    type: z.string().min(1).max(100).optional(),
    groupKey: z.string().max(300).optional(),
    /** The attacked entity (an address's /24, a token hash …): with the type, the incident it joins. */
    correlate: z.string().max(300).optional(),
    value: measure().optional(),
    threshold: measure().optional(),
    windowMs: z.number().int().nonnegative().max(MAX_DURATION_MS).optional(),
    at: z.iso.datetime().optional(),
    scope: scopeInput.optional(),
    samples: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
  })
  .strict();
export type SignalInput = z.infer<typeof signalInput>;

export interface IngestResult {
  incident: Incident;
  /** True when the signal joined the open incident with the same correlation key. */
  joined: boolean;
}

function describe(input: SignalInput): string {
  const parts = [`signal ${input.rule}`];
  if (input.groupKey) parts.push(`for ${input.groupKey}`);
  if (input.value !== undefined)
    parts.push(
      `value ${input.value}${input.threshold !== undefined ? ` (threshold ${input.threshold})` : ''}`,
    );
  return parts.join(' ');
}

/** Rounds of "not open → insert lost → look again"; more than one only when the winner was resolved at once. */
const OPEN_OR_JOIN_ATTEMPTS = 3;

/**
 * A signal opens an incident, or joins the open one with the same correlation key (domain/correlation-key.ts):
 * its scope is merged in and, if the signal is more severe, the severity is raised with the signal as the
 * reason. Several desks on one database can take signals of one attack at once: the database lets one open the
 * incident and the others join it, and a joiner holds the incident's row while it merges, so no scope is lost
 * and the severity is raised (and paged) once.
 */
export async function ingestSignal({ ctx, input }: ActionArgs<SignalInput>): Promise<IngestResult> {
  const policy = requireService(ctx, input.service);
  const signalLevel = resolveSeverity(policy, input.severity, input.type);
  const key = correlationKey(input);
  const signalData = {
    rule: input.rule,
    fingerprint: input.fingerprint,
    correlationKey: key,
    groupKey: input.groupKey ?? null,
    ...(input.correlate !== undefined ? { correlate: input.correlate } : {}),
    value: input.value ?? null,
    threshold: input.threshold ?? null,
    windowMs: input.windowMs ?? null,
    at: input.at ?? ctx.clock.now().toISOString(),
    samples: (input.samples ?? []).slice(0, MAX_SAMPLES),
  };

  return deskTransaction(ctx, async (tx, tell) => {
    for (let attempt = 0; attempt < OPEN_OR_JOIN_ATTEMPTS; attempt += 1) {
      const open = await tx.incidents.findOpenByKey(policy.name, key, { lock: true });
      if (open && !(await stale(tx, open))) return join(tx, open);
      const incident = await openIncidentIn(tx, ctx, {
        service: policy.name,
        title: input.title,
        severity: signalLevel.name,
        fingerprint: input.fingerprint,
        groupKey: input.groupKey,
        ...(input.correlate !== undefined ? { correlate: input.correlate } : {}),
        ...(input.type ? { type: input.type } : {}),
        ...(input.scope ? { scope: input.scope } : {}),
      });
      if (!incident) continue; // another desk opened it since the read above: join theirs
      await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'signal',
        summary: describe(input),
        data: signalData,
        action: 'signal.open',
      });
      await tell({ type: 'incident.opened', incident });
      return { incident, joined: false };
    }
    throw new RampartError(
      'RAMPART_CONFLICT',
      `signal ${input.rule}: the open incident for ${key} changed ${OPEN_OR_JOIN_ATTEMPTS} times while joining it; the signal will be retried`,
    );

    /**
     * An open incident untouched for longer than the join window no longer takes the attack's signals: it gives
     * its key up (it stays open, for a person to close) and the signal opens a fresh incident, paged anew.
     */
    async function stale(tx: StoreRepos, open: Incident): Promise<boolean> {
      const windowMs = policy.joinWindowMs;
      if (windowMs === undefined) return false;
      const idleMs = ctx.clock.now().getTime() - Date.parse(open.updatedAt);
      if (idleMs <= windowMs) return false;
      const entry = await recordChange(tx, ctx, {
        incidentId: open.id,
        kind: 'signal',
        summary: `no signal for longer than the join window (${Math.round(windowMs / 60_000)} min): a new signal of ${key} opens a new incident`,
        data: { correlationKey: key, released: true, joinWindowMs: windowMs },
        action: 'incident.correlation-released',
      });
      const updated =
        (await tx.incidents.update(open.id, {
          correlationKey: null,
          updatedAt: ctx.clock.now().toISOString(),
        })) ?? open;
      await tell({ type: 'incident.changed', incident: updated, entry });
      return true;
    }

    async function join(tx: StoreRepos, open: Incident): Promise<IngestResult> {
      const entries: TimelineEntry[] = [];
      entries.push(
        await recordChange(tx, ctx, {
          incidentId: open.id,
          kind: 'signal',
          summary: describe(input),
          data: signalData,
          action: 'signal.join',
        }),
      );
      const { scope, added } = mergeScope(open.scope, input.scope ?? {});
      const raise = signalLevel.rank < open.severityRank;
      if (Object.keys(added).length > 0) {
        entries.push(
          await recordChange(tx, ctx, {
            incidentId: open.id,
            kind: 'scope',
            summary: 'scope widened',
            data: { added },
            action: 'incident.scope',
          }),
        );
      }
      if (raise) {
        entries.push(
          await recordChange(tx, ctx, {
            incidentId: open.id,
            kind: 'severity',
            summary: `severity raised ${open.severity} → ${signalLevel.name}: signal ${input.rule}`,
            data: { from: open.severity, to: signalLevel.name, reason: `signal ${input.rule}` },
            action: 'incident.severity',
          }),
        );
      }
      const updated =
        (await tx.incidents.update(open.id, {
          scope,
          updatedAt: ctx.clock.now().toISOString(),
          ...(raise ? { severity: signalLevel.name, severityRank: signalLevel.rank } : {}),
        })) ?? open;
      for (const entry of entries) await tell({ type: 'incident.changed', incident: updated, entry });
      return { incident: updated, joined: true };
    }
  });
}
