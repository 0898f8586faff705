// The card every creation form is: busy while it works, failing in place in
// the server's words; and a labelled text field.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorNote } from './components.js';
import { messageOf } from './format.js';

interface FormCardProps {
  label: string;
  /** What the submit button says (Create volume). */
  action: string;
  /** Does the work; a failure is shown in the card in the server's words. */
  submit: () => Promise<void>;
  /** After a success; also offered as Cancel when given. */
  onDone?: () => void;
  children: ComponentChildren;
}

export function FormCard({ label, action, submit, onDone, children }: FormCardProps) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const go = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await submit();
      onDone?.();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" aria-label={label} onSubmit={(e) => void go(e)}>
      <h2>{label}</h2>
      {children}
      <ErrorNote message={error} />
      <div class="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Working…' : action}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** A labelled text field bound to a setter. */
export function Field({ label, value, set, ...rest }: { label: string; value: string; set: (v: string) => void; type?: string; placeholder?: string; required?: boolean; min?: string; step?: string }) {
  return (
    <label>
      {label}
      <input value={value} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} {...rest} />
    </label>
  );
}
