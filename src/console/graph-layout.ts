// Where the graph's nodes go: networks on top, computes in the middle,
// storage below, each row ordered after the nodes it links to (barycentres),
// so that few edges cross. Pure: entities in, coordinates out.
import type { Entity } from '../client/index.js';
import { stateText, term, titleOf } from './format.js';

export interface GraphNode {
  location: string;
  kind: 'compute' | 'network' | 'storage';
  title: string;
  state: string;
  x: number;
  y: number;
}

export interface GraphEdge {
  location: string;
  kind: string;
  state: string;
  source: string;
  target: string;
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

const GAP = 170;
const ROWS = { network: 60, compute: 190, storage: 320 };
const MARGIN = 110;

function order(row: Entity[], neighbours: (e: Entity) => number[]): Entity[] {
  const score = (e: Entity): number => {
    const n = neighbours(e);
    return n.length === 0 ? Number.MAX_SAFE_INTEGER : n.reduce((a, b) => a + b, 0) / n.length;
  };
  return [...row].sort((a, b) => score(a) - score(b) || titleOf(a).localeCompare(titleOf(b)));
}

export function layout(computes: Entity[], networks: Entity[], storages: Entity[]): Graph {
  const edges: GraphEdge[] = [];
  const known = new Set([...computes, ...networks, ...storages].map((e) => e.location));
  for (const c of computes) {
    for (const l of c.links) {
      const target = (l as { target?: string }).target;
      if (!target || !known.has(target)) continue;
      const label = l.attributes['occi.networkinterface.address'] ?? l.attributes['occi.storagelink.deviceid'];
      edges.push({ location: l.location, kind: term(l.kind), state: stateText(l).state, source: c.location, target, ...(label !== undefined ? { label: String(label) } : {}) });
    }
  }
  const nets = [...networks].sort((a, b) => titleOf(a).localeCompare(titleOf(b)));
  const netIndex = new Map(nets.map((n, i) => [n.location, i]));
  const comps = order(computes, (c) => edges.filter((e) => e.source === c.location && netIndex.has(e.target)).map((e) => netIndex.get(e.target) as number));
  const compIndex = new Map(comps.map((c, i) => [c.location, i]));
  const stores = order(storages, (s) => edges.filter((e) => e.target === s.location).map((e) => compIndex.get(e.source) ?? 0));
  const widest = Math.max(nets.length, comps.length, stores.length, 1);
  const width = MARGIN * 2 + (widest - 1) * GAP;
  const place = (row: Entity[], kind: GraphNode['kind']): GraphNode[] => {
    const offset = (width - (row.length - 1) * GAP) / 2;
    return row.map((e, i) => ({ location: e.location, kind, title: titleOf(e), state: stateText(e).state, x: offset + i * GAP, y: ROWS[kind] }));
  };
  return { nodes: [...place(nets, 'network'), ...place(comps, 'compute'), ...place(stores, 'storage')], edges, width, height: ROWS.storage + 70 };
}
