export type { ActionArgs, DeskContext } from './context.js';
export { deskEventBus, type DeskEvent, type DeskEvents, type TransactionalListener } from './desk-events.js';
export { deskTransaction, type Tell } from './desk-transaction.js';
export { catalogOf, type ServiceCatalog, type ServicePolicy } from './service-policy.js';
export { openIncident, openIncidentInput, type OpenIncidentInput } from './open-incident.js';
export { acknowledge, acknowledgeInput } from './acknowledge.js';
export { addNote, addNoteInput } from './add-note.js';
export { changeSeverity, changeSeverityInput } from './change-severity.js';
export { markMitigated, markMitigatedInput } from './mark-mitigated.js';
export { resolveIncident, resolveInput } from './resolve.js';
export { closeIncident, closeInput } from './close.js';
export { updateChecklistStep, updateChecklistStepInput } from './update-checklist-step.js';
export { addFollowUp, addFollowUpInput } from './add-follow-up.js';
export { ingestSignal, signalInput, type IngestResult, type SignalInput } from './ingest-signal.js';
export { readIncident, listIncidents, type IncidentView } from './read-incident.js';
export {
  applyMitigation,
  applyIncidentMitigationOnce,
  applyMitigationInput,
  type ApplyMitigationInput,
} from './apply-mitigation.js';
export { liftMitigation, liftMitigationInput } from './lift-mitigation.js';
export { noteExpiredMitigations, watchExpiries, type ExpiryWatch } from './note-expiries.js';
export { clearSignal, clearSignalInput, type ClearSignalInput } from './clear-signal.js';
export { renderIncidentReport } from './render-report.js';
export { attachEvidence, MAX_EVIDENCE_EVENTS, type AttachEvidenceInput } from './attach-evidence.js';
export {
  completeAutomaticSteps,
  settleAutomaticStepsIn,
  type AutomaticOutcome,
  type SettleStepsInput,
} from './complete-automatic-steps.js';
export { recordAction } from './record-action.js';
export { refuseProtected } from './refuse-protected.js';
export { escalateMitigation } from './escalate-mitigation.js';
export { verifyIncident, verifyIn } from './verify-incident.js';
export type { VerificationCheck, VerificationReport, VerificationStep } from './verification-steps.js';
export { keepMitigation, keepMitigationInput, type KeepMitigationInput } from './keep-mitigation.js';
export {
  confirmVerificationStep,
  confirmVerificationStepInput,
  type ConfirmVerificationStepInput,
} from './confirm-verification-step.js';
export { extendMitigation, extendMitigationInput, type ExtendMitigationInput } from './extend-mitigation.js';
export { editPostmortem, editPostmortemInput, type EditPostmortemInput } from './edit-postmortem.js';
