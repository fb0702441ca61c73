import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api } from '../../api/api.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { ChecklistPanel } from './ChecklistPanel.js';
import { CommsPanel } from './CommsPanel.js';
import { EvidencePanel } from './EvidencePanel.js';
import { IncidentHeader } from './IncidentHeader.js';
import { Milestones } from './Milestones.js';
import { MitigationsPanel } from './MitigationsPanel.js';
import { PostmortemPanel } from './PostmortemPanel.js';
import { ScopePanel } from './ScopePanel.js';
import { SeverityHistory } from './SeverityHistory.js';
import { TimelinePanel } from './TimelinePanel.js';
import { VerificationPanel } from './VerificationPanel.js';

/** Everything about one incident, in the order a responder needs it; every part re-reads on the stream's word. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const view = useQuery({ queryKey: ['incident', id], queryFn: () => api.incident(id) });
  if (view.isPending) return <Loading what={id} />;
  if (view.isError) return <ErrorNote error={view.error} />;
  const { incident, checklist, mitigations, postmortem, timeline } = view.data;
  return (
    <article className="incident" data-ready="incident" aria-labelledby="incident-title">
      <IncidentHeader incident={incident} />
      <div className="grid-2">
        <Milestones incident={incident} />
        <SeverityHistory incident={incident} timeline={timeline} />
      </div>
      <VerificationPanel incident={incident} />
      <MitigationsPanel incident={incident} mitigations={mitigations} timeline={timeline} />
      <ChecklistPanel incident={incident} checklist={checklist} />
      <TimelinePanel incident={incident} timeline={timeline} />
      <ScopePanel incident={incident} timeline={timeline} />
      <CommsPanel incident={incident} />
      <EvidencePanel incident={incident} timeline={timeline} />
      <PostmortemPanel incident={incident} postmortem={postmortem} />
    </article>
  );
}
