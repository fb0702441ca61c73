import { describe, expect, it } from 'vitest';
import { correlationEntity } from './correlation-entity.js';
import { laravelParser } from './sources/parsers/laravel.js';
import { requestEvent } from './testing/events.js';
import { TokenScope } from './token-scope.js';

const HASH_A = 'hashOfTokenA0123456789abcdefghij';
const HASH_B = 'hashOfTokenB0123456789abcdefghij';

function laravel(line: string) {
  const parsed = laravelParser().parse(line, { service: 'guest-api', source: 'laravel', tokenKey: 'k' });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('TokenScope: which tenant and event a token belongs to (issue 11)', () => {
  it("learns a token's tenant and event from the app's Laravel context and fills the gateway's events of that token", () => {
    const scope = new TokenScope();
    const line = laravel(
      '[2026-01-05 10:00:00] production.INFO: Photo uploaded {"ip":"198.51.100.4","token":"jtAb…9Z","event_id":104,"tenant_id":7,"bytes":512} []',
    );
    expect(line).toMatchObject({ tokenPreview: 'jtAb…9Z', tenant: '7', event: '104' });
    scope.apply(line);
    // A gateway request of that token: the app did not name the owner on it (a 401 after revocation, say).
    const refused = requestEvent({
      tokenHash: HASH_A,
      tokenPreview: 'jtAb…9Z',
      status: 401,
      tenant: null,
      event: null,
    });
    scope.apply(refused);
    expect(refused).toMatchObject({ tenant: '7', event: '104' });
  });

  it('by keyed hash when it has one: two tokens sharing a preview keep their own owners', () => {
    const scope = new TokenScope();
    scope.apply(requestEvent({ tokenHash: HASH_A, tokenPreview: 'jtAb…9Z', tenant: '1', event: '11' }));
    scope.apply(requestEvent({ tokenHash: HASH_B, tokenPreview: 'jtAb…9Z', tenant: '2', event: '21' }));
    const a = requestEvent({ tokenHash: HASH_A, tokenPreview: 'jtAb…9Z', tenant: null, event: null });
    const b = requestEvent({ tokenHash: HASH_B, tokenPreview: 'jtAb…9Z', tenant: null, event: null });
    scope.apply(a);
    scope.apply(b);
    expect([a.tenant, a.event, b.tenant, b.event]).toEqual(['1', '11', '2', '21']);
    // A line that names only the shared preview names no one: it is left as it is, not guessed.
    const onlyPreview = requestEvent({ tokenHash: null, tokenPreview: 'jtAb…9Z', tenant: null, event: null });
    scope.apply(onlyPreview);
    expect(onlyPreview).toMatchObject({ tenant: null, event: null });
  });

  it('never overrides what an event already says, and ignores events without a token', () => {
    const scope = new TokenScope();
    scope.apply(requestEvent({ tokenHash: HASH_A, tokenPreview: 'jtAb…9Z', tenant: '1', event: '11' }));
    const own = requestEvent({ tokenHash: HASH_A, tokenPreview: 'jtAb…9Z', tenant: '9', event: null });
    scope.apply(own);
    expect(own).toMatchObject({ tenant: '9', event: '11' });
    const none = requestEvent({ tokenHash: null, tokenPreview: null, tenant: null, event: null });
    scope.apply(none);
    expect(none).toMatchObject({ tenant: null, event: null });
  });
});

describe('correlationEntity: the attacked entity a group key names', () => {
  it('widens an address to its network, so rules by ip, ip+route and ip_prefix name one attack', () => {
    expect(correlationEntity({ groupBy: ['ip'] }, '203.0.113.9')).toBe('203.0.113.0/24');
    expect(correlationEntity({ groupBy: ['route', 'ip'] }, '/api/v1/events/{token}/*|203.0.113.77')).toBe(
      '203.0.113.0/24',
    );
    expect(correlationEntity({ groupBy: ['ip_prefix'] }, '203.0.113.0/24')).toBe('203.0.113.0/24');
    expect(correlationEntity({ groupBy: ['ip'] }, '2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
  });

  it('prefers a token or subject over an address, and falls back to the group key without an entity field', () => {
    expect(correlationEntity({ groupBy: ['ip', 'token'] }, `203.0.113.9|${HASH_A}`)).toBe(HASH_A);
    expect(correlationEntity({ groupBy: ['subject', 'ip'] }, 'user-17|203.0.113.9')).toBe('user-17');
    expect(correlationEntity({ groupBy: ['route'] }, '/bookings')).toBe('/bookings');
    expect(correlationEntity({ groupBy: [] }, '*')).toBe('*');
  });
});
