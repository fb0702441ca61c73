import type { FastifyReply, FastifyRequest } from 'fastify';
import { acknowledgeEnforcement, releaseEnforcement } from '../../enforcement/acknowledge.js';
import { bouncerOfKey } from '../../enforcement/bouncer-keys.js';
import { toDecision, type CrowdsecDecision } from '../../enforcement/crowdsec-decision.js';
import { decisionQuery, passesStream, streamFilter } from '../../enforcement/decision-filter.js';
import type { Bouncer } from '../../domain/enforcement.js';
import { isInForce, type Mitigation } from '../../domain/mitigation.js';
import type { ApiDeps } from '../api-deps.js';
import { deskContext } from '../desk-context.js';
import { route, type AnyRoute } from '../define-route.js';
import { visibleText } from '../../shared/visible-text.js';

/** On a startup pull, blocks that ended this recently are sent as deleted (a bouncer with a persistent set). */
const STARTUP_DELETED_MS = 24 * 3_600_000;
/**
 * As CrowdSec's Local API, deletions are looked for from a little before the last pull; new blocks too, so one
 * recorded just before a pull but committed just after it is not missed (a bouncer adds the same ban twice).
 */
const DELETED_OVERLAP_MS = 2000;
const NEW_OVERLAP_MS = 1000;

/** Go marshals an empty slice it never filled as null; bouncers expect exactly that. */
const goList = (items: readonly unknown[]) => (items.length === 0 ? null : items);

/**
 * The part of CrowdSec's Local API that bouncers read, so the bouncers teams already run (nginx, Traefik,
 * Caddy, HAProxy, the firewall, Cloudflare) enforce Rampart's address and range blocks: `GET /v1/decisions/stream`
 * and `GET /v1/decisions`, authenticated by `X-Api-Key` (a key from `rampart bouncers add NAME`). Only the
 * blocks of services whose playbook sets `enforcement.bouncers: true` are served. Each pull is the bouncer's
 * acknowledgement: what it received is recorded as enforced by it, what it was told to delete as released.
 */
