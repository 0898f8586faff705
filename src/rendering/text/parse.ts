// Text request parsing (spec §4): text/occi headers, text/plain bodies and
// text/uri-list bodies, each turned into the rendering-neutral Payload.
import { badRequest, OcciError } from '../../errors.js';
import type { AttributeBag, CategoryRef, EntityInput, LinkInput, Payload } from '../document.js';
import { parseAttributePair } from './attribute-value.js';
import { parseCategoryValue } from './category-value.js';
import { parseLinkValue } from './link-value.js';
import { splitOutside, unquoteValue } from './scan.js';
import {
  bodyStructures,
  headerStructures,
  MAX_STRUCTURES,
  MAX_VALUE_CHARS,
  tooManyStructures,
  type RawStructure,
  type RequestHeaders,
} from './structures.js';

/** text/occi: the structures travel as HTTP headers (R119). */
export function parseTextHeaders(headers: RequestHeaders): Payload {
  return assemble(headerStructures(headers));
}

/**
 * text/plain and text/occi+plain: one `Name: value` per body line. A body with
 * no OCCI lines falls back to the OCCI headers (spec §4.5 rule 4).
 */
export function parseTextBody(body: string, headers: RequestHeaders): Payload {
  const found = bodyStructures(body);
  return found.length > 0 ? assemble(found) : parseTextHeaders(headers);
}

/** text/uri-list (RFC 2483): one URI per line, `#` starts a comment line. */
export function parseUriList(body: string): Payload {
  const locations: string[] = [];
  for (const line of body.split(/\r\n|\n|\r/)) {
    const uri = line.trim();
    if (uri === '' || uri.startsWith('#')) continue;
    if (locations.length >= MAX_STRUCTURES) throw tooManyStructures();
    if (uri.length > MAX_VALUE_CHARS) throw badRequest('a URI in the text/uri-list body exceeds 64 KiB');
    locations.push(uri);
  }
  return { categories: [], attributes: {}, entities: [], locations, empty: locations.length === 0 };
}

const LABEL: Record<RawStructure['name'], string> = {
  category: 'Category',
  link: 'Link',
  attribute: 'X-OCCI-Attribute',
  location: 'X-OCCI-Location',
};

function assemble(structures: RawStructure[]): Payload {
  const categories: CategoryRef[] = [];
  const links: LinkInput[] = [];
  const attributes: AttributeBag = {};
  const locations: string[] = [];
  let count = 0;
  for (const s of structures) {
    // Both repeated lines and comma lists carry several values (R120).
    for (const part of splitOutside(s.value, ',')) {
      const item = part.trim();
      if (item === '') continue;
      if (++count > MAX_STRUCTURES) throw tooManyStructures();
      if (item.length > MAX_VALUE_CHARS) throw badRequest(`${s.origin}: a ${LABEL[s.name]} value exceeds 64 KiB`);
      try {
        if (s.name === 'category') categories.push(parseCategoryValue(item));
        else if (s.name === 'link') links.push(parseLinkValue(item));
        else if (s.name === 'location') locations.push(parseLocation(item));
        else {
          const [name, value] = parseAttributePair(item, LABEL.attribute);
          if (Object.hasOwn(attributes, name)) throw badRequest(`attribute ${name} given twice`);
          attributes[name] = value;
        }
      } catch (e) {
        throw e instanceof OcciError ? badRequest(`${s.origin}: ${e.message}`) : e;
      }
    }
  }
  const entities: EntityInput[] = [];
  if (categories.length > 0 || links.length > 0 || Object.keys(attributes).length > 0) {
    const entity: EntityInput = { categories: [...categories], attributes: { ...attributes }, links };
    const link = linkEntity(categories, attributes);
    if (link) entity.link = link;
    entities.push(entity);
  }
  const empty = categories.length === 0 && links.length === 0 && locations.length === 0 && entities.length === 0;
  return { categories, attributes, entities, locations, empty };
}

function parseLocation(item: string): string {
  const v = unquoteValue(item);
  if ('error' in v) throw badRequest(`X-OCCI-Location ${item}: ${v.error}`);
  return v.value;
}

// Endpoint attributes live in LinkInput's own fields, as in the JSON rendering.
const ENDPOINT_ATTRIBUTES = ['occi.core.source', 'occi.core.target', 'occi.core.target.kind', 'occi.core.source.kind'];

/** A text rendering with occi.core.source/target is a link entity (spec §4.6 G). */
function linkEntity(categories: CategoryRef[], attributes: AttributeBag): LinkInput | undefined {
  if (!('occi.core.source' in attributes) && !('occi.core.target' in attributes)) return undefined;
  const link: LinkInput = { categories: [...categories], attributes: {} };
  const source = endpoint(attributes, 'occi.core.source');
  const target = endpoint(attributes, 'occi.core.target');
  const targetKind = endpoint(attributes, 'occi.core.target.kind');
  if (source !== undefined) link.source = source;
  if (target !== undefined) link.target = target;
  if (targetKind !== undefined) link.targetKind = targetKind;
  for (const [name, value] of Object.entries(attributes)) {
    if (!ENDPOINT_ATTRIBUTES.includes(name)) link.attributes[name] = value;
  }
  return link;
}

function endpoint(attributes: AttributeBag, name: string): string | undefined {
  const value = attributes[name];
  if (value === undefined || typeof value === 'string') return value;
  throw badRequest(`attribute ${name} must be a quoted URL string`);
}
