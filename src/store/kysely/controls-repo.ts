import { sql, type Kysely } from 'kysely';
import type { ControlsRepo, RefusalCount } from '../ports.js';
import type { Database } from './schema.js';

export class KyselyControlsRepo implements ControlsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async addRefusals(deltas: readonly { mitigationId: string; count: number; at: string }[]): Promise<void> {
    for (const d of deltas) {
      if (d.count <= 0) continue;
      // One statement per mitigation: several gateways add to the same row without reading it first.
      await this.db
        .insertInto('mitigation_effects')
        .values({ mitigation_id: d.mitigationId, refused: d.count, last_refused_at: d.at })
        .onConflict((oc) =>
          oc.column('mitigation_id').doUpdateSet({
            refused: sql`mitigation_effects.refused + ${d.count}`,
            last_refused_at: sql`case when mitigation_effects.last_refused_at is null
              or mitigation_effects.last_refused_at < ${d.at} then ${d.at} else mitigation_effects.last_refused_at end`,
          }),
        )
        .execute();
    }
  }

  async refusals(mitigationIds: readonly string[]): Promise<Map<string, RefusalCount>> {
    const found = new Map<string, RefusalCount>();
    if (mitigationIds.length === 0) return found;
    const rows = await this.db
      .selectFrom('mitigation_effects')
      .selectAll()
      .where('mitigation_id', 'in', [...mitigationIds])
      .execute();
    for (const r of rows) {
      found.set(r.mitigation_id, {
        mitigationId: r.mitigation_id,
        refused: Number(r.refused),
        lastRefusedAt: r.last_refused_at,
      });
    }
    return found;
  }

  async outboxSummary(): Promise<{ pending: number; failed: number; oldestPendingAt: string | null }> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
      .where('status', 'in', ['pending', 'sending', 'failed'])
      .groupBy('status')
      .execute();
    let pending = 0;
    let failed = 0;
    let oldestPendingAt: string | null = null;
    for (const r of rows) {
      const n = Number(r.n);
      if (r.status === 'failed') failed += n;
      else {
        pending += n;
        const oldest = r.oldest as string | null;
        if (oldest !== null && (oldestPendingAt === null || oldest < oldestPendingAt)) oldestPendingAt = oldest;
      }
    }
    return { pending, failed, oldestPendingAt };
  }
}
