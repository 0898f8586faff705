// Reading an answer by its Content-Type: an entity, a collection page, the
// location of something created, or the mixin an action made.
import { ProtocolError } from './errors.js';
import type { Answer } from './http.js';
import { jsonCollection, jsonEntity, jsonMixin, parseJson, type Locator } from './read-json.js';
import { textCategories, textEntity, textLocations, textStructures, uriList } from './read-text.js';
import type { CategoryInfo, Entity, Page } from './types.js';
import { nextLink } from './urls.js';

export function mediaType(a: Answer): string {
  return (a.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const isJson = (a: Answer): boolean => mediaType(a).includes('json');
const isOcciHeaders = (a: Answer): boolean => mediaType(a) === 'text/occi';

function structures(a: Answer) {
  return textStructures(a.body, isOcciHeaders(a) ? a.headers : undefined);
}

export function readEntity(a: Answer, url: string, at: Locator, actionIds: ReadonlySet<string>): Entity {
  if (isJson(a)) return jsonEntity(parseJson(a.body, 'entity'), at, url);
  const e = textEntity(structures(a), url, at.resolve, actionIds);
  if (e.kind === '') throw new ProtocolError(`the answer for ${url} names no kind: it is not an entity rendering`);
  return e;
}

export function readPage(a: Answer, at: Locator): Page {
  const next = nextLink(a.headers.get('link'), a.url);
  if (a.status === 204 || (a.body.trim() === '' && !isOcciHeaders(a))) return { entities: [], locations: [], ...(next ? { next } : {}) };
  if (isJson(a)) return { entities: jsonCollection(a.body, at), locations: [], ...(next ? { next } : {}) };
  if (mediaType(a) === 'text/uri-list') return { entities: [], locations: uriList(a.body, at.resolve), ...(next ? { next } : {}) };
  return { entities: [], locations: textLocations(structures(a), at.resolve), ...(next ? { next } : {}) };
}

/**
 * Where a created entity lives: `Location` (201, spec), else an
 * X-OCCI-Location header or body line (ooi answers 200 so), else a JSON
 * entity's own location, else a bare URL as the whole body (ooi's links).
 */
export function createdLocation(a: Answer, at: Locator): { location: string; entity?: Entity } {
  const header = a.headers.get('location');
  if (isJson(a) && a.body.trim() !== '') {
    const j = parseJson(a.body, 'answer');
    const one = j && typeof j === 'object' && 'resources' in j ? (j as { resources: unknown[] }).resources[0] : j;
    if (one && typeof one === 'object' && 'kind' in one) {
      const entity = jsonEntity(one, at, header ? at.resolve(header) : undefined);
      return { location: header ? at.resolve(header) : entity.location, entity };
    }
  }
  if (header) return { location: at.resolve(header) };
  if (!isJson(a)) {
    const text = a.body.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text) || /^\/\S*$/.test(text)) return { location: at.resolve(text) };
    const found = mediaType(a) === 'text/uri-list' ? uriList(a.body, at.resolve) : textLocations(structures(a), at.resolve);
    if (found[0]) return { location: found[0] };
  }
  throw new ProtocolError(`the server answered ${a.status} to a creation without saying where the new entity is (no Location, no X-OCCI-Location)`);
}

/** The mixin in an answer (a save action's new OS template), if the answer is one. */
export function readMixin(a: Answer, at: Locator): CategoryInfo | undefined {
  if (isJson(a)) {
    const j = parseJson(a.body, 'answer');
    if (j && typeof j === 'object' && 'kind' in j) return undefined;
    return jsonMixin(a.body, at.resolve);
  }
  const s = structures(a);
  if (s.attribute.length > 0) return undefined;
  return textCategories(s, at.resolve).find((c) => c.class === 'mixin');
}

/** Whether an answer carries an entity rendering (actions and updates may answer 204 or `OK`). */
export function carriesEntity(a: Answer): boolean {
  if (a.status === 204) return false;
  if (isJson(a)) return a.body.includes('"kind"');
  const s = structures(a);
  return s.category.length > 0 && s.attribute.length > 0;
}
