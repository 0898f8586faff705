// application/occi+json request bodies (spec §5) → Payload. The shape is
// recognised by its members; see SHAPES for what is accepted.
import { badRequest } from '../../errors.js';
import { emptyPayload, type CategoryRef, type EntityInput, type Payload } from '../document.js';
import { readJson, type Json, type JsonObject } from './json-text.js';
import { Budget, has, indexPath, isObject, member, optArray, optString, optStringArray, quoteName, wrongType } from './members.js';
import { parseCategoryDefinition, parseCategoryLists } from './parse-category.js';
import { looksLikeLink, parseAttributes, parseLink, parseResource, typeRef } from './parse-entity.js';

const SHAPES =
  'expected a resource {"kind": …}, a link {"kind": …, "source": …, "target": …}, ' +
  'a collection {"resources": […], "links": […]}, an action invocation {"action": …, "attributes": {…}}, ' +
  'category definitions {"mixins": [{"term": …, "scheme": …, "location": …}]}, ' +
  'or an array of entity URLs';

/** Members that mark an object as an entity even without `kind` (e.g. a partial update). */
const ENTITY_MEMBERS = ['attributes', 'mixins', 'title', 'summary', 'id', 'location'];

const payload = (p: Partial<Payload>): Payload => ({ ...emptyPayload(), empty: false, ...p });

/** One resource or link entity: its categories and attributes are also the payload's. */
function single(o: JsonObject, budget: Budget): Payload {
  const entity = looksLikeLink(o) ? parseLink(o, '', budget) : parseResource(o, '', budget);
  return payload({ categories: entity.categories, attributes: entity.attributes, entities: [entity] });
}

/** An entity's own URL as a collection member names it: its location, else an id that is a URL. */
function memberLocation(entity: EntityInput): string | undefined {
  if (entity.location !== undefined) return entity.location;
  const id = entity.attributes['occi.core.id'];
  return typeof id === 'string' && /^(?:\/|https?:)/i.test(id) ? id : undefined;
}

function collection(entities: EntityInput[]): Payload {
  const locations = entities.map(memberLocation).filter((l): l is string => l !== undefined);
  const categories: CategoryRef[] = entities.flatMap((e) => e.categories);
  return payload({ categories, entities, locations });
}

function entityOf(item: Json, path: string, budget: Budget, asLink: boolean): EntityInput {
  if (!isObject(item)) throw wrongType(path, asLink ? 'a link object' : 'a resource object', item);
  return asLink || looksLikeLink(item) ? parseLink(item, path, budget) : parseResource(item, path, budget);
}

/** `{"resources": […], "links": […]}`: resources first, then links (R139). */
function parseCollection(o: JsonObject, budget: Budget): Payload {
  const resources = optArray(o, 'resources', '', 'an array of resource objects') ?? [];
  const links = optArray(o, 'links', '', 'an array of link objects') ?? [];
  budget.spend('entities', resources.length + links.length);
  return collection([
    ...resources.map((r, i) => entityOf(r, indexPath('resources', i), budget, false)),
    ...links.map((l, i) => entityOf(l, indexPath('links', i), budget, true)),
  ]);
}

/** A top-level array: URLs (rOCCI-style association), or entity objects treated like `resources`. */
function parseArray(list: Json[], budget: Budget): Payload {
  budget.spend('entities', list.length);
  if (list.length === 0 || typeof list[0] === 'string') {
    const locations = list.map((item, i) => {
      if (typeof item !== 'string') throw wrongType(indexPath('', i), 'a URL string, like the first item', item);
      return item;
    });
    return payload({ locations });
  }
  if (!isObject(list[0])) throw wrongType(indexPath('', 0), 'a URL string or an entity object', list[0]);
  return collection(list.map((item, i) => entityOf(item, indexPath('', i), budget, false)));
}

/** Entity members other than `mixins`: with one of them, `{"mixins": []}` is an entity update, not definitions. */
const OTHER_ENTITY_MEMBERS = ENTITY_MEMBERS.filter((m) => m !== 'mixins');

/** `mixins` holds definitions (objects) rather than type ids (strings) of an entity's mixins. */
function mixinsAreDefinitions(o: JsonObject): boolean {
  const m = member(o, 'mixins');
  if (!Array.isArray(m)) return false;
  if (m.length > 0) return isObject(m[0]);
  return !OTHER_ENTITY_MEMBERS.some((name) => has(o, name));
}

function parseObject(o: JsonObject, budget: Budget): Payload {
  if (has(o, 'action')) {
    const action = optString(o, 'action', '', 'a string (an Action type identifier)') as string;
    return payload({ categories: [typeRef(action, 'action', 'action')], attributes: parseAttributes(o, '') });
  }
  if (has(o, 'kind')) return single(o, budget);
  if (has(o, 'resources') || has(o, 'links')) return parseCollection(o, budget);
  if (has(o, 'kinds') || has(o, 'actions') || mixinsAreDefinitions(o)) {
    return payload({ categories: parseCategoryLists(o, budget) });
  }
  if (has(o, 'term')) return payload({ categories: [parseCategoryDefinition(o, 'mixin', '')] });
  if (has(o, 'locations')) {
    budget.spend('entities', optArray(o, 'locations', '', 'an array of URL strings')?.length ?? 0);
    return payload({ locations: optStringArray(o, 'locations', '') ?? [] });
  }
  if (looksLikeLink(o) || ENTITY_MEMBERS.some((m) => has(o, m))) return single(o, budget);
  const members = Object.keys(o);
  const names = members.slice(0, 5).map((m) => quoteName(m));
  const got = members.length === 0 ? 'an empty object' : `an object with members ${names.join(', ')}`;
  throw badRequest(`unrecognised JSON body (${got}): ${SHAPES}`);
}

/**
 * Parses an application/occi+json (or application/json) request body.
 * Throws a 400 OcciError naming the position or member path on any problem.
 */
export function parseJsonBody(body: string): Payload {
  if (body.trim() === '') return emptyPayload();
  const json = readJson(body);
  const budget = new Budget();
  if (Array.isArray(json)) return parseArray(json, budget);
  if (isObject(json)) return parseObject(json, budget);
  throw badRequest(`unrecognised JSON body (${json === null ? 'null' : `a ${typeof json}`}): ${SHAPES}`);
}
