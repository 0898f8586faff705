// application/occi+json answers (spec §5) → the client's shapes. Lenient: an
// entity may lack `location` (its URL then follows from its kind's location
// and its id), `actions` and `links` may be missing or empty.
import { ProtocolError } from './errors.js';
import type { AttributeInfo, AttributeValue, CategoryInfo, Entity, Link } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new ProtocolError(`the server's ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function attributeInfo(name: string, d: unknown): AttributeInfo {
  const o = isObj(d) ? d : {};
  const info: AttributeInfo = { name, mutable: o.mutable === true, required: o.required === true };
  if (typeof o.type === 'string') info.type = o.type;
  if (o.default !== undefined && o.default !== null) info.default = o.default as AttributeValue;
  if (typeof o.description === 'string') info.description = o.description;
  const pattern = isObj(o.pattern) ? o.pattern : undefined;
  if (pattern && Array.isArray(pattern.enum)) info.enum = strings(pattern.enum);
  return info;
}

function attributeInfos(v: unknown): AttributeInfo[] {
  if (Array.isArray(v)) return strings(v).map((n) => ({ name: n, mutable: true, required: false }));
  if (!isObj(v)) return [];
  return Object.entries(v).map(([n, d]) => attributeInfo(n, d));
}

function category(o: unknown, cls: CategoryInfo['class'], resolve: (l: string) => string): CategoryInfo | undefined {
  if (!isObj(o)) return undefined;
  const term = str(o.term);
  const scheme = str(o.scheme);
  if (term === undefined || scheme === undefined) return undefined;
  const location = str(o.location);
  const rel = cls === 'kind' ? strings([o.parent].flat()) : strings(o.depends);
  return {
    class: cls,
    scheme,
    term,
    id: scheme + term,
    ...(str(o.title) !== undefined ? { title: str(o.title) } : {}),
    ...(location !== undefined && cls !== 'action' ? { location: resolve(location) } : {}),
    rel,
    applies: strings(o.applies),
    attributes: attributeInfos(o.attributes),
    actions: strings(o.actions),
  };
}

/** `{"kinds": […], "mixins": […], "actions": […]}`. */
export function jsonCategories(body: string, resolve: (l: string) => string): CategoryInfo[] {
  const j = parseJson(body, 'query interface');
  if (!isObj(j)) throw new ProtocolError('the query interface in JSON must be an object with kinds, mixins and actions');
  const out: CategoryInfo[] = [];
  for (const [member, cls] of [['kinds', 'kind'], ['mixins', 'mixin'], ['actions', 'action']] as const) {
    const list = j[member];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const c = category(item, cls, resolve);
      if (c) out.push(c);
    }
  }
  return out;
}

/** A category from a single JSON mixin answer (e.g. the OS template `save` made). */
export function jsonMixin(body: string, resolve: (l: string) => string): CategoryInfo | undefined {
  const j = parseJson(body, 'answer');
  if (isObj(j) && Array.isArray(j.mixins)) return category(j.mixins[0], 'mixin', resolve);
  return category(j, 'mixin', resolve);
}

export interface Locator {
  resolve(location: string): string;
  /** The URL of an entity from its kind and id, when the entity did not say. */
  locate(kind: string, id: string): string | undefined;
}

function endpoint(v: unknown): { location?: string; kind?: string } {
  if (typeof v === 'string') return { location: v };
  if (!isObj(v)) return {};
  return { location: str(v.location), kind: str(v.kind) };
}

export function jsonEntity(o: unknown, at: Locator, fallbackUrl?: string): Entity {
  if (!isObj(o)) throw new ProtocolError('an entity in the JSON answer is not an object');
  const kind = str(o.kind) ?? '';
  const attributes: Record<string, AttributeValue> = {};
  if (isObj(o.attributes)) for (const [k, v] of Object.entries(o.attributes)) if (v !== null) attributes[k] = v as AttributeValue;
  const id = str(o.id) ?? str(attributes['occi.core.id']) ?? '';
  const title = str(o.title) ?? str(attributes['occi.core.title']);
  const summary = str(o.summary) ?? str(attributes['occi.core.summary']);
  if (id !== '') attributes['occi.core.id'] = id;
  if (title !== undefined) attributes['occi.core.title'] = title;
  if (summary !== undefined) attributes['occi.core.summary'] = summary;
  const own = str(o.location);
  const location = own !== undefined ? at.resolve(own) : (at.locate(kind, id) ?? fallbackUrl ?? '');
  const entity: Link = {
    location,
    id,
    kind,
    mixins: strings(o.mixins),
    ...(title !== undefined ? { title } : {}),
    ...(summary !== undefined ? { summary } : {}),
    attributes,
    actions: strings(o.actions),
    links: Array.isArray(o.links) ? o.links.map((l) => jsonEntity(l, at)) : [],
  };
  const source = endpoint(o.source);
  const target = endpoint(o.target);
  if (source.location !== undefined) {
    entity.source = at.resolve(source.location);
    attributes['occi.core.source'] = entity.source;
  }
  if (target.location !== undefined) {
    entity.target = at.resolve(target.location);
    attributes['occi.core.target'] = entity.target;
  }
  if (target.kind !== undefined) {
    entity.targetKind = target.kind;
    attributes['occi.core.target.kind'] = target.kind;
  }
  return entity;
}

/** `{"resources": […], "links": […]}` (either may be missing). */
export function jsonCollection(body: string, at: Locator): Entity[] {
  const j = parseJson(body, 'collection');
  if (Array.isArray(j)) return j.map((e) => jsonEntity(e, at));
  if (!isObj(j)) throw new ProtocolError('a collection in JSON must be an object with resources or links');
  const list = [...(Array.isArray(j.resources) ? j.resources : []), ...(Array.isArray(j.links) ? j.links : [])];
  return list.map((e) => jsonEntity(e, at));
}
