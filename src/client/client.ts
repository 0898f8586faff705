// A typed OCCI 1.1/1.2 client on fetch alone: discovery, entities, actions,
// links, user mixins and waits, in JSON where the server offers it and text
// otherwise. Runs in Node and in browsers.
import { carriesEntity, createdLocation, mediaType, readEntity, readMixin, readPage } from './answers.js';
import { Discovery } from './discovery.js';
import { NotFoundError, ProtocolError } from './errors.js';
import { Transport, type Answer, type TransportOptions } from './http.js';
import type { Locator } from './read-json.js';
import { jsonCategories } from './read-json.js';
import { textCategories, textStructures } from './read-text.js';
import type { AttributeValue, CategoryInfo, Entity, Link, Page, RawAnswer, Rendering, RenderingChoice } from './types.js';
import { mapLimit, matches } from './listing.js';
import { Endpoint, withQuery } from './urls.js';
import { poll, type WaitOptions } from './wait.js';
import * as W from './write.js';

export interface ClientOptions extends TransportOptions {
  /** The server's OCCI root, e.g. http://localhost:8888 or https://host:8787/occi1.1/. */
  endpoint: string;
  /** auto (default): JSON when the server offers it, else text/plain. */
  rendering?: RenderingChoice;
}

export interface ListOptions {
  /** Attribute filters by full name (spec §3.8); applied by the server, and again here on full renderings. */
  attributes?: Record<string, AttributeValue>;
  /** Only entities with these kinds or mixins (type ids). */
  categories?: string[];
  /** 1-based page and page size (OCCI 1.2 paging). */
  page?: number;
  number?: number;
}

export interface LinkOptions {
  /** Link kind type id; by default networkinterface for a network, storagelink for a storage. */
  kind?: string;
  mixins?: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface MixinDefinition {
  term: string;
  /** Default: <endpoint origin>/occi/tags# */
  scheme?: string;
  title?: string;
  /** Default: <endpoint>tags/<term>/ */
  location?: string;
}

export interface ActionResult {
  /** The entity after the action, when the server answered with it. */
  entity?: Entity;
  /** The mixin the action made (save). */
  mixin?: CategoryInfo;
}

const ACCEPT_AUTO = `${W.OCCI_JSON}, text/plain;q=0.5`;

export class OcciClient {
  readonly endpoint: Endpoint;
  private readonly http: Transport;
  private discovered?: Promise<Discovery>;

  constructor(private readonly options: ClientOptions) {
    this.endpoint = new Endpoint(options.endpoint);
    this.http = new Transport(options);
  }

  /** The query interface, read once per client (refresh after defining mixins elsewhere). */
  discover(refresh = false): Promise<Discovery> {
    if (refresh || !this.discovered) {
      this.discovered = this.loadDiscovery();
      this.discovered.catch(() => (this.discovered = undefined));
    }
    return this.discovered;
  }

  private async loadDiscovery(): Promise<Discovery> {
    const choice = this.options.rendering ?? 'auto';
    const a = await this.http.request({ method: 'GET', url: this.endpoint.queryInterface, headers: { Accept: choice === 'auto' ? ACCEPT_AUTO : W.ACCEPT[choice] } });
    const type = mediaType(a);
    const rendering: Rendering = choice !== 'auto' ? choice : type.includes('json') ? 'json' : 'text';
    const resolve = (l: string): string => this.endpoint.resolve(l);
    const categories = type.includes('json') ? jsonCategories(a.body, resolve) : textCategories(textStructures(a.body, type === 'text/occi' ? a.headers : undefined), resolve);
    if (!categories.some((c) => c.class === 'kind')) throw new ProtocolError(`${this.endpoint.queryInterface} lists no kinds: is ${this.endpoint.base} an OCCI endpoint?`);
    return new Discovery(categories, rendering);
  }

  private locator(d: Discovery): Locator {
    return { resolve: (l) => this.endpoint.resolve(l), locate: (k, id) => d.locate(k, id) };
  }

  private async send(method: string, url: string, body?: W.Body, accept?: number[]): Promise<{ a: Answer; d: Discovery }> {
    const d = await this.discover();
    const a = await this.http.request({ method, url, headers: { Accept: W.ACCEPT[d.rendering], ...(body?.headers ?? {}) }, body: body?.body, accept });
    return { a, d };
  }

