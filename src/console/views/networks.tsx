// Networks: created with an address range, brought up and down, computes
// attached and detached.
import { useState } from 'preact/hooks';
import { Attachments, AttachControl } from '../attach.js';
import type { Cloud } from '../cloud.js';
import type { ExchangeLog } from '../exchanges.js';
import { attr, IPNETWORK, KIND } from '../format.js';
import { Field, FormCard } from '../form.js';
import { KindView } from '../kind-view.js';

function NetworkForm({ cloud, onDone }: { cloud: Cloud; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [cidr, setCidr] = useState('10.0.0.0/24');
  const [gateway, setGateway] = useState('');
  const submit = async (): Promise<void> => {
    const attributes = {
      ...(title.trim() ? { 'occi.core.title': title.trim() } : {}),
      ...(cidr.trim() ? { 'occi.network.address': cidr.trim() } : {}),
      ...(gateway.trim() ? { 'occi.network.gateway': gateway.trim() } : {}),
    };
    await cloud.client.create({ kind: KIND.network, mixins: cidr.trim() || gateway.trim() ? [IPNETWORK] : [], attributes });
    cloud.kick();
  };
  return (
    <FormCard label="New network" action="Create network" submit={submit} onDone={onDone}>
      <Field label="Title" value={title} set={setTitle} placeholder="backend" />
      <Field label="Address range (CIDR)" value={cidr} set={setCidr} placeholder="10.0.0.0/24" />
      <Field label="Gateway (optional)" value={gateway} set={setGateway} placeholder="10.0.0.1" />
    </FormCard>
  );
}

export function NetworksView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  return (
    <KindView
      cloud={cloud}
      log={log}
      kind="network"
      noun="network"
      caption="Networks"
      rows={cloud.state.networks}
      form={(done) => <NetworkForm cloud={cloud} onDone={done} />}
      columns={(onError) => [
        { label: 'address', cell: (e) => attr(e, 'occi.network.address') ?? '—', mono: true },
        { label: 'gateway', cell: (e) => attr(e, 'occi.network.gateway') ?? '—', mono: true },
        { label: 'computes', cell: (e) => <Attachments target={e} cloud={cloud} onError={onError} /> },
      ]}
      extra={(e, onError) => <AttachControl target={e} cloud={cloud} onError={onError} />}
    />
  );
}
