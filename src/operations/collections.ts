// Collections (spec §3.6, §3.8, §3.9): kind and mixin locations, unbound
// namespace paths, filtering, paging, membership and collection-wide actions.
import { isLinkRecord, type EntityRecord, type EntityRef } from '../port/backend.js';
import { badRequest, methodNotAllowed, notFound, tooLarge } from '../errors.js';
import { kindChain, typeId, type AttributeValue, type Category, type Mixin } from '../model/category.js';
import { familyParentMisuse, isOsTemplate, isResourceTemplate } from '../model/templates.js';
import type { EntityInput, EntityView, Payload } from '../rendering/document.js';
import { triggerOnAll } from './actions.js';
import { allMembers, allRefs, backendPage, collect, membersOfRecords, pageOfMembers, VIEW_BATCH, viewBatches, type Member } from './collection-pages.js';
import { pagedByBackend, planCollection, type CollectionOwner, type Plan } from './collection-plan.js';
import { absolute, type OcciContext } from './context.js';
import { checkApplicable, termOfKind } from './entity-input.js';
import { forgetEntity, forgetIfGone } from './entities.js';
import { ENTITY_KINDS, entityOf, entityPath, isValidId, type EntityLocation } from './locations.js';
import type { OcciResult, Paging } from './result.js';

export type { CollectionOwner } from './collection-plan.js';

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

export function matches(view: EntityView, filter: Filter): boolean {
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

const urlOf = (ctx: OcciContext, r: EntityRef): string => absolute(ctx, entityPath(r.kind, r.id));

/** Every member of a collection (deletes, memberships and actions need the records). */
async function membersOf(ctx: OcciContext, owner: CollectionOwner, filter: Filter = NO_FILTER): Promise<Member[]> {
  return collect(allMembers(ctx, await planCollection(ctx, owner, filter)));
}

/**
 * GET on a collection (§3.6.1, R112–R118): the renderer's listing says what to
 * read, locations (ids only) or whole entities; pages are cut by the backend
 * where it can apply the whole filter, else here. Whole entities are handed on
 * batch by batch, for the response to be written as they come.
 */
export async function list(ctx: OcciContext, owner: CollectionOwner, filter: Filter, page: Page | undefined): Promise<OcciResult> {
  const plan = await planCollection(ctx, owner, filter);
  const entities = ctx.listing === 'entities';
  const offset = page ? (page.page - 1) * page.number : 0;
  const paging = (found: { more: boolean; total?: number }): Paging | undefined =>
    page && { ...page, more: found.more, ...(found.total === undefined ? {} : { total: found.total }) };
  if (pagedByBackend(plan)) {
    if (!page) {
      if (entities) return { type: 'entities', which: plan.which, batches: viewBatches(allMembers(ctx, plan)) };
      return { type: 'collection', locations: (await allRefs(ctx, plan)).map((r) => urlOf(ctx, r)) };
    }
    const found = await backendPage(ctx, plan, entities ? 'records' : 'refs', offset, page.number);
    if (!entities) return { type: 'collection', locations: found.items.map((r) => urlOf(ctx, r)), paging: paging(found) };
    return { type: 'entities', which: plan.which, batches: viewBatches(membersOfRecords(ctx, plan, found.items as EntityRecord[])), paging: paging(found) };
  }
  // The filter needs the views: read batch by batch, page here.
  if (!page && entities) return { type: 'entities', which: plan.which, batches: viewBatches(allMembers(ctx, plan)) };
  const found = page ? await pageOfMembers(allMembers(ctx, plan), offset, page.number) : { items: await collect(allMembers(ctx, plan)), more: false };
  if (!entities) return { type: 'collection', locations: found.items.map((m) => m.view.location), paging: paging(found) };
  return { type: 'entities', which: plan.which, batches: viewBatches(inBatches(found.items)), paging: paging(found) };
}

async function* inBatches<T>(items: T[]): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += VIEW_BATCH) yield items.slice(i, i + VIEW_BATCH);
}

/** A collection of records already read, as the renderer wants it. */
async function collectionOf(ctx: OcciContext, plan: Plan, records: EntityRecord[]): Promise<OcciResult> {
  if (ctx.listing === 'locations') return { type: 'collection', locations: records.map((r) => urlOf(ctx, r)) };
  return { type: 'entities', which: plan.which, batches: viewBatches(membersOfRecords(ctx, { ...plan, residual: undefined }, records)) };
}

