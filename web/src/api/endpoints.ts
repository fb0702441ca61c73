import type { Role } from '../../../src/domain/api-key.js';

/**
 * Every API call the console makes, in one table: method, path (OpenAPI style), the least role the API
 * demands, and the body and query fields the console sends. The console hides a control whose endpoint the
 * signed-in role may not call, using this same role; test/console/client-contract.test.ts fails when this
 * table and /openapi.json disagree on any of it.
 */
export interface EndpointSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  role: Role | null;
  /** Body fields the console may send; `required` ones it always sends. */
  body?: { fields: readonly string[]; required: readonly string[] };
  query?: readonly string[];
}

export const ENDPOINTS = {
  signIn: { method: 'POST', path: '/v1/session', role: null, body: { fields: ['key'], required: ['key'] } },
  session: { method: 'GET', path: '/v1/session', role: 'viewer' },
  signOut: { method: 'DELETE', path: '/v1/session', role: 'viewer' },
  overview: { method: 'GET', path: '/v1/overview', role: 'viewer', query: ['limit', 'offset'] },
  incidents: {
    method: 'GET',
    path: '/v1/incidents',
    role: 'viewer',
    query: ['service', 'status', 'open', 'limit'],
  },
  incident: { method: 'GET', path: '/v1/incidents/{id}', role: 'viewer' },
  report: { method: 'GET', path: '/v1/incidents/{id}/report', role: 'viewer' },
  acknowledge: {
    method: 'POST',
    path: '/v1/incidents/{id}/ack',
    role: 'responder',
    body: { fields: ['commander', 'note'], required: [] },
  },
  note: {
    method: 'POST',
    path: '/v1/incidents/{id}/notes',
    role: 'responder',
    body: { fields: ['text'], required: ['text'] },
  },
  severity: {
    method: 'POST',
    path: '/v1/incidents/{id}/severity',
    role: 'responder',
    body: { fields: ['severity', 'reason'], required: ['severity', 'reason'] },
  },
  mitigated: {
    method: 'POST',
    path: '/v1/incidents/{id}/mitigated',
    role: 'responder',
    body: { fields: ['note'], required: [] },
  },
  resolve: {
    method: 'POST',
    path: '/v1/incidents/{id}/resolve',
    role: 'responder',
    body: { fields: ['note', 'override'], required: [] },
  },
  close: {
    method: 'POST',
    path: '/v1/incidents/{id}/close',
    role: 'responder',
    body: { fields: ['note'], required: [] },
  },
  checklistStep: {
    method: 'POST',
    path: '/v1/incidents/{id}/checklist/{step}',
    role: 'responder',
    body: { fields: ['status', 'note'], required: ['status'] },
  },
  verification: { method: 'GET', path: '/v1/incidents/{id}/verification', role: 'viewer' },
  confirmStep: {
    method: 'POST',
    path: '/v1/incidents/{id}/verification/confirm',
    role: 'responder',
    body: { fields: ['step', 'note'], required: ['step'] },
  },
  editPostmortem: {
    method: 'POST',
    path: '/v1/incidents/{id}/postmortem',
    role: 'responder',
    body: { fields: ['sections', 'followUps'], required: ['sections'] },
  },
  addFollowUp: {
    method: 'POST',
    path: '/v1/incidents/{id}/postmortem/follow-ups',
    role: 'responder',
    body: { fields: ['title', 'owner'], required: ['title'] },
  },
  evidence: { method: 'GET', path: '/v1/incidents/{id}/evidence/{entry}', role: 'viewer' },
  mitigations: { method: 'GET', path: '/v1/mitigations', role: 'viewer', query: ['service', 'all'] },
  liftMitigation: { method: 'DELETE', path: '/v1/mitigations/{id}', role: 'responder', query: ['reason'] },
  extendMitigation: {
    method: 'POST',
    path: '/v1/mitigations/{id}/extend',
    role: 'responder',
    body: { fields: ['forMs', 'reason'], required: ['forMs', 'reason'] },
  },
  keepMitigation: {
    method: 'POST',
    path: '/v1/mitigations/{id}/keep',
    role: 'responder',
    body: { fields: ['reason'], required: ['reason'] },
  },
  notifications: {
    method: 'GET',
    path: '/v1/notifications',
    role: 'viewer',
    query: ['incident', 'status', 'limit'],
  },
  approveNotification: { method: 'POST', path: '/v1/notifications/{id}/approve', role: 'responder' },
  monitors: { method: 'GET', path: '/v1/monitors', role: 'viewer' },
  routines: { method: 'GET', path: '/v1/routines', role: 'viewer' },
  services: { method: 'GET', path: '/v1/services', role: 'viewer' },
  explain: { method: 'GET', path: '/v1/services/{name}/explain', role: 'viewer' },
  audit: { method: 'GET', path: '/v1/audit', role: 'admin', query: ['actor', 'target', 'limit'] },
  traffic: { method: 'GET', path: '/v1/traffic', role: 'viewer', query: ['service', 'route', 'from', 'to'] },
  top: { method: 'GET', path: '/v1/traffic/top', role: 'viewer', query: ['service', 'windowMs', 'limit'] },
  tokens: { method: 'GET', path: '/v1/tokens', role: 'viewer', query: ['service', 'sort', 'limit'] },
  stream: { method: 'GET', path: '/v1/stream', role: 'viewer' },
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

/** Whether a role may call an endpoint: the rule the API applies, on the role the API declares. */
export function mayCall(role: Role | undefined, name: EndpointName): boolean {
  const need: Role | null = ENDPOINTS[name].role;
  if (need === null) return true;
  return role !== undefined && RANK[role] >= RANK[need];
}

/** Fills `{id}`-style path parameters, each encoded. */
export function pathOf(name: EndpointName, params: Record<string, string | number> = {}): string {
  return ENDPOINTS[name].path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${name}: path parameter ${key} missing`);
    return encodeURIComponent(String(value));
  });
}
