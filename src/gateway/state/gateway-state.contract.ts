import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../shared/clock.js';
import { parseIp } from '../../shared/net/index.js';
import { mitigation } from '../testing/mitigation.js';
import type { GatewayState } from './gateway-state.js';

/**
 * Two views of one state: `writer` applies and lifts, `reader` answers. For the memory state they are the same
 * object; for Redis they are two gateways on one prefix, and settle() waits until the reader has every change
 * already published (no sleeping: a PING on its subscriber returns after the messages sent before it).
 */
export interface StateFixture {
  clock: ManualClock;
  writer: GatewayState;
  reader: GatewayState;
  settle(): Promise<void>;
  close(): Promise<void>;
}

const ip = (text: string) => parseIp(text) ?? (() => { throw new Error(text); })();

export function gatewayStateContract(name: string, make: () => Promise<StateFixture>): void {
  describe(`${name}: GatewayState contract`, () => {
    let f: StateFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });
    const now = (): number => f.clock.now().getTime();

    it('applies, lifts and lists; a lift answers the lifted record once', async () => {
      const block = mitigation(f.clock, 'block', '10.0.0.0/8');
      await f.writer.apply(block);
      await f.writer.apply(mitigation(f.clock, 'switch-off', 'gallery'));
      await f.settle();
      expect(f.reader.blockedBy(ip('10.1.2.3'), now())).toBe(block.id);
      expect(f.reader.blockedBy(ip('11.1.2.3'), now())).toBeNull();
      const lifted = await f.writer.lift(block.id, 'alice');
      expect(lifted).toMatchObject({ id: block.id, liftedBy: 'alice', liftedAt: f.clock.now().toISOString() });
      await f.settle();
      expect(f.reader.blockedBy(ip('10.1.2.3'), now())).toBeNull();
      expect((await f.reader.list()).map((m) => m.kind)).toEqual(['switch-off']);
      expect(await f.writer.lift(block.id, 'alice')).toBeNull();
      expect(await f.writer.lift('unknown', 'alice')).toBeNull();
    });

    it('ends a mitigation by itself at expiresAt', async () => {
      const expiresAt = new Date(now() + 60_000).toISOString();
      const block = mitigation(f.clock, 'block', '192.0.2.7', { expiresAt });
      await f.writer.apply(block);
      await f.settle();
      expect(f.reader.blockedBy(ip('192.0.2.7'), now())).toBe(block.id);
      f.clock.advance(60_000);
      expect(f.reader.blockedBy(ip('192.0.2.7'), now())).toBeNull();
      expect(await f.reader.list()).toEqual([]);
      expect(await f.writer.lift(block.id, 'alice')).toBeNull();
    });

    it('blocks IPv4 and IPv6 CIDRs, answering the most specific, and keeps an overlapping block after a lift', async () => {
      const wide = mitigation(f.clock, 'block', '2001:db8::/32');
      const narrow = mitigation(f.clock, 'block', '2001:db8:1::/48');
      const v4 = mitigation(f.clock, 'block', '198.51.100.0/24');
      const v4again = mitigation(f.clock, 'block', '198.51.100.0/24');
      for (const m of [wide, narrow, v4, v4again]) await f.writer.apply(m);
      await f.settle();
      expect(f.reader.blockedBy(ip('2001:db8:1::5'), now())).toBe(narrow.id);
      expect(f.reader.blockedBy(ip('2001:db8:2::5'), now())).toBe(wide.id);
      expect(f.reader.blockedBy(ip('2001:db9::5'), now())).toBeNull();
      expect(f.reader.blockedBy(ip('198.51.100.200'), now())).toBe(v4.id);
      await f.writer.lift(v4.id, 'alice');
      await f.writer.lift(narrow.id, 'alice');
      await f.settle();
      expect(f.reader.blockedBy(ip('198.51.100.200'), now())).toBe(v4again.id);
      expect(f.reader.blockedBy(ip('2001:db8:1::5'), now())).toBe(wide.id);
    });

    it('revokes token hashes, JWT ids, and subject and global epochs (the latest epoch wins)', async () => {
      const token = mitigation(f.clock, 'revoke-token', 'hash-abc');
      const jti = mitigation(f.clock, 'revoke-jti', 'j-1');
      await f.writer.apply(token);
      await f.writer.apply(jti);
      await f.writer.apply(mitigation(f.clock, 'revoke-subject', 'u1'));
      f.clock.advance(1_000);
      await f.writer.apply(mitigation(f.clock, 'revoke-subject', 'u1'));
      await f.writer.apply(mitigation(f.clock, 'revoke-all', '*'));
      await f.settle();
      expect(f.reader.tokenRevokedBy('hash-abc', now())).toBe(token.id);
      expect(f.reader.tokenRevokedBy('hash-other', now())).toBeNull();
      expect(f.reader.jtiRevokedBy('j-1', now())).toBe(jti.id);
      expect(f.reader.subjectRevokedBefore('u1', now())).toBe(now());
      expect(f.reader.subjectRevokedBefore('u2', now())).toBeNull();
      expect(f.reader.globalRevokedBefore(now())).toBe(now());
    });

    it('answers maintenance (service-wide or per route), switches and limit overrides with their data', async () => {
      const route = mitigation(f.clock, 'maintenance', 'gallery');
      await f.writer.apply(route);
      await f.writer.apply(mitigation(f.clock, 'switch-off', 'uploads'));
      await f.writer.apply(mitigation(f.clock, 'limit-override', 'per-ip', { data: { limit: 5, burst: 1, window: '10s' } }));
      await f.settle();
      expect(f.reader.maintenance('gallery', now())).toEqual({ mitigationId: route.id, banner: null, retryAfterMs: null });
      expect(f.reader.maintenance('events', now())).toBeNull();
      expect(f.reader.switchedOff('uploads', now())).not.toBeNull();
      expect(f.reader.switchedOff('downloads', now())).toBeNull();
      expect(f.reader.limitOverride('per-ip', now())).toMatchObject({ limit: 5, burst: 1, windowMs: 10_000 });
      const all = mitigation(f.clock, 'maintenance', '*', { data: { banner: 'Down', retryAfter: '2m' } });
      await f.writer.apply(all);
      await f.settle();
      expect(f.reader.maintenance('events', now())).toEqual({ mitigationId: all.id, banner: 'Down', retryAfterMs: 120_000 });
    });

    it('refuses malformed mitigations, and nothing of them reaches the reader', async () => {
      await expect(f.writer.apply(mitigation(f.clock, 'block', '10.0.0.0/40'))).rejects.toThrow(/not an IP address or CIDR/);
      await expect(f.writer.apply(mitigation(f.clock, 'limit-override', 'x', { data: { limit: 0 } }))).rejects.toThrow(/data.limit/);
      await f.settle();
      expect(await f.reader.list()).toEqual([]);
      expect(f.reader.limitOverride('x', now())).toBeNull();
    });
  });
}
