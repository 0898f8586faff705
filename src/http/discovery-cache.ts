// GET /-/ without filters renders the same bytes until the caller's catalogue
// changes, so the rendering is kept per catalogue, base URL and media type.
import type { Catalog } from '../operations/catalog.js';
import type { OcciContext } from '../operations/context.js';
import { discover } from '../operations/query.js';
import type { Renderer } from '../rendering/document.js';
import type { Call } from './dispatch.js';
import { respond, type Response } from './respond.js';

const MAX_VARIANTS = 16;

export class DiscoveryCache {
  private readonly byCatalog = new WeakMap<Catalog, Map<string, Response>>();

  /** The cached response for an unfiltered GET/HEAD of the query interface, rendering it on first use. */
  lookup(ctx: OcciContext, renderer: Renderer, call: Call): Response | undefined {
    if (call.route.type !== 'query' || (call.method !== 'GET' && call.method !== 'HEAD') || !call.payload.empty) return undefined;
    let variants = this.byCatalog.get(ctx.catalog);
    if (!variants) {
      variants = new Map();
      this.byCatalog.set(ctx.catalog, variants);
    }
    const key = `${renderer.mediaType} ${ctx.base}`;
    let response = variants.get(key);
    if (!response) {
      response = respond(renderer, discover(ctx, call.payload));
      if (variants.size >= MAX_VARIANTS) variants.clear();
      variants.set(key, response);
    }
    return response;
  }
}
