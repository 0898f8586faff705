// The JSON renderers: application/occi+json (spec §5) and the same bodies
// under application/json. JSON.stringify escapes lone surrogates, so any
// string renders to well-formed JSON.
import type { CategoryView, EntityView, Rendered, Renderer } from '../document.js';
import { categoriesJson } from './category-json.js';
import { entityJson, isLinkView } from './entity-json.js';

export { attributeDescription, JSON_SCHEMA_DRAFT4 } from './attribute-json.js';
export { actionJson, categoriesJson, kindJson, mixinJson } from './category-json.js';
export { entityJson, isLinkView } from './entity-json.js';

export const OCCI_JSON = 'application/occi+json';
export const PLAIN_JSON = 'application/json';

function makeRenderer(mediaType: string): Renderer {
  const headers = { 'Content-Type': `${mediaType}; charset=utf-8` };
  const rendered = (value: unknown): Rendered => ({ headers: { ...headers }, body: JSON.stringify(value) });
  return {
    mediaType,
    categories: (list: CategoryView[]) => rendered(categoriesJson(list)),
    entity: (view: EntityView) => rendered(entityJson(view)),
    collection(views: EntityView[], which: 'resources' | 'links' | 'mixed') {
      if (which !== 'mixed') return rendered({ [which]: views.map(entityJson) });
      // A mixin collection may hold both resources and links (R139).
      return rendered({
        resources: views.filter((v) => !isLinkView(v)).map(entityJson),
        links: views.filter(isLinkView).map(entityJson),
      });
    },
    locations: (urls: string[]) => rendered({ locations: urls }),
    ok: () => rendered({}),
    error: (status: number, message: string, requestId: string) =>
      rendered({ error: { status, message, request_id: requestId } }),
  };
}

export const jsonRenderer: Renderer = makeRenderer(OCCI_JSON);
export const plainJsonRenderer: Renderer = makeRenderer(PLAIN_JSON);
