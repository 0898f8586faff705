// What the command shows of an entity: list rows per kind (id, title, state,
// cores, memory, addresses for computes …) and the full record for `show`.
import { lastSegment, stateOf, type Discovery, type Entity, type Link } from '../../client/index.js';
import type { Cell, Row } from './output.js';

const term = (typeId: string): string => typeId.slice(typeId.lastIndexOf('#') + 1);
const attr = (e: Entity, name: string): Cell => {
  const v = e.attributes[name];
  return v === undefined ? undefined : typeof v === 'object' ? JSON.stringify(v) : v;
};

/** The short id people type: the last segment of the entity's URL. */
export const shortId = (e: Entity): string => lastSegment(e.location) || e.id;

/** A short name for a URL: kind location term and id, e.g. network/public. */
export function shortRef(url: string | undefined, d?: Discovery): string | undefined {
  if (url === undefined) return undefined;
  const c = d?.collectionOf(url);
  return c ? `${c.term}/${lastSegment(url)}` : url;
}

const addresses = (e: Entity): string[] =>
  e.links.map((l) => l.attributes['occi.networkinterface.address']).filter((a): a is string => typeof a === 'string');

export const COLUMNS: Record<string, string[]> = {
  compute: ['id', 'title', 'state', 'cores', 'memory', 'addresses'],
  storage: ['id', 'title', 'state', 'size'],
  network: ['id', 'title', 'state', 'address'],
  networkinterface: ['id', 'source', 'target', 'state', 'interface', 'address'],
  storagelink: ['id', 'source', 'target', 'state', 'device'],
  other: ['id', 'title', 'kind', 'state'],
};

export function columnsFor(entities: Entity[], kindTerm?: string): string[] {
  const terms = new Set(entities.map((e) => term(e.kind)));
  const only = kindTerm ?? (terms.size === 1 ? [...terms][0] : undefined);
  return COLUMNS[only ?? 'other'] ?? (COLUMNS.other as string[]);
}

export function row(e: Entity, d?: Discovery): Row {
  const { state } = stateOf(e);
  return {
    id: shortId(e),
    title: e.title,
    kind: term(e.kind),
    state,
    cores: attr(e, 'occi.compute.cores'),
    memory: attr(e, 'occi.compute.memory'),
    addresses: addresses(e),
    size: attr(e, 'occi.storage.size'),
    address: attr(e, 'occi.network.address'),
    source: shortRef(typeof e.attributes['occi.core.source'] === 'string' ? (e.attributes['occi.core.source'] as string) : undefined, d),
    target: shortRef(typeof e.attributes['occi.core.target'] === 'string' ? (e.attributes['occi.core.target'] as string) : undefined, d),
    interface: attr(e, 'occi.networkinterface.interface'),
    device: attr(e, 'occi.storagelink.deviceid'),
    location: e.location,
  };
}

/** Everything about one entity, for `show` (attributes by full name). */
export function record(e: Entity, d?: Discovery): Row {
  const { state, message } = stateOf(e);
  const kind = term(e.kind);
  // Shown in their own rows above.
  const skip = new Set(['occi.core.id', 'occi.core.title', 'occi.core.summary', `occi.${kind}.state`, `occi.${kind}.state.message`]);
  const attributes: Record<string, Cell> = {};
  for (const [n, v] of Object.entries(e.attributes)) if (!skip.has(n)) attributes[n] = typeof v === 'object' ? JSON.stringify(v) : v;
  return {
    id: shortId(e),
    location: e.location,
    kind,
    title: e.title,
    summary: e.summary,
    state,
    'state message': message,
    source: shortRef((e as Link).source, d),
    target: shortRef((e as Link).target, d),
    mixins: e.mixins.map((m) => d?.category(m)?.term ?? m),
    attributes,
    links: e.links.map((l) => `${shortRef(l.location, d) ?? l.location} → ${shortRef(l.target, d) ?? ''}${typeof l.attributes['occi.networkinterface.address'] === 'string' ? ` (${l.attributes['occi.networkinterface.address']})` : ''}${typeof l.attributes['occi.storagelink.deviceid'] === 'string' ? ` (${l.attributes['occi.storagelink.deviceid']})` : ''}`),
    actions: e.actions.map(term),
  };
}
