// Pieces every view uses: errors in place, state badges, action buttons with
// confirmation, delete, and the confirmation dialog itself.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Entity } from '../client/index.js';
import type { Cloud } from './cloud.js';
import { CONFIRM, doing, stateText, term, titleOf } from './format.js';

export function ErrorNote({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

export function StateBadge({ entity, pending }: { entity: Entity; pending?: string | undefined }) {
  const { state, message } = stateText(entity);
  return (
    <span class="state-cell">
      <span class={`badge state-${state}`}>{state}</span>
      {pending ? (
        <span class="pending" aria-live="polite">
          {pending}
        </span>
      ) : message && message !== state ? (
        <span class="state-message">{message}</span>
      ) : null}
    </span>
  );
}

// One confirmation dialog for the whole page, opened by confirm().
let ask: ((text: string, verb: string) => Promise<boolean>) | undefined;

export function confirm(text: string, verb: string): Promise<boolean> {
  return ask ? ask(text, verb) : Promise.resolve(window.confirm(text));
}

export function ConfirmDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const [q, setQ] = useState<{ text: string; verb: string; done: (ok: boolean) => void } | undefined>();
  useEffect(() => {
    ask = (text, verb) => new Promise((done) => setQ({ text, verb, done }));
    return () => (ask = undefined);
  }, []);
  useEffect(() => {
    if (q && ref.current && !ref.current.open) ref.current.showModal();
  }, [q]);
  const close = (ok: boolean): void => {
    ref.current?.close();
    q?.done(ok);
    setQ(undefined);
  };
  return (
    <dialog ref={ref} aria-labelledby="confirm-text" onCancel={() => close(false)}>
      <p id="confirm-text">{q?.text}</p>
      <div class="row">
        <button type="button" class="danger" onClick={() => close(true)}>
          {q?.verb}
        </button>
        <button type="button" onClick={() => close(false)} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

interface ActProps {
  entity: Entity;
  cloud: Cloud;
  onError: (message: string | undefined) => void;
  /** Actions this view offers by other means (resize with its size field). */
  skip?: string[];
}

/** The actions the server allows now, one button each. */
export function ActionButtons({ entity, cloud, onError, skip = [] }: ActProps) {
  const busy = cloud.state.pending.has(entity.location);
  const name = titleOf(entity);
  const run = async (id: string): Promise<void> => {
    const action = term(id);
    if (CONFIRM.has(action) && !(await confirm(`${action[0]?.toUpperCase()}${action.slice(1)} ${name}?`, action))) return;
    onError(await cloud.act(entity.location, doing(action), () => cloud.client.trigger(entity, id), action));
  };
  return (
    <>
      {entity.actions
        .filter((id) => !skip.includes(term(id)))
        .map((id) => (
          <button key={id} type="button" disabled={busy} onClick={() => void run(id)} aria-label={`${term(id)} ${name}`}>
            {term(id)}
          </button>
        ))}
    </>
  );
}

export function DeleteButton({ entity, cloud, onError, after }: ActProps & { after?: () => void }) {
  const name = titleOf(entity);
  const run = async (): Promise<void> => {
    if (!(await confirm(`Delete ${name}? This cannot be undone.`, 'delete'))) return;
    const failed = await cloud.act(entity.location, 'deleting…', async () => {
      await cloud.client.delete(entity.location);
      await cloud.client.waitGone(entity.location, { intervalMs: 300, timeoutMs: 10 * 60_000 });
    });
    onError(failed);
    if (!failed) after?.();
  };
  return (
    <button type="button" class="danger" disabled={cloud.state.pending.has(entity.location)} onClick={() => void run()} aria-label={`delete ${name}`}>
      delete
    </button>
  );
}
