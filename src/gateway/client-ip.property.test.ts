import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CidrMap, parseCidr, parseIp } from '../shared/net/index.js';
import { resolveClientIp, type ForwardingHeader, type ForwardingValues } from './client-ip.js';
import { eventsArrive, startHarness, type Harness } from './testing/harness.js';

const PROXY = '10.0.0.1';

/** A client address outside the trusted range, IPv4 or IPv6, in any of the forms a proxy may print. */
const clientArb = fc.oneof(
  fc.ipV4().filter((ip) => !ip.startsWith('10.')),
  fc.ipV6(),
).filter((ip) => parseIp(ip) !== null && !parseIp(ip)!.text.startsWith('10.'));

/** Whatever a client can write into a header value (visible ASCII, commas, quotes, semicolons, addresses). */
const junkArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...' ,;="[]:abcdefor0123456789.unknownproto=https'.split('')), maxLength: 40 }),
  fc.ipV4(),
  fc.ipV6().map((ip) => `for="[${ip}]"`),
  fc.array(fc.ipV4(), { maxLength: 4 }).map((ips) => ips.join(', ')),
  fc.ipV4().map((ip) => `for=${ip}`),
  fc.constantFrom('for=198.18.0.1', 'proto=https', 'for=unknown', 'for=10.0.0.9', '10.0.0.9', '', ','),
);

const headersArb = fc.record(
  { 'x-forwarded-for': junkArb, forwarded: junkArb, 'x-real-ip': junkArb },
  { requiredKeys: [] },
);

/** What the trusted proxy sends on: nginx's $proxy_add_x_forwarded_for, an RFC 7239 appender, or X-Real-IP set. */
function throughProxy(header: ForwardingHeader, client: string, sent: ForwardingValues): ForwardingValues {
  const out: ForwardingValues = { ...sent };
  if (header === 'x-forwarded-for') {
    out['x-forwarded-for'] = sent['x-forwarded-for'] === undefined ? client : `${sent['x-forwarded-for']}, ${client}`;
  } else if (header === 'forwarded') {
    const element = client.includes(':') ? `for="[${client}]"` : `for=${client}`;
    out.forwarded = sent.forwarded === undefined ? element : `${sent.forwarded}, ${element}`;
  } else {
    out['x-real-ip'] = client;
  }
  return out;
}

const headerArb = fc.constantFrom<ForwardingHeader>('x-forwarded-for', 'forwarded', 'x-real-ip');

describe('the client address (property, fast-check)', () => {
  it('is the address the trusted proxy wrote, whatever forwarding headers the client sends', () => {
    fc.assert(
      fc.property(headerArb, clientArb, headersArb, (header, client, sent) => {
        const trusted = new CidrMap<ForwardingHeader>();
        trusted.set(parseCidr('10.0.0.0/8')!, header);
        const resolved = resolveClientIp(PROXY, throughProxy(header, client, sent), trusted);
        expect(resolved.ip.text).toBe(parseIp(client)?.text);
        expect(resolved.forwardedFor.startsWith(`${resolved.ip.text}, `)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('is the socket peer when the peer is no trusted proxy, whatever it sends', () => {
    fc.assert(
      fc.property(headerArb, headersArb, (header, sent) => {
        const trusted = new CidrMap<ForwardingHeader>();
        trusted.set(parseCidr('10.0.0.0/8')!, header);
        const resolved = resolveClientIp('203.0.113.7', sent, trusted);
        expect(resolved.ip.text).toBe('203.0.113.7');
        expect(resolved.spoofedForwardedFor).toBe(Object.keys(sent).length > 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the client address over loopback (property, fast-check)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ gateway: { trusted_proxies: ['127.0.0.1/32'] } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('the event and the upstream get the address nginx appended, whatever the client sent', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(clientArb, headersArb, async (client, headers) => {
        const proxied = throughProxy('x-forwarded-for', client, headers);
        const clean = Object.fromEntries(Object.entries(proxied).filter(([, v]) => v !== undefined)) as
          Record<string, string>;
        const r = await h.send('/api/v1/events/tok/photos', { headers: clean });
        expect(r.status).toBe(200);
        sent++;
        const events = await eventsArrive(h, sent);
        const expected = parseIp(client)?.text;
        expect(events[sent - 1]?.ip).toBe(expected);
        const upstream = h.seen[h.seen.length - 1]?.headers;
        expect(String(upstream?.['x-forwarded-for']).split(',')[0]).toBe(expected);
        expect(upstream?.forwarded).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});
