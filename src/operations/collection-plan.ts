// Which backend queries a collection needs (spec §3.6, D16, D28): one source
// per entity kind, narrowed by the owner (all of a kind, the members of a user
// mixin read from the store, the carriers of a provider mixin) and by the
// filter. What the backend can apply goes into its query; the rest is tested
// on the views. Work is linear in the members, never entities × mixins.
import type { AttributeValue, Category, Kind, Mixin } from '../model/category.js';
import { kindChain, typeId } from '../model/category.js';
import { LINK } from '../model/infrastructure.js';
import type { EntityKindTerm, EntityRecord, ListQuery } from '../port/backend.js';
import type { Member } from '../store/store.js';
import type { Filter } from './collections.js';
import type { OcciContext } from './context.js';
import { ENTITY_KINDS } from './locations.js';
import { shownOtherwise } from './views.js';

export type CollectionOwner = { type: 'kind'; kind: Kind } | { type: 'mixin'; mixin: Mixin } | { type: 'path'; path: string };

/** The entity kinds in listing order: resources before links, as JSON collections write them. */
const ORDER: readonly EntityKindTerm[] = ['compute', 'network', 'storage', 'networkinterface', 'storagelink'];

/** One backend query of a collection. */
export interface Source {
  kind: EntityKindTerm;
  ids?: string[];
  mixins: string[];
  /** A condition only the records can answer (the mixins of a namespace path); set, it keeps paging off the backend. */
  test?: (record: EntityRecord) => boolean;
}

export interface Plan {
  sources: Source[];
  /** Attribute filters every source's query carries. */
  where: Array<[string, AttributeValue]>;
  /** What only the views can answer (actions, core attributes), or undefined. */
  residual?: Filter;
  /** The JSON member an empty collection renders as. */
  which: 'resources' | 'links' | 'mixed';
}

export function queryOf(plan: Plan, s: Source, detail: ListQuery['detail']): ListQuery {
  return {
    kind: s.kind,
    detail,
    ...(s.ids ? { ids: s.ids } : {}),
    ...(s.mixins.length ? { mixins: s.mixins } : {}),
    ...(plan.where.length ? { where: plan.where } : {}),
  };
}

/** Whether the backend can page: nothing is left to test in the operation. */
export function pagedByBackend(plan: Plan): boolean {
  return !plan.residual && plan.sources.every((s) => !s.test);
}

const appliesTo = (m: Mixin, kind: Kind): boolean => m.applies.length === 0 || m.applies.some((a) => kindChain(kind).includes(a));
const termsWith = (pick: (kind: Kind) => boolean): EntityKindTerm[] => ORDER.filter((t) => pick(ENTITY_KINDS.get(t)!));

function byKind(members: readonly Member[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of members) {
    const list = out.get(m.kind);
    if (list) list.push(m.id);
    else out.set(m.kind, [m.id]);
  }
  return out;
}

async function ownerSources(ctx: OcciContext, owner: CollectionOwner): Promise<Source[]> {
  if (owner.type === 'kind') return termsWith((k) => kindChain(k).includes(owner.kind)).map((kind) => ({ kind, mixins: [] }));
  if (owner.type === 'mixin') {
    const m = owner.mixin;
    if (m.origin !== 'user') return termsWith((k) => appliesTo(m, k)).map((kind) => ({ kind, mixins: [typeId(m)] }));
    const members = byKind(await ctx.store.members(ctx.creds.tenant, typeId(m)));
    return ORDER.filter((t) => members.has(t)).map((kind) => ({ kind, ids: members.get(kind)!, mixins: [] }));
  }
  // An unbound path: the union of the collections below it (D28).
  const kinds = new Set<Kind>();
  const users: string[] = [];
  const carried: Mixin[] = [];
  for (const [location, c] of ctx.catalog.locations()) {
    if (!location.startsWith(owner.path)) continue;
    if (c.class === 'kind') kinds.add(c);
    else if (c.origin === 'user') users.push(typeId(c));
    else carried.push(c);
  }
  const members = byKind(await ctx.store.membersOfAny(ctx.creds.tenant, users));
  const out: Source[] = [];
  for (const term of ORDER) {
    const kind = ENTITY_KINDS.get(term)!;
    if (kindChain(kind).some((k) => kinds.has(k))) {
      out.push({ kind: term, mixins: [] });
      continue;
    }
    const ids = members.get(term);
    const mixins = new Set(carried.filter((m) => appliesTo(m, kind)).map(typeId));
    if (mixins.size === 0) {
      if (ids) out.push({ kind: term, ids, mixins: [] });
    } else {
      const tagged = new Set(ids);
      out.push({ kind: term, mixins: [], test: (r) => tagged.has(r.id) || r.mixins.some((m) => mixins.has(m)) });
    }
  }
  return out;
}

/** Narrows sources by a user mixin of the filter: its members only. */
async function onlyMembers(ctx: OcciContext, sources: Source[], mixin: Mixin): Promise<Source[]> {
  const members = byKind(await ctx.store.members(ctx.creds.tenant, typeId(mixin)));
  const out: Source[] = [];
  for (const s of sources) {
    const tagged = members.get(s.kind);
    if (!tagged) continue;
    const set = new Set(tagged);
    const ids = s.ids ? s.ids.filter((id) => set.has(id)) : tagged;
    if (ids.length) out.push({ ...s, ids });
  }
  return out;
}

export async function planCollection(ctx: OcciContext, owner: CollectionOwner, filter: Filter): Promise<Plan> {
  let sources = await ownerSources(ctx, owner);
  const residual: Category[] = [];
  for (const c of filter.categories) {
    if (c.class === 'kind') sources = sources.filter((s) => kindChain(ENTITY_KINDS.get(s.kind)!).includes(c));
    else if (c.class === 'mixin' && c.origin === 'user') sources = await onlyMembers(ctx, sources, c);
    else if (c.class === 'mixin') sources = sources.map((s) => ({ ...s, mixins: [...s.mixins, typeId(c)] }));
    else residual.push(c);
  }
  const where = filter.attributes.filter(([name]) => !shownOtherwise(ctx, name));
  const rest = filter.attributes.filter(([name]) => shownOtherwise(ctx, name));
  return {
    sources,
    where,
    ...(residual.length || rest.length ? { residual: { categories: residual, attributes: rest } } : {}),
    which: whichOf(owner, sources),
  };
}

/** A kind's collection holds its kind's entities; others hold resources, links, or both ('mixed') as their sources do. */
function whichOf(owner: CollectionOwner, sources: readonly Source[]): Plan['which'] {
  const isLink = (t: EntityKindTerm): boolean => kindChain(ENTITY_KINDS.get(t)!).includes(LINK);
  if (owner.type === 'kind') return kindChain(owner.kind).includes(LINK) ? 'links' : 'resources';
  const links = sources.some((s) => isLink(s.kind));
  const resources = sources.some((s) => !isLink(s.kind));
  return links && resources ? 'mixed' : links ? 'links' : 'resources';
}
