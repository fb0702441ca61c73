import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { parseIncidentRef } from '../../domain/incident.js';
import type { NewOutboxMessage, OutboxFilter, OutboxMessage, OutboxOutcome, OutboxRepo } from '../ports.js';
import { fromJsonText, incidentRef, listLimit, requireIncidentSeq, toJsonText } from './json-text.js';
import type { Database, OutboxTable } from './schema.js';

/** How many due messages one claim looks at, so losing a race to another dispatcher is not "nothing due". */
const CLAIM_CANDIDATES = 8;

function toMessage(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: row.id,
    dedupKey: row.dedup_key,
    incidentId: row.incident_seq === null ? null : incidentRef(row.incident_seq),
    service: row.service,
    audience: row.audience,
    channel: row.channel,
    target: fromJsonText<Record<string, unknown>>(row.target),
    payload: fromJsonText<Record<string, unknown>>(row.payload),
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

export class KyselyOutboxRepo implements OutboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(m: NewOutboxMessage): Promise<OutboxMessage | undefined> {
    // ON CONFLICT DO NOTHING on both engines: a duplicate event is a no-op, never an error that aborts the
    // caller's transaction (PostgreSQL would poison the transaction on a unique violation).
    const row = await this.db
      .insertInto('outbox')
      .values({
        dedup_key: m.dedupKey,
        incident_seq: m.incidentId === null ? null : requireIncidentSeq(m.incidentId),
        service: m.service,
        audience: m.audience,
        channel: m.channel,
        target: toJsonText(m.target),
        payload: toJsonText(m.payload),
        status: m.status,
        attempts: 0,
        next_attempt_at: m.nextAttemptAt,
        created_at: m.createdAt,
        updated_at: m.createdAt,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && toMessage(row);
  }

  async get(id: number): Promise<OutboxMessage | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMessage(row);
  }

  async list(filter: OutboxFilter = {}): Promise<OutboxMessage[]> {
    let query = this.db.selectFrom('outbox').selectAll();
    if (filter.incidentId !== undefined) {
      const seq = parseIncidentRef(filter.incidentId);
      if (seq === undefined) return [];
      query = query.where('incident_seq', '=', seq);
    }
    if (filter.status !== undefined && filter.status.length > 0)
      query = query.where('status', 'in', filter.status);
    const rows = await query.orderBy('id', 'asc').limit(listLimit(filter.limit)).execute();
    return rows.map(toMessage);
  }

  async claimNext(now: string, owner: string, leaseUntil: string): Promise<OutboxMessage | undefined> {
    const due = (eb: ExpressionBuilder<Database, 'outbox'>) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]);
    // A few candidates, not one: when another dispatcher wins the first, this one tries the next.
    const candidates = await this.db
      .selectFrom('outbox')
      .select('id')
      .where(due)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbox as earlier')
              .select('earlier.id')
              .whereRef('earlier.incident_seq', '=', 'outbox.incident_seq')
              .whereRef('earlier.audience', '=', 'outbox.audience')
              .whereRef('earlier.channel', '=', 'outbox.channel')
              .whereRef('earlier.target', '=', 'outbox.target')
              .whereRef('earlier.id', '<', 'outbox.id')
              .where('earlier.status', 'in', ['pending', 'sending']),
          ),
        ),
      )
      .orderBy('next_attempt_at', 'asc')
      .orderBy('id', 'asc')
      .limit(CLAIM_CANDIDATES)
      .execute();
    for (const { id } of candidates) {
      // The same condition again: another dispatcher may have claimed the row since the SELECT, and then
      // this UPDATE matches nothing. That is what makes a double send impossible while leases hold.
      const row = await this.db
        .updateTable('outbox')
        .set((eb) => ({
          status: 'sending',
          lease_owner: owner,
          lease_until: leaseUntil,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where(due)
        .returningAll()
        .executeTakeFirst();
      if (row) return toMessage(row);
    }
    return undefined;
  }

  async renewLease(id: number, owner: string, leaseUntil: string): Promise<boolean> {
    // Conditional on the owner: a dispatcher whose lease ran out and was taken over must not stretch the new
    // owner's lease (or revive a message that is finished); it learns here that it lost the message.
    const result = await this.db
      .updateTable('outbox')
      .set({ lease_until: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async complete(id: number, owner: string, outcome: OutboxOutcome): Promise<OutboxMessage | undefined> {
    const base = { status: outcome.status, lease_owner: null, lease_until: null, updated_at: outcome.at };
    const change =
      outcome.status === 'delivered'
        ? { ...base, delivered_at: outcome.at, last_error: null }
        : outcome.status === 'pending'
          ? { ...base, next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error }
          : { ...base, last_error: outcome.error };
    // Conditional on the lease: a dispatcher that lost its lease (its receiver was slower than the lease and it
    // could not renew) must not record over the result of the dispatcher that took the message over.
    const row = await this.db
      .updateTable('outbox')
      .set(change)
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('lease_owner', '=', owner)
      .returningAll()
      .executeTakeFirst();
    return row && toMessage(row);
  }

  async approve(id: number, at: string): Promise<OutboxMessage | undefined> {
    const row = await this.db
      .updateTable('outbox')
      .set({ status: 'pending', updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'held')
      .returningAll()
      .executeTakeFirst();
    return row && toMessage(row);
  }
}
