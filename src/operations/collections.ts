// Collections (spec §3.6, §3.8, §3.9): kind and mixin locations, unbound
// namespace paths, filtering, paging, membership and collection-wide actions.
import { isLinkRecord, type EntityKindTerm, type EntityRecord } from '../port/backend.js';
import { badRequest, methodNotAllowed, notFound, tooLarge } from '../errors.js';
import { kindChain, typeId, type AttributeValue, type Category, type Kind, type Mixin } from '../model/category.js';
import { LINK, RESOURCE } from '../model/infrastructure.js';
import { familyParentMisuse, isOsTemplate, isResourceTemplate } from '../model/templates.js';
import type { EntityInput, EntityView, Payload } from '../rendering/document.js';
import { triggerOnAll } from './actions.js';
import { absolute, type OcciContext } from './context.js';
import { checkApplicable, termOfKind } from './entity-input.js';
import { forgetEntity, forgetIfGone } from './entities.js';
import { ENTITY_KINDS, entityOf, entityPath, isValidId, type EntityLocation } from './locations.js';
import type { OcciResult } from './result.js';
import { entityView } from './views.js';

export type CollectionOwner = { type: 'kind'; kind: Kind } | { type: 'mixin'; mixin: Mixin } | { type: 'path'; path: string };

const RESOURCE_TERMS: EntityKindTerm[] = ['compute', 'network', 'storage'];
const LINK_TERMS: EntityKindTerm[] = ['networkinterface', 'storagelink'];

/** Backend kinds whose entities may belong to the collection. */
function kindsOf(ctx: OcciContext, owner: CollectionOwner): EntityKindTerm[] {
  if (owner.type === 'kind') {
    if (owner.kind === RESOURCE) return RESOURCE_TERMS;
    if (owner.kind === LINK) return LINK_TERMS;
    const term = termOfKind(owner.kind);
    return term ? [term] : [];
  }
  if (owner.type === 'mixin') {
    const applies = owner.mixin.applies;
    if (applies.length === 0) return [...RESOURCE_TERMS, ...LINK_TERMS];
    return [...ENTITY_KINDS].filter(([, k]) => applies.some((a) => kindChain(k).includes(a))).map(([t]) => t);
  }
  // An unbound path: the union of the bound collections below it (D28).
  const out = new Set<EntityKindTerm>();
  for (const [location, c] of ctx.catalog.locations()) {
    if (location.startsWith(owner.path)) kindsOf(ctx, c.class === 'kind' ? { type: 'kind', kind: c } : { type: 'mixin', mixin: c }).forEach((t) => out.add(t));
  }
  return [...out];
}

function ownerMatches(ctx: OcciContext, owner: CollectionOwner, view: EntityView): boolean {
  if (owner.type === 'kind') return kindChain(view.kind).includes(owner.kind);
  if (owner.type === 'mixin') return view.mixins.includes(owner.mixin);
  for (const [location, c] of ctx.catalog.locations()) {
    if (!location.startsWith(owner.path)) continue;
    if (c.class === 'kind' ? kindChain(view.kind).includes(c) : view.mixins.includes(c)) return true;
  }
  return false;
}

interface Member {
  record: EntityRecord;
  /** The full view, built on first use: text listings need only locations. */
  view: () => EntityView;
}

/** Every member of a collection: one backend listing per kind, in parallel. */
async function members(ctx: OcciContext, owner: CollectionOwner): Promise<Member[]> {
  const kinds = kindsOf(ctx, owner);
  const lists = await Promise.all(kinds.map((k) => ctx.backend.list(ctx.creds, k)));
  let memberships: Map<string, string[]> | undefined;
  const index = (): Map<string, string[]> => (memberships ??= ctx.store.membershipIndex(ctx.creds.tenant));
  const out: Member[] = [];
  for (const list of lists) {
    for (const record of list) {
      let built: EntityView | undefined;
      const view = (): EntityView => (built ??= entityView(ctx, record, index()));
      // Every entity of the listed kinds belongs to a kind's collection; mixins and paths need a look.
      if (owner.type === 'kind' || ownerMatches(ctx, owner, view())) out.push({ record, view });
    }
  }
  return out;
}

export interface Filter {
  categories: Category[];
  attributes: Array<[string, AttributeValue]>;
}

export const NO_FILTER: Filter = { categories: [], attributes: [] };

/** Filter headers (R112–R114): Category and X-OCCI-Attribute, combined with AND. */
export function filterFrom(ctx: OcciContext, headers: Payload): Filter {
  return {
    categories: headers.categories.map((ref) => ctx.catalog.require(ref)),
    attributes: Object.entries(headers.attributes).map(([name, value]) => [name, LINK_ENDS.has(name) ? absoluteRef(ctx, value) : value]),
  };
}

const LINK_ENDS = new Set(['occi.core.source', 'occi.core.target']);

/** Link ends render as absolute URLs; a filter may name them by path (D34). */
function absoluteRef(ctx: OcciContext, value: AttributeValue): AttributeValue {
  return typeof value === 'string' && value.startsWith('/') ? absolute(ctx, value) : value;
}

