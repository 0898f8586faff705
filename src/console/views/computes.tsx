// Computes: a table whose states follow the cloud live, the actions allowed
// now, tags, and the form for a new one.
import { useState } from 'preact/hooks';
import type { Cloud } from '../cloud.js';
import { ErrorNote, StateBadge } from '../components.js';
import type { ExchangeLog } from '../exchanges.js';
import { addresses, attr, collectionOf, templates } from '../format.js';
import { Learn } from '../learn.js';
import { EntityTable } from '../table.js';
import { TagFilter, withTag } from '../tags.js';
import { ComputeForm } from './compute-form.js';

export function ComputesView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const [creating, setCreating] = useState(false);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string>();
  const s = cloud.state;
  const rows = withTag(s.computes, tag);
  const memory = (m?: string) => (m !== undefined ? `${m} GiB` : '—');
  return (
    <>
      <div class="toolbar">
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New compute
        </button>
        <TagFilter cloud={cloud} value={tag} onChange={setTag} />
      </div>
      {creating ? <ComputeForm cloud={cloud} onDone={() => setCreating(false)} /> : null}
      <ErrorNote message={error} />
      {rows.length === 0 ? (
        <p>{tag ? 'No compute carries this tag.' : 'No computes yet: create one from the templates with “New compute”.'}</p>
      ) : (
        <EntityTable
          caption="Computes"
          rows={rows}
          cloud={cloud}
          onError={setError}
          skip={['save']}
          columns={[
            { label: 'state', cell: (e) => <StateBadge entity={e} pending={s.pending.get(e.location)} /> },
            {
              label: 'template',
              cell: (e) => {
                const t = templates(s.discovery, e);
                return [t.os, t.resource].filter(Boolean).join(' · ') || '—';
              },
            },
            { label: 'cores', cell: (e) => attr(e, 'occi.compute.cores') ?? '—' },
            { label: 'memory', cell: (e) => memory(attr(e, 'occi.compute.memory')) },
            { label: 'addresses', cell: (e) => addresses(e).join(', ') || '—', mono: true },
          ]}
        />
      )}
      <Learn urls={[collectionOf(s.discovery, 'compute')].filter((u): u is string => !!u)} cloud={cloud} log={log} />
    </>
  );
}
