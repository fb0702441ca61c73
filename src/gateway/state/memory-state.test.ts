import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { parseIp } from '../../shared/net/index.js';
import { mitigation } from '../testing/mitigation.js';
import { MemoryState } from './memory-state.js';

const ip = (text: string) => parseIp(text) ?? (() => { throw new Error(text); })();

describe('MemoryState', () => {
  it('ends a temporary block by itself at expiresAt, and lists only what is in force', async () => {
    const clock = new ManualClock();
    const s = new MemoryState({ clock });
    const block = mitigation(clock, 'block', '2001:db8::/32', { expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    await s.apply(block);
    await s.apply(mitigation(clock, 'switch-off', 'gallery'));
    const now = () => clock.now().getTime();
    expect(s.blockedBy(ip('2001:db8::5'), now())).toBe(block.id);
    expect(s.blockedBy(ip('2001:db9::5'), now())).toBeNull();
    clock.advance(60_000);
    expect(s.blockedBy(ip('2001:db8::5'), now())).toBeNull();
    expect((await s.list()).map((m) => m.kind)).toEqual(['switch-off']);
  });

  it('lifts a mitigation, keeping an overlapping one in force', async () => {
    const clock = new ManualClock();
    const s = new MemoryState({ clock });
    const a = mitigation(clock, 'revoke-jti', 'j1');
    const b = mitigation(clock, 'revoke-jti', 'j1');
    await s.apply(a);
    await s.apply(b);
    const lifted = await s.lift(a.id, 'alice');
    expect(lifted).toMatchObject({ id: a.id, liftedBy: 'alice', liftedAt: clock.now().toISOString() });
    expect(s.jtiRevokedBy('j1', clock.now().getTime())).toBe(b.id);
    await s.lift(b.id, 'alice');
    expect(s.jtiRevokedBy('j1', clock.now().getTime())).toBeNull();
    expect(await s.lift('unknown', 'alice')).toBeNull();
  });

  it('takes the latest subject epoch, and reads overrides and maintenance data', async () => {
    const clock = new ManualClock();
    const s = new MemoryState({ clock });
    await s.apply(mitigation(clock, 'revoke-subject', 'u1'));
    clock.advance(1000);
    await s.apply(mitigation(clock, 'revoke-subject', 'u1'));
    expect(s.subjectRevokedBefore('u1', clock.now().getTime())).toBe(clock.now().getTime());
    await s.apply(mitigation(clock, 'limit-override', 'per-ip', { data: { limit: 5, window: '10s' } }));
    expect(s.limitOverride('per-ip', clock.now().getTime())).toMatchObject({ limit: 5, windowMs: 10_000, burst: null });
    await s.apply(mitigation(clock, 'maintenance', '*', { data: { banner: 'Down', retryAfter: '2m' } }));
    expect(s.maintenance(null, clock.now().getTime())).toMatchObject({ banner: 'Down', retryAfterMs: 120_000 });
  });

  it('refuses malformed mitigations and more than its bound', async () => {
    const clock = new ManualClock();
    const s = new MemoryState({ clock, maxMitigations: 2 });
    await expect(s.apply(mitigation(clock, 'block', '10.0.0.0/40'))).rejects.toThrow(/not an IP address or CIDR/);
    await expect(s.apply(mitigation(clock, 'limit-override', 'x', { data: { limit: 0 } }))).rejects.toThrow(/data.limit/);
    await s.apply(mitigation(clock, 'block', '10.0.0.1'));
    await s.apply(mitigation(clock, 'block', '10.0.0.2'));
    await expect(s.apply(mitigation(clock, 'block', '10.0.0.3'))).rejects.toThrow(/holds 2 mitigations/);
  });
});
