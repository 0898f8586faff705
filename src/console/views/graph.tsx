// The cloud as a picture: computes, networks and storage as nodes, network
// interfaces and storage links as edges, coloured by state (styles.css).
// Each node is a link to its detail page; a list repeats the edges in words
// for screen readers.
import type { Cloud } from '../cloud.js';
import type { ExchangeLog } from '../exchanges.js';
import { collectionOf, detailHref } from '../format.js';
import { layout, type GraphNode } from '../graph-layout.js';
import { Learn } from '../learn.js';

const short = (t: string): string => (t.length > 16 ? `${t.slice(0, 15)}…` : t);

function Shape({ n }: { n: GraphNode }) {
  if (n.kind === 'compute') return <circle r="24" />;
  if (n.kind === 'network') return <rect x="-40" y="-16" width="80" height="32" rx="16" />;
  return <rect x="-22" y="-24" width="44" height="48" rx="6" />;
}

export function GraphView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const s = cloud.state;
  const g = layout(s.computes, s.networks, s.storages);
  const at = new Map(g.nodes.map((n) => [n.location, n]));
  const name = (loc: string): string => at.get(loc)?.title ?? loc;
  return (
    <>
      <p class="legend" aria-hidden="true">
        <span class="key key-network">network</span> <span class="key key-compute">compute</span> <span class="key key-storage">storage</span>
        <span class="badge state-active">active</span> <span class="badge state-inactive">inactive</span> <span class="badge state-waiting">waiting</span>{' '}
        <span class="badge state-error">error</span>
      </p>
      <div class="graph-wrap">
        <svg class="graph" viewBox={`0 0 ${g.width} ${g.height}`} width={g.width} height={g.height} role="group" aria-label="Graph of the cloud">
          <g class="edges">
            {g.edges.map((e) => {
              const a = at.get(e.source);
              const b = at.get(e.target);
              if (!a || !b) return null;
              return (
                <line
                  key={e.location}
                  class={`edge edge-${e.kind} state-${e.state}`}
                  data-source={e.source}
                  data-target={e.target}
                  x1={a.x}
                  y1={a.y}
                  x2={b.x}
                  y2={b.y}
                >
                  <title>{`${e.kind} ${a.title} → ${b.title}${e.label ? ` (${e.label})` : ''}: ${e.state}`}</title>
                </line>
              );
            })}
          </g>
          <g class="edge-labels" aria-hidden="true">
            {g.edges.map((e) => {
              const a = at.get(e.source);
              const b = at.get(e.target);
              if (!a || !b || !e.label) return null;
              return (
                <text key={e.location} x={(a.x + b.x) / 2 + 6} y={(a.y + b.y) / 2 + 4}>
                  {e.label}
                </text>
              );
            })}
          </g>
          {g.nodes.map((n) => (
            <a key={n.location} href={detailHref(n.location)} class={`node node-${n.kind} state-${n.state}`} data-location={n.location} aria-label={`${n.kind} ${n.title}, ${n.state}`}>
              <g transform={`translate(${n.x} ${n.y})`}>
                <Shape n={n} />
                {n.kind === 'compute' ? (
                  <text x="32" y="5">
                    {short(n.title)}
                  </text>
                ) : (
                  <text y={n.kind === 'network' ? 5 : 42} text-anchor="middle">
                    {short(n.title)}
                  </text>
                )}
              </g>
            </a>
          ))}
        </svg>
      </div>
      {g.nodes.length === 0 ? <p>Nothing in the cloud yet.</p> : null}
      <h2 class="sr-only">Links in words</h2>
      <ul class="sr-only">
        {g.edges.map((e) => (
          <li key={e.location}>{`${name(e.source)} has a ${e.kind} to ${name(e.target)}${e.label ? ` (${e.label})` : ''}, ${e.state}`}</li>
        ))}
      </ul>
      <Learn urls={['compute', 'network', 'storage'].map((k) => collectionOf(s.discovery, k)).filter((u): u is string => !!u)} cloud={cloud} log={log} />
    </>
  );
}
