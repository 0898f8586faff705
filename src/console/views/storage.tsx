// Storage: volumes created, resized, snapshotted, attached to a compute and
// detached.
import { useState } from 'preact/hooks';
import type { Entity } from '../../client/index.js';
import { Attachments, AttachControl } from '../attach.js';
import type { Cloud } from '../cloud.js';
import type { ExchangeLog } from '../exchanges.js';
import { attr, KIND, titleOf } from '../format.js';
import { Field, FormCard } from '../form.js';
import { KindView } from '../kind-view.js';

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
  const submit = async (): Promise<void> => {
    await cloud.client.create({ kind: KIND.storage, attributes: { ...(title.trim() ? { 'occi.core.title': title.trim() } : {}), 'occi.storage.size': Number(size) } });
    cloud.kick();
  };
  return (
    <FormCard label="New volume" action="Create volume" submit={submit} onDone={onDone}>
      <Field label="Title" value={title} set={setTitle} placeholder="data1" />
      <Field label="Size (GB)" value={size} set={setSize} type="number" min="1" step="1" required />
    </FormCard>
  );
}

export function StorageView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  return (
    <KindView
      cloud={cloud}
      log={log}
      kind="storage"
      noun="volume"
      caption="Storage"
      rows={cloud.state.storages}
      form={(done) => <StorageForm cloud={cloud} onDone={done} />}
      skip={['resize']}
      columns={(onError) => [
        { label: 'size', cell: (e) => (attr(e, 'occi.storage.size') ? `${attr(e, 'occi.storage.size')} GB` : '—') },
        { label: 'attached to', cell: (e) => <Attachments target={e} cloud={cloud} onError={onError} /> },
      ]}
      extra={(e, onError) => (
        <>
          <ResizeControl entity={e} cloud={cloud} onError={onError} />
          <AttachControl target={e} cloud={cloud} onError={onError} />
        </>
      )}
    />
  );
}
