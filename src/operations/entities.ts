// Operations on one entity (spec §3.5): create, retrieve, partial update,
// full update, delete. Actions live in actions.ts.
import { isLinkRecord, type EntityKindTerm, type EntityRecord, type LinkRecord, type LinkSpec, type ReadPurpose, type ResourceSpec, type UpdateSpec } from '../port/backend.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { typeId, type AttributeValue, type Kind, type Mixin } from '../model/category.js';
import { normalizeContextualization } from '../model/contextualization.js';
import { isAvailabilityZone, isOsTemplate, isResourceTemplate } from '../model/templates.js';
import type { EntityInput, LinkInput, Payload } from '../rendering/document.js';
import type { OcciContext } from './context.js';
import {
  addImpliedMixins,
  checkApplicable,
  checkAttributes,
  resolveCategories,
  resolveLink,
  stringAttribute,
  termOfKind,
} from './entity-input.js';
import { ENTITY_KINDS, entityPath, type EntityLocation } from './locations.js';
import type { OcciResult } from './result.js';
import { newLinks, realChanges, withoutActionLinks, withoutUnchangedImmutables } from './round-trip.js';
import { coreId, singleView, viewsOf } from './views.js';

/** Mutable attributes a full update (PUT) clears when the client leaves them out (R66). */
const CLEARABLE = ['occi.core.title', 'occi.core.summary', 'occi.compute.hostname', 'occi.storagelink.mountpoint', 'occi.network.label'];

export async function fetchEntity(ctx: OcciContext, loc: EntityLocation, purpose?: ReadPurpose): Promise<EntityRecord> {
  const record = await ctx.backend.get(ctx.creds, loc.kind, loc.id, purpose);
  if (!record) {
    await forgetLeftoverTags(ctx, loc);
    throw notFound(`no ${loc.kind} ${loc.id}: it does not exist, or not for you; GET ${ENTITY_KINDS.get(loc.kind)!.location} lists yours`); // R54
  }
  return record;
}

/**
 * The user-mixin tags of an entity a read finds gone: a DELETE the cloud had not finished by its deadline
 * (a 504) left them, and the first read after the cloud finished drops them (R72). Confirmed gone once more
 * before they go, as tagAll does, so an entity made meanwhile under the same id keeps its tags. A read of an
 * id that never had tags costs one store read. Best effort: the answer is the 404 whatever the store says,
 * and tags it could not drop now go at a later read.
 */
async function forgetLeftoverTags(ctx: OcciContext, loc: EntityLocation): Promise<void> {
  try {
    if ((await ctx.store.mixinsOf(ctx.creds.tenant, loc.kind, loc.id)).length > 0) await forgetIfGone(ctx, [loc]);
  } catch {
    // the store is failing (a full disk, a lost database): /readyz and the requests that need it say so
  }
}

export async function retrieve(ctx: OcciContext, loc: EntityLocation): Promise<OcciResult> {
  return { type: 'entity', view: await singleView(ctx, await fetchEntity(ctx, loc)) };
}

function linkInputOf(input: EntityInput): LinkInput {
  if (input.link) return input.link;
  return {
    categories: input.categories,
    source: stringAttribute(input.attributes, 'occi.core.source'),
    target: stringAttribute(input.attributes, 'occi.core.target'),
    attributes: input.attributes,
  };
}

function checkKind(found: Kind | undefined, expected: Kind): void {
  if (found && found !== expected) {
    throw badRequest(`this location holds ${typeId(expected)}, but the request names ${typeId(found)}: send it to ${found.location ?? 'its own kind location'}`); // R42, R62
  }
}

/**
 * Tags an entity with user mixins. A concurrent DELETE may remove the entity
 * (and forget its memberships) before the tags are written: confirming it
 * still exists afterwards, and forgetting it if not, leaves no membership of a
 * deleted entity whatever the interleaving (R72, R33).
 */
