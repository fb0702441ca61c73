import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, statusSummary, type Answer } from '../http.js';

/** A loopback address that is not in the playbooks' trusted_proxies (127.0.0.1/32, ::1/128). */
export const UNTRUSTED_PEER = '127.0.0.2';
const REQUESTS = 110;
const PER_IP_LIMIT = 100;

export const xffSpoofing: Drill = {
  name: 'xff-spoofing',
  // The booking API's per-IP limit (the seed's 100 / 60 s) is the one a spoofer dodges in a few seconds; the guest
  // API's is wide (1,500 / min: a venue's guests share one NAT address), more than a drill should send.
  service: 'booking',
  title: 'Dodging the per-IP limit with a spoofed X-Forwarded-For',
  explain:
    `A client connecting from ${UNTRUSTED_PEER} (loopback, but not a trusted proxy) sends ${REQUESTS} requests, each ` +
    'claiming a different X-Forwarded-For, to GET /bookings. Expected (6FB "Check for IP spoofing"): the gateway ignores the ' +
    `header from an untrusted peer and counts the real peer, so the per-IP limit (${PER_IP_LIMIT}/60 s) still ` +
    'answers 429 with Retry-After and rate-limit headers.',
  async run(ctx, run) {
    const answers: Answer[] = [];
    let elapsedMs = 0;
    await run.step('traffic', async () => {
      const started = performance.now();
      try {
        for (let i = 0; i < Math.min(REQUESTS, ctx.limits.maxRequests); i++) {
          answers.push(
            await send(`${ctx.targets.booking}/bookings`, {
              localAddress: UNTRUSTED_PEER,
              headers: { 'x-forwarded-for': `10.${i % 256}.${(i * 7) % 256}.${((i * 13) % 254) + 1}` },
            }),
          );
        }
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EADDRNOTAVAIL')
          throw new DrillFailure(
            `cannot send from ${UNTRUSTED_PEER} on this machine (only Linux routes all of 127.0.0.0/8)`,
          );
        throw error;
      }
      elapsedMs = performance.now() - started;
      return `sent ${answers.length} requests from ${UNTRUSTED_PEER}, each with a different spoofed X-Forwarded-For: ${statusSummary(answers)}`;
    });
    await run.step('limit', () => {
      // Answered by the app (whatever it said) rather than refused by the gateway's limit.
      const passed = answers.filter((a) => a.status !== 429).length;
      const first = answers.find((a) => a.status === 429);
      if (!first)
        throw new DrillFailure(`no 429: the spoofed addresses dodged the per-IP limit (${passed} passed)`);
      // The limit refills one request every 60 s / 100 while the drill sends (more on a loaded machine).
      const allowed = PER_IP_LIMIT + Math.ceil(elapsedMs / (60_000 / PER_IP_LIMIT));
      if (passed > allowed)
        throw new DrillFailure(`${passed} requests passed a limit of ${PER_IP_LIMIT} (${allowed} with its refill)`);
      if (!first.headers['retry-after']) throw new DrillFailure('429 without Retry-After');
      return `limit held on the real peer: ${passed} passed, then 429 with Retry-After ${first.headers['retry-after']} s (X-RateLimit-Limit ${first.headers['x-ratelimit-limit'] ?? '-'})`;
    });
  },
};
