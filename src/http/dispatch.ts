// Method × path → operation (spec §3.3).
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest, methodNotAllowed } from '../errors.js';
import { trigger } from '../operations/actions.js';
import { actOnAll, deleteAll, filterFrom, list, membership, pageFrom } from '../operations/collections.js';
import type { OcciContext } from '../operations/context.js';
import { create, remove, replace, retrieve, update } from '../operations/entities.js';
import { addMixins, discover, removeMixins } from '../operations/query.js';
import type { OcciResult } from '../operations/result.js';
import { familyParentNote } from '../model/templates.js';
import { emptyPayload, type Payload } from '../rendering/document.js';
import { filterPayload } from './body.js';
import { allowedMethods, type Route } from './router.js';

export interface Call {
  method: string;
  route: Route;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The request's payload; for GET/HEAD the filter headers. */
  payload: Payload;
}

function actionTerm(query: URLSearchParams): string | undefined {
  const term = query.get('action');
  if (term === null) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(term)) throw badRequest('?action= needs an action term');
  return term;
}

/**
 * text/occi (or a blank body) carries a DELETE's filter and its listing in
 * the same headers: without locations, what it carries is the filter, and
 * the request is for the whole (filtered) collection. (An empty payload means
 * the whole collection either way: listing() in collections.ts.)
 */
function onlyFilter(payload: Payload, filterHeaders: Payload): boolean {
  if (payload.locations.length > 0) return false;
  return JSON.stringify([payload.categories, payload.attributes]) === JSON.stringify([filterHeaders.categories, filterHeaders.attributes]);
}

export async function dispatch(ctx: OcciContext, call: Call): Promise<OcciResult> {
  const { method, route, query, payload } = call;
  const allowed = allowedMethods(route, ctx.allowNamespaceDelete);
  const verb = method === 'HEAD' ? 'GET' : method;
  if (!allowed.includes(method)) throw methodNotAllowed(allowed);
  const action = actionTerm(query);
  if (action !== undefined && verb !== 'POST') throw badRequest('?action= is only meaningful with POST');

  if (route.type === 'query') {
    if (action !== undefined) throw methodNotAllowed(allowed);
    if (verb === 'GET') return discover(ctx, payload);
    if (verb === 'POST') return addMixins(ctx, payload);
    return removeMixins(ctx, payload);
  }

  if (route.type === 'entity') {
    const loc = route.loc;
    if (verb === 'GET') return retrieve(ctx, loc);
    if (verb !== 'DELETE' && action === undefined && payload.entities.length === 0 && payload.locations.length > 0) {
      throw badRequest('an entity is updated with Category, Link and X-OCCI-Attribute; a list of locations (X-OCCI-Location, text/uri-list) is for mixin and kind collections');
    }
    if (verb === 'POST') return action !== undefined ? trigger(ctx, loc, action, payload) : update(ctx, loc, payload);
    if (verb === 'PUT') return replace(ctx, loc, payload);
    return remove(ctx, loc);
  }

  const owner = route.owner;
  if (verb === 'GET') {
    const filter = filterFrom(ctx, payload);
    const listed = await list(ctx, owner, filter, pageFrom(query, ctx.limits.maxPageSize));
    // A family parent (os_tpl …) takes no members: its empty listing says where its family is.
    const note = owner.type === 'mixin' ? familyParentNote(owner.mixin) : undefined;
    return note && (listed.type === 'collection' || listed.type === 'entities') ? { ...listed, note } : listed;
  }
  if (verb === 'DELETE') {
    const filterHeaders = filterPayload(call.headers);
    const body = onlyFilter(payload, filterHeaders) ? emptyPayload() : payload;
    if (owner.type === 'mixin') return membership(ctx, owner.mixin, 'remove', body);
    return deleteAll(ctx, owner, body, filterFrom(ctx, filterHeaders));
  }
  if (action !== undefined) return actOnAll(ctx, owner, action, payload); // only with POST: checked above
  if (owner.type === 'mixin') return membership(ctx, owner.mixin, verb === 'PUT' ? 'replace' : 'add', payload);
  if (owner.type === 'kind') {
    if (payload.entities.length === 0 && payload.locations.length > 0) {
      throw badRequest('POST to a kind location creates an entity; to tag entities, POST their locations to a mixin location');
    }
    return create(ctx, owner.kind, payload);
  }
  throw methodNotAllowed(allowed);
}
