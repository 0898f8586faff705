// Which OCCI thing a path names (spec §3.1, §3.3), and the methods it takes.
import { notFound } from '../errors.js';
import { LINK, RESOURCE } from '../model/infrastructure.js';
import type { Catalog } from '../operations/catalog.js';
import type { CollectionOwner } from '../operations/collections.js';
import { parseEntityPath, type EntityLocation } from '../operations/locations.js';

export type Route = { type: 'query' } | { type: 'entity'; loc: EntityLocation } | { type: 'collection'; owner: CollectionOwner };

export const QUERY_PATHS = new Set(['/-/', '/.well-known/org/ogf/occi/-/']);

/** The query interface's route, the same for every request (nothing changes a route once made). */
const QUERY_ROUTE: Route = Object.freeze({ type: 'query' });

export function route(catalog: Catalog, path: string): Route {
  if (QUERY_PATHS.has(path)) return QUERY_ROUTE;
  const loc = parseEntityPath(path);
  if (loc) return { type: 'entity', loc };
  // Clients often drop the trailing slash of a location (`/compute`).
  const location = path.endsWith('/') ? path : `${path}/`;
  const bound = catalog.atLocation(location);
  if (bound) return { type: 'collection', owner: bound.class === 'kind' ? { type: 'kind', kind: bound } : { type: 'mixin', mixin: bound } };
  if (path.endsWith('/')) {
    for (const [l] of catalog.locations()) if (l.startsWith(path)) return { type: 'collection', owner: { type: 'path', path } };
  }
  throw notFound(`nothing at ${path.slice(0, 200)}`);
}

export function allowedMethods(r: Route, namespaceDelete: boolean): string[] {
  switch (r.type) {
    case 'query':
      return ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'];
    case 'entity':
      return ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
    case 'collection': {
      const o = r.owner;
      if (o.type === 'kind') {
        // resource and link are read-only unions of their sub-kinds (D16).
        return o.kind === RESOURCE || o.kind === LINK ? ['GET', 'HEAD', 'OPTIONS'] : ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'];
      }
      if (o.type === 'mixin') return ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
      return namespaceDelete ? ['GET', 'HEAD', 'DELETE', 'OPTIONS'] : ['GET', 'HEAD', 'OPTIONS'];
    }
  }
}

/** The route as a template for logs and metrics (`/compute/{id}`): a bounded set, whatever paths clients send. */
export function routeTemplate(r: Route, path: string): string {
  switch (r.type) {
    case 'query':
      return path === '/-/' ? '/-/' : '/.well-known/org/ogf/occi/-/';
    case 'entity':
      return `/${r.loc.kind}/{id}`;
    case 'collection':
      if (r.owner.type === 'kind') return r.owner.kind.location ?? '/{kind}/';
      return r.owner.type === 'mixin' ? '/{mixin}/' : '/{path}/';
  }
}