async function tagAll(ctx: OcciContext, record: { kind: EntityKindTerm; id: string }, tags: readonly Mixin[]): Promise<void> {
  if (tags.length === 0) return;
  for (const t of tags) await ctx.store.associate(ctx.creds.tenant, typeId(t), [{ kind: record.kind, id: record.id }]);
  await forgetIfGone(ctx, [record]);
}

/** Drops the memberships of those entities that no longer exist (deleted while they were being tagged). */
export async function forgetIfGone(ctx: OcciContext, refs: ReadonlyArray<{ kind: EntityKindTerm; id: string }>): Promise<void> {
  const found = await Promise.all(refs.map((r) => ctx.backend.get(ctx.creds, r.kind, r.id)));
  await Promise.all(refs.map((r, i) => (found[i] ? undefined : ctx.store.forget(ctx.creds.tenant, r.kind, r.id))));
}

/** The Link structures of a resource rendering, each checked, at most maxBatch of them. */
function inlineLinks(ctx: OcciContext, links: readonly LinkInput[]): LinkSpec[] {
  if (links.length > ctx.limits.maxBatch) throw badRequest(`at most ${ctx.limits.maxBatch} links per request`);
  return links.map((l) => {
    const spec = resolveLink(ctx, l, 'inline');
    if (spec.tags.length) throw badRequest('associate user mixins with a link after creating it');
    return spec;
  });
}

/** Creates one entity of `kind` from a rendering; `id` is a client-chosen id (PUT). */
async function createOne(ctx: OcciContext, kind: Kind, input: EntityInput, id?: string): Promise<EntityRecord> {
  const term = termOfKind(kind);
  if (!term) throw badRequest(`entities of ${typeId(kind)} cannot be created directly; use a concrete kind`);
  if (term === 'networkinterface' || term === 'storagelink') {
    if (id) throw badRequest(`links get their URL from the server: POST the link to ${kind.location}`); // R50
    if (input.links.length) throw badRequest('a link cannot own links: send its Link structures to the compute it comes from'); // R64
    const spec = resolveLink(ctx, { ...linkInputOf(input), categories: input.categories }, 'create');
    if (spec.kind !== term) throw badRequest(`this location holds ${typeId(kind)}, but the request is a ${spec.kind}: POST it to /${spec.kind}/`); // R42
    const record = await ctx.backend.createLink(ctx.creds, { ...spec, source: spec.source! });
    await tagAll(ctx, record, spec.tags);
    return record;
  }
  const cats = resolveCategories(ctx, input.categories, true);
  checkKind(cats.kind, kind);
  addImpliedMixins(ctx, kind, cats, input.attributes);
  checkApplicable(kind, [...cats.mixins, ...cats.tags]);
  const links = inlineLinks(ctx, input.links);
  const contextualized = normalizeContextualization(cats.mixins, checkAttributes(kind, cats.mixins, input.attributes, 'create', false, ctx.catalog.mixins));
  const spec: ResourceSpec = { kind: term, mixins: contextualized.mixins, attributes: contextualized.attributes, links };
  if (id) spec.id = id;
  const record = await ctx.backend.createResource(ctx.creds, spec);
  await tagAll(ctx, record, cats.tags);
  return record;
}

/** POST to a kind location (R39–R52): one entity, or a JSON collection created all or nothing. */
export async function create(ctx: OcciContext, kind: Kind, payload: Payload): Promise<OcciResult> {
  if (payload.entities.length === 0) throw badRequest(`nothing to create: send a rendering with its kind, e.g. Category: ${kind.term}; scheme="${kind.scheme}"; class="kind"`); // R40
  if (payload.entities.length > ctx.limits.maxBatch) throw badRequest(`at most ${ctx.limits.maxBatch} entities per request`);
  const created: EntityRecord[] = [];
  try {
    for (const input of payload.entities) created.push(await createOne(ctx, kind, input));
  } catch (err) {
    await rollback(ctx, created);
    throw err;
  }
  return { type: 'created', views: await viewsOf(ctx, created) };
}

