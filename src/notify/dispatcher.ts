import { randomUUID } from 'node:crypto';
import type { Logger } from '../shared/logger.js';
import type { OutboxMessage, OutboxOutcome, Store } from '../store/ports.js';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Channel, ChannelKind, DeliveryResult } from './channels/channel.js';
import type { ChannelTarget, NotifyMessage } from './message.js';
import { describeDelivery, NOTIFY_ACTOR } from './outbox.js';
import { settleNotifyStepOnDelivery } from './settle-notify-step.js';

export interface DispatcherOptions {
  store: Store;
  channels: ReadonlyMap<ChannelKind, Channel>;
  logger: Logger;
  /** Names this process's claims; a fresh id per dispatcher unless a test pins it. */
  owner?: string;
  /**
   * How long a claim holds without renewal. While a receiver is being waited on, the lease is renewed every
   * `heartbeatMs`, so a slow receiver keeps it; a dispatcher that dies mid-send gives the message up after this.
   */
  leaseMs?: number;
  /** How often a held lease is renewed; a third of the lease by default. */
  heartbeatMs?: number;
  /** Messages this dispatcher sends at once, so one slow receiver does not hold back the others' pages. */
  concurrency?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export interface DispatchSummary {
  delivered: number;
  retried: number;
  failed: number;
}

export interface Dispatcher {
  dispatchDue(now: Date): Promise<DispatchSummary>;
}

/** Claims one run makes at most; the next run (a second later) goes on. */
const MAX_CLAIMS_PER_RUN = 1000;
export const DEFAULT_LEASE_MS = 30_000;

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const owner = options.owner ?? `dispatcher-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const { store, logger } = options;
  let claimSeq = 0;

  async function attempt(row: OutboxMessage): Promise<DeliveryResult> {
    const channel = options.channels.get(row.channel as ChannelKind);
    if (!channel) return { outcome: 'failed', reason: `no ${row.channel} channel is configured` };
    try {
      return await channel.send(
        row.payload as unknown as NotifyMessage,
        row.target as unknown as ChannelTarget,
      );
    } catch (error) {
      // A channel should not throw; if one does, treat it like a network error rather than lose the message.
      return {
        outcome: 'retry',
        reason: `channel error: ${error instanceof Error ? error.name : 'unknown'}`,
      };
    }
  }

  function outcomeOf(row: OutboxMessage, result: DeliveryResult, now: Date): OutboxOutcome {
    const at = now.toISOString();
    if (result.outcome === 'delivered') return { status: 'delivered', at };
    if (result.outcome === 'failed') return { status: 'failed', at, error: result.reason };
    if (row.attempts >= policy.maxAttempts) {
      return { status: 'failed', at, error: `gave up after ${row.attempts} attempts: ${result.reason}` };
    }
    const wait = result.afterMs ?? backoffMs(row.attempts, policy, random);
    return {
      status: 'pending',
      at,
      nextAttemptAt: new Date(now.getTime() + wait).toISOString(),
      error: result.reason,
    };
  }

  async function record(row: OutboxMessage, lease: string, outcome: OutboxOutcome): Promise<boolean> {
    return store.transaction(async (tx) => {
      // Conditional on this claim's lease (see OutboxRepo.complete): when another dispatcher took the message
      // over, its result stands and this one writes nothing, not even a timeline entry.
      const done = await tx.outbox.complete(row.id, lease, outcome);
      if (!done) return false;
      if (outcome.status === 'pending' || done.incidentId === null) return true;
      const message = row.payload as unknown as NotifyMessage;
      const what = describeDelivery(done);
      const summary =
        outcome.status === 'delivered'
          ? `${what} delivered: ${message.subject ?? message.headline}`
          : `${what} failed: ${outcome.error}`;
      const data = {
        outboxId: done.id,
        deliveryId: message.deliveryId,
        status: outcome.status,
        channel: done.channel,
        audience: done.audience,
        event: message.event,
        attempts: done.attempts,
        ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
      };
      await tx.timeline.append({
        incidentId: done.incidentId,
        at: outcome.at,
        actor: NOTIFY_ACTOR,
        kind: 'notification',
        summary,
        data,
      });
      await tx.audit.append({
        at: outcome.at,
        actor: NOTIFY_ACTOR,
        action: `notification.${outcome.status}`,
        target: done.incidentId,
        details: data,
      });
      await settleNotifyStepOnDelivery(tx, {
        incidentId: done.incidentId,
        event: message.event,
        delivered: outcome.status === 'delivered',
        what: outcome.status === 'delivered' ? `${what} delivered` : `${what} failed: ${outcome.error}`,
        at: outcome.at,
      });
      return true;
    });
  }

  /** Sends one claimed message, renewing its lease while the receiver is waited on, and records the outcome. */
  async function deliver(
    row: OutboxMessage,
    lease: string,
    leaseUntil: () => string,
    now: Date,
    summary: DispatchSummary,
  ): Promise<void> {
    const fields = {
      outbox: row.id,
      incident: row.incidentId,
      channel: row.channel,
      audience: row.audience,
      attempts: row.attempts,
    };
    let lost = false;
    let renewing: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewing = renewing
        .then(() => store.outbox.renewLease(row.id, lease, leaseUntil()))
        .then((held) => {
          if (!held && !lost) {
            lost = true;
            logger.warn(fields, 'notification lease lost while its receiver was being waited on');
          }
        })
        .catch((error: unknown) => logger.warn({ ...fields, err: error }, 'notification lease not renewed'));
    }, heartbeatMs);
    let result: DeliveryResult;
    try {
      result = await attempt(row);
    } finally {
      clearInterval(heartbeat);
      await renewing;
    }
    const outcome = outcomeOf(row, result, now);
    if (!(await record(row, lease, outcome))) {
      logger.warn(fields, 'notification lease lost before its outcome was recorded');
      return;
    }
    if (outcome.status === 'delivered') {
      summary.delivered += 1;
      logger.info(fields, 'notification delivered');
    } else if (outcome.status === 'pending') {
      summary.retried += 1;
      logger.warn(
        { ...fields, reason: outcome.error, nextAttemptAt: outcome.nextAttemptAt },
        'notification will be retried',
      );
    } else {
      summary.failed += 1;
      logger.error({ ...fields, reason: outcome.error }, 'notification failed');
    }
  }

  return {
    /**
     * Sends what is due at `now`. Each message is claimed on its own with its own lease (never a batch whose
     * later messages' leases run out while earlier ones are sent), by `concurrency` workers at once.
     */
    async dispatchDue(now: Date): Promise<DispatchSummary> {
      const summary: DispatchSummary = { delivered: 0, retried: 0, failed: 0 };
      // Leases follow the time that really passes during the run, counted from `now` (which tests may set).
      const started = performance.now();
      const leaseUntil = () =>
        new Date(now.getTime() + (performance.now() - started) + leaseMs).toISOString();
      let claims = 0;
      const worker = async () => {
        while (claims < MAX_CLAIMS_PER_RUN) {
          claims += 1;
          claimSeq += 1;
          // One lease name per claim, so a message this dispatcher took over from itself is still told apart.
          const lease = `${owner}#${claimSeq}`;
          const row = await store.outbox.claimNext(now.toISOString(), lease, leaseUntil());
          if (!row) return;
          await deliver(row, lease, leaseUntil, now, summary);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return summary;
    },
  };
}
