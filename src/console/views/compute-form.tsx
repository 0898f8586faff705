// A new compute: OS and resource templates the cloud offers, networks to
// attach, an SSH key and user data (typed, or read from a file).
import { useState } from 'preact/hooks';
import { contextualize, OS_TPL, RESOURCE_TPL, type CategoryInfo } from '../../client/index.js';
import type { Cloud } from '../cloud.js';
import { KIND, titleOf } from '../format.js';
import { Field, FormCard } from '../form.js';

function FileText({ label, value, onChange, accept }: { label: string; value: string; onChange: (v: string) => void; accept?: string }) {
  const id = label.replace(/\W+/g, '-').toLowerCase();
  const read = async (e: Event): Promise<void> => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) onChange(await file.text());
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={3} value={value} onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value)} />
      <label class="file">
        or read from a file <input type="file" accept={accept} onChange={(e) => void read(e)} />
      </label>
    </div>
  );
}

const describe = (m: CategoryInfo): string => {
  const v = (n: string) => m.attributes.find((a) => a.name === n)?.default;
  const cores = v('occi.compute.cores');
  const memory = v('occi.compute.memory');
  return cores !== undefined ? `${m.term} (${cores} cores, ${memory} GiB)` : (m.title ?? m.term);
};

export function ComputeForm({ cloud, onDone }: { cloud: Cloud; onDone: () => void }) {
  const d = cloud.state.discovery;
  const os = d?.family(OS_TPL) ?? [];
  const resources = d?.family(RESOURCE_TPL) ?? [];
  const [title, setTitle] = useState('');
  const [osTpl, setOs] = useState(os[0]?.id ?? '');
  const [resTpl, setRes] = useState(resources[0]?.id ?? '');
  const [nets, setNets] = useState<string[]>([]);
  const [sshKey, setKey] = useState('');
  const [userData, setData] = useState('');
  if (!d) return null;
  const submit = async (): Promise<void> => {
    const context = contextualize(d, { ...(sshKey.trim() ? { sshKey } : {}), ...(userData ? { userData } : {}) });
    await cloud.client.create({
      kind: KIND.compute,
      mixins: [osTpl, resTpl, ...context.mixins].filter(Boolean),
      attributes: { ...(title.trim() ? { 'occi.core.title': title.trim() } : {}), ...context.attributes },
      links: nets.map((target) => ({ kind: KIND.networkinterface, target, targetKind: KIND.network })),
    });
    cloud.kick();
  };
  const pick = (label: string, value: string, set: (v: string) => void, choices: CategoryInfo[], text: (m: CategoryInfo) => string) => (
    <label>
      {label}
      <select value={value} onChange={(e) => set((e.currentTarget as HTMLSelectElement).value)}>
        {choices.map((m) => (
          <option key={m.id} value={m.id}>
            {text(m)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <FormCard label="New compute" action="Create compute" submit={submit} onDone={onDone}>
      <Field label="Title" value={title} set={setTitle} placeholder="web1" />
      {pick('OS template', osTpl, setOs, os, (m) => m.title ?? m.term)}
      {pick('Resource template', resTpl, setRes, resources, describe)}
      <fieldset>
        <legend>Networks to attach</legend>
        {cloud.state.networks.length === 0 ? <p>No networks.</p> : null}
        {cloud.state.networks.map((n) => (
          <label class="check" key={n.location}>
            <input
              type="checkbox"
              checked={nets.includes(n.location)}
              onChange={(e) => setNets((e.currentTarget as HTMLInputElement).checked ? [...nets, n.location] : nets.filter((x) => x !== n.location))}
            />
            {titleOf(n)}
          </label>
        ))}
      </fieldset>
      <FileText label="SSH public key" value={sshKey} onChange={setKey} accept=".pub,text/plain" />
      <FileText label="User data (cloud-init)" value={userData} onChange={setData} />
    </FormCard>
  );
}