/** Undoes a partly done batch create (R52, spec §3.11); failures to undo are not the client's error. */
async function rollback(ctx: OcciContext, created: EntityRecord[]): Promise<void> {
  for (const r of created.reverse()) {
    await ctx.backend.delete(ctx.creds, r.kind, r.id).catch(() => undefined);
    await forgetEntity(ctx, r);
  }
}

/** Drops the user-mixin memberships of a deleted entity and of the links it owned. */
export async function forgetEntity(ctx: OcciContext, r: EntityRecord): Promise<void> {
  await ctx.store.forget(ctx.creds.tenant, r.kind, r.id);
  if (!isLinkRecord(r)) for (const l of r.links) await ctx.store.forget(ctx.creds.tenant, l.kind, l.id);
}

function currentMixins(ctx: OcciContext, record: EntityRecord): Mixin[] {
  return record.mixins.map((id) => ctx.catalog.mixinById(id)).filter((m): m is Mixin => m !== undefined);
}

function checkCoreId(given: AttributeValue | undefined, record: EntityRecord): void {
  if (given !== undefined && given !== coreId(record.id) && given !== record.id) {
    throw forbidden(`attribute occi.core.id is immutable: this entity's is ${coreId(record.id)}; leave it out, or send that`); // R144
  }
}

/** Link ends cannot move after creation (D27). */
function checkLinkEnds(ctx: OcciContext, record: LinkRecord, input: EntityInput): void {
  const ends: Array<[string, string]> = [
    ['occi.core.source', entityPath(record.source.kind, record.source.id)],
    ['occi.core.target', entityPath(record.target.kind, record.target.id)],
  ];
  const given = input.link ? { 'occi.core.source': input.link.source, 'occi.core.target': input.link.target } : input.attributes;
  for (const [name, path] of ends) {
    const v = given[name as keyof typeof given];
    if (v !== undefined && v !== path && v !== ctx.base + path) throw forbidden(`${name} cannot change after creation: delete the link and create another`); // D27
  }
}

/**
 * POST on an entity (R61–R65): only what is sent changes; mixins and new links
 * are added. What the entity's own rendering repeats (action links, its links,
 * unchanged values) is no change, so a GET sent back changes nothing.
 */
export async function update(ctx: OcciContext, loc: EntityLocation, payload: Payload): Promise<OcciResult> {
  const record = await fetchEntity(ctx, loc);
  const seen = await singleView(ctx, record);
  const kind = ENTITY_KINDS.get(loc.kind)!;
  const input: EntityInput = payload.entities[0] ?? { categories: [], attributes: {}, links: [] };
  const cats = resolveCategories(ctx, input.categories, false);
  checkKind(cats.kind, kind); // the kind of an entity never changes (R62)
  const current = currentMixins(ctx, record);
  addImpliedMixins(ctx, kind, cats, input.attributes, current);
  checkApplicable(kind, [...cats.mixins, ...cats.tags]);
  checkCoreId(input.attributes['occi.core.id'], record);
  const isLink = isLinkRecord(record);
  if (isLink && (input.links.length || payload.entities.some((e) => e.links.length))) {
    throw badRequest('a link cannot own links: send its Link structures to the compute it comes from'); // R64
  }
  if (isLink) checkLinkEnds(ctx, record, input);
  const given = withoutUnchangedImmutables(seen, input.attributes);
  const attributes = realChanges(seen, checkAttributes(kind, [...current, ...cats.mixins], given, 'update', isLink, ctx.catalog.mixins));
  const addMixins = cats.mixins.filter((m) => !record.mixins.includes(typeId(m)));
  const links = isLink ? [] : inlineLinks(ctx, newLinks(ctx, seen, input.links, 'update'));
  // All or nothing: the new links first, undone if one of them or the update itself is refused.
  const made: EntityRecord[] = [];
  let result: EntityRecord = record;
  try {
    for (const spec of links) made.push(await ctx.backend.createLink(ctx.creds, { ...spec, source: { kind: loc.kind, id: loc.id } }));
    if (Object.keys(attributes).length || addMixins.length) {
      // The record read above is current unless links were just added to it.
      result = await ctx.backend.update(ctx.creds, loc.kind, loc.id, { attributes, addMixins, removeMixins: [] }, made.length ? undefined : record);
    }
  } catch (err) {
    await rollback(ctx, made);
    throw err;
  }
  await tagAll(ctx, record, cats.tags);
  if (made.length) result = await fetchEntity(ctx, loc);
  return { type: 'entity', view: await singleView(ctx, result) };
}

