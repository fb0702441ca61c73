import { describeFilter } from './describe-filter.js';
import { formatDuration } from '../shared/duration.js';
import type { MitigationSpec, TriggerSpec } from './schema.js';

/** Plain-language fragments shared by `explainPlaybook` and anyone who shows a rule or mitigation. */

/** formatDuration, but keeps sub-second precision for latencies such as 1500ms. */
export const dur = (ms: number): string =>
  ms < 60_000 && ms % 1000 !== 0 ? `${ms / 1000}s` : formatDuration(ms);


export { describeFilter, describeStatus } from './describe-filter.js';

export function describeTrigger(t: TriggerSpec, groupBy: readonly string[]): string {
  const per = groupBy.length > 0 ? ` per ${groupBy.join('+')}` : '';
  switch (t.type) {
    case 'threshold':
      return `${t.count} or more events${per} within ${dur(t.window)}`;
    case 'leaky_bucket':
      return `a bucket of ${t.capacity}${per} leaking ${t.leak_per_second}/s overflows${t.blackhole ? ` (then held ${dur(t.blackhole)})` : ''}`;
    case 'distinct':
      return `${t.count} or more distinct ${t.field}${per} within ${dur(t.window)}${t.ignore_known === undefined ? '' : `, counting only ${t.field} values never seen on an event with ${describeFilter(t.ignore_known)}`}`;
    case 'ratio':
      return `more than ${Math.round(t.share * 100)}% of requests${per} are errors (${describeFilter(t.errors)}) within ${dur(t.window)}, once ${t.min_requests}+ requests`;
    case 'baseline':
      return `the count${per} over ${dur(t.window)} exceeds ${t.factor}x its baseline learnt over ${dur(t.learn)} (at least ${t.min_count})`;
    case 'latency':
      return `p${t.percentile} latency${per} above ${dur(t.above)} over ${dur(t.window)}, once ${t.min_requests}+ requests`;
    case 'absence':
      return `no matching event for ${dur(t.for)}`;
  }
}

/** A target clean this long starts again at the first escalation step. */
export const DEFAULT_ESCALATE_RESET_MS = 30 * 86_400_000;

export function describeMitigation(m: MitigationSpec): string {
  const span =
    m.escalate !== undefined
      ? ` for ${m.escalate.map(dur).join(', then ')} on repeat offences (clean again after ${dur(m.escalate_reset ?? DEFAULT_ESCALATE_RESET_MS)})`
      : m.for !== undefined
        ? ` for ${dur(m.for)}`
        : '';
  let text: string;
  switch (m.action) {
    case 'block':
      text =
        m.target === 'cidrs'
          ? `block ${(m.cidrs ?? []).join(', ')}`
          : `block the ${m.target === 'ip' ? 'client IP' : 'client IP prefix (/24, /64)'}`;
      break;
    case 'throttle':
      text = `tighten limit ${m.limit} to ${m.to}`;
      break;
    case 'revoke-token':
      text = `revoke the ${m.token ?? 'offending'} token`;
      break;
    case 'revoke-jti':
      text = `revoke the JWT (jti)${m.token ? ` of ${m.token}` : ''}`;
      break;
    case 'revoke-subject':
      text = `revoke every ${m.token ?? 'session'} of the subject issued before now`;
      break;
    case 'revoke-all':
      text = `revoke every ${m.token ?? 'session'} issued before now (no secret rotation)`;
      break;
    case 'switch-off':
      text = `switch off ${m.switch}`;
      break;
    case 'maintenance':
      text = `fail closed (503 + banner)${m.routes ? ` on ${m.routes.join(', ')}` : ''}`;
      break;
    case 'manual':
      text = `by hand: ${m.text}${m.command ? ` (\`${m.command}\`)` : ''}`;
      break;
    case 'notify':
      text = `notify ${m.audience}${m.template ? ` with ${m.template}` : ''}`;
      break;
  }
  return `${text}${span}`;
}
