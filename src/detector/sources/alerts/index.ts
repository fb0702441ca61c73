export type { InboundAlert } from './inbound-alert.js';
export { alertmanagerBody, fromAlertmanager, type AlertmanagerBody } from './alertmanager.js';
export {
  pagerDutyEvent,
  fromPagerDuty,
  pagerDutyDedupKey,
  pagerDutyProblem,
  type PagerDutyEvent,
} from './pagerduty.js';
export { genericAlertBody, fromGenericAlert, type GenericAlertBody } from './generic.js';
