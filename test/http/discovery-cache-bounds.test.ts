// The discovery cache (GET /-/ without filters, R18) at its bounds: every
// answer it gives is the rendering the request would get without it, in every
// media type and for a rendering that sends a header as several lines; a base
// is kept only when it is plain from its first character to its last; what
// the LRU counts for a tenant's template is the memory it holds (its strings
// at two bytes a character, each kept answer's encoded bytes), so maxBytes
// bounds real memory; a tenant's template goes when the bytes of others push
// it out; its lookups are counted as "discovery" in /metrics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DISCOVERY_CACHE_BOUNDS, DiscoveryCache } from '../../src/http/discovery-cache.js';
import type { Call } from '../../src/http/dispatch.js';
import { rendererFor } from '../../src/http/renderers.js';
import { respond, type Response } from '../../src/http/respond.js';
import { metrics } from '../../src/metrics.js';
import { osTemplate } from '../../src/model/templates.js';
import { CatalogCache } from '../../src/operations/catalog-cache.js';
import type { OcciContext } from '../../src/operations/context.js';
import { discover } from '../../src/operations/query.js';
import type { Backend, Credentials, ProviderMixins } from '../../src/port/backend.js';
import { emptyPayload, type Renderer } from '../../src/rendering/document.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';

const call: Call = { method: 'GET', route: { type: 'query' }, query: new URLSearchParams(), headers: {}, payload: emptyPayload() };
const text = rendererFor('text/plain', undefined);
const occi = rendererFor('text/occi', undefined);

/** A rendering that sends each category as a Category header line of its own (a header value that is a list). */
const lineByLine: Renderer = {
  ...occi,
  categories: (list) => {
    const lines = text.categories(list).body.split('\n');
    return { headers: { 'Content-Type': 'text/occi', Category: lines.filter((l) => l.startsWith('Category: ')).map((l) => l.slice('Category: '.length)) }, body: 'OK' };
  },
};

/** A catalogue for each tenant named, each with a user mixin of its own titled `title`. */
async function catalogs(title: string, ...tenants: string[]): Promise<(tenant: string, base: string) => OcciContext> {
  const backend = { providerMixins: async (): Promise<ProviderMixins> => ({ os: [osTemplate({ id: 'd1', term: 'Debian', title: 'Debian 12' })], resource: [], other: [] }) } as unknown as Backend;
  const store = new UserMixinStore(undefined);
  const cache = new CatalogCache(backend, store);
  const contexts = new Map<string, Omit<OcciContext, 'base'>>();
  for (const tenant of tenants) {
    const creds: Credentials = { token: `token-${tenant}`, tenant };
    await store.add(tenant, [{ scheme: 'http://tags.example/#', term: `tag-${tenant}`, title, location: `/tag-${tenant}/` }]);
    contexts.set(tenant, { creds, catalog: await cache.get(creds), occi11: false } as unknown as OcciContext);
  }
  return (tenant, base) => ({ ...contexts.get(tenant)!, base }) as OcciContext;
}

const uncached = (ctx: OcciContext, renderer: Renderer): Response => respond(renderer, discover(ctx, emptyPayload()));

/** Characters of a header value, a list's lines counted one after another. */
const valueChars = (v: string | string[]): number => (typeof v === 'string' ? v.length : v.reduce((n, line) => n + line.length, 0));

/** What an answer kept with its template holds: its body and header values at two bytes a character, and its encoded body. */
const answerBytes = (r: Response): number => 2 * (r.rendered.body.length + Object.values(r.rendered.headers).reduce((n, v) => n + valueChars(v), 0)) + r.bytes!.length;

/** Characters of the template behind `r`, made on `base`: the answer's text less each place the base was put in. */
function templateChars(r: Response, base: string): number {
  const without = (s: string) => s.length - (s.split(base).length - 1) * base.length;
  let chars = without(r.rendered.body);
  for (const [name, v] of Object.entries(r.rendered.headers)) chars += name.length + (typeof v === 'string' ? without(v) : v.reduce((n, line) => n + without(line), 0));
  return chars;
}

describe('the discovery cache answers what the query interface renders (R18)', () => {
  test('R18: in every media type, made and kept, each answer is the uncached rendering on its own base', async () => {
    const ctx = await catalogs('Web servers', 'alice');
    const renderers = [text, occi, lineByLine, rendererFor('text/occi+plain', undefined), rendererFor('application/occi+json', undefined), rendererFor('application/json', undefined), rendererFor('text/uri-list', 'text/plain')];
    for (const renderer of renderers) {
      const cache = new DiscoveryCache();
      for (const base of ['http://a.example', 'https://b.example:8443/occi']) {
        const expected = uncached(ctx('alice', base), renderer);
        const made = cache.lookup(ctx('alice', base), renderer, call)!;
        const kept = cache.lookup(ctx('alice', base), renderer, call)!;
        assert.equal(kept, made, `${renderer.mediaType} on ${base}: the second answer is the kept one`);
        assert.equal(made.status, expected.status);
        assert.deepEqual(made.rendered, expected.rendered, `${renderer.mediaType} on ${base}`);
        assert.deepEqual(made.bytes, Buffer.from(expected.rendered.body));
      }
    }
  });

  test('R18: a header sent as several lines keeps each line, each with the base put in', async () => {
    const ctx = await catalogs('Web servers', 'alice');
    const r = new DiscoveryCache().lookup(ctx('alice', 'http://lines.example'), lineByLine, call)!;
    const lines = r.rendered.headers['Category'];
    assert.ok(Array.isArray(lines) && lines.length > 10, `one value a category: ${JSON.stringify(lines)?.slice(0, 200)}`);
    assert.ok(lines.includes('tag-alice; scheme="http://tags.example/#"; class="mixin"; title="Web servers"; location="http://lines.example/tag-alice/"'), lines.join('\n').slice(0, 500));
    assert.deepEqual(r.headerList!.slice(0, 4), ['Content-Type', 'text/occi', 'Category', lines]);
  });

  test('a base is kept only when it is plain from its first character to its last; any other is rendered afresh and escaped', async () => {
    const ctx = await catalogs('Web servers', 'alice');
    const cache = new DiscoveryCache();
    for (const base of ['"http://h', 'http://h/"http://h', 'x http://h.example']) {
      const a = cache.lookup(ctx('alice', base), text, call)!;
      assert.notEqual(cache.lookup(ctx('alice', base), text, call), a, `${base} is not kept`);
      assert.deepEqual(a.rendered, uncached(ctx('alice', base), text).rendered, base);
    }
    assert.equal(cache.usage.entries, 0, 'no template is made for them');
  });
});

