import type { Mitigation } from '../domain/mitigation.js';
import type { GatewayState } from '../gateway/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/ports.js';

export interface MitigationSync {
  /** Loads what is in force now; resolves once the gateway enforces it. */
  start(): Promise<void>;
  /** Applies at once a change made in this process (no waiting for the next poll). */
  applied(mitigation: Mitigation): Promise<void>;
  lifted(mitigation: Mitigation): Promise<void>;
  /** One pass of store → gateway state; exposed for tests. */
  reconcile(): Promise<void>;
  stop(): void;
}

const MAX_IN_FORCE = 10_000;

/**
 * Keeps a gateway's state in step with the store, where every mitigation is recorded. Changes made in this
 * process arrive at once through `applied`/`lifted`; changes made by another process (the CLI in a second
 * terminal, another desk) are picked up by a short poll of the in-force mitigations — a small indexed query.
 * Expiry needs no sync: the state compares expiresAt with the request's time.
 */
export function syncMitigations(options: {
  store: Store;
  state: GatewayState;
  service: string;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /**
   * Records that this gateway has a mitigation (its acknowledgement as an enforcement point), once per
   * mitigation, and that it let one go. Failures are logged and retried on the next pass.
   */
  acknowledge?: (mitigation: Mitigation) => Promise<void>;
  release?: (mitigation: Mitigation) => Promise<void>;
  /**
   * Says this gateway is alive (refreshes its holds, so they do not read as stale), at most every
   * `heartbeatMs` (15 s by default) of the passes. A failure is logged and retried on the next pass.
   */
  heartbeat?: () => Promise<void>;
  heartbeatMs?: number;
}): MitigationSync {
  const { store, state, service, clock, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** Mitigations this gateway has acknowledged; pruned to what is in force, so bounded like the state. */
  const acknowledged = new Set<string>();
  let lastBeat = Number.NEGATIVE_INFINITY;

  const acknowledge = async (m: Mitigation) => {
    if (!options.acknowledge || acknowledged.has(m.id)) return;
    try {
      await options.acknowledge(m);
      acknowledged.add(m.id);
    } catch (error) {
      logger.warn({ mitigation: m.id, err: error }, 'gateway acknowledgement not recorded; retrying');
    }
  };

  const release = async (m: Mitigation) => {
    if (!acknowledged.delete(m.id) || !options.release) return;
    await options
      .release(m)
      .catch((error: unknown) =>
        logger.warn({ mitigation: m.id, err: error }, 'gateway release not recorded'),
      );
  };

  const applyQuietly = async (m: Mitigation) => {
    try {
      await state.apply(m);
    } catch (error) {
      logger.warn({ mitigation: m.id, kind: m.kind, err: error }, 'gateway refused a mitigation');
      return;
    }
    await acknowledge(m);
  };

  const pass = async () => {
    const now = clock.now().toISOString();
    const [inStore, inState] = await Promise.all([
      store.mitigations.list({ service, inForceAt: now, limit: MAX_IN_FORCE }),
      state.list(),
    ]);
    const stateIds = new Set(inState.map((m) => m.id));
    const storeIds = new Set(inStore.map((m) => m.id));
    for (const m of inStore) {
      if (!stateIds.has(m.id)) await applyQuietly(m);
      // Shared state (Redis): another gateway put it there, and this one enforces it too.
      else await acknowledge(m);
    }
    for (const m of inState) {
      if (storeIds.has(m.id)) continue;
      await state.lift(m.id, m.liftedBy ?? 'sync');
      await release(m);
    }
    for (const id of acknowledged) {
      if (storeIds.has(id)) continue;
      const ended = await store.mitigations.get(id);
      if (ended) await release(ended);
      else acknowledged.delete(id);
    }
    const at = clock.now().getTime();
    if (options.heartbeat && at - lastBeat >= (options.heartbeatMs ?? 15_000)) {
      lastBeat = at;
      await options
        .heartbeat()
        .catch((error: unknown) => logger.warn({ err: error, service }, 'gateway heartbeat not recorded'));
    }
  };

  const reconcile = () => {
    // One pass at a time: a slow store must not pile up overlapping passes.
    running ??= pass()
      .catch((error: unknown) => logger.warn({ err: error, service }, 'mitigation sync failed; retrying'))
      .finally(() => (running = undefined));
    return running;
  };

  return {
    async start() {
      await pass();
      timer = setInterval(() => void reconcile(), options.intervalMs ?? 250);
      timer.unref();
    },
    async applied(m) {
      if (m.service === service) await applyQuietly(m);
    },
    async lifted(m) {
      if (m.service !== service) return;
      await state.lift(m.id, m.liftedBy ?? 'desk');
      await release(m);
    },
    reconcile,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
