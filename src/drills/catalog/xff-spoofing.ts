import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, statusSummary, type Answer } from '../http.js';

/** A loopback address that is not in the playbooks' trusted_proxies (127.0.0.1/32, ::1/128). */
export const UNTRUSTED_PEER = '127.0.0.2';
const REQUESTS = 110;
const PER_IP_LIMIT = 100;
const PER_IP_WINDOW_MS = 60_000;

/**
 * How many of a burst may pass a limit of `limit` per `windowMs`: the gateway's limiter (GCRA) lets the limit
 * through at once, then one more every windowMs / limit. So 110 requests sent one after another over 2 s pass
 * 100 + 3, as the drill saw on a loaded machine: that is the limit working, not a leak. The drill used to
 * demand at most 100 whatever the time taken, and failed whenever the requests took longer than 600 ms.
 */
export function allowedPasses(limit: number, windowMs: number, elapsedMs: number): number {
  return limit + Math.floor(Math.max(0, elapsedMs) / (windowMs / limit));
}

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
      const allowed = allowedPasses(PER_IP_LIMIT, PER_IP_WINDOW_MS, elapsedMs);
      if (passed > allowed)
        throw new DrillFailure(
          `${passed} requests passed a limit of ${PER_IP_LIMIT} per 60 s (at most ${allowed} in ${Math.round(elapsedMs)} ms)`,
        );
      if (!first.headers['retry-after']) throw new DrillFailure('429 without Retry-After');
      const refilled = passed > PER_IP_LIMIT ? ` (${PER_IP_LIMIT} + ${passed - PER_IP_LIMIT} refilled in ${Math.round(elapsedMs)} ms)` : '';
      return `limit held on the real peer: ${passed} passed${refilled}, then 429 with Retry-After ${first.headers['retry-after']} s (X-RateLimit-Limit ${first.headers['x-ratelimit-limit'] ?? '-'})`;
    });
  },
};
