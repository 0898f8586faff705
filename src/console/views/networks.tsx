// Networks: created with an address range, brought up and down, computes
// attached and detached.
import { useState } from 'preact/hooks';
import { Attachments, AttachControl } from '../attach.js';
import type { Cloud } from '../cloud.js';
import { ErrorNote, StateBadge } from '../components.js';
import type { ExchangeLog } from '../exchanges.js';
import { attr, collectionOf, IPNETWORK, KIND, messageOf } from '../format.js';
import { Learn } from '../learn.js';
import { EntityTable } from '../table.js';
import { TagFilter, withTag } from '../tags.js';

function NetworkForm({ cloud, onDone }: { cloud: Cloud; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [cidr, setCidr] = useState('10.0.0.0/24');
  const [gateway, setGateway] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const attributes = {
        ...(title.trim() ? { 'occi.core.title': title.trim() } : {}),
        ...(cidr.trim() ? { 'occi.network.address': cidr.trim() } : {}),
        ...(gateway.trim() ? { 'occi.network.gateway': gateway.trim() } : {}),
      };
      await cloud.client.create({ kind: KIND.network, mixins: cidr.trim() || gateway.trim() ? [IPNETWORK] : [], attributes });
      cloud.kick();
      onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" aria-label="New network" onSubmit={(e) => void submit(e)}>
      <h2>New network</h2>
      <label>
        Title
        <input value={title} placeholder="backend" onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Address range (CIDR)
        <input value={cidr} placeholder="10.0.0.0/24" onInput={(e) => setCidr((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Gateway (optional)
        <input value={gateway} placeholder="10.0.0.1" onInput={(e) => setGateway((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <ErrorNote message={error} />
      <div class="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create network'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function NetworksView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const [creating, setCreating] = useState(false);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string>();
  const s = cloud.state;
  const rows = withTag(s.networks, tag);
  return (
    <>
      <div class="toolbar">
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New network
        </button>
        <TagFilter cloud={cloud} value={tag} onChange={setTag} />
      </div>
      {creating ? <NetworkForm cloud={cloud} onDone={() => setCreating(false)} /> : null}
      <ErrorNote message={error} />
      {rows.length === 0 ? (
        <p>{tag ? 'No network carries this tag.' : 'No networks yet.'}</p>
      ) : (
        <EntityTable
          caption="Networks"
          rows={rows}
          cloud={cloud}
          onError={setError}
          columns={[
            { label: 'state', cell: (e) => <StateBadge entity={e} pending={s.pending.get(e.location)} /> },
            { label: 'address', cell: (e) => attr(e, 'occi.network.address') ?? '—', mono: true },
            { label: 'gateway', cell: (e) => attr(e, 'occi.network.gateway') ?? '—', mono: true },
            { label: 'computes', cell: (e) => <Attachments target={e} cloud={cloud} onError={setError} /> },
          ]}
          extra={(e) => <AttachControl target={e} cloud={cloud} onError={setError} />}
        />
      )}
      <Learn urls={[collectionOf(s.discovery, 'network')].filter((u): u is string => !!u)} cloud={cloud} log={log} />
    </>
  );
}
