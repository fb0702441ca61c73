export { createNotifier, channelEnvNames, type Notifier, type NotifierOptions } from './notifier.js';
export { createDispatcher, type DispatchSummary, type Dispatcher } from './dispatcher.js';
export { approveMessage } from './approve.js';
export {
  routeEvent,
  pagerDutyAction,
  isImpactful,
  type PlannedDelivery,
  type RouteInput,
} from './routing.js';
export { nextBusinessStart, type BusinessHours } from './business-hours.js';
export { compileTemplate, TEMPLATE_VARIABLES, type CompiledTemplate } from './templates.js';
export {
  tenantDirectoryFromEnv,
  TENANT_CONTACTS_ENV,
  type TenantDirectory,
  type TenantContact,
} from './tenant-directory.js';
export { DEFAULT_BACKOFF, backoffMs, type BackoffPolicy } from './backoff.js';
export { DEFAULT_UPDATE_GRACE_MS, cadenceFor, lastUpdateAt } from './cadence.js';
export type { Channel, ChannelKind, DeliveryResult } from './channels/channel.js';
export { slackBody, slackChannel, SLACK_LIMITS } from './channels/slack.js';
export {
  pagerDutyBody,
  pagerDutyChannel,
  pagerDutyDedupKey,
  pagerDutySeverity,
  PAGERDUTY_EVENTS_URL,
} from './channels/pagerduty.js';
export {
  verifyWebhookSignature,
  signWebhook,
  webhookChannel,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_TOLERANCE_MS,
} from './channels/webhook.js';
export { emailChannel, DEFAULT_MAIL_FROM } from './channels/email.js';
export type { NotifyMessage, NotifyEvent, ChannelTarget } from './message.js';
