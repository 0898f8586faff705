// Backend records → rendering views: resolved kinds and mixins, absolute
// URLs, occi.core.* attributes, and the actions that apply now (R53–R60).
import { isLinkRecord, type EntityRecord, type LinkRecord, type ResourceRecord } from '../port/backend.js';
import type { AttributeValue, Mixin } from '../model/category.js';
import { allowedActions, occi11Value, stateAttribute } from '../model/lifecycle.js';
import type { EntityView } from '../rendering/document.js';
import { absolute, type ComputeDefaults, type OcciContext } from './context.js';
import { ENTITY_KINDS, entityPath } from './locations.js';

const CORE_FIRST = ['occi.core.title', 'occi.core.summary'];

/** `urn:uuid:` for uuids (R47), the backend's id otherwise (D12). */
export function coreId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? `urn:uuid:${id}` : id;
}

/** The mixins of a record (its own type ids, then its user mixins'), each once. */
function mixinsOf(ctx: OcciContext, own: readonly string[], user: readonly string[] = []): Mixin[] {
  const out: Mixin[] = [];
  const add = (id: string): void => {
    const m = ctx.catalog.mixinById(id);
    if (m && !out.includes(m)) out.push(m);
  };
  own.forEach(add);
  user.forEach(add);
  return out;
}

/**
 * `id` is the occi.core.id value (coreId). Object.entries' own pairs are the
 * view's (no copy of each): this runs for every member of a listing.
 */
function orderedAttributes(ctx: OcciContext, id: string, attributes: Record<string, AttributeValue>, head: Array<[string, AttributeValue]> = []): Array<[string, AttributeValue]> {
  const out: Array<[string, AttributeValue]> = [['occi.core.id', id]];
  for (const h of head) out.push(h);
  for (const name of CORE_FIRST) if (attributes[name] !== undefined) out.push([name, attributes[name]]);
  for (const entry of Object.entries(attributes)) {
    const [name, value] = entry;
    if (value === undefined || CORE_FIRST.includes(name) || name === 'occi.core.id') continue;
    // Clients that speak only OCCI/1.1 know no error state.
    out.push(ctx.occi11 ? [name, occi11Value(name, value) as AttributeValue] : entry);
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
  const id = coreId(link.id);
  return {
    kind,
    mixins: mixinsOf(ctx, link.mixins, userMixins),
    location: absolute(ctx, entityPath(link.kind, link.id)),
    id,
    attributes: orderedAttributes(ctx, id, link.attributes, head),
    actions: [],
    links: [],
    source: { location: source, kind: sourceKind },
    target: { location: target, kind: targetKind },
  };
}

/**
 * Whether a view may show an attribute otherwise than its record does, so a
 * filter on it is checked on the views, not by the backend: occi.core.*
 * values the view makes (id, link ends), states an OCCI/1.1 client sees in
 * 1.1 terms, and the compute defaults of the settings below.
 */
export function shownOtherwise(ctx: OcciContext, name: string): boolean {
  if (name.startsWith('occi.core.')) return name !== 'occi.core.title' && name !== 'occi.core.summary';
  if (ctx.occi11 && name.endsWith('.state')) return true;
  const d = ctx.computeDefaults;
  return (name === 'occi.compute.hostname' && d?.hostnamePattern !== undefined) || (name === 'occi.compute.architecture' && d?.architecture !== undefined);
}

/**
 * A compute's host name and architecture from the settings, where the cloud gave none (the cloud's and the
 * client's win). The record's own attributes when there is nothing to add: the server always has settings,
 * mostly unset, and a copy for every member of a listing cost it as much as the rest of its view.
 */
function withDefaults(r: ResourceRecord, d: ComputeDefaults | undefined): ResourceRecord['attributes'] {
  if (r.kind !== 'compute' || d === undefined) return r.attributes;
  const a = r.attributes;
  const hostname = d.hostnamePattern !== undefined && (a['occi.compute.hostname'] === undefined || a['occi.compute.hostname'] === '');
  const architecture = d.architecture !== undefined && a['occi.compute.architecture'] === undefined;
  if (!hostname && !architecture) return a;
  const out = { ...a };
  if (hostname) out['occi.compute.hostname'] = d.hostnamePattern!.split('{id}').join(r.id);
  if (architecture) out['occi.compute.architecture'] = d.architecture!;
  return out;
}

function resourceView(ctx: OcciContext, r: ResourceRecord, memberships: ReadonlyMap<string, string[]>): EntityView {
  const kind = ENTITY_KINDS.get(r.kind)!;
  const state = stateAttribute(kind);
  const location = absolute(ctx, entityPath(r.kind, r.id));
  const id = coreId(r.id);
  return {
    kind,
    mixins: mixinsOf(ctx, r.mixins, memberships.get(`${r.kind}/${r.id}`)),
    location,
    id,
    attributes: orderedAttributes(ctx, id, withDefaults(r, ctx.computeDefaults)),
    // R56: only what can be triggered now; nothing while a transition is under way.
    actions: state && !r.busy ? allowedActions(kind, r.attributes[state], ctx.backend.lifecycle, r.refused) : [],
    links: r.links.map((l) => linkView(ctx, l, memberships.get(`${l.kind}/${l.id}`) ?? [])),
  };
}

/** A view of one record; `memberships` maps `kind/id` to user mixin type ids. */
export function entityView(ctx: OcciContext, record: EntityRecord, memberships: ReadonlyMap<string, string[]>): EntityView {
  return isLinkRecord(record)
    ? linkView(ctx, record, memberships.get(`${record.kind}/${record.id}`) ?? [])
    : resourceView(ctx, record, memberships);
}

/** The user mixins of these records and of the links they own, in one store query. */
export function membershipsOf(ctx: OcciContext, records: readonly EntityRecord[]): Promise<Map<string, string[]>> {
  const refs: Array<{ kind: string; id: string }> = [];
  for (const r of records) {
    refs.push({ kind: r.kind, id: r.id });
    if (!isLinkRecord(r)) for (const l of r.links) refs.push({ kind: l.kind, id: l.id });
  }
  return ctx.store.mixinsOfEach(ctx.creds.tenant, refs);
}

/** Views of records, with their user mixins. */
export async function viewsOf(ctx: OcciContext, records: readonly EntityRecord[]): Promise<EntityView[]> {
  const memberships = await membershipsOf(ctx, records);
  return records.map((r) => entityView(ctx, r, memberships));
}

export async function singleView(ctx: OcciContext, record: EntityRecord): Promise<EntityView> {
  return entityView(ctx, record, await membershipsOf(ctx, [record]));
}
