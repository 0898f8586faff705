// User-defined mixins (spec §1.11, §3.4; D11, D39): tags a client creates and
// deletes through the query interface. They have no attributes or actions and
// apply to every kind.
import { badRequest, conflict, forbidden, notFound, overQuota } from '../errors.js';
import { attributeMap, isScheme, isTerm, typeId, type Mixin } from '../model/category.js';
import { PROVIDER_SCHEME_BASES, RESERVED_BASE } from '../model/schemes.js';
import { PROVIDER_MIXIN_PATHS } from '../model/templates.js';
import type { CategoryRef } from '../rendering/document.js';
import type { UserMixinRow } from '../store/user-mixin-store.js';
import type { OcciContext } from './context.js';
import { pathOf } from './locations.js';

export function userMixin(row: UserMixinRow): Mixin {
  return {
    class: 'mixin',
    scheme: row.scheme,
    term: row.term,
    title: row.title ?? undefined,
    location: row.location,
    attributes: attributeMap([]),
    depends: [],
    applies: [],
    actions: [],
    origin: 'user',
  };
}

/** Path segments of unreserved and sub-delim characters: no percent-encoding, since request paths are matched decoded. */
const LOCATION = /^\/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]+\/)+$/;

/** Scheme, term, title and location within the tenant's quotas (checked first: nothing longer is looked at further). */
function checkLengths(ctx: OcciContext, ref: CategoryRef): void {
  const q = ctx.quotas;
  const fields: Array<[string, string | undefined, number, string]> = [
    ['scheme', ref.scheme, q.mixinSchemeLength, 'quotas.mixinSchemeLength'],
    ['term', ref.term, q.mixinTermLength, 'quotas.mixinTermLength'],
    ['title', ref.title, q.mixinTitleLength, 'quotas.mixinTitleLength'],
    ['location', ref.location, q.mixinLocationLength, 'quotas.mixinLocationLength'],
  ];
  for (const [field, value, max, setting] of fields) {
    if (value !== undefined && value.length > max) {
      throw overQuota(`a user mixin's ${field} may have at most ${max} characters, this one has ${value.length}`, setting, `shorten it`);
    }
  }
}

/** Checks one definition sent to POST /-/ and returns the row to store (R28–R30, R38). */
function definition(ctx: OcciContext, ref: CategoryRef, taken: Set<string>): UserMixinRow {
  checkLengths(ctx, ref);
  const name = `${ref.scheme}${ref.term}`;
  if (ref.class && ref.class !== 'mixin') throw badRequest(`only mixins can be defined by clients, not a ${ref.class} (${name})`);
  if (!isTerm(ref.term)) throw badRequest(`invalid term ${JSON.stringify(ref.term.slice(0, 80))}: use letters, digits, '-', '_' and '.', starting with a letter or digit`); // spec §4.2
  if (!ref.scheme) throw badRequest(`user mixin ${ref.term} needs a scheme`);
  if (!isScheme(ref.scheme)) throw badRequest(`scheme ${JSON.stringify(ref.scheme.slice(0, 200))} must be an absolute URI ending with '#', e.g. http://example.com/tags#`); // spec §4.2
  if (ref.scheme.startsWith(RESERVED_BASE)) throw badRequest(`scheme ${ref.scheme} is reserved for OCCI itself: use one of your own, e.g. http://example.com/tags#`); // R38
  if (PROVIDER_SCHEME_BASES.some((b) => ref.scheme.startsWith(b))) throw badRequest(`scheme ${ref.scheme} is reserved for this provider's own mixins`);
  if (!ref.location) throw badRequest(`user mixin ${name} needs a location, a path ending in '/', e.g. location="/tags/${ref.term}/"`); // R29
  if (ref.attributes?.length || ref.actions?.length) {
    throw badRequest(`user mixin ${name} cannot define attributes or actions: user mixins are tags; leave them out`); // D39
  }
  if (ref.rel?.length || ref.applies?.length) {
    throw badRequest(`user mixin ${name} cannot depend on or apply to other categories: user mixins are tags; leave rel, depends and applies out`); // D39
  }
  const location = pathOf(ctx, ref.location);
  if (!location.endsWith('/')) throw badRequest(`location ${ref.location} must end with '/'`);
  if (!LOCATION.test(location) || location.includes('/../') || location.includes('/./')) {
    throw badRequest(`location ${ref.location} is not a valid path`);
  }
  if (location === '/-/' || location.startsWith('/.well-known/')) throw conflict(`location ${location} is reserved`);
  const provider = PROVIDER_MIXIN_PATHS.find((p) => location.startsWith(p));
  if (provider) throw conflict(`location ${location} lies inside ${provider}, reserved for this provider's mixins`);
  if (ctx.catalog.byTypeId(name)) throw conflict(`category ${name} already exists`);
  if (ctx.catalog.atLocation(location)) throw conflict(`location ${location} is already bound`);
  for (const kind of ctx.catalog.kinds) {
    if (kind.location && location.startsWith(kind.location)) throw conflict(`location ${location} lies inside ${kind.location}`);
  }
  if (taken.has(name) || taken.has(location)) throw conflict(`${name} is defined twice in the request`);
  taken.add(name);
  taken.add(location);
  return { scheme: ref.scheme, term: ref.term, title: ref.title ?? null, location };
}

export async function defineUserMixins(ctx: OcciContext, refs: CategoryRef[]): Promise<void> {
  if (!ctx.userMixins) throw forbidden('user-defined mixins are turned off on this server (setting userMixins)'); // D11
  if (refs.length === 0) throw badRequest('send at least one mixin Category with term, scheme, class="mixin" and location');
  if (refs.length > ctx.limits.maxBatch) throw badRequest(`at most ${ctx.limits.maxBatch} mixins per request`);
  const taken = new Set<string>();
  const rows = refs.map((r) => definition(ctx, r, taken));
  const max = ctx.quotas.userMixins;
  // Counted and stored in one step, so requests at the same time cannot both pass the quota.
  const { added, defined } = await ctx.store.add(ctx.creds.tenant, rows, max);
  if (!added) {
    throw overQuota(`a tenant may define at most ${max} user mixins, ${defined} are defined and this request adds ${rows.length}`, 'quotas.userMixins', 'delete some');
  }
}

/**
 * DELETE /-/ (R32): the caller's own mixins, and provider mixins its project
 * made where the backend can delete them (a saved OS template, a snapshot).
 */
export async function deleteUserMixins(ctx: OcciContext, refs: CategoryRef[]): Promise<void> {
  if (refs.length === 0) throw badRequest('name the mixin to delete with a Category (term and scheme)');
  const found = refs.map((ref) => {
    const c = ctx.catalog.resolve(ref);
    if (!c) throw notFound(`no mixin ${ref.scheme}${ref.term}`);
    if (c.class !== 'mixin' || c.origin === 'model' || (c.origin === 'provider' && !ctx.backend.deleteMixins)) {
      throw forbidden(`${typeId(c)} is defined by the provider and cannot be deleted; only your own mixins can`); // R32
    }
    return c;
  });
  const provided = found.filter((m) => m.origin === 'provider');
  // The backend refuses (403, in words) what the caller may not delete, before deleting any.
  if (provided.length > 0) await ctx.backend.deleteMixins!(ctx.creds, provided);
  for (const m of found.filter((x) => x.origin === 'user')) await ctx.store.remove(ctx.creds.tenant, m.scheme, m.term);
}
