// GET /-/ without filters renders the same bytes until the caller's catalogue
// changes, so the rendering is kept per tenant, media type and base URL. The
// tenant is the one the backend authenticated; the base URL is publicUrl when
// set (Host plays no part then). One LRU bounded in entries and bytes holds
// every rendering, so distinct Host headers or many tenants only evict older
// renderings: the set of base URLs rendered for stays bounded.
import type { Catalog } from '../operations/catalog.js';
import type { OcciContext } from '../operations/context.js';
import { discover } from '../operations/query.js';
import type { Renderer } from '../rendering/document.js';
import { Lru } from '../lru.js';
import type { Call } from './dispatch.js';
import { respond, type Response } from './respond.js';

interface Entry {
  /** The catalogue rendered: a newer one (a mixin defined, a template added) makes the entry stale. */
  catalog: Catalog;
  response: Response;
}

export const DISCOVERY_CACHE_BOUNDS = { maxEntries: 512, maxBytes: 8 * 1024 * 1024 };

function sizeOf(e: Entry): number {
  let bytes = e.response.rendered.body.length * 2;
  for (const [k, v] of Object.entries(e.response.rendered.headers)) bytes += (k.length + v.length) * 2;
  return bytes;
}

export class DiscoveryCache {
  private readonly renderings: Lru<Entry>;

  constructor(bounds = DISCOVERY_CACHE_BOUNDS) {
    this.renderings = new Lru<Entry>({ ...bounds, sizeOf });
  }

  /** The cached response for an unfiltered GET/HEAD of the query interface, rendering it on first use. */
  lookup(ctx: OcciContext, renderer: Renderer, call: Call): Response | undefined {
    if (call.route.type !== 'query' || (call.method !== 'GET' && call.method !== 'HEAD') || !call.payload.empty) return undefined;
    const key = `${ctx.creds.tenant}\u0000${renderer.mediaType}\u0000${ctx.base}`;
    const hit = this.renderings.get(key);
    if (hit && hit.catalog === ctx.catalog) return hit.response;
    const response = respond(renderer, discover(ctx, call.payload));
    this.renderings.set(key, { catalog: ctx.catalog, response });
    return response;
  }

  /** Renderings held, their estimated bytes and the distinct base URLs among them. */
  get usage(): { entries: number; bytes: number; bases: number } {
    const bases = new Set([...this.renderings.keys()].map((k) => k.slice(k.lastIndexOf('\u0000') + 1)));
    return { entries: this.renderings.size, bytes: this.renderings.bytes, bases: bases.size };
  }
}
