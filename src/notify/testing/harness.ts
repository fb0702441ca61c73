import { Writable } from 'node:stream';
import { policyFromPlaybook } from '../../app/service-policies.js';
import { catalogOf, deskEventBus, type DeskContext } from '../../desk/index.js';
import { loadPlaybook, type Playbook } from '../../playbook/index.js';
import type { Clock } from '../../shared/clock.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { Store } from '../../store/ports.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../notifier.js';

export async function fotospielPlaybook(): Promise<Playbook> {
  const result = await loadPlaybook(
    new URL('../../../playbooks/fotospiel-public-api.yaml', import.meta.url).pathname,
  );
  if (!result.ok) throw new Error(`seed playbook does not load: ${JSON.stringify(result.errors[0])}`);
  return result.playbook;
}

/** A logger whose lines land in `lines`, so tests can grep what would reach the log. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** The desk wired to a notifier the way compose.ts does it: enqueued inside the desk's transactions. */
export function deskWithNotifier(
  options: {
    store: Store;
    clock: Clock;
    playbook: Playbook;
    env: Record<string, string>;
    logger: Logger;
  } & Partial<NotifierOptions>,
): { notifier: Notifier; ctx: (actor: string) => DeskContext } {
  const { store, clock, playbook, env, logger, ...rest } = options;
  const notifier = createNotifier({
    store,
    clock,
    playbooks: [playbook],
    env,
    logger,
    random: () => 0.5,
    ...rest,
  });
  const events = deskEventBus();
  events.onWithin(async (tx, event) => {
    await notifier.enqueueWithin(tx, event);
  });
  events.on((event) => notifier.onDeskEvent(event));
  const services = catalogOf([policyFromPlaybook(playbook)]);
  return { notifier, ctx: (actor) => ({ store, clock, services, actor, events }) };
}
