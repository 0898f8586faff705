// JSON resource and link objects (spec §5.1, §5.2) → EntityInput / LinkInput.
// Lenient on input: `kind` and `id` may be missing (R141, D12), inline links
// may lack `source`, occi.core.* may come at the top level or in
// `attributes` (the top level wins, D26), source/target may be plain URLs.
import { badRequest } from '../../errors.js';
import { splitTypeId, type AttributeValue } from '../../model/category.js';
import type { AttributeBag, CategoryRef, EntityInput, LinkInput } from '../document.js';
import type { Json, JsonObject } from './json-text.js';
import {
  Budget,
  indexPath,
  isObject,
  keyPath,
  member,
  memberPath,
  optArray,
  optObject,
  optString,
  wrongType,
} from './members.js';
import { setOwn } from './own.js';

const SOURCE = 'occi.core.source';
const TARGET = 'occi.core.target';
const TARGET_KIND = 'occi.core.target.kind';

/** Checks that a JSON value can be an attribute value (no null, finite numbers), keeping its JSON type. */
function checkValue(v: Json, path: string): void {
  if (v === null) throw badRequest(`${path} is null; leave the attribute out instead`);
  if (typeof v === 'number' && !Number.isFinite(v)) throw badRequest(`${path} is a number too large to represent`);
  // Recursion is bounded: the body's nesting depth was checked before parsing.
  if (Array.isArray(v)) v.forEach((item, i) => checkValue(item, indexPath(path, i)));
  else if (isObject(v)) for (const [k, item] of Object.entries(v)) checkValue(item, keyPath(path, k));
}

/** The `attributes` member: a flat object keyed by full attribute names (R133). */
export function parseAttributes(o: JsonObject, path: string): AttributeBag {
  const p = memberPath(path, 'attributes');
  const attrs = optObject(o, 'attributes', path, 'an object mapping attribute names to values');
  const bag: AttributeBag = {};
  if (!attrs) return bag;
  for (const [name, value] of Object.entries(attrs)) {
    if (name === '') throw badRequest(`${p} has an empty attribute name`);
    checkValue(value, keyPath(p, name));
    setOwn(bag, name, value as AttributeValue);
  }
  return bag;
}

/** A category reference from a type identifier `scheme#term`. */
export function typeRef(id: string, cls: 'kind' | 'mixin' | 'action', path: string): CategoryRef {
  if (id === '') throw badRequest(`${path} must be a non-empty type identifier (scheme#term)`);
  return { ...splitTypeId(id), class: cls };
}

/** `kind` then `mixins`, as category references. */
function entityCategories(o: JsonObject, path: string, budget: Budget): CategoryRef[] {
  const kind = optString(o, 'kind', path, 'a string (a Kind type identifier)');
  const mixins = optArray(o, 'mixins', path, 'an array of Mixin type identifiers') ?? [];
  const mp = memberPath(path, 'mixins');
  const refs = mixins.map((m, i) => {
    if (typeof m !== 'string') throw wrongType(indexPath(mp, i), 'a string (a Mixin type identifier)', m);
    budget.category(m);
    return typeRef(m, 'mixin', indexPath(mp, i));
  });
  if (kind === undefined) return refs;
  budget.category(kind);
  return [typeRef(kind, 'kind', memberPath(path, 'kind')), ...refs];
}

/** `attributes`, with the top-level members folded in over them (D26). */
function foldedAttributes(o: JsonObject, path: string, topLevel: ReadonlyArray<readonly [string, string]>): AttributeBag {
  const bag = parseAttributes(o, path);
  for (const [memberName, attribute] of topLevel) {
    const v = optString(o, memberName, path);
    if (v !== undefined) setOwn(bag, attribute, v);
  }
  return bag;
}

/** A link end: a URL string, or `{location, kind?}`. */
function endpoint(o: JsonObject, name: 'source' | 'target', path: string): { location: string; kind?: string } | undefined {
  const v = member(o, name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return { location: v };
  const p = memberPath(path, name);
  if (!isObject(v)) throw wrongType(p, 'an object {"location": …, "kind": …} or a URL string', v);
  const location = optString(v, 'location', p);
  if (location === undefined) throw badRequest(`${memberPath(p, 'location')} is missing`);
  const kind = optString(v, 'kind', p, 'a string (a Kind type identifier)');
  return kind === undefined ? { location } : { location, kind };
}

const stringAttr = (bag: AttributeBag, name: string): string | undefined => {
  const v = bag[name];
  return typeof v === 'string' ? v : undefined;
};

/** A link object, inline in a resource or standalone. */
function parseLinkInput(o: JsonObject, path: string, budget: Budget): LinkInput {
  const categories = entityCategories(o, path, budget);
  const attributes = foldedAttributes(o, path, [
    ['id', 'occi.core.id'],
    ['title', 'occi.core.title'],
  ]);
  const source = endpoint(o, 'source', path);
  const target = endpoint(o, 'target', path);
  // Source and target live in their own members on the wire (R109) and in the attributes here,
  // as in every other rendering; `kind` of the source is implied by the source and dropped.
  if (source) setOwn(attributes, SOURCE, source.location);
  if (target) setOwn(attributes, TARGET, target.location);
  if (target?.kind !== undefined) setOwn(attributes, TARGET_KIND, target.kind);
  const link: LinkInput = { categories, attributes };
  const src = stringAttr(attributes, SOURCE);
  const tgt = stringAttr(attributes, TARGET);
  const tgtKind = stringAttr(attributes, TARGET_KIND);
  const self = optString(o, 'location', path);
  if (src !== undefined) link.source = src;
  if (tgt !== undefined) link.target = tgt;
  if (tgtKind !== undefined) link.targetKind = tgtKind;
  if (self !== undefined) link.self = self;
  return link;
}

/** A resource object (spec §5.1) with its inline links. `actions` is output-only and ignored. */
export function parseResource(o: JsonObject, path: string, budget: Budget): EntityInput {
  const categories = entityCategories(o, path, budget);
  const attributes = foldedAttributes(o, path, [
    ['id', 'occi.core.id'],
    ['title', 'occi.core.title'],
    ['summary', 'occi.core.summary'],
  ]);
  const list = optArray(o, 'links', path, 'an array of link objects') ?? [];
  budget.spend('links', list.length);
  const lp = memberPath(path, 'links');
  const links = list.map((l, i) => {
    if (!isObject(l)) throw wrongType(indexPath(lp, i), 'a link object', l);
    return parseLinkInput(l, indexPath(lp, i), budget);
  });
  const location = optString(o, 'location', path);
  return location === undefined ? { categories, attributes, links } : { categories, attributes, links, location };
}

/** A link entity (spec §5.2): the same data as the EntityInput and in its `link`. */
export function parseLink(o: JsonObject, path: string, budget: Budget): EntityInput {
  const link = parseLinkInput(o, path, budget);
  const entity: EntityInput = { categories: link.categories, attributes: link.attributes, links: [], link };
  if (link.self !== undefined) entity.location = link.self;
  return entity;
}

/** Whether an object is shaped like a link rather than a resource. */
export const looksLikeLink = (o: JsonObject): boolean => member(o, 'source') !== undefined || member(o, 'target') !== undefined;
