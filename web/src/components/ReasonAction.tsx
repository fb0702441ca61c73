import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorNote } from './ErrorNote.js';

/**
 * A button that asks for a reason before it acts (lift, keep, override): the reason goes to the API, which
 * writes it on the timeline. Escape or "Cancel" closes it without doing anything.
 */
export function ReasonAction({
  label,
  placeholder,
  submitLabel,
  reasonRequired = true,
  danger = false,
  extra,
  onSubmit,
}: {
  label: string;
  placeholder: string;
  submitLabel?: string;
  reasonRequired?: boolean;
  danger?: boolean;
  extra?: { label: string; options: { value: string; label: string }[] };
  onSubmit: (reason: string, extra: string | undefined) => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [choice, setChoice] = useState(extra?.options[0]?.value);
  const id = useId();
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => onSubmit(reason.trim(), choice),
    onSuccess: async () => {
      setOpen(false);
      setReason('');
      await client.invalidateQueries();
    },
  });
  if (!open) {
    return (
      <button type="button" className={danger ? 'danger' : ''} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form
      className="reason-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      {extra && (
        <label htmlFor={`${id}-extra`}>
          {extra.label}
          <select id={`${id}-extra`} value={choice} onChange={(e) => setChoice(e.target.value)}>
            {extra.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label htmlFor={`${id}-reason`}>
        Reason{reasonRequired ? '' : ' (optional)'}
        <input
          id={`${id}-reason`}
          // The form opens on a click: the reason field is where the keyboard should be.
          autoFocus
          value={reason}
          placeholder={placeholder}
          required={reasonRequired}
          maxLength={2000}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={mutation.isPending}>
        {submitLabel ?? label}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <ErrorNote error={mutation.error} />
    </form>
  );
}
