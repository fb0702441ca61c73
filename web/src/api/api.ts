import { call } from './client.js';
import type {
  AuditEntry,
  Covered,
  Incident,
  IncidentView,
  Mitigation,
  MonitorState,
  OutboxMessage,
  Overview,
  Postmortem,
  RoutineStatus,
  ServiceInfo,
  SessionInfo,
  TimelineEntry,
  TokenStat,
  TopTalkers,
  TrafficAnswer,
  VerificationReport,
} from './types.js';

/** The typed client: one function per endpoint of ENDPOINTS, its body typed as the API's schema expects. */
export const api = {
  signIn: (key: string) => call<SessionInfo>('signIn', { body: { key } }),
  session: () => call<SessionInfo>('session'),
  signOut: () => call<{ signedOut: true }>('signOut'),
  overview: (page: { limit?: number; offset?: number } = {}) => call<Overview>('overview', { query: page }),
  incidents: (query: { service?: string; status?: string; open?: boolean; limit?: number } = {}) =>
    call<{ incidents: Incident[] }>('incidents', { query }),
  incident: (id: string) => call<IncidentView>('incident', { params: { id } }),
  report: (id: string) => call<string>('report', { params: { id }, text: true }),
  acknowledge: (id: string, body: { commander?: string; note?: string } = {}) =>
    call<Incident>('acknowledge', { params: { id }, body }),
  note: (id: string, text: string) => call<TimelineEntry>('note', { params: { id }, body: { text } }),
  severity: (id: string, body: { severity: string; reason: string }) =>
    call<Incident>('severity', { params: { id }, body }),
  mitigated: (id: string, body: { note?: string } = {}) =>
    call<Incident>('mitigated', { params: { id }, body }),
  resolve: (id: string, body: { note?: string; override?: { reason: string } } = {}) =>
    call<Incident>('resolve', { params: { id }, body }),
  close: (id: string, body: { note?: string } = {}) => call<Incident>('close', { params: { id }, body }),
  checklistStep: (
    id: string,
    step: string,
    body: { status: 'done' | 'skipped' | 'failed' | 'pending'; note?: string },
  ) => call<unknown>('checklistStep', { params: { id, step }, body }),
  verification: (id: string) => call<VerificationReport>('verification', { params: { id } }),
  confirmStep: (id: string, body: { step: string; note?: string }) =>
    call<unknown>('confirmStep', { params: { id }, body }),
  editPostmortem: (
    id: string,
    body: { sections: { name: string; body: string }[]; followUps?: { id: string; done: boolean }[] },
  ) => call<Postmortem>('editPostmortem', { params: { id }, body }),
  addFollowUp: (id: string, body: { title: string; owner?: string }) =>
    call<Postmortem>('addFollowUp', { params: { id }, body }),
  mitigations: (query: { service?: string; all?: boolean } = {}) =>
    call<{ mitigations: Covered[] }>('mitigations', { query }),
  liftMitigation: (id: string, reason?: string) =>
    call<Mitigation>('liftMitigation', { params: { id }, query: { reason } }),
  extendMitigation: (id: string, body: { forMs: number; reason: string }) =>
    call<Mitigation>('extendMitigation', { params: { id }, body }),
  keepMitigation: (id: string, body: { reason: string }) =>
    call<Mitigation>('keepMitigation', { params: { id }, body }),
  notifications: (query: { incident?: string; status?: string; limit?: number } = {}) =>
    call<{ notifications: OutboxMessage[] }>('notifications', { query }),
  approveNotification: (id: number) => call<OutboxMessage>('approveNotification', { params: { id } }),
  monitors: () => call<{ monitors: MonitorState[] }>('monitors'),
  routines: () => call<{ routines: RoutineStatus[] }>('routines'),
  services: () => call<{ services: ServiceInfo[] }>('services'),
  explain: (name: string) => call<{ service: string; text: string }>('explain', { params: { name } }),
  audit: (query: { actor?: string; target?: string; limit?: number } = {}) =>
    call<{ audit: AuditEntry[] }>('audit', { query }),
  traffic: (query: { service?: string; route?: string; from?: string; to?: string } = {}) =>
    call<TrafficAnswer>('traffic', { query }),
  top: (query: { service?: string; windowMs?: number; limit?: number } = {}) =>
    call<TopTalkers>('top', { query }),
  tokens: (query: { service?: string; sort?: string; limit?: number } = {}) =>
    call<{ tokens: TokenStat[] }>('tokens', { query }),
};