describe('the discovery cache is bounded by the memory it holds', () => {
  test('each answer kept counts its strings at two bytes a character and its encoded body, exactly', async () => {
    const ctx = await catalogs('Διακομιστές ιστού', 'alice');
    for (const renderer of [text, lineByLine]) {
      const cache = new DiscoveryCache();
      cache.lookup(ctx('alice', 'http://one.example'), renderer, call);
      let before = cache.usage.bytes;
      for (const base of ['http://two.example', 'http://three.example:8080/occi']) {
        const r = cache.lookup(ctx('alice', base), renderer, call)!;
        if (renderer === text) assert.ok(r.bytes!.length > r.rendered.body.length, 'the Greek title takes two bytes a letter in UTF-8');
        assert.equal(cache.usage.bytes - before, answerBytes(r), `${renderer.mediaType}: the answer on ${base}`);
        before = cache.usage.bytes;
      }
    }
  });

  test("a tenant's template counts its body and header parts at two bytes a character, and a fixed cost of a few hundred bytes", async () => {
    const ctx = await catalogs('Web servers', 'alice');
    for (const renderer of [text, lineByLine]) {
      const cache = new DiscoveryCache();
      const base = 'http://counted.example';
      const r = cache.lookup(ctx('alice', base), renderer, call)!;
      const chars = templateChars(r, base);
      assert.ok(chars > 2000, `${renderer.mediaType}: the whole catalogue is in the template (${chars} characters)`);
      const rest = cache.usage.bytes - answerBytes(r) - 2 * chars;
      assert.ok(rest >= 0 && rest <= 512, `${renderer.mediaType}: ${cache.usage.bytes} bytes counted, ${rest} of them beyond the template's and its answer's`);
    }
  });

  test("other tenants' templates push the least recently used one out once the bytes are full, and a template larger than the whole budget is answered but not kept", async () => {
    const ctx = await catalogs('Web servers', 'alice', 'bob', 'carol');
    const probe = new DiscoveryCache();
    probe.lookup(ctx('alice', 'http://h'), text, call);
    const one = probe.usage.bytes;
    const cache = new DiscoveryCache({ maxEntries: 100, maxBytes: Math.floor(one * 2.5) });
    const alice = cache.lookup(ctx('alice', 'http://h'), text, call)!;
    const bob = cache.lookup(ctx('bob', 'http://h'), text, call)!;
    assert.equal(cache.usage.entries, 2);
    cache.lookup(ctx('carol', 'http://h'), text, call);
    assert.equal(cache.usage.entries, 2, 'two templates fill the bytes');
    assert.ok(cache.usage.bytes <= one * 2.5);
    assert.equal(cache.lookup(ctx('bob', 'http://h'), text, call), bob, 'bob, used after alice, is kept');
    const again = cache.lookup(ctx('alice', 'http://h'), text, call)!;
    assert.notEqual(again, alice, 'alice, the least recently used, went');
    assert.equal(again.rendered.body, alice.rendered.body);

    const small = new DiscoveryCache({ maxEntries: 100, maxBytes: Math.floor(one / 2) });
    const r = small.lookup(ctx('alice', 'http://h'), text, call)!;
    assert.deepEqual(r.rendered, alice.rendered);
    assert.deepEqual(small.usage, { entries: 0, bytes: 0 });
  });

  test('by default at most 1,024 templates and 16 MiB', () => {
    assert.deepEqual(DISCOVERY_CACHE_BOUNDS, { maxEntries: 1024, maxBytes: 16 * 1024 * 1024 });
  });
});

describe("the discovery cache's lookups in /metrics", () => {
  test('hits and misses are counted under the name "discovery"', async () => {
    await metrics.enable();
    const ctx = await catalogs('Web servers', 'alice');
    const count = async (which: 'hits' | 'misses') => Number(new RegExp(`^snf_occi_cache_${which}_total\\{cache="discovery"\\} (\\d+)$`, 'm').exec((await metrics.render()).body)?.[1] ?? 0);
    const [hits, misses] = [await count('hits'), await count('misses')];
    const cache = new DiscoveryCache();
    cache.lookup(ctx('alice', 'http://h'), text, call);
    cache.lookup(ctx('alice', 'http://h'), text, call);
    cache.lookup(ctx('alice', 'http://h'), text, call);
    assert.equal((await count('misses')) - misses, 1, 'the first lookup misses');
    assert.equal((await count('hits')) - hits, 2, 'the next two hit');
  });
});
