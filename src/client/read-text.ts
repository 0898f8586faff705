// text/plain bodies and text/occi headers (spec §4) → the client's shapes,
// read with the same value parsers the server uses. Lenient as real servers
// need: ooi's links carry no `category` and put source and target among their
// attributes; its ids are bare UUIDs.
import { OcciError } from '../errors.js';
import { INFRA, CORE } from '../model/schemes.js';
import { parseAttributePair } from '../rendering/text/attribute-value.js';
import { attributeList, parseCategoryValue } from '../rendering/text/category-value.js';
import { parseLinkValue } from '../rendering/text/link-value.js';
import { splitOutside, splitPair, unquoteValue } from '../rendering/text/scan.js';
import { bodyStructures, type StructureName } from '../rendering/text/structures.js';
import { ProtocolError } from './errors.js';
import type { AttributeInfo, AttributeValue, CategoryInfo, Entity, Link } from './types.js';

/** Every value of each structure, comma lists split. */
export type Structures = Record<StructureName, string[]>;

const HEADER_NAMES: Array<[string, StructureName]> = [
  ['category', 'category'],
  ['x-occi-category', 'category'],
  ['link', 'link'],
  ['x-occi-link', 'link'],
  ['x-occi-attribute', 'attribute'],
  ['x-occi-location', 'location'],
];

function unreadable(e: unknown): never {
  if (e instanceof OcciError) throw new ProtocolError(`the server's answer is not valid OCCI text: ${e.message}`);
  throw e;
}

function split(into: Structures, name: StructureName, value: string): void {
  for (const part of splitOutside(value, ',')) {
    const item = part.trim();
    if (item !== '') into[name].push(item);
  }
}

/** The structures of a text/plain body, or (text/occi) of the answer's headers. */
export function textStructures(body: string, headers?: Headers): Structures {
  const out: Structures = { category: [], link: [], attribute: [], location: [] };
  if (headers) {
    for (const [key, name] of HEADER_NAMES) {
      const v = headers.get(key);
      if (v !== null) split(out, name, v);
    }
    return out;
  }
  try {
    for (const s of bodyStructures(body, Number.POSITIVE_INFINITY)) split(out, s.name, s.value);
  } catch (e) {
    unreadable(e);
  }
  return out;
}

function unquoted(v: string): string {
  const u = unquoteValue(v);
  return 'error' in u ? v.trim() : u.value;
}

/** A listing: X-OCCI-Location values, or a text/uri-list body. */
export function textLocations(s: Structures, resolve: (l: string) => string): string[] {
  return s.location.map((l) => resolve(unquoted(l)));
}

export function uriList(body: string, resolve: (l: string) => string): string[] {
  return body
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(resolve);
}

/** The raw `attributes="…"` parameter of a Category value (flags kept). */
function attributesParameter(item: string): string | undefined {
  for (const param of splitOutside(item, ';').slice(1)) {
    const pair = splitPair(param);
    if (pair && pair.name.toLowerCase() === 'attributes') return unquoted(pair.value);
  }
  return undefined;
}

export function textCategories(s: Structures, resolve: (l: string) => string): CategoryInfo[] {
  const out: CategoryInfo[] = [];
  for (const item of s.category) {
    try {
      const ref = parseCategoryValue(item);
      const list = attributesParameter(item);
      const attributes: AttributeInfo[] = list
        ? attributeList(list, ref.term).map((a) => ({ name: a.name, mutable: !a.flags.includes('immutable'), required: a.flags.includes('required') }))
        : [];
      const cls = ref.class ?? 'mixin';
      out.push({
        class: cls,
        scheme: ref.scheme,
        term: ref.term,
        id: ref.scheme + ref.term,
        ...(ref.title !== undefined ? { title: ref.title } : {}),
        ...(ref.location !== undefined && cls !== 'action' ? { location: resolve(ref.location) } : {}),
        rel: ref.rel ?? [],
        applies: [],
        attributes,
        actions: ref.actions ?? [],
      });
    } catch (e) {
      unreadable(e);
    }
  }
  return out;
}

