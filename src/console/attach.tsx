// Linking a compute to a storage or network, and unlinking it.
import { useState } from 'preact/hooks';
import type { Entity } from '../client/index.js';
import type { Cloud } from './cloud.js';
import { confirm } from './components.js';
import { linksTo, titleOf } from './format.js';

/** A select of computes and an Attach button: links the chosen compute to `target`. */
export function AttachControl({ target, cloud, onError }: { target: Entity; cloud: Cloud; onError: (m: string | undefined) => void }) {
  const [pick, setPick] = useState('');
  const name = titleOf(target);
  const attached = new Set(linksTo(cloud.state.computes, target.location).map((x) => x.compute.location));
  const free = cloud.state.computes.filter((c) => !attached.has(c.location));
  if (free.length === 0) return null;
  const attach = async (): Promise<void> => {
    const compute = free.find((c) => c.location === pick);
    if (!compute) return;
    onError(await cloud.act(target.location, `attaching to ${titleOf(compute)}…`, () => cloud.client.link(compute.location, target.location)));
    setPick('');
  };
  return (
    <span class="attach">
      <select aria-label={`compute to attach ${name} to`} value={pick} onChange={(e) => setPick((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">compute…</option>
        {free.map((c) => (
          <option key={c.location} value={c.location}>
            {titleOf(c)}
          </option>
        ))}
      </select>
      <button type="button" disabled={!pick || cloud.state.pending.has(target.location)} aria-label={`attach ${name}`} onClick={() => void attach()}>
        attach
      </button>
    </span>
  );
}

/** The computes linked to `target`, each with a Detach button. */
export function Attachments({ target, cloud, onError }: { target: Entity; cloud: Cloud; onError: (m: string | undefined) => void }) {
  const links = linksTo(cloud.state.computes, target.location);
  if (links.length === 0) return <span>—</span>;
  const detach = async (compute: Entity, link: Entity): Promise<void> => {
    if (!(await confirm(`Detach ${titleOf(target)} from ${titleOf(compute)}?`, 'detach'))) return;
    onError(await cloud.act(target.location, 'detaching…', () => cloud.client.unlink(link.location)));
  };
  return (
    <ul class="plain">
      {links.map(({ compute, link }) => (
        <li key={link.location}>
          {titleOf(compute)}
          {link.attributes['occi.storagelink.deviceid'] ? <span class="mono"> {String(link.attributes['occi.storagelink.deviceid'])}</span> : null}
          {link.attributes['occi.networkinterface.address'] ? <span class="mono"> {String(link.attributes['occi.networkinterface.address'])}</span> : null}{' '}
          <button type="button" aria-label={`detach ${titleOf(target)} from ${titleOf(compute)}`} onClick={() => void detach(compute, link)}>
            detach
          </button>
        </li>
      ))}
    </ul>
  );
}
