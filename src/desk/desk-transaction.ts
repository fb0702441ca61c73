import type { StoreRepos } from '../store/ports.js';
import type { DeskContext } from './context.js';
import type { DeskEvent } from './desk-events.js';

/** Tells a desk event from inside the transaction; the bus hears it again once the change has committed. */
export type Tell = (event: DeskEvent) => Promise<void>;

/**
 * Runs a desk change in one transaction. Each event the change tells is handed to the transactional listeners
 * inside it (the outbox rows of the notifications it causes commit with it, or not at all) and, after the
 * commit, to the ordinary listeners.
 */
export async function deskTransaction<T>(
  ctx: DeskContext,
  work: (tx: StoreRepos, tell: Tell) => Promise<T>,
): Promise<T> {
  let told: DeskEvent[] = [];
  const value = await ctx.store.transaction(async (tx) => {
    told = [];
    return work(tx, async (event) => {
      await ctx.events?.within?.(tx, event);
      told.push(event);
    });
  });
  for (const event of told) ctx.events?.emit(event);
  return value;
}