/** DELETE on a kind location or (behind a flag) an unbound path: deletes the members (R75, R76). */
export async function deleteAll(ctx: OcciContext, owner: CollectionOwner, payload: Payload, filter: Filter): Promise<OcciResult> {
  if (owner.type === 'path' && !ctx.allowNamespaceDelete) throw methodNotAllowed(['GET', 'HEAD', 'OPTIONS']);
  const named = listing(ctx, payload);
  let targets = await membersOf(ctx, owner, filter);
  const listedOnly = named !== undefined;
  if (listedOnly) {
    const wanted = new Set(named.map((l) => key(entityOf(ctx, l))));
    targets = targets.filter((m) => wanted.has(key(m.record)));
  }
  // Links first: deleting a resource takes its links with it, and each member is listed once,
  // so none is gone before its turn but by another request (a link's 404 below).
  targets.sort((a, b) => Number(isLinkRecord(b.record)) - Number(isLinkRecord(a.record)));
  for (const { record } of targets) {
    const kept = await ctx.backend.delete(ctx.creds, record.kind, record.id, record).then(
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
    await forgetEntity(ctx, record);
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
  if (typeof id !== 'string') return [];
  const bare = id.replace(/^urn:uuid:/i, '');
  for (const ref of e.categories) {
    const c = ctx.catalog.resolve(ref);
    const term = c?.class === 'kind' ? termOfKind(c) : undefined;
    if (term && isValidId(bare)) return [entityPath(term, bare)]; // a URL or a path (':', '/') is no id
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
  const records = mode === 'remove' && named === undefined ? (await membersOf(ctx, owner)).map((m) => m.record) : await listed(ctx, named ?? []);
  if (mode === 'add' && records.length === 0) throw badRequest('list the entities to associate, one X-OCCI-Location each (JSON: an array of their URLs)'); // R95
  for (const r of records) checkApplicable(ENTITY_KINDS.get(r.kind)!, [mixin]);
  const tenant = ctx.creds.tenant;
  const id = typeId(mixin);
  if (mixin.origin === 'user') {
    const refs = records.map((r) => ({ kind: r.kind, id: r.id }));
    if (mode === 'remove') await ctx.store.dissociate(tenant, id, refs);
    else {
      if (!(await ctx.store.associate(tenant, id, refs, mode === 'replace'))) throw notFound(`no mixin ${id}: it was deleted while this request was under way`);
      // An entity deleted meanwhile must not keep the membership just written (R72).
      await forgetIfGone(ctx, refs);
    }
  } else {
    const current = mode === 'replace' ? (await membersOf(ctx, owner)).map((m) => m.record) : [];
    const keep = new Set(records.map(key));
    const drop = current.filter((r) => !keep.has(key(r)));
    const add = mode === 'remove' ? [] : records.filter((r) => !r.mixins.includes(id));
    const remove = mode === 'remove' ? records.filter((r) => r.mixins.includes(id)) : drop;
    // Checked before any change, so a refused request leaves every member as it was (R101).
    if (remove.length > 0 && (isOsTemplate(mixin) || isResourceTemplate(mixin))) {
      throw badRequest(`an entity cannot lose its template ${id} without another: associate the other template with it instead`);
    }
    for (const r of add) await ctx.backend.update(ctx.creds, r.kind, r.id, { attributes: {}, addMixins: [mixin], removeMixins: [] }, r);
    for (const r of remove) await ctx.backend.update(ctx.creds, r.kind, r.id, { attributes: {}, addMixins: [], removeMixins: [mixin] }, r);
  }
  return list(ctx, owner, NO_FILTER, undefined);
}

/** POST <collection>?action=term on every member (R84). */
export async function actOnAll(ctx: OcciContext, owner: CollectionOwner, term: string, payload: Payload): Promise<OcciResult> {
  if (owner.type === 'path') throw badRequest('actions apply to kind and mixin locations only');
  const targets = (await membersOf(ctx, owner)).map((m) => m.record);
  const after = await triggerOnAll(ctx, owner.type === 'kind' ? owner.kind : owner.mixin, targets, term, payload);
  return collectionOf(ctx, await planCollection(ctx, owner, NO_FILTER), after);
}
