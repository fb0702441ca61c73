import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsArrive, sendRaw, startHarness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** An app that names the request's tenant and event in response headers, as the playbook asks it to. */
const namingApp = (tenant: string, event: string) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-tenant-id': tenant, 'X-Event-Id': event });
  res.end('{"ok":true}');
};

describe('scope headers (issue 11)', () => {
  it('records the tenant and event the app names, and the client never sees the headers', async () => {
    h = await startHarness({
      gateway: { scope_headers: { tenant: 'X-Tenant-Id', event: 'X-Event-Id' } },
      handler: namingApp('42', 'wedding-7'),
    });
    const raw = await sendRaw(
      h,
      'GET /api/v1/gallery/jtSecretToken123/photos HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1.1 200 /);
    expect(raw.toLowerCase()).not.toContain('x-tenant-id');
    expect(raw.toLowerCase()).not.toContain('x-event-id');
    expect(raw.toLowerCase()).not.toContain('wedding-7');
    const [event] = await eventsArrive(h, 1);
    expect(event).toMatchObject({ tenant: '42', event: 'wedding-7', status: 200 });
  });

  it('a client cannot choose them: request headers of that name are not what is recorded', async () => {
    h = await startHarness({ gateway: { scope_headers: { tenant: 'X-Tenant-Id', event: 'X-Event-Id' } } });
    await sendRaw(
      h,
      'GET /api/v1/gallery/t/photos HTTP/1.1\r\nHost: a\r\nX-Tenant-Id: victim\r\nX-Event-Id: 1\r\nConnection: close\r\n\r\n',
    );
    const [event] = await eventsArrive(h, 1);
    expect(event).toMatchObject({ tenant: null, event: null });
  });

  it('records no value that is not an id (too long, spaces, markup), and still strips it', async () => {
    h = await startHarness({
      gateway: { scope_headers: { tenant: 'X-Tenant-Id', event: 'X-Event-Id' } },
      handler: namingApp('a b', 'x'.repeat(500)),
    });
    const raw = await sendRaw(
      h,
      'GET /api/v1/gallery/t/photos HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    expect(raw.toLowerCase()).not.toContain('x-event-id');
    const [event] = await eventsArrive(h, 1);
    expect(event).toMatchObject({ tenant: null, event: null });
  });

  it("without scope_headers the app's headers pass through untouched (nothing is assumed)", async () => {
    h = await startHarness({ handler: namingApp('42', '7') });
    const raw = await sendRaw(
      h,
      'GET /api/v1/gallery/t/photos HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    expect(raw.toLowerCase()).toContain('x-tenant-id: 42');
    const [event] = await eventsArrive(h, 1);
    expect(event).toMatchObject({ tenant: null, event: null });
  });
});
