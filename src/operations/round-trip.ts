// What an entity's own rendering carries when a client sends it back (PUT, or
// POST as a partial update): its action links, the links it already owns and
// the values it already has. Those are recognised and left alone, so a GET
// edited and sent back is accepted; only what really differs is a change
// (R61–R68). A link that would be added by a PUT, or changed or dropped, is
// refused with 400 naming it: links change at their own URL.
import { badRequest, forbidden } from '../errors.js';
import { entityAttributes, typeId, type AttributeValue } from '../model/category.js';
import type { EntityView, LinkInput } from '../rendering/document.js';
import type { OcciContext } from './context.js';
import { ENTITY_KINDS, parseEntityPath, pathOf } from './locations.js';

const LINK_ENDS = new Set(['occi.core.id', 'occi.core.source', 'occi.core.target', 'occi.core.target.kind', 'occi.core.source.kind']);

export function sameValue(a: AttributeValue | null | undefined, b: AttributeValue | null | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  return typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

/** The path a client-given URL names, or the text itself when it is no URL of this server. */
function pathOrSelf(ctx: OcciContext, ref: string): string {
  try {
    return new URL(pathOf(ctx, ref), 'http://x').pathname;
  } catch {
    return ref;
  }
}

/** `<entity>?action=term`: an action link of the rendering (spec §4.4), not a link to create. */
function isActionLink(ctx: OcciContext, entityUrl: string, link: LinkInput): boolean {
  const target = link.target ?? '';
  const q = target.indexOf('?');
  if (q < 0 || !/^action=[^&]+$/.test(target.slice(q + 1))) return false;
  const path = pathOrSelf(ctx, target.slice(0, q));
  if (path !== pathOrSelf(ctx, entityUrl)) {
    throw badRequest(`Link <${target.slice(0, 200)}> is an action of another entity; to run an action, POST to its URL with ?action=`);
  }
  return true;
}

/** The Link structures other than action links of the entity at `path` (a PUT creating it). */
export function withoutActionLinks(ctx: OcciContext, path: string, links: readonly LinkInput[]): LinkInput[] {
  return links.filter((l) => !isActionLink(ctx, path, l));
}

/** The path of the link a rendering names: text `self`, JSON `location`, or JSON kind and id. */
function namedLink(ctx: OcciContext, link: LinkInput): string | undefined {
  if (link.self !== undefined) return pathOrSelf(ctx, link.self);
  const id = link.attributes['occi.core.id'];
  if (typeof id !== 'string') return undefined;
  const bare = id.replace(/^urn:uuid:/i, '');
  for (const ref of link.categories) {
    const kind = [...ENTITY_KINDS.values()].find((k) => k.scheme + k.term === ref.scheme + ref.term);
    if (kind?.location) return kind.location + bare;
  }
  return undefined;
}

const HOW = 'links change at their own URL: POST attributes to it, or DELETE it and link anew';

/** Why a link given for `owned` is not that link as it is, or undefined when it is the same. */
function difference(ctx: OcciContext, owned: EntityView, given: LinkInput): string | undefined {
  if (given.target !== undefined && pathOrSelf(ctx, given.target) !== pathOrSelf(ctx, owned.target?.location ?? '')) {
    return `its target is ${owned.target?.location ?? 'another'}, not ${given.target.slice(0, 200)}`;
  }
  if (given.categories.length > 0) {
    const have = new Set([owned.kind, ...owned.mixins].map(typeId));
    const terms = new Set([owned.kind, ...owned.mixins].map((c) => c.term));
    const named = given.categories.filter((c) => (c.scheme ? have.has(c.scheme + c.term) : terms.has(c.term)));
    if (named.length !== given.categories.length || named.length !== have.size) {
      return `its categories are ${[...have].join(' ')}`;
    }
  }
  const defs = entityAttributes(owned.kind, owned.mixins);
  const now = new Map(owned.attributes);
  for (const [name, value] of Object.entries(given.attributes)) {
    // Values the server keeps (state, interface name …) move on their own: they are not the client's to compare.
    if (LINK_ENDS.has(name) || defs.get(name)?.mutable === false) continue;
    if (!sameValue(now.get(name), value)) return `its ${name} is ${JSON.stringify(now.get(name) ?? null)}, not ${JSON.stringify(value)}`;
  }
  return undefined;
}

/**
 * Sorts the Link structures of an update of `view` (a resource): action links
 * and links identical to owned ones drop out; the rest are new links, which a
 * partial update (POST) creates and a full update (PUT) refuses. A PUT that
 * lists links must list every owned one; one without links keeps them (R68).
 */
export function newLinks(ctx: OcciContext, view: EntityView, links: readonly LinkInput[], mode: 'update' | 'replace'): LinkInput[] {
  const owned = new Map(view.links.map((l) => [pathOrSelf(ctx, l.location), l]));
  const seen = new Set<string>();
  const fresh: LinkInput[] = [];
  for (const link of links) {
    if (isActionLink(ctx, view.location, link)) continue;
    const path = namedLink(ctx, link);
    if (path === undefined) {
      fresh.push(link);
      continue;
    }
    const mine = owned.get(path);
    if (!mine) {
      const other = parseEntityPath(path) ? `${path.slice(0, 200)}, which is not one of its links` : `the unknown link ${path.slice(0, 200)}`;
      throw badRequest(`Link <${(link.target ?? '').slice(0, 200)}> names ${other}; leave self (JSON: id) out to add a new link`);
    }
    const why = difference(ctx, mine, link);
    if (why) throw badRequest(`Link ${mine.location} differs from the link the entity has: ${why}; ${HOW}`);
    seen.add(path);
  }
  if (mode === 'replace') {
    if (fresh.length > 0) {
      throw badRequest(
        `a PUT cannot add links (Link <${(fresh[0]!.target ?? '').slice(0, 200)}> is not one of the entity's): POST the Link to the entity, or the link to its kind location (/networkinterface/, /storagelink/)`,
      );
    }
    // A PUT that lists none of the entity's links keeps them all (R68); one that lists some must list them all.
    const dropped = seen.size > 0 ? [...owned.keys()].find((p) => !seen.has(p)) : undefined;
    if (dropped !== undefined) {
      throw badRequest(`this PUT leaves out Link ${owned.get(dropped)!.location}, which a PUT cannot drop: DELETE the link at its URL, or send all of the entity's links (or none)`);
    }
  }
  return fresh;
}

/**
 * Drops from a partial update the immutable attributes it repeats unchanged
 * (a rendering sent back carries them); one given another value is refused
 * with 403 (R63, D4). The id and a link's ends are checked by their callers.
 */
export function withoutUnchangedImmutables(view: EntityView, given: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const defs = entityAttributes(view.kind, view.mixins);
  const now = new Map(view.attributes);
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(given)) {
    if (defs.get(name)?.mutable === false && !LINK_ENDS.has(name)) {
      if (sameValue(now.get(name), value)) continue;
      const shown = now.has(name) ? `it is ${JSON.stringify(now.get(name))} now` : 'it is unset now';
      throw forbidden(`attribute ${name} is immutable: the server sets it (${shown}); leave it out of the update`);
    }
    out[name] = value;
  }
  return out;
}

/** Values a change would set to what they are already: they drop out, so sending back a GET changes nothing. */
export function realChanges<T extends AttributeValue | null>(view: EntityView, changes: Record<string, T>): Record<string, T> {
  const now = new Map(view.attributes);
  const out: Record<string, T> = {};
  for (const [name, value] of Object.entries(changes)) if (!sameValue(now.get(name), value)) out[name] = value;
  return out;
}