function isEmpty(filter: Filter): boolean {
  return filter.categories.length === 0 && filter.attributes.length === 0;
}

function matches(view: EntityView, filter: Filter): boolean {
  for (const c of filter.categories) {
    const ok = c.class === 'kind' ? kindChain(view.kind).includes(c) : c.class === 'mixin' ? view.mixins.includes(c) : view.actions.includes(c);
    if (!ok) return false;
  }
  for (const [name, value] of filter.attributes) {
    const found = view.attributes.find(([n]) => n === name);
    if (!found || found[1] !== value) return false;
  }
  return true;
}

export interface Page {
  page: number;
  number: number;
}

/** `page` and `number` (R116–R118, D23): 1-based, both or neither. */
export function pageFrom(query: URLSearchParams, maxPageSize: number): Page | undefined {
  const page = query.get('page');
  const number = query.get('number');
  if (page === null && number === null) return undefined;
  if (page === null || number === null) throw badRequest('paging needs both page and number');
  if (!/^[0-9]{1,9}$/.test(page) || !/^[0-9]{1,9}$/.test(number)) throw badRequest('page and number must be whole numbers');
  const p = Number(page);
  const n = Number(number);
  if (p < 1 || n < 1) throw badRequest('page and number start at 1: the first page is page=1'); // D23
  if (n > maxPageSize) throw tooLarge(`number ${n} is more than this server's largest page, ${maxPageSize}: ask for number=${maxPageSize} or fewer`); // R117
  return { page: p, number: n };
}

function which(owner: CollectionOwner, records: EntityRecord[]): 'resources' | 'links' | 'mixed' {
  if (owner.type === 'kind' && kindChain(owner.kind).includes(LINK)) return 'links';
  if (owner.type === 'kind') return 'resources';
  const links = records.some(isLinkRecord);
  const resources = records.some((r) => !isLinkRecord(r));
  return links && resources ? 'mixed' : links ? 'links' : 'resources';
}

function collection(ctx: OcciContext, owner: CollectionOwner, selected: Member[]): OcciResult {
  return {
    type: 'collection',
    members: selected.map((m) => ({ location: absolute(ctx, entityPath(m.record.kind, m.record.id)), view: m.view })),
    which: which(owner, selected.map((m) => m.record)),
  };
}

export async function list(ctx: OcciContext, owner: CollectionOwner, filter: Filter, page: Page | undefined): Promise<OcciResult> {
  let selected = await members(ctx, owner);
  if (!isEmpty(filter)) selected = selected.filter((m) => matches(m.view(), filter));
  if (page) selected = selected.slice((page.page - 1) * page.number, page.page * page.number);
  return collection(ctx, owner, selected);
}

/** DELETE on a kind location or (behind a flag) an unbound path: deletes the members (R75, R76). */
export async function deleteAll(ctx: OcciContext, owner: CollectionOwner, payload: Payload, filter: Filter): Promise<OcciResult> {
  if (owner.type === 'path' && !ctx.allowNamespaceDelete) throw methodNotAllowed(['GET', 'HEAD', 'OPTIONS']);
  const named = listing(ctx, payload);
  let targets = await members(ctx, owner);
  if (!isEmpty(filter)) targets = targets.filter((m) => matches(m.view(), filter));
  const listedOnly = named !== undefined;
  if (listedOnly) {
    const wanted = new Set(named.map((l) => key(entityOf(ctx, l))));
    targets = targets.filter((m) => wanted.has(key(m.record)));
  }
  // Links first: deleting a resource takes its links with it.
  targets.sort((a, b) => Number(isLinkRecord(b.record)) - Number(isLinkRecord(a.record)));
  const gone = new Set<string>();
  for (const { record } of targets) {
    if (gone.has(key(record))) continue;
    const kept = await ctx.backend.delete(ctx.creds, record.kind, record.id).then(
      () => false,
      (err: unknown) => {
        const status = (err as { status?: number }).status;
        // A link may already have gone with its resource.
        if (isLinkRecord(record) && status === 404) return false;
        // Shared entities (the public network) are listed to everyone but belong to nobody:
        // "delete all" leaves them; naming one explicitly is still refused.
        if (status === 403 && !listedOnly) return true;
        throw err;
      },
    );
    if (kept) continue;
    forgetEntity(ctx, record);
    gone.add(key(record));
    if (!isLinkRecord(record)) record.links.forEach((l) => gone.add(key(l)));
  }
  return { type: 'ok' };
}

function key(r: { kind: string; id: string }): string {
  return `${r.kind}/${r.id}`;
}

/**
 * The entities a request body lists (§3.6.4): its locations, and JSON
 * collection members named by kind and `occi.core.id`. Undefined when the
 * request has no body: the operation is then for the whole collection. A body
 * that names no entity is refused, so a listing never widens to "all".
 */