const str = (v: AttributeValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** ooi's links name no category: the target's kind tells which link kind it is. */
function linkKindFor(targetKind: string | undefined): string {
  if (targetKind === `${INFRA}network`) return `${INFRA}networkinterface`;
  if (targetKind === `${INFRA}storage`) return `${INFRA}storagelink`;
  return `${CORE}link`;
}

/**
 * An entity rendering. `location` is the URL it was read from; `actionIds`
 * tells which `rel` values name actions, for links whose URL has no `?action=`.
 */
export function textEntity(s: Structures, location: string, resolve: (l: string) => string, actionIds: ReadonlySet<string>): Entity {
  try {
    const categories = s.category.map(parseCategoryValue);
    const kindRef = categories.find((c) => c.class === 'kind') ?? categories[0];
    const kind = kindRef ? kindRef.scheme + kindRef.term : '';
    const mixins = categories.filter((c) => c !== kindRef && c.class !== 'kind').map((c) => c.scheme + c.term);
    const attributes: Record<string, AttributeValue> = {};
    for (const item of s.attribute) {
      const [name, value] = parseAttributePair(item, 'X-OCCI-Attribute');
      attributes[name] = value;
    }
    const actions: string[] = [];
    const links: Link[] = [];
    for (const item of s.link) {
      const l = parseLinkValue(item);
      const rel = l.targetKind ?? '';
      if ((l.target ?? '').includes('?action=') || actionIds.has(rel)) {
        actions.push(rel);
        continue;
      }
      links.push(ownedLink(l, location, resolve));
    }
    const entity: Link = { location, id: str(attributes['occi.core.id']) ?? '', kind, mixins, attributes, actions, links };
    const title = str(attributes['occi.core.title']);
    const summary = str(attributes['occi.core.summary']);
    if (title !== undefined) entity.title = title;
    if (summary !== undefined) entity.summary = summary;
    const source = str(attributes['occi.core.source']);
    const target = str(attributes['occi.core.target']);
    if (source !== undefined) entity.source = attributes['occi.core.source'] = resolve(source);
    if (target !== undefined) entity.target = attributes['occi.core.target'] = resolve(target);
    const targetKind = str(attributes['occi.core.target.kind']);
    if (targetKind !== undefined) entity.targetKind = targetKind;
    return entity;
  } catch (e) {
    return unreadable(e);
  }
}

function ownedLink(l: ReturnType<typeof parseLinkValue>, source: string, resolve: (l: string) => string): Link {
  const attributes: Record<string, AttributeValue> = { ...l.attributes };
  // ooi writes the link's own URL as the target and the real target in occi.core.target.
  const target = resolve(str(attributes['occi.core.target']) ?? l.target ?? '');
  const self = l.self ?? (str(attributes['occi.core.target']) !== undefined ? l.target : undefined);
  const [kindRef, ...mixinRefs] = l.categories;
  const kind = kindRef ? kindRef.scheme + kindRef.term : linkKindFor(l.targetKind);
  attributes['occi.core.source'] = resolve(str(attributes['occi.core.source']) ?? source);
  attributes['occi.core.target'] = target;
  if (l.targetKind !== undefined) attributes['occi.core.target.kind'] = l.targetKind;
  const link: Link = {
    location: self !== undefined ? resolve(self) : '',
    id: str(attributes['occi.core.id']) ?? '',
    kind,
    mixins: mixinRefs.map((m) => m.scheme + m.term),
    attributes,
    actions: [],
    links: [],
    source: str(attributes['occi.core.source']),
    target,
  };
  if (l.targetKind !== undefined) link.targetKind = l.targetKind;
  const title = str(attributes['occi.core.title']);
  if (title !== undefined) link.title = title;
  return link;
}
