import { z } from 'zod';
import {
  acknowledge,
  acknowledgeInput,
  addFollowUp,
  addFollowUpInput,
  addNote,
  addNoteInput,
  changeSeverity,
  changeSeverityInput,
  closeIncident,
  closeInput,
  listIncidents,
  markMitigated,
  markMitigatedInput,
  openIncident,
  openIncidentInput,
  readIncident,
  renderIncidentReport,
  resolveIncident,
  resolveInput,
  updateChecklistStep,
  updateChecklistStepInput,
  verifyIncident,
  confirmVerificationStep,
  editPostmortem,
  editPostmortemInput,
} from '../../desk/index.js';
import { RampartError } from '../../shared/errors.js';
import { readIncidentAnswer } from '../views/incident.js';
import type { Role } from '../../domain/api-key.js';
import { INCIDENT_STATUSES } from '../../domain/incident-status.js';
import type { ApiDeps } from '../api-deps.js';
import { deskContext } from '../desk-context.js';
import { idParams, route, type AnyRoute } from '../define-route.js';
import { MAX_ROW_ID, rowId } from '../../shared/input-bounds.js';

const listQuery = z
  .object({
    service: z.string().max(100).optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    open: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export function incidentRoutes(deps: ApiDeps): AnyRoute[] {
  const ctx = (actor: string, role?: Role) => deskContext(deps, actor, role);
  const tag = 'incidents';
  return [
    route({
      method: 'GET',
      url: '/v1/incidents',
      role: 'viewer',
      tag,
      summary: 'List incidents, newest first',
      query: listQuery,
      handler: async ({ query }) => ({
        incidents: await listIncidents(deps.store, {
          ...(query.service ? { service: query.service } : {}),
          ...(query.status ? { status: [query.status] } : {}),
          ...(query.open === 'true' ? { openOnly: true } : {}),
          limit: query.limit ?? 100,
        }),
      }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents',
      role: 'responder',
      tag,
      summary: 'Open an incident',
      body: openIncidentInput,
      status: 201,
      handler: ({ body, actor }) => openIncident({ ctx: ctx(actor), input: body }),
    }),
    route({
      method: 'GET',
      url: '/v1/incidents/:id',
      role: 'viewer',
      tag,
      summary:
        'An incident with its checklist, mitigations (each with who enforces it: enforcement), post-mortem and timeline',
      params: idParams,
      handler: ({ params }) => readIncidentAnswer(deps, params.id),
    }),
    route({
      method: 'GET',
      url: '/v1/incidents/:id/timeline',
      role: 'viewer',
      tag,
      summary: 'The append-only timeline, oldest first',
      params: idParams,
      query: z
        .object({
          after: z.coerce.number().int().min(0).max(MAX_ROW_ID).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        })
        .strict(),
      handler: async ({ params, query }) => {
        const view = await readIncident(deps.store, params.id, { timelineLimit: 1 });
        return {
          timeline: await deps.store.timeline.list(view.incident.id, {
            ...(query.after !== undefined ? { afterId: query.after } : {}),
            limit: query.limit ?? 1000,
          }),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/incidents/:id/report',
      role: 'viewer',
      tag,
      summary: 'The whole incident as Markdown',
      params: idParams,
      handler: async ({ params, reply }) => {
        const markdown = renderIncidentReport(await readIncident(deps.store, params.id), deps.clock.now());
        return reply.type('text/markdown; charset=utf-8').send(markdown);
      },
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/ack',
      role: 'responder',
      tag,
      summary: 'Acknowledge; the caller becomes commander unless one is named',
      params: idParams,
      body: acknowledgeInput.omit({ id: true }),
      handler: ({ params, body, actor }) =>
        acknowledge({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/notes',
      role: 'responder',
      tag,
      summary: 'Add a note to the timeline',
      params: idParams,
      body: addNoteInput.omit({ id: true }),
      status: 201,
      handler: ({ params, body, actor }) => addNote({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/severity',
      role: 'responder',
      tag,
      summary: 'Change severity (a reason is required)',
      params: idParams,
      body: changeSeverityInput.omit({ id: true }),
      handler: ({ params, body, actor }) =>
        changeSeverity({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/mitigated',
      role: 'responder',
      tag,
      summary: 'Mark mitigated',
      params: idParams,
      body: markMitigatedInput.omit({ id: true }),
      handler: ({ params, body, actor }) =>
        markMitigated({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/resolve',
      role: 'responder',
      tag,
      summary: 'Resolve; opens the post-mortem with its due date',
      params: idParams,
      body: resolveInput.omit({ id: true }),
      // The key's role travels with the call: overriding a failing verification is an admin's decision.
      handler: ({ params, body, actor, key }) =>
        resolveIncident({ ctx: ctx(actor, key?.role), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'GET',
      url: '/v1/incidents/:id/verification',
      role: 'viewer',
      tag,
      summary: "The playbook's verification checks for this incident: what stands between it and resolved",
      params: idParams,
      handler: ({ params, actor }) => verifyIncident(ctx(actor), params.id),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/verification/confirm',
      role: 'responder',
      tag,
      summary: 'Confirm a manual verification step (by name or 1-based position)',
      params: idParams,
      body: z.object({ step: z.string().min(1).max(200), note: z.string().max(2000).optional() }).strict(),
      status: 201,
      handler: ({ params, body, actor }) =>
        confirmVerificationStep({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/close',
      role: 'responder',
      tag,
      summary: 'Close a resolved incident',
      params: idParams,
      body: closeInput.omit({ id: true }),
      handler: ({ params, body, actor }) =>
        closeIncident({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/checklist/:step',
      role: 'responder',
      tag,
      summary: 'Set a checklist step done, skipped, failed or pending',
      params: z.object({ id: z.string().min(1).max(40), step: z.string().min(1).max(100) }).strict(),
      body: updateChecklistStepInput.omit({ id: true, step: true }),
      handler: ({ params, body, actor }) =>
        updateChecklistStep({ ctx: ctx(actor), input: { ...body, id: params.id, step: params.step } }),
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/postmortem',
      role: 'responder',
      tag,
      summary: "Edit the post-mortem: the playbook's sections by name, and follow-ups done or not",
      params: idParams,
      body: editPostmortemInput.omit({ id: true }),
      handler: ({ params, body, actor }) =>
        editPostmortem({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'GET',
      url: '/v1/incidents/:id/evidence/:entry',
      role: 'viewer',
      tag,
      summary: 'Download one evidence snapshot (its events, time span and SHA-256) as a JSON file',
      params: z.object({ id: z.string().min(1).max(40), entry: rowId() }).strict(),
      handler: async ({ params, reply }) => {
        const incident = (await readIncident(deps.store, params.id, { timelineLimit: 1 })).incident;
        const [entry] = await deps.store.timeline.list(incident.id, { afterId: params.entry - 1, limit: 1 });
        if (!entry || entry.id !== params.entry || entry.kind !== 'evidence') {
          throw new RampartError('RAMPART_NOT_FOUND', `evidence ${params.entry} of ${incident.id} not found`);
        }
        const file = `${incident.id}-evidence-${entry.id}.json`;
        reply.header('content-disposition', `attachment; filename="${file}"`);
        return {
          incident: incident.id,
          entry: entry.id,
          at: entry.at,
          summary: entry.summary,
          note: 'sha256 covers every event of the snapshot; events lists at most the first 500 of them',
          ...entry.data,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/incidents/:id/postmortem/follow-ups',
      role: 'responder',
      tag,
      summary: 'Add a follow-up task to the post-mortem',
      params: idParams,
      body: addFollowUpInput.omit({ id: true }),
      status: 201,
      handler: ({ params, body, actor }) =>
        addFollowUp({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
  ];
}
