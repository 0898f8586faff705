// Whether a request names only what the caller's catalogue knows. With a
// store several replicas share, a mixin defined through another replica a
// moment ago may not have reached this replica's catalogue yet (its notice is
// on the way): a request naming something unknown makes the server look at
// the store again before answering 404 or 400 (CatalogCache.recheck), so a
// client that defines a mixin and uses it at once gets the same answer from
// every replica. Requests naming only known things cost nothing more.
import type { Catalog } from '../operations/catalog.js';
import type { CategoryRef, Payload } from '../rendering/document.js';
import { route, type Route } from './router.js';

/** The path's route in this catalogue, or undefined when it names nothing the catalogue knows. */
export function knownRoute(catalog: Catalog, path: string): Route | undefined {
  try {
    return route(catalog, path);
  } catch {
    return undefined;
  }
}

export function knowsCategories(catalog: Catalog, payload: Payload): boolean {
  if (payload.categories.length === 0 && payload.entities.length === 0) return true; // the usual request names none
  const known = (ref: CategoryRef): boolean => {
    try {
      return catalog.resolve(ref) !== undefined;
    } catch {
      return true; // ambiguous: known, and answered as such
    }
  };
  return payload.categories.every(known) && payload.entities.every((e) => e.categories.every(known));
}
