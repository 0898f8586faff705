// Storage: volumes created, resized, snapshotted, attached to a compute and
// detached.
import { useState } from 'preact/hooks';
import { Attachments, AttachControl } from '../attach.js';
import type { Cloud } from '../cloud.js';
import { ErrorNote, StateBadge } from '../components.js';
import type { ExchangeLog } from '../exchanges.js';
import { attr, collectionOf, KIND, messageOf, titleOf } from '../format.js';
import { Learn } from '../learn.js';
import { EntityTable } from '../table.js';
import { TagFilter, withTag } from '../tags.js';
import type { Entity } from '../../client/index.js';

function ResizeControl({ entity, cloud, onError }: { entity: Entity; cloud: Cloud; onError: (m: string | undefined) => void }) {
  const current = Number(attr(entity, 'occi.storage.size') ?? 0);
  const [size, setSize] = useState(String(current + 1));
  if (!entity.actions.some((a) => a.endsWith('#resize'))) return null;
  const resize = async (): Promise<void> => {
    onError(await cloud.act(entity.location, 'resizing…', () => cloud.client.trigger(entity, 'resize', { size: Number(size) })));
  };
  return (
    <span class="resize">
      <input type="number" min={current + 1} step="1" value={size} aria-label={`new size of ${titleOf(entity)} in GB`} onInput={(e) => setSize((e.currentTarget as HTMLInputElement).value)} />
      <button type="button" aria-label={`resize ${titleOf(entity)}`} disabled={cloud.state.pending.has(entity.location)} onClick={() => void resize()}>
        resize
      </button>
    </span>
  );
}

function StorageForm({ cloud, onDone }: { cloud: Cloud; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [size, setSize] = useState('1');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await cloud.client.create({ kind: KIND.storage, attributes: { ...(title.trim() ? { 'occi.core.title': title.trim() } : {}), 'occi.storage.size': Number(size) } });
      cloud.kick();
      onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" aria-label="New volume" onSubmit={(e) => void submit(e)}>
      <h2>New volume</h2>
      <label>
        Title
        <input value={title} placeholder="data1" onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Size (GB)
        <input type="number" min="1" step="1" required value={size} onInput={(e) => setSize((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <ErrorNote message={error} />
      <div class="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create volume'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function StorageView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const [creating, setCreating] = useState(false);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string>();
  const s = cloud.state;
  const rows = withTag(s.storages, tag);
  return (
    <>
      <div class="toolbar">
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New volume
        </button>
        <TagFilter cloud={cloud} value={tag} onChange={setTag} />
      </div>
      {creating ? <StorageForm cloud={cloud} onDone={() => setCreating(false)} /> : null}
      <ErrorNote message={error} />
      {rows.length === 0 ? (
        <p>{tag ? 'No volume carries this tag.' : 'No volumes yet: create one with “New volume”.'}</p>
      ) : (
        <EntityTable
          caption="Storage"
          rows={rows}
          cloud={cloud}
          onError={setError}
          skip={['resize']}
          columns={[
            { label: 'state', cell: (e) => <StateBadge entity={e} pending={s.pending.get(e.location)} /> },
            { label: 'size', cell: (e) => (attr(e, 'occi.storage.size') ? `${attr(e, 'occi.storage.size')} GB` : '—') },
            { label: 'attached to', cell: (e) => <Attachments target={e} cloud={cloud} onError={setError} /> },
          ]}
          extra={(e) => (
            <>
              <ResizeControl entity={e} cloud={cloud} onError={setError} />
              <AttachControl target={e} cloud={cloud} onError={setError} />
            </>
          )}
        />
      )}
      <Learn urls={[collectionOf(s.discovery, 'storage')].filter((u): u is string => !!u)} cloud={cloud} log={log} />
    </>
  );
}
