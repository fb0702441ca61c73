import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api.js';
import { ErrorNote, Loading } from '../../components/ErrorNote.js';
import { Panel } from '../../components/Panel.js';

function Explain({ name }: { name: string }) {
  const text = useQuery({
    queryKey: ['explain', name],
    queryFn: () => api.explain(name),
    staleTime: Infinity,
  });
  if (text.isPending) return <Loading what={`the ${name} playbook`} />;
  if (text.isError) return <ErrorNote error={text.error} />;
  return <pre className="explain">{text.data.text}</pre>;
}

/** Each playbook in plain words, as `rampart playbook explain` prints it. */
export function PlaybooksPage() {
  const services = useQuery({ queryKey: ['services'], queryFn: () => api.services(), staleTime: Infinity });
  return (
    <div data-ready="playbooks">
      <h1>Playbooks</h1>
      <ErrorNote error={services.error} />
      {services.data?.services.map((s) => (
        <Panel key={s.name} id={`playbook-${s.name}`} title={`${s.name} — ${s.title}`}>
          <Explain name={s.name} />
        </Panel>
      ))}
    </div>
  );
}
