import { z } from 'zod';
import { commsSchema } from './schema/comms.js';
import { neverBlockSchema } from './schema/controls.js';
import { detectionSchema } from './schema/detection.js';
import { enforcementSchema } from './schema/enforcement.js';
import { gatewaySchema } from './schema/gateway.js';
import { includeSchema } from './schema/include.js';
import { incidentTypeSchema } from './schema/mitigation.js';
import {
  checklistSchema,
  monitorSchema,
  postmortemSchema,
  reviewSchema,
  routineSchema,
  verificationSchema,
} from './schema/operations.js';
import { serviceSchema } from './schema/service.js';
import { severitySchema } from './schema/severity.js';

/**
 * The playbook format, version 1. The shape lives here; cross-references between sections (severity names,
 * route, limit, switch, type, monitor, template and audience names) are checked by `crossCheck`, which also
 * runs when the shape has errors so that a user sees every problem at once.
 *
 * Parsed values keep the YAML's snake_case names. Durations become milliseconds, status matchers become
 * inclusive ranges, leak rates become leak_per_second.
 */
export const playbookSchema = z
  .strictObject({
    rampart: z.literal(1, { message: 'format version 1 (rampart: 1)' }),
    service: serviceSchema,
    gateway: gatewaySchema.optional(),
    enforcement: enforcementSchema.prefault({}),
    /** Rule packs whose rules join detection.rules (e.g. include: [http]); see src/playbook/packs. */
    include: includeSchema,
    severity: severitySchema,
    detection: detectionSchema.prefault({}),
    incident_types: z.array(incidentTypeSchema).default([]),
    checklist: checklistSchema,
    comms: commsSchema.prefault({}),
    monitors: z.array(monitorSchema).default([]),
    verification: verificationSchema.optional(),
    postmortem: postmortemSchema.optional(),
    routines: z.array(routineSchema).default([]),
    review: reviewSchema.optional(),
    never_block: neverBlockSchema.optional(),
  })
  .meta({
    title: 'Rampart playbook',
    description:
      'One protected service: gateway, detection, severity, checklist, comms, monitors, verification.',
  });

export type Playbook = z.output<typeof playbookSchema>;
export type PlaybookInput = z.input<typeof playbookSchema>;

export type ServiceSpec = Playbook['service'];
export type RouteSpec = ServiceSpec['routes'][number];
export type GatewaySpec = NonNullable<Playbook['gateway']>;
export type TokenKindSpec = ServiceSpec['tokens'][number];
export type RateLimitSpec = GatewaySpec['rate_limits'][number];
export type SwitchSpec = GatewaySpec['switches'][number];
export type SeveritySpec = Playbook['severity'];
export type SeverityLevelSpec = SeveritySpec['scale'][number];
export type DetectionSpec = Playbook['detection'];
export type SourceSpec = DetectionSpec['sources'][number];
export type RuleSpec = DetectionSpec['rules'][number];
export type TriggerSpec = RuleSpec['trigger'];
export type FilterSpec = NonNullable<RuleSpec['filter']>;
export type MitigationSpec = NonNullable<RuleSpec['mitigation']>;
export type IncidentTypeSpec = Playbook['incident_types'][number];
export type ChecklistSpec = Playbook['checklist'];
export type CommsSpec = Playbook['comms'];
export type AudienceSpec = CommsSpec['audiences'][number];
export type ChannelSpec = AudienceSpec['channels'][number];
export type TemplateSpec = CommsSpec['templates'][number];
export type MonitorSpec = Playbook['monitors'][number];
export type VerificationStepSpec = NonNullable<Playbook['verification']>['steps'][number];
export type EnforcementSpec = Playbook['enforcement'];
export type HookSpec = EnforcementSpec['hooks'][number];
export type PostmortemSpec = NonNullable<Playbook['postmortem']>;
export type RoutineSpec = Playbook['routines'][number];
export type ReviewSpec = NonNullable<Playbook['review']>;
export type NeverBlockSpec = NonNullable<Playbook['never_block']>;
