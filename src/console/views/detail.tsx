// One entity: its attributes, mixins and links, the actions allowed now, tags.
import { useEffect, useState } from 'preact/hooks';
import type { Entity, Link } from '../../client/index.js';
import type { Cloud } from '../cloud.js';
import { ActionButtons, confirm, DeleteButton, ErrorNote, StateBadge } from '../components.js';
import type { ExchangeLog } from '../exchanges.js';
import { detailHref, messageOf, mixinName, term, titleOf } from '../format.js';
import { Learn } from '../learn.js';
import { TagCell } from '../tags.js';

function value(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function LinkRow({ link, cloud, owner, onError }: { link: Link; cloud: Cloud; owner: Entity; onError: (m: string | undefined) => void }) {
  const s = cloud.state;
  const target = [...s.computes, ...s.storages, ...s.networks].find((e) => e.location === link.target);
  const detach = async (): Promise<void> => {
    if (!(await confirm(`Remove the ${term(link.kind)} from ${titleOf(owner)} to ${target ? titleOf(target) : link.target}?`, 'detach'))) return;
    onError(await cloud.act(owner.location, 'detaching…', () => cloud.client.unlink(link.location)));
  };
  const attrs = Object.entries(link.attributes).filter(([n]) => !n.startsWith('occi.core.'));
  return (
    <tr>
      <td data-label="kind">{term(link.kind)}</td>
      <td data-label="target">{target ? <a href={detailHref(target.location)}>{titleOf(target)}</a> : <span class="mono">{link.target}</span>}</td>
      <td data-label="attributes" class="mono">
        {attrs.map(([n, v]) => `${n}=${value(v)}`).join('\n') || '—'}
      </td>
      <td>
        <button type="button" onClick={() => void detach()} aria-label={`detach ${term(link.kind)} to ${target ? titleOf(target) : link.target}`}>
          detach
        </button>
      </td>
    </tr>
  );
}

export function DetailView({ cloud, log, url }: { cloud: Cloud; log: ExchangeLog; url: string }) {
  const s = cloud.state;
  const known = [...s.computes, ...s.storages, ...s.networks].find((e) => e.location === url);
  const [fetched, setFetched] = useState<Entity>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (known) return;
    cloud.client.get(url).then(setFetched, (e: unknown) => setError(messageOf(e)));
  }, [url, !!known]);
  const e = known ?? fetched;
  if (!e) return error ? <ErrorNote message={error} /> : <p>Reading {url}…</p>;
  const d = s.discovery;
  return (
    <>
      <h1 tabIndex={-1} class="view-title">
        {titleOf(e)}
      </h1>
      <dl class="facts">
        <dt>kind</dt>
        <dd>{term(e.kind)}</dd>
        <dt>location</dt>
        <dd class="mono">{e.location}</dd>
        <dt>id</dt>
        <dd class="mono">{e.id}</dd>
        <dt>state</dt>
        <dd>
          <StateBadge entity={e} pending={s.pending.get(e.location)} />
        </dd>
        <dt>tags</dt>
        <dd>
          <TagCell entity={e} cloud={cloud} onError={setError} />
        </dd>
      </dl>
      <div class="actions row">
        <ActionButtons entity={e} cloud={cloud} onError={setError} skip={['resize']} />
        <DeleteButton entity={e} cloud={cloud} onError={setError} after={() => (location.hash = `#/${term(e.kind) === 'compute' ? 'computes' : term(e.kind) === 'network' ? 'networks' : 'storage'}`)} />
      </div>
      <ErrorNote message={error} />
      <h2>Attributes</h2>
      <table class="table kv">
        <tbody>
          {Object.entries(e.attributes).map(([n, v]) => (
            <tr key={n}>
              <th scope="row" class="mono">
                {n}
              </th>
              <td class="mono">{value(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Mixins</h2>
      {e.mixins.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="plain">
          {e.mixins.map((m) => (
            <li key={m}>
              {mixinName(d, m)} <span class="mono muted">{m}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Links</h2>
      {e.links.length === 0 ? (
        <p>None.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">kind</th>
              <th scope="col">target</th>
              <th scope="col">attributes</th>
              <th scope="col">
                <span class="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {e.links.map((l) => (
              <LinkRow key={l.location} link={l as Link} cloud={cloud} owner={e} onError={setError} />
            ))}
          </tbody>
        </table>
      )}
      <Learn urls={[e.location]} cloud={cloud} log={log} />
    </>
  );
}
