import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/api.js';
import { useCan } from '../../api/session.js';
import type { Incident, TimelineEntry } from '../../api/types.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatClock, formatTime } from '../../components/format.js';
import { Panel } from '../../components/Panel.js';

type Filter = 'all' | 'people' | 'system';

/** People act as "cli:alice", "api:ops-key", "web:…"; the detector, monitors and notifier have bare names. */
export function isPerson(actor: string): boolean {
  return /^[a-z]+:./.test(actor);
}

export function TimelinePanel({ incident, timeline }: { incident: Incident; timeline: TimelineEntry[] }) {
  const [filter, setFilter] = useState<Filter>('all');
  const shown = timeline.filter((e) => filter === 'all' || (filter === 'people') === isPerson(e.actor));
  return (
    <Panel id="timeline" title={`Timeline (${timeline.length})`}>
      <fieldset className="filter">
        <legend>Show</legend>
        {(['all', 'people', 'system'] as const).map((f) => (
          <label key={f}>
            <input
              type="radio"
              name="timeline-filter"
              value={f}
              checked={filter === f}
              onChange={() => setFilter(f)}
            />{' '}
            {f === 'all' ? 'everything' : f === 'people' ? 'people' : 'Rampart'}
          </label>
        ))}
      </fieldset>
      {/* It scrolls on its own: focusable, so a keyboard can scroll it too. */}
      <ol
        className="timeline"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Timeline entries"
        tabIndex={0}
      >
        {shown.map((e) => (
          <li key={e.id} className={`kind-${e.kind}`}>
            <time dateTime={e.at} title={formatTime(e.at)}>
              {formatClock(e.at)}
            </time>{' '}
            <span className="badge">{e.kind}</span> <span className="summary">{e.summary}</span>{' '}
            <span className="muted">— {e.actor}</span>
          </li>
        ))}
      </ol>
      <NoteBox incident={incident} />
    </Panel>
  );
}

function NoteBox({ incident }: { incident: Incident }) {
  const can = useCan('note');
  const [text, setText] = useState('');
  const id = useId();
  const client = useQueryClient();
  const note = useMutation({
    mutationFn: () => api.note(incident.id, text.trim()),
    onSuccess: async () => {
      setText('');
      await client.invalidateQueries({ queryKey: ['incident', incident.id] });
    },
  });
  if (!can) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) note.mutate();
  };
  return (
    <form className="note-box" onSubmit={submit}>
      <label htmlFor={id}>Add a note to the timeline</label>
      <textarea id={id} value={text} rows={2} maxLength={10_000} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="primary" disabled={note.isPending || !text.trim()}>
        Add note
      </button>
      <ErrorNote error={note.error} />
    </form>
  );
}
