import { recordAction, type DeskContext } from '../desk/index.js';
import { isInForce, shownTarget, type Mitigation } from '../domain/mitigation.js';
import type { HookSpec, Playbook } from '../playbook/index.js';
import type { HookEvent } from '../playbook/schema/enforcement.js';
import type { Logger } from '../shared/logger.js';
import { describeHookResult, hookFields, runHook, type HookResult } from './run-hook.js';

const MAX_IN_FORCE = 10_000;

export interface HookLoop {
  /** One pass: run `apply` for new mitigations, `lift`/`expire` for ended ones; one at a time. */
  reconcile(): Promise<void>;
  /** Resolves when no pass is running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the playbooks' action hooks, as fail2ban runs its actions: `apply` once for each mitigation of a hook's
 * kinds, `lift` or `expire` once when it ends. Each run is claimed in the store first (one row per mitigation
 * and hook), so several desks on one database run it once, and a restarted desk runs `apply` for what came
 * while it was down. Ends are noticed by a short poll (expiry needs no write) and at once for this desk's
 * own changes (`reconcile` is called on its desk events).
 */
export function startHookLoop(options: {
  playbooks: readonly Playbook[];
  ctx: DeskContext;
  logger: Logger;
  cwd: string;
  intervalMs?: number;
}): HookLoop {
  const { ctx, logger } = options;
  const hooksOf = new Map<string, HookSpec[]>();
  for (const p of options.playbooks)
    if (p.enforcement.hooks.length > 0) hooksOf.set(p.service.name, p.enforcement.hooks);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const run = async (hook: HookSpec, event: HookEvent, m: Mitigation): Promise<HookResult> => {
    const result = await runHook(
      { name: hook.name, command: hook.command, timeoutMs: hook.timeout, env: hook.env },
      hookFields(event, m, ctx.clock.now()),
      { cwd: options.cwd },
    );
    const summary = `hook ${hook.name} ${event} ${m.kind} ${shownTarget(m)}: ${describeHookResult(result)}`;
    if (!result.ok) logger.warn({ hook: hook.name, event, mitigation: m.id, output: result.output }, summary);
    if (m.incidentId) {
      await recordAction({
        ctx,
        input: {
          id: m.incidentId,
          summary,
          data: {
            mitigation: m.id,
            hook: hook.name,
            event,
            ok: result.ok,
            exitCode: result.exitCode,
            timedOut: result.timedOut,
            ms: Math.round(result.ms),
            output: result.output,
            truncated: result.truncated,
          },
        },
      }).catch((error: unknown) =>
        logger.warn({ err: error, mitigation: m.id }, 'hook result not on the timeline'),
      );
    }
    return result;
  };

  const applyNew = async (now: Date) => {
    for (const [service, hooks] of hooksOf) {
      const inForce = await ctx.store.mitigations.list({
        service,
        inForceAt: now.toISOString(),
        limit: MAX_IN_FORCE,
      });
      for (const m of inForce.reverse()) {
        for (const hook of hooks) {
          if (!hook.kinds.includes(m.kind) || !hook.on.includes('apply')) continue;
          const point = { mitigationId: m.id, pointKind: 'hook' as const, pointName: hook.name };
          if (!(await ctx.store.enforcement.claim({ ...point, at: ctx.clock.now().toISOString() }))) continue;
          const result = await run(hook, 'apply', m);
          await ctx.store.enforcement.settle({
            ...point,
            at: ctx.clock.now().toISOString(),
            state: result.ok ? 'enforcing' : 'failed',
            detail: `${describeHookResult(result)}${result.output ? `: ${result.output.trim()}` : ''}`,
          });
        }
      }
    }
  };

  const endOld = async (now: Date) => {
    for (const record of await ctx.store.enforcement.listOpen('hook', MAX_IN_FORCE)) {
      if (record.state === 'pending') continue;
      const m = await ctx.store.mitigations.get(record.mitigationId);
      if (m && isInForce(m, now)) continue;
      const hook = m ? hooksOf.get(m.service)?.find((h) => h.name === record.pointName) : undefined;
      const event: HookEvent = m?.liftedAt ? 'lift' : 'expire';
      const point = {
        mitigationId: record.mitigationId,
        pointKind: 'hook' as const,
        pointName: record.pointName,
      };
      // Conditional: of several desks, the one that ends the record runs the hook.
      const released = await ctx.store.enforcement.release({
        ...point,
        at: ctx.clock.now().toISOString(),
        detail: hook?.on.includes(event) ? `${event}: running` : `${event}: no ${event} action`,
      });
      if (!released || !m || !hook || !hook.on.includes(event)) continue;
      const result = await run(hook, event, m);
      logger.info({ hook: hook.name, event, mitigation: m.id, ok: result.ok }, 'hook ran');
    }
  };

  const pass = async () => {
    const now = ctx.clock.now();
    await applyNew(now);
    await endOld(now);
  };

  const reconcile = (): Promise<void> => {
    if (stopped || hooksOf.size === 0) return Promise.resolve();
    if (running) {
      // A change arrived during a pass: one more pass after it, so nothing waits for the next tick.
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pass().catch((error: unknown) => logger.warn({ err: error }, 'hook pass failed; retrying'));
      } while (again && !stopped);
    })().finally(() => (running = undefined));
    return running;
  };

  const timer =
    hooksOf.size > 0 ? setInterval(() => void reconcile(), options.intervalMs ?? 1000) : undefined;
  timer?.unref();
  return {
    reconcile,
    idle: () => running ?? Promise.resolve(),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
