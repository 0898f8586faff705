// Entity URLs: `<kind location><id>` (spec §3.1). Turns what clients send
// (absolute URLs of this server, or paths) into paths and entity references,
// and refuses URLs of other hosts.
import type { EntityKindTerm } from '../port/backend.js';
import { badRequest } from '../errors.js';
import type { Kind } from '../model/category.js';
import { COMPUTE, NETWORK, NETWORKINTERFACE, STORAGE, STORAGELINK } from '../model/infrastructure.js';

export const ENTITY_KINDS: ReadonlyMap<EntityKindTerm, Kind> = new Map<EntityKindTerm, Kind>([
  ['compute', COMPUTE],
  ['network', NETWORK],
  ['storage', STORAGE],
  ['networkinterface', NETWORKINTERFACE],
  ['storagelink', STORAGELINK],
]);

const KIND_BY_LOCATION = new Map<string, EntityKindTerm>([...ENTITY_KINDS].map(([term, k]) => [k.location!, term]));

/** Ids the backends hand out: uuids, integers, composites with '_' or '.'. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$/;

export interface EntityLocation {
  kind: EntityKindTerm;
  id: string;
}

export function isValidId(id: string): boolean {
  return ID.test(id);
}

export function entityPath(kind: EntityKindTerm, id: string): string {
  return ENTITY_KINDS.get(kind)!.location + id;
}

/** The entity a request path names, or undefined when the path is no entity URL. */
export function parseEntityPath(path: string): EntityLocation | undefined {
  // No slash, only the first, or one at the end: no kind location is '' or '/', and the id pattern refuses ''.
  const slash = path.lastIndexOf('/');
  const kind = KIND_BY_LOCATION.get(path.slice(0, slash + 1));
  const id = path.slice(slash + 1);
  if (!kind || !ID.test(id)) return undefined;
  return { kind, id };
}

/** The path of a URL a client sent, which must be this server's (or a bare path). */
export function pathOf(ctx: { base: string }, ref: string): string {
  if (ref.startsWith('/')) return ref;
  if (ref.startsWith(ctx.base + '/')) return ref.slice(ctx.base.length);
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) throw badRequest(`${ref.slice(0, 200)} is not a location on this server`);
  throw badRequest(`${ref.slice(0, 200)} is not a valid location: give an absolute URL or a path`);
}

/** Resolves a client-given URL or path to an entity of this server, or throws 400 naming it. */
export function entityOf(ctx: { base: string }, ref: string): EntityLocation {
  const path = pathOf(ctx, ref);
  const found = parseEntityPath(path);
  if (!found) throw badRequest(`${ref.slice(0, 200)} does not name an entity of this server`);
  return found;
}
