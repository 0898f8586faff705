// GET /-/ without filters renders the same bytes for one tenant until its
// catalogue changes, but for the base URL of its locations. So the rendering
// is made once per tenant (the one the backend authenticated) and media type,
// with a placeholder for the base, and each answer puts the request's base in
// its place: distinct Host headers cost one string join each and keep no
// state, whatever their number. The answers for the last few bases are kept
// with the template, so the usual case (one or two names for the server)
// costs nothing at all. One LRU bounded in entries and bytes holds it all.
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../operations/catalog.js';
import type { OcciContext } from '../operations/context.js';
import { discover } from '../operations/query.js';
import type { Renderer } from '../rendering/document.js';
import { Lru } from '../lru.js';
import type { Call } from './dispatch.js';
import { headerList } from './reply.js';
import { respond, type Response } from './respond.js';

/** Text split where the base URL goes. */
type Parts = string[];

interface Template {
  /** The catalogue rendered: a newer one (a mixin defined, a template added) makes the entry stale. */
  catalog: Catalog;
  status: number;
  headers: Array<[string, Parts | Parts[]]>;
  body: Parts;
  /** Answers already made, by base URL, the most recent last. */
  made: Map<string, Response>;
}

/** Answers kept per template (the template's size in the LRU counts them). */
const MADE_PER_TEMPLATE = 4;

export const DISCOVERY_CACHE_BOUNDS = { maxEntries: 1024, maxBytes: 16 * 1024 * 1024 };

/** Unguessable, so no title or term a client writes can be taken for it. */
const PLACEHOLDER = `http://base-${randomBytes(8).toString('hex')}.invalid`;

/** Bases that need no escaping in any rendering (those made from a checked Host, or a plain publicUrl). */
const PLAIN_BASE = /^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._~\/-]*)?$/;

const split = (text: string): Parts => text.split(PLACEHOLDER);

function sizeOf(t: Template): number {
  let chars = 0;
  for (const part of t.body) chars += part.length;
  for (const [name, value] of t.headers) chars += name.length + value.flat().reduce((n, p) => n + p.length, 0);
  for (const made of t.made.values()) {
    chars += made.rendered.body.length + (made.bytes?.length ?? 0) / 2;
    for (const v of Object.values(made.rendered.headers)) chars += typeof v === 'string' ? v.length : v.join('').length;
  }
  return chars * 2;
}

export class DiscoveryCache {
  private readonly templates: Lru<Template>;
  /** The last key made, and what it was made of: the next request is most often the same tenant's again. */
  private last = { tenant: '', mediaType: '', key: '' };

  constructor(bounds = DISCOVERY_CACHE_BOUNDS) {
    this.templates = new Lru<Template>({ ...bounds, sizeOf, name: 'discovery' });
  }

  /** The response for an unfiltered GET/HEAD of the query interface; undefined for any other request. */
  lookup(ctx: OcciContext, renderer: Renderer, call: Call): Response | undefined {
    if (call.route.type !== 'query' || (call.method !== 'GET' && call.method !== 'HEAD') || !call.payload.empty) return undefined;
    const key = this.keyOf(ctx.creds.tenant, renderer.mediaType);
    let template = this.templates.get(key);
    // Only a plain base is ever kept: the usual answer is found before the base is looked at.
    const ready = template?.catalog === ctx.catalog ? template.made.get(ctx.base) : undefined;
    if (ready) return ready;
    if (!PLAIN_BASE.test(ctx.base)) return respond(renderer, discover(ctx, call.payload));
    if (!template || template.catalog !== ctx.catalog) {
      const r = respond(renderer, discover({ ...ctx, base: PLACEHOLDER }, call.payload));
      template = {
        catalog: ctx.catalog,
        status: r.status,
        headers: Object.entries(r.rendered.headers).map(([name, v]) => [name, Array.isArray(v) ? v.map(split) : split(v)]),
        body: split(r.rendered.body),
        made: new Map(),
      };
      this.templates.set(key, template);
    }
    const made = answer(template, ctx.base);
    this.templates.set(key, template); // counted again, with the answer it now keeps
    return made;
  }

  /**
   * The template's key: the one made last when it is the same, so that the LRU finds it without hashing a
   * new string, and the youngest entry is known as such without comparing two strings character by character.
   */
  private keyOf(tenant: string, mediaType: string): string {
    const last = this.last;
    if (tenant !== last.tenant || mediaType !== last.mediaType) this.last = { tenant, mediaType, key: `${tenant}\u0000${mediaType}` };
    return this.last.key;
  }

  /** Templates held and their estimated bytes. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.templates.size, bytes: this.templates.bytes };
  }
}

/** The template's answer for `base`, kept with it (the oldest kept going). */
function answer(t: Template, base: string): Response {
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of t.headers) {
    headers[name] = typeof v[0] === 'string' ? (v as Parts).join(base) : (v as Parts[]).map((p) => p.join(base));
  }
  const body = t.body.join(base);
  const bytes = Buffer.from(body);
  const made: Response = { status: t.status, rendered: { headers, body }, bytes, headerList: headerList(headers, bytes.length) };
  if (t.made.size >= MADE_PER_TEMPLATE) t.made.delete(t.made.keys().next().value as string);
  t.made.set(base, made);
  return made;
}
