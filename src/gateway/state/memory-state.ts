import { MITIGATION_KINDS, type Mitigation } from '../../domain/mitigation.js';
import type { Clock } from '../../shared/clock.js';
import { parseDuration } from '../../shared/duration.js';
import { RampartError } from '../../shared/errors.js';
import { CidrMap, parseCidr, type Cidr } from '../../shared/net/index.js';
import type { ParsedIp } from '../../shared/net/index.js';
import type { GatewayState, LimitOverride, MaintenanceStatus } from './gateway-state.js';

interface Entry {
  m: Mitigation;
  expiresAt: number;
  createdAt: number;
  cidr: Cidr | null;
}

export interface MemoryStateOptions {
  clock: Clock;
  /** Mitigations held at once; apply() refuses beyond it (after dropping expired ones). Default 100,000. */
  maxMitigations?: number;
}

/** GatewayState for one node: plain maps indexed by target, expiry checked against the request's time. */
export class MemoryState implements GatewayState {
  private readonly clock: Clock;
  private readonly max: number;
  private readonly byId = new Map<string, Entry>();
  private readonly blocks = new CidrMap<Entry[]>();
  private readonly byTarget = new Map<string, Entry[]>();

  constructor(options: MemoryStateOptions) {
    this.clock = options.clock;
    this.max = options.maxMitigations ?? 100_000;
  }

  maintenance(route: string | null, now: number): MaintenanceStatus | null {
    const e = this.first('maintenance', '*', now) ?? (route === null ? null : this.first('maintenance', route, now));
    if (e === null) return null;
    const { banner, retryAfter } = e.m.data;
    return {
      mitigationId: e.m.id,
      banner: typeof banner === 'string' ? banner : null,
      retryAfterMs: typeof retryAfter === 'string' ? (parseDuration(retryAfter) ?? null) : null,
    };
  }

  switchedOff(name: string, now: number): string | null {
    return this.first('switch-off', name, now)?.m.id ?? null;
  }

  blockedBy(ip: ParsedIp, now: number): string | null {
    const entries = this.blocks.match(ip);
    return entries === undefined ? null : (live(entries, now)?.m.id ?? null);
  }

  tokenRevokedBy(tokenHash: string, now: number): string | null {
    return this.first('revoke-token', tokenHash, now)?.m.id ?? null;
  }

  jtiRevokedBy(jti: string, now: number): string | null {
    return this.first('revoke-jti', jti, now)?.m.id ?? null;
  }

  subjectRevokedBefore(subject: string, now: number): number | null {
    return this.byTarget.size === 0 ? null : latestEpoch(this.byTarget.get(`revoke-subject\0${subject}`), now);
  }

  globalRevokedBefore(now: number): number | null {
    return latestEpoch(this.byTarget.get('revoke-all\0*'), now);
  }

  limitOverride(limitName: string, now: number): LimitOverride | null {
    const e = this.first('limit-override', limitName, now);
    if (e === null) return null;
    const { limit, burst, window } = e.m.data;
    return {
      mitigationId: e.m.id,
      limit: limit as number,
      burst: typeof burst === 'number' ? burst : null,
      windowMs: typeof window === 'string' ? (parseDuration(window) ?? null) : null,
    };
  }

  apply(mitigation: Mitigation): Promise<void> {
    let entry: Entry;
    try {
      entry = validate(mitigation);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.byId.has(mitigation.id)) this.unindex(this.byId.get(mitigation.id) as Entry);
    else if (this.byId.size >= this.max) {
      this.sweep(this.clock.now().getTime());
      if (this.byId.size >= this.max) {
        return Promise.reject(new RampartError('RAMPART_CONFLICT', `gateway state holds ${this.max} mitigations`));
      }
    }
    this.byId.set(mitigation.id, entry);
    if (entry.cidr) {
      const list = this.blocks.get(entry.cidr) ?? [];
      list.push(entry);
      this.blocks.set(entry.cidr, list);
    } else {
      const key = `${mitigation.kind}\0${mitigation.target}`;
      const list = this.byTarget.get(key) ?? [];
      list.push(entry);
      this.byTarget.set(key, list);
    }
    return Promise.resolve();
  }