/** PUT on an entity URL: create there (R50) or replace (R66–R68). */
export async function replace(ctx: OcciContext, loc: EntityLocation, payload: Payload): Promise<OcciResult> {
  const input = payload.entities[0];
  if (!input || payload.entities.length > 1) throw badRequest('PUT needs exactly one full entity rendering');
  const kind = ENTITY_KINDS.get(loc.kind)!;
  const record = await ctx.backend.get(ctx.creds, loc.kind, loc.id);
  if (!record) {
    if (withoutActionLinks(ctx, entityPath(loc.kind, loc.id), input.links).length > 0) {
      throw badRequest('a PUT that creates an entity cannot carry links: create it, then POST its Links to it'); // R67
    }
    const created = await createOne(ctx, kind, { ...input, links: [] }, loc.id);
    return { type: 'created', views: [await singleView(ctx, created)] };
  }
  const seen = await singleView(ctx, record);
  const cats = resolveCategories(ctx, input.categories, false);
  checkKind(cats.kind, kind);
  const current = currentMixins(ctx, record);
  addImpliedMixins(ctx, kind, cats, input.attributes, current);
  checkApplicable(kind, [...cats.mixins, ...cats.tags]);
  checkCoreId(input.attributes['occi.core.id'], record);
  const isLink = isLinkRecord(record);
  if (isLink) checkLinkEnds(ctx, record, input);
  if (isLink && input.links.length) throw badRequest('a link cannot own links: send its Link structures to the compute it comes from'); // R64
  // The links it owns, action links and nothing else; never a change (R67, R68).
  if (!isLink) newLinks(ctx, seen, input.links, 'replace');
  const given = checkAttributes(kind, [...current, ...cats.mixins], input.attributes, 'replace', isLink, ctx.catalog.mixins);
  const cleared: UpdateSpec['attributes'] = { ...given };
  for (const name of CLEARABLE) {
    if (record.attributes[name] !== undefined && given[name] === undefined) cleared[name] = null;
  }
  const attributes = realChanges(seen, cleared);
  // Templates are replaced by naming another one, never removed: a compute always has an image, a size and a zone.
  const keep = (m: Mixin): boolean => isOsTemplate(m) || isResourceTemplate(m) || isAvailabilityZone(m);
  const spec: UpdateSpec = {
    attributes,
    addMixins: cats.mixins.filter((m) => !record.mixins.includes(typeId(m))),
    removeMixins: current.filter((m) => !keep(m) && !cats.mixins.includes(m)),
  };
  const changes = Object.keys(attributes).length + spec.addMixins.length + spec.removeMixins.length;
  const result = changes > 0 ? await ctx.backend.update(ctx.creds, loc.kind, loc.id, spec, record) : record;
  const tenant = ctx.creds.tenant;
  const wanted = new Set(cats.tags.map(typeId));
  for (const tag of await ctx.store.mixinsOf(tenant, loc.kind, loc.id)) {
    if (!wanted.has(tag)) await ctx.store.dissociate(tenant, tag, [{ kind: loc.kind, id: loc.id }]);
  }
  await tagAll(ctx, record, cats.tags);
  return { type: 'entity', view: await singleView(ctx, result) };
}

/** DELETE on an entity (R72–R74): its links go with it. */
export async function remove(ctx: OcciContext, loc: EntityLocation): Promise<OcciResult> {
  const record = await fetchEntity(ctx, loc);
  await ctx.backend.delete(ctx.creds, loc.kind, loc.id, record);
  await forgetEntity(ctx, record);
  return { type: 'ok' };
}

