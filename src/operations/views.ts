// Backend records → rendering views: resolved kinds and mixins, absolute
// URLs, occi.core.* attributes, and the actions that apply now (R53–R60).
import { isLinkRecord, type EntityRecord, type LinkRecord, type ResourceRecord } from '../port/backend.js';
import type { AttributeValue, Mixin } from '../model/category.js';
import { applicableActions, occi11Value, stateAttribute } from '../model/lifecycle.js';
import type { EntityView } from '../rendering/document.js';
import { absolute, type ComputeDefaults, type OcciContext } from './context.js';
import { ENTITY_KINDS, entityPath } from './locations.js';

const CORE_FIRST = ['occi.core.title', 'occi.core.summary'];

/** `urn:uuid:` for uuids (R47), the backend's id otherwise (D12). */
export function coreId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? `urn:uuid:${id}` : id;
}

function mixinsOf(ctx: OcciContext, ids: readonly string[]): Mixin[] {
  const out: Mixin[] = [];
  for (const id of ids) {
    const m = ctx.catalog.mixinById(id);
    if (m && !out.includes(m)) out.push(m);
  }
  return out;
}

function orderedAttributes(ctx: OcciContext, id: string, attributes: Record<string, AttributeValue>, head: Array<[string, AttributeValue]> = []): Array<[string, AttributeValue]> {
  const out: Array<[string, AttributeValue]> = [['occi.core.id', coreId(id)], ...head];
  for (const name of CORE_FIRST) if (attributes[name] !== undefined) out.push([name, attributes[name]]);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || CORE_FIRST.includes(name) || name === 'occi.core.id') continue;
    // Clients that speak only OCCI/1.1 know no error state.
    out.push([name, ctx.occi11 ? (occi11Value(name, value) as AttributeValue) : value]);
  }
  return out;
}

function linkView(ctx: OcciContext, link: LinkRecord, userMixins: readonly string[]): EntityView {
  const kind = ENTITY_KINDS.get(link.kind)!;
  const sourceKind = ENTITY_KINDS.get(link.source.kind);
  const targetKind = ENTITY_KINDS.get(link.target.kind);
  const source = absolute(ctx, entityPath(link.source.kind, link.source.id));
  const target = absolute(ctx, entityPath(link.target.kind, link.target.id));
  const head: Array<[string, AttributeValue]> = [
    ['occi.core.source', source],
    ['occi.core.target', target],
  ];
  if (targetKind) head.push(['occi.core.target.kind', targetKind.scheme + targetKind.term]);
  return {
    kind,
    mixins: mixinsOf(ctx, [...link.mixins, ...userMixins]),
    location: absolute(ctx, entityPath(link.kind, link.id)),
    id: coreId(link.id),
    attributes: orderedAttributes(ctx, link.id, link.attributes, head),
    actions: [],
    links: [],
    source: { location: source, kind: sourceKind },
    target: { location: target, kind: targetKind },
  };
}

/** A compute's host name and architecture from the settings, where the cloud gave none (the cloud's and the client's win). */
function withDefaults(r: ResourceRecord, d: ComputeDefaults | undefined): ResourceRecord['attributes'] {
  if (r.kind !== 'compute' || d === undefined) return r.attributes;
  const out = { ...r.attributes };
  if (d.hostnamePattern !== undefined && (out['occi.compute.hostname'] === undefined || out['occi.compute.hostname'] === '')) {
    out['occi.compute.hostname'] = d.hostnamePattern.split('{id}').join(r.id);
  }
  if (d.architecture !== undefined && out['occi.compute.architecture'] === undefined) out['occi.compute.architecture'] = d.architecture;
  return out;
}

function resourceView(ctx: OcciContext, r: ResourceRecord, memberships: ReadonlyMap<string, string[]>): EntityView {
  const kind = ENTITY_KINDS.get(r.kind)!;
  const state = stateAttribute(kind);
  const location = absolute(ctx, entityPath(r.kind, r.id));
  return {
    kind,
    mixins: mixinsOf(ctx, [...r.mixins, ...(memberships.get(`${r.kind}/${r.id}`) ?? [])]),
    location,
    id: coreId(r.id),
    attributes: orderedAttributes(ctx, r.id, withDefaults(r, ctx.computeDefaults)),
    // R56: only what can be triggered now; nothing while a transition is under way.
    actions: state && !r.busy ? applicableActions(kind, r.attributes[state], ctx.backend.lifecycle).filter((a) => !r.refused?.includes(a.term)) : [],
    links: r.links.map((l) => linkView(ctx, l, memberships.get(`${l.kind}/${l.id}`) ?? [])),
  };
}

/** A view of one record; `memberships` maps `kind/id` to user mixin type ids. */
export function entityView(ctx: OcciContext, record: EntityRecord, memberships: ReadonlyMap<string, string[]>): EntityView {
  return isLinkRecord(record)
    ? linkView(ctx, record, memberships.get(`${record.kind}/${record.id}`) ?? [])
    : resourceView(ctx, record, memberships);
}

/** Memberships of one record and its links, without reading the whole index. */
export function membershipsFor(ctx: OcciContext, record: EntityRecord): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (kind: string, id: string): void => {
    const list = ctx.store.mixinsOf(ctx.creds.tenant, kind, id);
    if (list.length) out.set(`${kind}/${id}`, list);
  };
  add(record.kind, record.id);
  if (!isLinkRecord(record)) for (const l of record.links) add(l.kind, l.id);
  return out;
}

export function singleView(ctx: OcciContext, record: EntityRecord): EntityView {
  return entityView(ctx, record, membershipsFor(ctx, record));
}