  /** An absolute URL from a location, or the collection URL of a kind or mixin named by term, title or type id. */
  async collectionUrl(name: string): Promise<string> {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name) || name.startsWith('/')) return this.endpoint.resolve(name);
    const d = await this.discover();
    const c = d.kinds.find((k) => k.term === name || k.id === name) ?? d.mixin(name, d.mixins, 'kind or mixin');
    if (!c.location) throw new ProtocolError(`${c.id} has no location to list`);
    return c.location;
  }

  /** A URL in the media type of the caller's choice (text/plain, text/occi …), as the server wrote it: for showing, not reading. */
  async raw(url: string, mediaType: string): Promise<RawAnswer> {
    const abs = this.endpoint.resolve(url);
    const a = await this.http.request({ method: 'GET', url: abs, headers: { Accept: mediaType } });
    return { url: abs, status: a.status, headers: Object.fromEntries(a.headers), body: a.body };
  }

  async get(url: string): Promise<Entity> {
    const abs = this.endpoint.resolve(url);
    const { a, d } = await this.send('GET', abs);
    return readEntity(a, abs, this.locator(d), new Set(d.actions.map((x) => x.id)));
  }

  /** One page of a collection: full entities (JSON) or locations (text renderings). */
  async list(collection: string, o: ListOptions = {}): Promise<Page> {
    const url = withQuery(await this.collectionUrl(collection), { page: o.page, number: o.number });
    return this.listAt(url, o);
  }

  private async listAt(url: string, o: ListOptions): Promise<Page> {
    const d = await this.discover();
    const a = await this.http.request({ method: 'GET', url, headers: { Accept: W.ACCEPT[d.rendering], ...W.filterHeaders(o) } });
    const page = readPage(a, this.locator(d));
    return { ...page, entities: page.entities.filter((e) => matches(e, o)) };
  }

  /**
   * Every member of a collection, described: following `next` pages (or
   * asking page after page when the server pages without saying so), and
   * reading each member of a text listing.
   */
  async listAll(collection: string, o: ListOptions = {}): Promise<Entity[]> {
    const first = await this.collectionUrl(collection);
    const seen = new Set<string>();
    const out: Entity[] = [];
    let page = o.page ?? (o.number ? 1 : undefined);
    let url: string | undefined = withQuery(first, { page, number: o.number });
    while (url) {
      const p = await this.listAt(url, o);
      const described = [...p.entities, ...(await mapLimit(p.locations, 8, (l) => this.get(l).catch((e: unknown) => (e instanceof NotFoundError ? undefined : Promise.reject(e)))))];
      const fresh = described.filter((e): e is Entity => !!e && !seen.has(e.location) && matches(e, o));
      fresh.forEach((e) => seen.add(e.location));
      out.push(...fresh);
      if (p.next) url = p.next;
      else if (page !== undefined && o.number && p.entities.length + p.locations.length >= o.number && fresh.length > 0) url = withQuery(first, { page: ++page, number: o.number });
      else url = undefined;
    }
    return out;
  }

  /** Creates a resource; answers the new entity as the server describes it. */
  async create(spec: W.EntitySpec): Promise<Entity> {
    const d = await this.discover();
    const kind = d.kind(spec.kind);
    if (!kind.location) throw new ProtocolError(`${kind.id} has no location to create at`);
    const { a } = await this.send('POST', kind.location, W.entityBody({ ...spec, kind: kind.id }, d.rendering));
    const made = createdLocation(a, this.locator(d));
    return made.entity && made.entity.kind !== '' ? made.entity : this.get(made.location);
  }

  /** A partial update (spec §3.5.2): adds mixins, sets attributes. */
  async update(url: string, changes: { mixins?: string[]; attributes?: Record<string, AttributeValue> }): Promise<Entity> {
    const abs = this.endpoint.resolve(url);
    const d = await this.discover();
    const { a } = await this.send('POST', abs, W.updateBody(changes, d.rendering));
    return carriesEntity(a) ? readEntity(a, abs, this.locator(d), new Set(d.actions.map((x) => x.id))) : this.get(abs);
  }

  /** A full update (spec §3.5.4): what is left out is removed where allowed. */
  async replace(url: string, spec: W.EntitySpec): Promise<Entity> {
    const abs = this.endpoint.resolve(url);
    const d = await this.discover();
    const { a } = await this.send('PUT', abs, W.entityBody({ ...spec, links: [] }, d.rendering));
    return carriesEntity(a) ? readEntity(a, abs, this.locator(d), new Set(d.actions.map((x) => x.id))) : this.get(abs);
  }

  async delete(url: string): Promise<void> {
    await this.send('DELETE', this.endpoint.resolve(url));
  }

  /** Triggers an action by term (`stop`) or type id, with its parameters (`{method: 'graceful'}`). */
  async trigger(target: string | Entity, action: string, params: Record<string, AttributeValue> = {}): Promise<ActionResult> {
    const d = await this.discover();
    const entity = typeof target === 'string' ? await this.get(target) : target;
    const act = d.action(action, entity.kind, entity.mixins);
    const url = withQuery(entity.location, { action: act.term });
    const { a } = await this.send('POST', url, W.actionBody(act.id, params, d.rendering));
    const mixin = readMixin(a, this.locator(d));
    if (mixin) {
      this.discovered = undefined;
      return { mixin };
    }
    return carriesEntity(a) ? { entity: readEntity(a, entity.location, this.locator(d), new Set(d.actions.map((x) => x.id))) } : {};
  }

  /** Links a resource to another (a compute to a network or storage); answers the new link. */
  async link(source: string, target: string, o: LinkOptions = {}): Promise<Link> {
    const d = await this.discover();
    const src = this.endpoint.resolve(source);
    const tgt = this.endpoint.resolve(target);
    const targetKind = d.collectionOf(tgt);
    const kindId = o.kind ?? (targetKind?.term === 'storage' ? 'storagelink' : targetKind?.term === 'network' ? 'networkinterface' : 'link');
    const kind = d.kind(kindId);
    if (!kind.location) throw new ProtocolError(`${kind.id} has no location to create links at`);
    const body = W.linkBody({ kind: kind.id, source: src, target: tgt, targetKind: targetKind?.class === 'kind' ? targetKind.id : undefined, mixins: o.mixins, attributes: o.attributes }, d.rendering);
    const { a } = await this.send('POST', kind.location, body);
    const made = createdLocation(a, this.locator(d));
    return (made.entity && made.entity.kind !== '' ? made.entity : await this.get(made.location)) as Link;
  }

  async unlink(url: string): Promise<void> {
    await this.delete(url);
  }

  /** Defines a user mixin (a tag) in the query interface. */
  async defineMixin(m: MixinDefinition): Promise<CategoryInfo> {
    const d = await this.discover();
    const spec: W.CategorySpec = {
      class: 'mixin',
      term: m.term,
      scheme: m.scheme ?? `${this.endpoint.origin}/occi/tags#`,
      location: m.location ?? `${this.endpoint.prefix}tags/${encodeURIComponent(m.term)}/`,
      ...(m.title !== undefined ? { title: m.title } : {}),
    };
    const body = W.mixinsBody([spec], d.rendering);
    await this.http.request({ method: 'POST', url: this.endpoint.queryInterface, headers: { Accept: W.ACCEPT[d.rendering], ...body.headers }, body: body.body });
    const fresh = await this.discover(true);
    return fresh.mixin(spec.scheme + spec.term);
  }

  async deleteMixin(name: string): Promise<void> {
    const d = await this.discover();
    const m = d.mixin(name);
    const body = W.mixinsBody([{ class: 'mixin', term: m.term, scheme: m.scheme }], d.rendering);
    await this.http.request({ method: 'DELETE', url: this.endpoint.queryInterface, headers: { Accept: W.ACCEPT[d.rendering], ...body.headers }, body: body.body });
    this.discovered = undefined;
  }

  /** Associates entities with a mixin (spec §3.6.4). */
  async tag(mixin: string, urls: string[]): Promise<void> {
    await this.membership('POST', mixin, urls);
  }

  /** Disassociates entities from a mixin (spec §3.6.6). */
  async untag(mixin: string, urls: string[]): Promise<void> {
    await this.membership('DELETE', mixin, urls);
  }

  private async membership(method: 'POST' | 'DELETE', mixin: string, urls: string[]): Promise<void> {
    const d = await this.discover();
    const m = d.mixin(mixin);
    if (!m.location) throw new ProtocolError(`the server gave mixin ${m.id} no location, so entities cannot be tagged with it`);
    await this.send(method, m.location, W.locationsBody(urls.map((u) => this.endpoint.resolve(u)), d.rendering));
  }

  /** Waits until the entity is in `o.state` (default active); fails on `error` or at the deadline. */
  async waitFor(url: string, o: WaitOptions = {}): Promise<Entity> {
    const want = o.state ?? 'active';
    const found = await poll(() => this.get(url), (_e, s) => s === want, `state ${want}`, { ...o, failStates: (o.failStates ?? ['error']).filter((s) => s !== want) });
    return found as Entity;
  }

  /** Waits until GET answers 404 (after a delete). */
  async waitGone(url: string, o: WaitOptions = {}): Promise<void> {
    const abs = this.endpoint.resolve(url);
    await poll(
      async () => {
        try {
          return await this.get(abs);
        } catch (e) {
          if (e instanceof NotFoundError) return undefined;
          throw e;
        }
      },
      (e) => e === undefined,
      'the deletion',
      o,
    );
  }
}
