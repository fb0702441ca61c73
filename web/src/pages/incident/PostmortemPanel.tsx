import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/api.js';
import { pathOf } from '../../api/endpoints.js';
import { useCan } from '../../api/session.js';
import type { Incident, Postmortem } from '../../api/types.js';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Panel } from '../../components/Panel.js';

/** The post-mortem the desk opened at resolution: its sections, editable, due date, follow-ups, export. */
export function PostmortemPanel({
  incident,
  postmortem,
}: {
  incident: Incident;
  postmortem: Postmortem | null;
}) {
  const [saved, setSaved] = useState(false);
  return (
    <Panel
      id="postmortem"
      title="Post-mortem"
      actions={
        <a className="button" href={pathOf('report', { id: incident.id })} download={`${incident.id}.md`}>
          Export as Markdown
        </a>
      }
    >
      {postmortem === null ? (
        <p className="muted">It opens, with its due date and sections, when the incident is resolved.</p>
      ) : (
        // A save (this page's or another responder's, seen through the stream) starts the form afresh from it.
        <PostmortemForm
          key={JSON.stringify([postmortem.sections, postmortem.followUps])}
          incident={incident}
          postmortem={postmortem}
          saved={saved}
          onSaved={() => setSaved(true)}
        />
      )}
    </Panel>
  );
}

function PostmortemForm({
  incident,
  postmortem,
  saved,
  onSaved,
}: {
  incident: Incident;
  postmortem: Postmortem;
  saved: boolean;
  onSaved: () => void;
}) {
  const canEdit = useCan('editPostmortem');
  const canAdd = useCan('addFollowUp');
  const client = useQueryClient();
  const baseId = useId();
  const [bodies, setBodies] = useState(() =>
    Object.fromEntries(postmortem.sections.map((s) => [s.name, s.body])),
  );
  const [done, setDone] = useState(() => Object.fromEntries(postmortem.followUps.map((f) => [f.id, f.done])));
  const [dirty, setDirty] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      api.editPostmortem(incident.id, {
        sections: postmortem.sections.map((s) => ({ name: s.name, body: bodies[s.name] ?? '' })),
        followUps: postmortem.followUps.map((f) => ({ id: f.id, done: done[f.id] ?? f.done })),
      }),
    onSuccess: async () => {
      setDirty(false);
      onSaved();
      await client.invalidateQueries({ queryKey: ['incident', incident.id] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <>
      <p>
        {postmortem.status} · due <Countdown to={postmortem.dueAt} done={postmortem.status === 'published'} />
      </p>
      <form onSubmit={submit} className="postmortem">
        {postmortem.sections.map((s) => (
          <div key={s.name} className="section">
            <label htmlFor={`${baseId}-${s.name}`}>{s.name}</label>
            <textarea
              id={`${baseId}-${s.name}`}
              rows={4}
              readOnly={!canEdit}
              value={bodies[s.name] ?? ''}
              onChange={(e) => {
                setBodies({ ...bodies, [s.name]: e.target.value });
                setDirty(true);
              }}
            />
          </div>
        ))}
        <fieldset>
          <legend>Follow-ups</legend>
          {postmortem.followUps.length === 0 && <p className="muted">None yet.</p>}
          {postmortem.followUps.map((f) => (
            <label key={f.id} className="follow-up">
              <input
                type="checkbox"
                checked={done[f.id] ?? f.done}
                disabled={!canEdit}
                onChange={(e) => {
                  setDone({ ...done, [f.id]: e.target.checked });
                  setDirty(true);
                }}
              />{' '}
              {f.title} {f.owner && <span className="muted">(owner {f.owner})</span>}
            </label>
          ))}
        </fieldset>
        {canEdit && (
          <button type="submit" className="primary" disabled={save.isPending || !dirty}>
            Save post-mortem
          </button>
        )}
        {saved && !dirty && <span role="status"> Saved.</span>}
        <ErrorNote error={save.error} />
      </form>
      {canAdd && <AddFollowUp incident={incident} />}
    </>
  );
}

function AddFollowUp({ incident }: { incident: Incident }) {
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const id = useId();
  const client = useQueryClient();
  const add = useMutation({
    mutationFn: () =>
      api.addFollowUp(incident.id, { title: title.trim(), ...(owner.trim() ? { owner: owner.trim() } : {}) }),
    onSuccess: async () => {
      setTitle('');
      setOwner('');
      await client.invalidateQueries({ queryKey: ['incident', incident.id] });
    },
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (title.trim()) add.mutate();
      }}
    >
      <label htmlFor={`${id}-title`}>New follow-up</label>
      <input id={`${id}-title`} value={title} maxLength={500} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor={`${id}-owner`}>Owner</label>
      <input id={`${id}-owner`} value={owner} maxLength={100} onChange={(e) => setOwner(e.target.value)} />
      <button type="submit" disabled={add.isPending || !title.trim()}>
        Add follow-up
      </button>
      <ErrorNote error={add.error} />
    </form>
  );
}