export function listing(ctx: OcciContext, payload: Payload): string[] | undefined {
  if (payload.empty) return undefined;
  const named = [...payload.locations, ...payload.entities.flatMap((e) => memberById(ctx, e))];
  if (named.length === 0) {
    throw badRequest(
      'the body names no entity: list X-OCCI-Location URLs (JSON: members with a location, or a kind and occi.core.id), or send no body to mean the whole collection',
    );
  }
  return named;
}

/** A collection member without a location, named by its kind and id (ids render as `urn:uuid:<uuid>` or the cloud's id). */
function memberById(ctx: OcciContext, e: EntityInput): string[] {
  if (e.location !== undefined) return [];
  const id = e.attributes['occi.core.id'];
  if (typeof id !== 'string' || /^(?:\/|https?:)/i.test(id)) return [];
  const bare = id.replace(/^urn:uuid:/i, '');
  for (const ref of e.categories) {
    const c = ctx.catalog.resolve(ref);
    const term = c?.class === 'kind' ? termOfKind(c) : undefined;
    if (term && isValidId(bare)) return [entityPath(term, bare)];
  }
  return [];
}

/** Resolves and fetches every listed entity first, so one unknown URL changes nothing (R101). */
async function listed(ctx: OcciContext, urls: readonly string[]): Promise<EntityRecord[]> {
  if (urls.length > ctx.limits.maxBatch) throw badRequest(`at most ${ctx.limits.maxBatch} locations per request`);
  const locs: EntityLocation[] = urls.map((l) => entityOf(ctx, l));
  const records = await Promise.all(locs.map((l) => ctx.backend.get(ctx.creds, l.kind, l.id)));
  return records.map((r, i) => {
    if (!r) throw notFound(`no entity at ${urls[i]}, so nothing was changed; list only entities that exist`); // R101: all or nothing
    return r;
  });
}

/**
 * POST (associate), PUT (replace) or DELETE (dissociate) on a mixin location
 * (R95–R98, D20). User mixins live in the store; provider mixins (templates,
 * ssh_key …) are the backend's, so association changes the cloud resource.
 */
export async function membership(ctx: OcciContext, mixin: Mixin, mode: 'add' | 'replace' | 'remove', payload: Payload): Promise<OcciResult> {
  const owner: CollectionOwner = { type: 'mixin', mixin };
  const misuse = familyParentMisuse(mixin);
  if (misuse) throw badRequest(misuse); // spec §1.5: an association the provider does not support is a 400
  const named = listing(ctx, payload);
  const records = mode === 'remove' && named === undefined ? (await members(ctx, owner)).map((m) => m.record) : await listed(ctx, named ?? []);
  if (mode === 'add' && records.length === 0) throw badRequest('list the entities to associate, one X-OCCI-Location each (JSON: an array of their URLs)'); // R95
  for (const r of records) checkApplicable(ENTITY_KINDS.get(r.kind)!, [mixin]);
  const tenant = ctx.creds.tenant;
  const id = typeId(mixin);
  if (mixin.origin === 'user') {
    const refs = records.map((r) => ({ kind: r.kind, id: r.id }));
    if (mode === 'remove') ctx.store.dissociate(tenant, id, refs);
    else {
      if (!ctx.store.associate(tenant, id, refs, mode === 'replace')) throw notFound(`no mixin ${id}: it was deleted while this request was under way`);
      // An entity deleted meanwhile must not keep the membership just written (R72).
      await forgetIfGone(ctx, refs);
    }
  } else {
    const current = mode === 'replace' ? (await members(ctx, owner)).map((m) => m.record) : [];
    const keep = new Set(records.map(key));
    const drop = current.filter((r) => !keep.has(key(r)));
    const add = mode === 'remove' ? [] : records.filter((r) => !r.mixins.includes(id));
    const remove = mode === 'remove' ? records.filter((r) => r.mixins.includes(id)) : drop;
    // Checked before any change, so a refused request leaves every member as it was (R101).
    if (remove.length > 0 && (isOsTemplate(mixin) || isResourceTemplate(mixin))) {
      throw badRequest(`an entity cannot lose its template ${id} without another: associate the other template with it instead`);
    }
    for (const r of add) await ctx.backend.update(ctx.creds, r.kind, r.id, { attributes: {}, addMixins: [mixin], removeMixins: [] });
    for (const r of remove) await ctx.backend.update(ctx.creds, r.kind, r.id, { attributes: {}, addMixins: [], removeMixins: [mixin] });
  }
  return list(ctx, owner, NO_FILTER, undefined);
}

/** POST <collection>?action=term on every member (R84). */
export async function actOnAll(ctx: OcciContext, owner: CollectionOwner, term: string, payload: Payload): Promise<OcciResult> {
  if (owner.type === 'path') throw badRequest('actions apply to kind and mixin locations only');
  const targets = (await members(ctx, owner)).map((m) => m.record);
  const after = await triggerOnAll(ctx, owner.type === 'kind' ? owner.kind : owner.mixin, targets, term, payload);
  const memberships = ctx.store.membershipIndex(ctx.creds.tenant);
  return collection(ctx, owner, after.map((record) => ({ record, view: () => entityView(ctx, record, memberships) })));
}