export function decisionRoutes(deps: ApiDeps): AnyRoute[] {
  const services = () =>
    (deps.playbooks ?? []).filter((p) => p.enforcement.bouncers).map((p) => p.service.name);
  const tag = 'bouncers';

  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<Bouncer | undefined> => {
    const header = request.headers['x-api-key'];
    const bouncer = await bouncerOfKey(deps.store, typeof header === 'string' ? header : undefined);
    if (!bouncer) void reply.code(403).type('application/json').send('{"message":"access forbidden"}');
    return bouncer;
  };

  const send = (reply: FastifyReply, body: unknown) =>
    reply.code(200).type('application/json').send(JSON.stringify(body));

  /** After the answer: the bouncer's acknowledgements, never in its way. */
  const acknowledge = (bouncer: Bouncer, added: readonly Mitigation[], deleted: readonly Mitigation[]) => {
    const ctx = deskContext(deps, `bouncer:${bouncer.name}`);
    const point = { kind: 'bouncer' as const, name: bouncer.name };
    void (async () => {
      for (const m of added) await acknowledgeEnforcement(ctx, m, point);
      for (const m of deleted) await releaseEnforcement(ctx, m, point);
    })().catch((error: unknown) =>
      deps.logger.warn({ err: error, bouncer: bouncer.name }, 'bouncer acknowledgement not recorded'),
    );
  };

  /** Blocks in force whose expiry was moved after `since`, found through the audit of `mitigation.extend`. */
  const extendedSince = async (names: readonly string[], since: string, now: Date): Promise<Mitigation[]> => {
    const entries = await deps.store.audit.list({ action: 'mitigation.extend', limit: 1000 });
    const ids = new Set(
      entries
        .filter((e) => e.at > since)
        .map((e) => (typeof e.details.mitigation === 'string' ? e.details.mitigation : e.target)),
    );
    const found: Mitigation[] = [];
    for (const id of ids) {
      const m = await deps.store.mitigations.get(id);
      if (m && m.kind === 'block' && names.includes(m.service) && isInForce(m, now)) found.push(m);
    }
    return found;
  };

  // The bouncer's own header, shown by `rampart bouncers list` and the console: kept inert (a C1 CSI arrives as
  // U+009B from a latin1 header) and within 200 characters after escaping.
  const userAgent = (request: FastifyRequest) => {
    const given = request.headers['user-agent'];
    return given === undefined ? null : visibleText(given, 200);
  };

  return [
    route({
      method: 'GET',
      url: '/v1/decisions/stream',
      role: null,
      tag,
      summary:
        "CrowdSec bouncers' stream (X-Api-Key): startup=true sends every block in force, later pulls what is new and deleted since the last one",
      handler: async ({ request, reply }) => {
        const bouncer = await authenticate(request, reply);
        if (!bouncer) return;
        const query = request.query as Record<string, unknown>;
        const filter = streamFilter(query);
        const now = deps.clock.now();
        const nowText = now.toISOString();
        const names = services();
        const startup = query.startup === 'true' || bouncer.lastPullAt === null;
        const since = bouncer.lastPullAt ?? nowText;
        const [added, deleted] = startup
          ? await Promise.all([
              deps.store.bouncers.activeBlocks(names, nowText),
              deps.store.bouncers.blocksEndedBetween(
                names,
                new Date(now.getTime() - STARTUP_DELETED_MS).toISOString(),
                nowText,
              ),
            ])
          : await Promise.all([
              deps.store.bouncers.blocksCreatedSince(
                names,
                new Date(Date.parse(since) - NEW_OVERLAP_MS).toISOString(),
                nowText,
              ),
              deps.store.bouncers.blocksEndedBetween(
                names,
                new Date(Date.parse(since) - DELETED_OVERLAP_MS).toISOString(),
                nowText,
              ),
            ]);
        // A block extended since the last pull goes out again with its new duration (a firewall bouncer's set
        // entries carry a timeout of their own).
        if (!startup) {
          const known = new Set(added.map((m) => m.id));
          for (const m of await extendedSince(names, since, now)) if (!known.has(m.id)) added.push(m);
        }
        const shown = (list: Mitigation[]) => {
          const kept: Mitigation[] = [];
          const decisions: CrowdsecDecision[] = [];
          for (const m of list) {
            const d = toDecision(m, now);
            if (!passesStream(d, filter)) continue;
            kept.push(m);
            decisions.push(d);
          }
          return { kept, decisions };
        };
        const fresh = shown(added);
        const gone = shown(deleted);
        await deps.store.bouncers.recordPull(bouncer.id, nowText, userAgent(request));
        // Heard from: what it already holds is still enforced (not stale).
        await deps.store.enforcement.touchPoint('bouncer', bouncer.name, nowText);
        send(reply, { new: goList(fresh.decisions), deleted: goList(gone.decisions) });
        acknowledge(bouncer, fresh.kept, gone.kept);
      },
    }),
    route({
      method: 'GET',
      url: '/v1/decisions',
      role: null,
      tag,
      summary:
        "CrowdSec bouncers' live query (X-Api-Key): the blocks in force for ip=, range= (contains=), scope=, value=, type=",
      handler: async ({ request, reply }) => {
        const bouncer = await authenticate(request, reply);
        if (!bouncer) return;
        const matches = decisionQuery(request.query as Record<string, unknown>);
        if (typeof matches === 'string') {
          void reply
            .code(400)
            .type('application/json')
            .send(JSON.stringify({ message: matches }));
          return;
        }
        const now = deps.clock.now();
        const active = await deps.store.bouncers.activeBlocks(services(), now.toISOString());
        const hits = active.map((m) => ({ m, d: toDecision(m, now) })).filter(({ d }) => matches(d));
        if (bouncer.lastPullAt === null || now.getTime() - Date.parse(bouncer.lastPullAt) >= 60_000) {
          await deps.store.bouncers.recordPull(bouncer.id, now.toISOString(), userAgent(request));
          await deps.store.enforcement.touchPoint('bouncer', bouncer.name, now.toISOString());
        }
        send(reply, goList(hits.map(({ d }) => d)));
        // A live bouncer enforces what it was just told, on this request.
        acknowledge(
          bouncer,
          hits.map(({ m }) => m),
          [],
        );
      },
    }),
  ];
}
