// The JSON renderers: application/occi+json (spec §5) and the same bodies
// under application/json. JSON.stringify escapes lone surrogates, so any
// string renders to well-formed JSON.
import type { CategoryView, CollectionWriter, EntityView, Rendered, Renderer } from '../document.js';
import { categoriesJson } from './category-json.js';
import { isLinkView } from './entity-json.js';
import { entityText } from './entity-text.js';

export { attributeDescription, JSON_SCHEMA_DRAFT4 } from './attribute-json.js';
export { actionJson, categoriesJson, kindJson, mixinJson } from './category-json.js';
export { entityJson, isLinkView } from './entity-json.js';

export const OCCI_JSON = 'application/occi+json';
export const PLAIN_JSON = 'application/json';

type Which = 'resources' | 'links' | 'mixed';

/**
 * A collection object written member by member: `resources`, `links`, or
 * both for a mixed collection (a mixin collection may hold both, R139), each
 * array present even when empty. Entities must come resources first. Each is
 * written by entityText (entityJson's object as text), as a single entity is.
 */
export function collectionWriter(which: Which, headers: Record<string, string> = {}): CollectionWriter {
  const members: Array<'resources' | 'links'> = which === 'mixed' ? ['resources', 'links'] : [which];
  let open = -1;
  let empty = true;
  /** Closes the arrays before `member` and opens it. */
  const moveTo = (member: 'resources' | 'links'): string => {
    if (!members.includes(member)) members.push(member);
    const target = members.indexOf(member);
    if (target < open) throw new Error('a JSON collection lists its resources before its links');
    let out = '';
    for (; open < target; open++, empty = true) out += `${open < 0 ? '{' : '],'}"${members[open + 1]}":[`;
    return out;
  };
  return {
    headers,
    entity(view: EntityView): string {
      const head = moveTo(isLinkView(view) ? 'links' : 'resources') + (empty ? '' : ',');
      empty = false;
      return head + entityText(view);
    },
    end: () => `${moveTo(members[members.length - 1]!)}]}`,
  };
}

function writerFor(mediaType: string): (which: Which) => CollectionWriter {
  return (which) => collectionWriter(which, { 'Content-Type': `${mediaType}; charset=utf-8` });
}

function makeRenderer(mediaType: string): Renderer {
  const headers = { 'Content-Type': `${mediaType}; charset=utf-8` };
  const rendered = (value: unknown): Rendered => ({ headers: { ...headers }, body: JSON.stringify(value) });
  return {
    mediaType,
    listing: 'entities',
    categories: (list: CategoryView[]) => rendered(categoriesJson(list)),
    entity: (view: EntityView) => ({ headers: { ...headers }, body: entityText(view) }),
    collection(views: EntityView[], which: Which) {
      const writer = collectionWriter(which, headers);
      const ordered = [...views.filter((v) => !isLinkView(v)), ...views.filter(isLinkView)];
      return { headers: { ...headers }, body: ordered.map((v) => writer.entity(v)).join('') + writer.end() };
    },
    collectionWriter: writerFor(mediaType),
    locations: (urls: string[]) => rendered({ locations: urls }),
    ok: () => rendered({}),
    error: (status: number, message: string, requestId: string) =>
      rendered({ error: { status, message, request_id: requestId } }),
  };
}

export const jsonRenderer: Renderer = makeRenderer(OCCI_JSON);
export const plainJsonRenderer: Renderer = makeRenderer(PLAIN_JSON);
