// Every cache in front of a tenant's categories is keyed by the tenant the
// backend authenticated: tenant B never sees nor uses tenant A's user mixin,
// even when the two tenants' definitions have the same version number (both
// defined one mixin) and the provider offers both the same templates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { typeId, type Mixin } from '../../src/model/category.js';
import { osTemplate } from '../../src/model/templates.js';
import { CatalogCache } from '../../src/operations/catalog-cache.js';
import type { OcciContext } from '../../src/operations/context.js';
import { DiscoveryCache } from '../../src/http/discovery-cache.js';
import type { Call } from '../../src/http/dispatch.js';
import { rendererFor } from '../../src/http/renderers.js';
import type { Backend, Credentials, ProviderMixins } from '../../src/port/backend.js';
import { emptyPayload } from '../../src/rendering/document.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';

const debian = osTemplate({ id: 'd1', term: 'Debian', title: 'Debian 12' });
const secretImage = osTemplate({ id: 's1', term: 'SecretA', title: "A's own image" });
const creds = (tenant: string): Credentials => ({ token: `tok-${tenant}`, tenant });
const A = creds('tenant-a');
const B = creds('tenant-b');

/** A backend offering `templates[tenant]` (Debian to anyone not named), counting its calls. */
function backend(templates: Record<string, Mixin[]> = {}): Backend & { calls: number } {
  const b = {
    calls: 0,
    providerMixins: async (c: Credentials): Promise<ProviderMixins> => {
      b.calls++;
      return { os: templates[c.tenant] ?? [debian], resource: [], other: [] };
    },
  };
  return b as unknown as Backend & { calls: number };
}

async function storeWithTags(): Promise<UserMixinStore> {
  const store = new UserMixinStore(undefined);
  await store.add(A.tenant, [{ scheme: 'http://a.example/#', term: 'atag', title: null, location: '/atag/' }]);
  await store.add(B.tenant, [{ scheme: 'http://b.example/#', term: 'btag', title: null, location: '/btag/' }]);
  assert.equal(store.version(A.tenant), store.version(B.tenant), 'the two tenants are at the same version: only the key tells them apart');
  return store;
}

const userTerms = (c: { all: readonly { term: string; origin?: string }[] }): string[] =>
  c.all.filter((x) => (x as { origin?: string }).origin === 'user').map((x) => x.term);

describe('the catalogue cache is per tenant', () => {
  test("tenant B's catalogue holds B's mixin, never A's, in either order and after either is cached", async () => {
    const store = await storeWithTags();
    const cache = new CatalogCache(backend(), store);
    for (const order of [[A, B, A, B], [B, A, B, A]]) {
      for (const c of order) {
        const catalog = await cache.get(c);
        assert.deepEqual(userTerms(catalog), c === A ? ['atag'] : ['btag'], c.tenant);
        assert.equal(catalog.resolve({ scheme: c === A ? 'http://b.example/#' : 'http://a.example/#', term: c === A ? 'btag' : 'atag' }), undefined);
        assert.equal(catalog.atLocation(c === A ? '/btag/' : '/atag/'), undefined);
      }
    }
    assert.equal(cache.usage.entries, 2, 'one entry per tenant');
  });

  test('a hit is the same catalogue; a new definition or new templates make a new one', async () => {
    const store = await storeWithTags();
    const templates: Record<string, Mixin[]> = { [A.tenant]: [debian] };
    const cache = new CatalogCache(backend(templates), store);
    const first = await cache.get(A);
    assert.equal(await cache.get(A), first, 'unchanged: the cached catalogue');
    await store.add(A.tenant, [{ scheme: 'http://a.example/#', term: 'more', title: null, location: '/more/' }]);
    const second = await cache.get(A);
    assert.notEqual(second, first);
    assert.deepEqual(userTerms(second).sort(), ['atag', 'more']);
    templates[A.tenant] = [debian, secretImage];
    const third = await cache.get(A);
    assert.notEqual(third, second);
    assert.ok(third.byTypeId(typeId(secretImage)), 'the new template is in');
    templates[A.tenant] = [debian, osTemplate({ id: 's1', term: 'SecretA', title: "A's own image" })];
    assert.equal(await cache.get(A), third, 'equal templates (a fresh object of the same type id) keep the catalogue');
  });

  test("a template only A's project sees never reaches B's catalogue", async () => {
    const store = new UserMixinStore(undefined);
    const cache = new CatalogCache(backend({ [A.tenant]: [debian, secretImage], [B.tenant]: [debian] }), store);
    assert.ok((await cache.get(A)).byTypeId(typeId(secretImage)));
    assert.equal((await cache.get(B)).byTypeId(typeId(secretImage)), undefined);
  });

  test('the cache is bounded: the least recently used tenant goes first', async () => {
    const store = new UserMixinStore(undefined);
    const cache = new CatalogCache(backend(), store, { maxEntries: 2, maxBytes: 16 * 1024 * 1024 });
    const a = await cache.get(A);
    await cache.get(B);
    await cache.get(A);
    await cache.get(creds('tenant-c'));
    assert.equal(cache.usage.entries, 2);
    assert.equal(await cache.get(A), a, 'A was used last before C came: kept');
    assert.ok(cache.usage.bytes > 0);
  });
});

