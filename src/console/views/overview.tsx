// What there is: computes by state, volumes, networks, tags.
import type { Entity } from '../../client/index.js';
import type { Cloud } from '../cloud.js';
import type { ExchangeLog } from '../exchanges.js';
import { attr, collectionOf, stateText } from '../format.js';
import { Learn } from '../learn.js';

function byState(entities: Entity[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const e of entities) counts.set(stateText(e).state, (counts.get(stateText(e).state) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function Card({ title, href, entities, extra }: { title: string; href: string; entities: Entity[]; extra?: string }) {
  return (
    <section class="card count" aria-label={title}>
      <h2>
        <a href={href}>{title}</a>
      </h2>
      <p class="big">{entities.length}</p>
      {extra ? <p>{extra}</p> : null}
      <ul class="plain states">
        {byState(entities).map(([state, n]) => (
          <li key={state}>
            <span class={`badge state-${state}`}>{state}</span> {n}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OverviewView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const s = cloud.state;
  const sum = (es: Entity[], name: string): number => es.reduce((n, e) => n + Number(attr(e, name) ?? 0), 0);
  const tags = s.discovery?.tags() ?? [];
  return (
    <>
      <div class="cards">
        <Card title="Computes" href="#/computes" entities={s.computes} extra={`${sum(s.computes, 'occi.compute.cores')} cores, ${sum(s.computes, 'occi.compute.memory')} GiB of memory`} />
        <Card title="Storage" href="#/storage" entities={s.storages} extra={`${sum(s.storages, 'occi.storage.size')} GB in all`} />
        <Card title="Networks" href="#/networks" entities={s.networks} />
        <section class="card count" aria-label="Tags">
          <h2>
            <a href="#/tags">Tags</a>
          </h2>
          <p class="big">{tags.length}</p>
        </section>
      </div>
      <p class="muted">
        Quotas: this server reports none over OCCI; a request past one is refused with a message naming it, shown where you made it.
      </p>
      <Learn urls={['compute', 'storage', 'network'].map((k) => collectionOf(s.discovery, k)).filter((u): u is string => !!u)} cloud={cloud} log={log} />
    </>
  );
}
