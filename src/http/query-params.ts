// Filters in the query string, for browsers and JSON clients that cannot set
// OCCI headers (an extension, as erocci and MartServer have; docs/decisions.md):
//   GET /-/?category=<scheme#term or term>               (several: their union)
//   GET /compute/?category=…&attribute=<name>=<value>    (several: all must hold)
// They become the same Category/X-OCCI-Attribute filter the headers give, so
// one Filter serves both. A parameter this server does not take, or a value
// it cannot read, is a 400: a filter is never silently ignored.
import { badRequest } from '../errors.js';
import { isScheme, isTerm, splitTypeId } from '../model/category.js';
import { didYouMean } from '../model/closest.js';
import { emptyPayload, NO_PAYLOAD, type CategoryRef, type Payload } from '../rendering/document.js';
import { parseAttributePair } from '../rendering/text/attribute-value.js';
import type { Route } from './router.js';

const MAX_FILTERS = 32;

/** The query parameters each method takes on each sort of path. */
function accepted(route: Route, method: string): readonly string[] {
  const read = method === 'GET' || method === 'HEAD';
  if (method === 'POST' && route.type !== 'query') return ['action'];
  if (!read) return [];
  if (route.type === 'query') return ['category'];
  if (route.type === 'collection') return ['category', 'attribute', 'page', 'number'];
  return [];
}

function categoryRef(value: string): CategoryRef {
  const ref = splitTypeId(value.trim());
  if (!isTerm(ref.term) || (ref.scheme !== '' && !isScheme(ref.scheme))) {
    throw badRequest(`category=${value.slice(0, 200)} is neither a term (Debian) nor a type identifier (scheme#term, e.g. http://schemas.ogf.org/occi/infrastructure#compute)`);
  }
  return ref;
}

/**
 * Checks the request's query parameters and returns the filter they carry
 * (empty when there is none). `action`, `page` and `number` are read where
 * their operations are.
 */
export function queryFilter(route: Route, method: string, query: URLSearchParams): Payload {
  if (query.size === 0) return NO_PAYLOAD; // the usual request: no parameters to check
  const allowed = accepted(route, method);
  const categories: CategoryRef[] = [];
  const attributes: Payload['attributes'] = {};
  let count = 0;
  for (const [name, value] of query) {
    if (!allowed.includes(name)) {
      const takes = allowed.length > 0 ? `it takes ${allowed.join(', ')}` : 'it takes none';
      const why = name === 'action' ? ' (actions are triggered with POST)' : '';
      const guess = didYouMean(name, allowed);
      throw badRequest(`unknown query parameter "${name.slice(0, 80)}" for ${method} here${why}${guess ? `: ${guess} I` : '; i'}${takes.slice(1)}`);
    }
    if (++count > MAX_FILTERS) throw badRequest(`at most ${MAX_FILTERS} query parameters`);
    if (name === 'category') categories.push(categoryRef(value));
    else if (name === 'attribute') {
      const [attr, v] = parseAttributePair(value, 'the attribute parameter');
      if (Object.hasOwn(attributes, attr)) throw badRequest(`attribute=${attr} is given twice; an entity holds one value of it`);
      attributes[attr] = v;
    }
  }
  if (categories.length === 0 && Object.keys(attributes).length === 0) return NO_PAYLOAD;
  return { ...emptyPayload(), categories, attributes, empty: false };
}

/** The filter of the headers and the one of the query string, together. */
export function withQueryFilter(headers: Payload, query: Payload): Payload {
  if (query.empty) return headers;
  if (headers.empty) return query;
  for (const name of Object.keys(query.attributes)) {
    if (Object.hasOwn(headers.attributes, name)) throw badRequest(`attribute ${name} is filtered both in X-OCCI-Attribute and in the query string; give it once`);
  }
  return { ...headers, categories: [...headers.categories, ...query.categories], attributes: { ...headers.attributes, ...query.attributes }, empty: false };
}