describe('the discovery cache is per tenant and media type', () => {
  const call: Call = { method: 'GET', route: { type: 'query' }, query: new URLSearchParams(), headers: {}, payload: emptyPayload() };
  const text = rendererFor('text/plain', undefined);
  const json = rendererFor('application/occi+json', undefined);

  async function contexts(): Promise<[OcciContext, OcciContext]> {
    const store = await storeWithTags();
    const catalogs = new CatalogCache(backend(), store);
    const ctx = async (c: Credentials) => ({ creds: c, catalog: await catalogs.get(c), base: 'http://occi.example', occi11: false }) as unknown as OcciContext;
    return [await ctx(A), await ctx(B)];
  }

  test("each tenant is answered its own catalogue, whoever asked first, and a repeat is the kept answer", async () => {
    const [a, b] = await contexts();
    const cache = new DiscoveryCache();
    for (const renderer of [text, json]) {
      const first = cache.lookup(a, renderer, call)!;
      const forB = cache.lookup(b, renderer, call)!;
      assert.match(first.rendered.body, /atag/);
      assert.doesNotMatch(first.rendered.body, /btag/);
      assert.match(forB.rendered.body, /btag/);
      assert.doesNotMatch(forB.rendered.body, /atag/, `${renderer.mediaType}: B sees A's mixin`);
      assert.equal(cache.lookup(a, renderer, call), first, "A's answer survived B's lookup: it is kept under A's key");
    }
    assert.equal(cache.usage.entries, 4, 'two tenants × two media types');
  });

  test('the base of each request is put in its answer; filters, other methods and other paths are not cached', async () => {
    const [a] = await contexts();
    const cache = new DiscoveryCache();
    const here = cache.lookup(a, text, call)!;
    const there = cache.lookup({ ...a, base: 'https://other.example:9000/occi' }, text, call)!;
    assert.match(here.rendered.body, /location="http:\/\/occi\.example\/atag\/"/);
    assert.match(there.rendered.body, /location="https:\/\/other\.example:9000\/occi\/atag\/"/);
    assert.doesNotMatch(there.rendered.body, /occi\.example\//);
    assert.equal(cache.lookup({ ...a, base: 'https://other.example:9000/occi' }, text, call), there);
    assert.equal(cache.lookup(a, text, { ...call, method: 'POST' }), undefined);
    assert.equal(cache.lookup(a, text, { ...call, route: { type: 'collection', owner: { type: 'kind', kind: 'compute' } } as unknown as Call['route'] }), undefined);
    assert.equal(cache.lookup(a, text, { ...call, payload: { ...emptyPayload(), empty: false } }), undefined);
    assert.equal(cache.usage.entries, 1);
  });
});
