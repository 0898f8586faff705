// A new compute: OS and resource templates the cloud offers, networks to
// attach, an SSH key and user data (typed, or read from a file).
import { useState } from 'preact/hooks';
import { contextualize, OS_TPL, RESOURCE_TPL, type CategoryInfo } from '../../client/index.js';
import type { Cloud } from '../cloud.js';
import { ErrorNote } from '../components.js';
import { KIND, messageOf, titleOf } from '../format.js';

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
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!d) return null;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const context = contextualize(d, { ...(sshKey.trim() ? { sshKey } : {}), ...(userData ? { userData } : {}) });
      await cloud.client.create({
        kind: KIND.compute,
        mixins: [osTpl, resTpl, ...context.mixins].filter(Boolean),
        attributes: { ...(title.trim() ? { 'occi.core.title': title.trim() } : {}), ...context.attributes },
        links: nets.map((target) => ({ kind: KIND.networkinterface, target, targetKind: KIND.network })),
      });
      cloud.kick();
      onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" aria-label="New compute" onSubmit={(e) => void submit(e)}>
      <h2>New compute</h2>
      <label>
        Title
        <input value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} placeholder="web1" />
      </label>
      <label>
        OS template
        <select value={osTpl} onChange={(e) => setOs((e.currentTarget as HTMLSelectElement).value)}>
          {os.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title ?? m.term}
            </option>
          ))}
        </select>
      </label>
      <label>
        Resource template
        <select value={resTpl} onChange={(e) => setRes((e.currentTarget as HTMLSelectElement).value)}>
          {resources.map((m) => (
            <option key={m.id} value={m.id}>
              {describe(m)}
            </option>
          ))}
        </select>
      </label>
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
      <ErrorNote message={error} />
      <div class="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create compute'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
