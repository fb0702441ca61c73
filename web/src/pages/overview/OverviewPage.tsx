import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { MitigationsInForce } from './MitigationsInForce.js';
import { MonitorStates } from './MonitorStates.js';
import { OpenIncidents } from './OpenIncidents.js';
import { Overdue } from './Overdue.js';
import { RecentSignals } from './RecentSignals.js';
import { SeverityCounts } from './SeverityCounts.js';

const PAGE = 50;

/** What needs a responder now: one aggregated, paginated answer, re-read whenever the stream says so. */
export function OverviewPage() {
  const [offset, setOffset] = useState(0);
  const overview = useQuery({
    queryKey: ['overview', offset],
    queryFn: () => api.overview({ limit: PAGE, offset }),
    placeholderData: (previous) => previous,
  });
  if (overview.isPending) return <Loading what="the overview" />;
  if (overview.isError) return <ErrorNote error={overview.error} />;
  const data = overview.data;
  return (
    <div className="overview" data-ready="overview">
      <h1>Overview</h1>
      <SeverityCounts counts={data.counts} />
      <OpenIncidents open={data.open} pageSize={PAGE} onPage={setOffset} />
      <div className="grid-2">
        <Overdue steps={data.overdueSteps} updates={data.overdueUpdates} />
        <MitigationsInForce mitigations={data.mitigations} />
        <MonitorStates monitors={data.monitors} />
        <RecentSignals signals={data.signals} shadow={data.shadow} />
      </div>
    </div>
  );
}