  lift(id: string, by: string): Promise<Mitigation | null> {
    const entry = this.byId.get(id);
    const now = this.clock.now();
    if (entry === undefined || entry.expiresAt <= now.getTime()) return Promise.resolve(null);
    this.unindex(entry);
    this.byId.delete(id);
    return Promise.resolve({ ...entry.m, liftedAt: now.toISOString(), liftedBy: by });
  }

  list(): Promise<Mitigation[]> {
    const now = this.clock.now().getTime();
    this.sweep(now);
    return Promise.resolve([...this.byId.values()].map((e) => e.m));
  }

  private first(kind: string, target: string, now: number): Entry | null {
    // No mitigation held (the usual case): no key string to build and hash, five times per request.
    if (this.byTarget.size === 0) return null;
    const entries = this.byTarget.get(`${kind}\0${target}`);
    return entries === undefined ? null : live(entries, now);
  }

  private sweep(now: number): void {
    for (const entry of this.byId.values()) {
      if (entry.expiresAt > now) continue;
      this.unindex(entry);
      this.byId.delete(entry.m.id);
    }
  }

  private unindex(entry: Entry): void {
    if (entry.cidr) {
      const rest = (this.blocks.get(entry.cidr) ?? []).filter((e) => e !== entry);
      if (rest.length === 0) this.blocks.delete(entry.cidr);
      else this.blocks.set(entry.cidr, rest);
      return;
    }
    const key = `${entry.m.kind}\0${entry.m.target}`;
    const rest = (this.byTarget.get(key) ?? []).filter((e) => e !== entry);
    if (rest.length === 0) this.byTarget.delete(key);
    else this.byTarget.set(key, rest);
  }
}

function live(entries: Entry[], now: number): Entry | null {
  for (const e of entries) if (e.expiresAt > now) return e;
  return null;
}

function latestEpoch(entries: Entry[] | undefined, now: number): number | null {
  if (entries === undefined) return null;
  let epoch: number | null = null;
  for (const e of entries) if (e.expiresAt > now && (epoch === null || e.createdAt > epoch)) epoch = e.createdAt;
  return epoch;
}

function validate(m: Mitigation): Entry {
  const bad = (message: string): never => {
    throw new RampartError('RAMPART_VALIDATION', `mitigation ${m.id}: ${message}`, [{ path: 'target', message }]);
  };
  if (!MITIGATION_KINDS.includes(m.kind)) bad(`unknown kind "${m.kind}"`);
  if (typeof m.target !== 'string' || m.target === '') bad('target is required');
  const createdAt = Date.parse(m.createdAt);
  if (Number.isNaN(createdAt)) bad(`createdAt "${m.createdAt}" is not a timestamp`);
  const expiresAt = m.expiresAt === null ? Infinity : Date.parse(m.expiresAt);
  if (Number.isNaN(expiresAt)) bad(`expiresAt "${m.expiresAt}" is not a timestamp`);
  let cidr: Cidr | null = null;
  if (m.kind === 'block') cidr = parseCidr(m.target) ?? bad(`"${m.target}" is not an IP address or CIDR`);
  if (m.kind === 'revoke-all' && m.target !== '*') bad('revoke-all takes the target "*"');
  if (m.kind === 'limit-override') {
    const { limit, burst, window } = m.data;
    if (!Number.isInteger(limit) || (limit as number) < 1) bad('data.limit must be a positive integer');
    if (burst !== undefined && (!Number.isInteger(burst) || (burst as number) < 0)) bad('data.burst must be ≥ 0');
    if (window !== undefined && (typeof window !== 'string' || !parseDuration(window))) bad('data.window is invalid');
  }
  // A lifted mitigation is kept out of force by an expiry in the past rather than a second flag on the hot path.
  return { m, cidr, createdAt, expiresAt: m.liftedAt === null ? expiresAt : -Infinity };
}
