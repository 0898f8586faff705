// The discovery cache (GET /-/ without filters): which requests it answers,
// the request's base put in every location of body and headers, the last
// four bases kept ready with their template, a changed catalogue making a
// new template, bases that would need escaping never kept, and its bounds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiscoveryCache } from '../../src/http/discovery-cache.js';
import type { Call } from '../../src/http/dispatch.js';
import { rendererFor } from '../../src/http/renderers.js';
import { osTemplate } from '../../src/model/templates.js';
import { CatalogCache } from '../../src/operations/catalog-cache.js';
import type { OcciContext } from '../../src/operations/context.js';
import type { Backend, Credentials, ProviderMixins } from '../../src/port/backend.js';
import { emptyPayload } from '../../src/rendering/document.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';

const text = rendererFor('text/plain', undefined);
const occi = rendererFor('text/occi', undefined);
const discovery: Call = { method: 'GET', route: { type: 'query' }, query: new URLSearchParams(), headers: {}, payload: emptyPayload() };

async function setting(): Promise<{ ctx: (base: string) => OcciContext; store: UserMixinStore; catalogs: CatalogCache; creds: Credentials }> {
  const backend = { providerMixins: async (): Promise<ProviderMixins> => ({ os: [osTemplate({ id: 'd1', term: 'Debian', title: 'Debian 12' })], resource: [], other: [] }) } as unknown as Backend;
  const store = new UserMixinStore(undefined);
  const catalogs = new CatalogCache(backend, store);
  const creds: Credentials = { token: 'tok', tenant: 't1' };
  const catalog = await catalogs.get(creds);
  return { ctx: (base) => ({ creds, catalog, base, occi11: false }) as unknown as OcciContext, store, catalogs, creds };
}

describe('the discovery cache', () => {
  test('only an unfiltered GET or HEAD of the query interface', async () => {
    const { ctx } = await setting();
    const cache = new DiscoveryCache();
    const c = ctx('http://h');
    assert.equal(cache.lookup(c, text, { ...discovery, method: 'POST' }), undefined);
    assert.equal(cache.lookup(c, text, { ...discovery, method: 'DELETE' }), undefined);
    assert.equal(cache.lookup(c, text, { ...discovery, route: { type: 'collection', owner: { type: 'path', path: '/a/' } } }), undefined);
    assert.equal(cache.lookup(c, text, { ...discovery, payload: { ...emptyPayload(), categories: [{ scheme: '', term: 'compute' }], empty: false } }), undefined);
    assert.equal(cache.usage.entries, 0);
    assert.equal(cache.lookup(c, text, { ...discovery, method: 'HEAD' })?.status, 200);
    assert.equal(cache.lookup(c, text, discovery)?.status, 200);
    assert.equal(cache.usage.entries, 1, 'GET and HEAD share the template');
  });

  test("each answer holds the request's base in body and headers, and its Content-Length in bytes", async () => {
    const { ctx } = await setting();
    const cache = new DiscoveryCache();
    for (const base of ['http://a.example', 'https://b.example:8443', 'http://[::1]:80', 'https://proxy.example/occi/v1']) {
      const r = cache.lookup(ctx(base), text, discovery)!;
      assert.match(r.rendered.body, new RegExp(`location="${base.replace(/[.[\]/]/g, '\\$&')}/compute/"`), base);
      assert.ok(!r.rendered.body.includes('.invalid'), 'no placeholder left');
      assert.deepEqual(r.bytes, Buffer.from(r.rendered.body));
      const list = r.headerList!;
      assert.equal(list[list.indexOf('Content-Length') + 1], r.bytes!.length);
      const h = cache.lookup(ctx(base), occi, discovery)!;
      const categories = ([] as string[]).concat(h.rendered.headers['Category'] ?? []).join(',');
      assert.ok(categories.includes(`location="${base}/compute/"`), `text/occi headers: ${categories.slice(0, 200)}`);
      assert.ok(!categories.includes('.invalid'));
    }
  });

  test('the last four bases are kept ready; a fifth lets the oldest go', async () => {
    const { ctx } = await setting();
    const cache = new DiscoveryCache();
    const bases = ['http://b1', 'http://b2', 'http://b3', 'http://b4'];
    const first = bases.map((b) => cache.lookup(ctx(b), text, discovery)!);
    bases.forEach((b, i) => assert.equal(cache.lookup(ctx(b), text, discovery), first[i], `${b} kept`));
    const bytes = cache.usage.bytes;
    cache.lookup(ctx('http://b5'), text, discovery);
    assert.notEqual(cache.lookup(ctx('http://b1'), text, discovery), first[0], 'the oldest was let go, and is made anew');
    assert.equal(cache.lookup(ctx('http://b1'), text, discovery)!.rendered.body, first[0]!.rendered.body);
    assert.ok(cache.usage.bytes > 0 && cache.usage.bytes <= bytes * 1.5, `bytes stay bounded: ${cache.usage.bytes} against ${bytes}`);
  });

  test('a changed catalogue is a new template: the new mixin is listed', async () => {
    const { ctx, store, catalogs, creds } = await setting();
    const cache = new DiscoveryCache();
    const before = cache.lookup(ctx('http://h'), text, discovery)!;
    assert.doesNotMatch(before.rendered.body, /newtag/);
    await store.add(creds.tenant, [{ scheme: 'http://x.example/#', term: 'newtag', title: null, location: '/newtag/' }]);
    const catalog = await catalogs.get(creds);
    const after = cache.lookup({ ...ctx('http://h'), catalog } as OcciContext, text, discovery)!;
    assert.match(after.rendered.body, /newtag/);
    assert.equal(cache.usage.entries, 1, 'the template replaced, not added');
  });

  test('a base that is not plain (a query, quotes, spaces) is rendered afresh and never kept', async () => {
    const { ctx } = await setting();
    const cache = new DiscoveryCache();
    for (const base of ['http://h/x?y=1', 'http://h/"q"', 'http://h/a b', 'ftp://h']) {
      const a = cache.lookup(ctx(base), text, discovery)!;
      const b = cache.lookup(ctx(base), text, discovery)!;
      assert.notEqual(a, b, base);
      assert.equal(a.rendered.body, b.rendered.body);
      assert.equal(a.headerList, undefined, 'rendered as any answer is');
    }
    assert.equal(cache.usage.entries, 0);
  });

  test('bounded in entries: the least recently used tenant goes', async () => {
    const { ctx } = await setting();
    const cache = new DiscoveryCache({ maxEntries: 2, maxBytes: 16 * 1024 * 1024 });
    for (const tenant of ['a', 'b', 'c']) cache.lookup({ ...ctx('http://h'), creds: { token: tenant, tenant } } as OcciContext, text, discovery);
    assert.equal(cache.usage.entries, 2);
  });
});
