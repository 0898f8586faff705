// Computes: a table whose states follow the cloud live, the actions allowed
// now, tags, and the form for a new one.
import type { Cloud } from '../cloud.js';
import type { ExchangeLog } from '../exchanges.js';
import { addresses, attr, templates } from '../format.js';
import { KindView } from '../kind-view.js';
import { ComputeForm } from './compute-form.js';

export function ComputesView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const s = cloud.state;
  const memory = (m?: string) => (m !== undefined ? `${m} GiB` : '—');
  return (
    <KindView
      cloud={cloud}
      log={log}
      kind="compute"
      noun="compute"
      caption="Computes"
      rows={s.computes}
      form={(done) => <ComputeForm cloud={cloud} onDone={done} />}
      skip={['save']}
      columns={() => [
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
  );
}
