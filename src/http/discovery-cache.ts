// GET /-/ without filters renders the same bytes for one tenant until its
// catalogue changes, but for the base URL of its locations. So the rendering
// is made once per tenant (the one the backend authenticated) and media type,
// with a placeholder for the base, and each answer puts the request's base in
// its place: distinct Host headers cost one string join each and keep no
// state, whatever their number. One LRU bounded in entries and bytes holds
// every template.
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../operations/catalog.js';
import type { OcciContext } from '../operations/context.js';
import { discover } from '../operations/query.js';
import type { Renderer } from '../rendering/document.js';
import { Lru } from '../lru.js';
import type { Call } from './dispatch.js';
import { respond, type Response } from './respond.js';

/** Text split where the base URL goes. */
type Parts = string[];

interface Template {
  /** The catalogue rendered: a newer one (a mixin defined, a template added) makes the entry stale. */
  catalog: Catalog;
  status: number;
  headers: Array<[string, Parts | Parts[]]>;
  body: Parts;
}

export const DISCOVERY_CACHE_BOUNDS = { maxEntries: 512, maxBytes: 8 * 1024 * 1024 };

/** Unguessable, so no title or term a client writes can be taken for it. */
const PLACEHOLDER = `http://base-${randomBytes(8).toString('hex')}.invalid`;

/** Bases that need no escaping in any rendering (those made from a checked Host, or a plain publicUrl). */
const PLAIN_BASE = /^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._~\/-]*)?$/;

const split = (text: string): Parts => text.split(PLACEHOLDER);

function sizeOf(t: Template): number {
  let chars = 0;
  for (const part of t.body) chars += part.length;
  for (const [name, value] of t.headers) chars += name.length + value.flat().reduce((n, p) => n + p.length, 0);
  return chars * 2;
}

export class DiscoveryCache {
  private readonly templates: Lru<Template>;

  constructor(bounds = DISCOVERY_CACHE_BOUNDS) {
    this.templates = new Lru<Template>({ ...bounds, sizeOf });
  }

  /** The response for an unfiltered GET/HEAD of the query interface; undefined for any other request. */
  lookup(ctx: OcciContext, renderer: Renderer, call: Call): Response | undefined {
    if (call.route.type !== 'query' || (call.method !== 'GET' && call.method !== 'HEAD') || !call.payload.empty) return undefined;
    if (!PLAIN_BASE.test(ctx.base)) return respond(renderer, discover(ctx, call.payload));
    const key = `${ctx.creds.tenant}\u0000${renderer.mediaType}`;
    let template = this.templates.get(key);
    if (!template || template.catalog !== ctx.catalog) {
      const r = respond(renderer, discover({ ...ctx, base: PLACEHOLDER }, call.payload));
      template = {
        catalog: ctx.catalog,
        status: r.status,
        headers: Object.entries(r.rendered.headers).map(([name, v]) => [name, Array.isArray(v) ? v.map(split) : split(v)]),
        body: split(r.rendered.body),
      };
      this.templates.set(key, template);
    }
    const base = ctx.base;
    const headers: Record<string, string | string[]> = {};
    for (const [name, v] of template.headers) {
      headers[name] = typeof v[0] === 'string' ? (v as Parts).join(base) : (v as Parts[]).map((p) => p.join(base));
    }
    return { status: template.status, rendered: { headers, body: template.body.join(base) } };
  }

  /** Templates held and their estimated bytes. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.templates.size, bytes: this.templates.bytes };
  }
}
