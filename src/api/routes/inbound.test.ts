import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOf } from '../../desk/index.js';
import { testPolicy } from '../../desk/testing/test-policy.js';
import { ManualClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { createMetrics } from '../../shared/metrics.js';
import { openStore, type Store } from '../../store/index.js';
import { sqliteEngine, type EngineTarget } from '../../store/testing/contract-engines.js';
import { buildApi } from '../build-api.js';

const SECRET = 'alert-secret-0123456789';

/** Alertmanager's webhook body, version 4, as it sends it. */
function alertmanagerBody(status: 'firing' | 'resolved') {
  return {
    version: '4',
    groupKey: '{}:{alertname="GalleryErrors"}',
    truncatedAlerts: 0,
    status,
    receiver: 'rampart',
    groupLabels: { alertname: 'GalleryErrors' },
    commonLabels: { alertname: 'GalleryErrors', severity: 'critical', job: 'laravel' },
    commonAnnotations: { summary: 'Gallery 5xx above 50%' },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { alertname: 'GalleryErrors', severity: 'critical', job: 'laravel' },
        annotations: { summary: 'Gallery 5xx above 50%' },
        startsAt: '2026-03-02T09:00:00.000Z',
        endsAt: status === 'resolved' ? '2026-03-02T09:20:00.000Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph?g0.expr=…',
        fingerprint: 'c0ffee1234abcd',
      },
    ],
  };
}

describe('inbound alerts', () => {
  let target: EngineTarget;
  let store: Store;
  let app: FastifyInstance;
  const clock = new ManualClock('2026-03-02T09:01:00.000Z');

  beforeAll(async () => {
    target = await sqliteEngine.create();
    store = await openStore(target.url, { cwd: target.cwd });
    app = buildApi({
      store,
      clock,
      services: catalogOf([testPolicy]),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      version: 'test',
      inboundSecrets: new Map([['guest-api', [SECRET]]]),
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await target.drop();
  });

  const post = (url: string, body: unknown, secret?: string) =>
    app.inject({
      method: 'POST',
      url,
      payload: body as object,
      headers: secret ? { authorization: `Bearer ${secret}` } : {},
    });

  it('opens one incident per Alertmanager fingerprint, joins repeats, and notes the resolution on its timeline', async () => {
    const first = await post('/v1/inbound/guest-api/alertmanager', alertmanagerBody('firing'), SECRET);
    expect(first.statusCode).toBe(200);
    const [outcome] = first.json<{ alerts: { incident: string; joined: boolean }[] }>().alerts;
    const incident = await store.incidents.get(outcome?.incident ?? '');
    expect(incident).toMatchObject({
      title: 'Gallery 5xx above 50%',
      severity: 'SEV-1',
      status: 'triggered',
    });

    const repeat = await post('/v1/inbound/guest-api/alertmanager', alertmanagerBody('firing'), SECRET);
    expect(repeat.json<{ alerts: { joined: boolean; incident: string }[] }>().alerts[0]).toMatchObject({
      joined: true,
      incident: incident?.id,
    });

    await post('/v1/inbound/guest-api/alertmanager', alertmanagerBody('resolved'), SECRET);
    const timeline = await store.timeline.list(incident?.id ?? '');
    expect(timeline.at(-1)).toMatchObject({
      kind: 'signal',
      actor: 'alertmanager',
      summary: 'alertmanager:GalleryErrors clear: Gallery 5xx above 50%',
    });
    expect((await store.incidents.get(incident?.id ?? ''))?.status).toBe('triggered');
  });

  it('refuses a missing or wrong secret before reading the body, and a service with no secret at all', async () => {
    const before = (await store.audit.list({ limit: 1000 })).length;
    expect((await post('/v1/inbound/guest-api/alertmanager', alertmanagerBody('firing'))).statusCode).toBe(
      401,
    );
    expect(
      (
        await post(
          '/v1/inbound/guest-api/alertmanager',
          alertmanagerBody('firing'),
          'alert-secret-0123456780',
        )
      ).statusCode,
    ).toBe(401);
    const noBody = await app.inject({
      method: 'POST',
      url: '/v1/inbound/guest-api/alerts',
      payload: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(noBody.statusCode).toBe(401);
    expect((await post('/v1/inbound/booking-api/alerts', { title: 'x' }, SECRET)).statusCode).toBe(401);
    const malformed = await post(
      '/v1/inbound/guest-api/alertmanager',
      { version: '4', alerts: 'nope' },
      SECRET,
    );
    expect(malformed.statusCode).toBe(400);
    expect((await store.audit.list({ limit: 1000 })).length).toBe(before);
  });

  it('takes PagerDuty Events v2 bodies unchanged: trigger, acknowledge and resolve share one dedup_key', async () => {
    const trigger = await post('/v2/enqueue', {
      routing_key: SECRET,
      event_action: 'trigger',
      dedup_key: 'disk-full-web01',
      payload: {
        summary: 'Storage diagnostics failing',
        source: 'web01',
        severity: 'error',
        custom_details: { free: '0%' },
      },
    });
    expect(trigger.statusCode).toBe(202);
    expect(trigger.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'disk-full-web01',
    });
    const incident = await store.incidents.findOpenByFingerprint(
      'guest-api',
      'guest-api:pagerduty:disk-full-web01',
    );
    expect(incident).toMatchObject({ severity: 'SEV-2', title: 'Storage diagnostics failing' });

    expect(
      (
        await post('/v2/enqueue', {
          routing_key: SECRET,
          event_action: 'acknowledge',
          dedup_key: 'disk-full-web01',
        })
      ).statusCode,
    ).toBe(202);
    expect((await store.incidents.get(incident?.id ?? ''))?.status).toBe('acknowledged');
    expect(
      (
        await post('/v2/enqueue', {
          routing_key: SECRET,
          event_action: 'resolve',
          dedup_key: 'disk-full-web01',
        })
      ).statusCode,
    ).toBe(202);
    expect((await store.timeline.list(incident?.id ?? '')).at(-1)?.summary).toContain('clear');

    const wrongKey = await post('/v2/enqueue', {
      routing_key: 'nope',
      event_action: 'trigger',
      payload: { summary: 'x', source: 'y', severity: 'info' },
    });
    expect(wrongKey.statusCode).toBe(400);
    expect(wrongKey.json()).toMatchObject({ status: 'invalid event', errors: ['Invalid routing key'] });
    const noPayload = await post('/v2/enqueue', { routing_key: SECRET, event_action: 'trigger' });
    expect(noPayload.json()).toMatchObject({ errors: ["'payload' is missing or blank"] });
  });
});
