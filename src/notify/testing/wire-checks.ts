import { SLACK_LIMITS } from '../channels/slack.js';
import type { ReceivedRequest } from './http-receiver.js';

/** What Slack's incoming webhooks accept: JSON with a `text` fallback and Block Kit within its limits. */
export function checkSlackRequest(request: ReceivedRequest): string | undefined {
  if (request.method !== 'POST') return 'POST only';
  if (!String(request.headers['content-type']).startsWith('application/json'))
    return 'invalid_payload: content-type';
  let body: { text?: unknown; blocks?: unknown; metadata?: unknown };
  try {
    body = JSON.parse(request.body) as typeof body;
  } catch {
    return 'invalid_payload: not JSON';
  }
  if (typeof body.text !== 'string' || body.text.length === 0) return 'missing_text';
  if (body.metadata !== undefined) {
    const problem = checkSlackMetadata(body.metadata);
    if (problem) return `invalid_metadata: ${problem}`;
  }
  if (!Array.isArray(body.blocks)) return 'invalid_blocks: not an array';
  if (body.blocks.length > SLACK_LIMITS.blocks) return 'invalid_blocks: too many blocks';
  for (const block of body.blocks as Record<string, unknown>[]) {
    const text = block.text as { type?: string; text?: string } | undefined;
    if (block.type === 'header') {
      if (text?.type !== 'plain_text' || typeof text.text !== 'string')
        return 'invalid_blocks: header needs plain_text';
      if ([...text.text].length > SLACK_LIMITS.headerText) return 'invalid_blocks: header text over 150';
    } else if (block.type === 'section') {
      const fields = block.fields as { type: string; text: string }[] | undefined;
      if (text === undefined && fields === undefined) return 'invalid_blocks: empty section';
      if (text && (typeof text.text !== 'string' || [...text.text].length > SLACK_LIMITS.sectionText))
        return 'invalid_blocks: section text over 3000';
      if (
        fields &&
        (fields.length > SLACK_LIMITS.fields ||
          fields.some((f) => [...f.text].length > SLACK_LIMITS.fieldText))
      ) {
        return 'invalid_blocks: fields';
      }
    } else if (block.type === 'context') {
      const elements = block.elements as unknown[] | undefined;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > SLACK_LIMITS.contextElements)
        return 'invalid_blocks: context';
    } else {
      return `invalid_blocks: unexpected block type ${String(block.type)}`;
    }
  }
  return undefined;
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isFlatObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isScalar);

/**
 * Slack's message metadata format (https://docs.slack.dev/messaging/message-metadata): an alphanumeric
 * `event_type` and an `event_payload` object whose values are scalars, objects of scalars, or arrays of those.
 */
export function checkSlackMetadata(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return 'not an object';
  const { event_type: type, event_payload: payload } = metadata as Record<string, unknown>;
  if (typeof type !== 'string' || !/^[A-Za-z0-9_]{1,255}$/.test(type)) return 'event_type';
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'event_payload';
  for (const value of Object.values(payload)) {
    const ok =
      isScalar(value) || isFlatObject(value) || (Array.isArray(value) && value.every((v) => isFlatObject(v)));
    if (!ok) return 'event_payload value';
  }
  return undefined;
}

/** The delivery id a receiver dedupes on: the header on every HTTP channel, Slack's metadata too. */
export function deliveryIdOf(request: ReceivedRequest): string | undefined {
  const header = request.headers['x-rampart-delivery'];
  if (typeof header === 'string' && header !== '') return header;
  try {
    const body = JSON.parse(request.body) as { metadata?: { event_payload?: { delivery_id?: unknown } } };
    const id = body.metadata?.event_payload?.delivery_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** What PagerDuty's Events API v2 accepts (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export function checkPagerDutyRequest(request: ReceivedRequest): string | undefined {
  if (request.method !== 'POST' || request.path !== '/v2/enqueue') return 'wrong endpoint';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(request.body) as Record<string, unknown>;
  } catch {
    return 'Invalid JSON';
  }
  if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32)
    return 'routing_key must be 32 characters';
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(body.event_action))) return 'bad event_action';
  if (typeof body.dedup_key !== 'string' || body.dedup_key.length === 0 || body.dedup_key.length > 255)
    return 'bad dedup_key';
  if (body.event_action === 'trigger') {
    const payload = body.payload as Record<string, unknown> | undefined;
    if (!payload) return 'payload is required for trigger';
    if (typeof payload.summary !== 'string' || payload.summary.length === 0 || payload.summary.length > 1024)
      return 'bad summary';
    if (typeof payload.source !== 'string' || payload.source.length === 0) return 'bad source';
    if (!PD_SEVERITIES.includes(String(payload.severity))) return 'bad severity';
    if (
      payload.custom_details !== undefined &&
      (typeof payload.custom_details !== 'object' || payload.custom_details === null)
    )
      return 'bad custom_details';
  }
  return undefined;
}
