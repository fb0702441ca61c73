import { randomUUID } from 'node:crypto';
import type { Logger } from '../shared/logger.js';
import type { OutboxMessage, OutboxOutcome, Store } from '../store/ports.js';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Channel, ChannelKind, DeliveryResult } from './channels/channel.js';
import type { ChannelTarget, NotifyMessage } from './message.js';
import { describeDelivery, NOTIFY_ACTOR } from './outbox.js';

export interface DispatcherOptions {
  store: Store;
  channels: ReadonlyMap<ChannelKind, Channel>;
  logger: Logger;
  /** Names this process's claims; a fresh id per dispatcher unless a test pins it. */
  owner?: string;
  /** How long a claim holds; a dispatcher that dies mid-send gives the message up after this. */
  leaseMs?: number;
  batchSize?: number;
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

const MAX_ROUNDS = 100;

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const owner = options.owner ?? `dispatcher-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 120_000;
  const batch = options.batchSize ?? 20;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const { store, logger } = options;

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

  async function record(row: OutboxMessage, outcome: OutboxOutcome): Promise<boolean> {
    return store.transaction(async (tx) => {
      const done = await tx.outbox.complete(row.id, owner, outcome);
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
      return true;
    });
  }

  return {
    async dispatchDue(now: Date): Promise<DispatchSummary> {
      const summary: DispatchSummary = { delivered: 0, retried: 0, failed: 0 };
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
        const claimed = await store.outbox.claimDue(now.toISOString(), owner, leaseUntil, batch);
        for (const row of claimed) {
          const result = await attempt(row);
          const outcome = outcomeOf(row, result, now);
          const kept = await record(row, outcome);
          const fields = {
            outbox: row.id,
            incident: row.incidentId,
            channel: row.channel,
            audience: row.audience,
            attempts: row.attempts,
          };
          if (!kept) {
            logger.warn(fields, 'notification lease lost before its outcome was recorded');
            continue;
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
        if (claimed.length < batch) break;
      }
      return summary;
    },
  };
}
