// Bounded state: every cache is bounded in entries and in bytes, and keyed
// only by what the backend authenticated. Distinct X-Project-Id and Host
// headers add no catalogue and no rendering (each answer puts its own base
// into the tenant's one rendering per media type); with publicUrl set, Host
// plays no part; tenant B never sees nor uses tenant A's user mixin, whatever
// the headers and however warm the caches.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BoundedCache } from '../../src/backends/openstack/caches/cache.js';
import { DISCOVERY_CACHE_BOUNDS } from '../../src/http/discovery-cache.js';
import { estimateBytes, Lru } from '../../src/lru.js';
import { BOB, COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const MIB = 1024 * 1024;

/** A gauge of GET /metrics, e.g. snf_occi_cache_entries{cache="catalog"}. */
async function gauge(s: TestServer, name: string, labels = ''): Promise<number> {
  const text = (await s.request('GET', '/metrics', { token: null })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  assert.ok(line, `${name}{${labels}} in /metrics`);
  return Number(line.split(' ')[1]);
}

describe('bounded caches', () => {
  test('an LRU keeps at most maxEntries and maxBytes, dropping the least recently used', () => {
    const lru = new Lru<string>({ maxEntries: 3, maxBytes: 10_000, sizeOf: (v) => v.length * 2 });
    for (const k of ['a', 'b', 'c']) lru.set(k, 'x');
    lru.get('a');
    lru.set('d', 'x');
    assert.deepEqual([...lru.keys()], ['c', 'a', 'd'], 'b was the least recently used');
    lru.set('big', 'y'.repeat(4000)); // 8 KB: the others must make room
    assert.ok(lru.bytes <= 10_000, `${lru.bytes} bytes`);
    assert.equal(lru.peek('big')?.length, 4000);
    lru.set('huge', 'z'.repeat(6000)); // larger than the whole budget: not kept
    assert.equal(lru.peek('huge'), undefined);
    assert.ok(lru.bytes <= 10_000);
  });

  test('estimates grow with what a value holds', () => {
    assert.ok(estimateBytes('x'.repeat(1000)) >= 2000);
    assert.ok(estimateBytes({ list: Array.from({ length: 1000 }, (_, i) => ({ i, name: `n${i}` })) }) > 50_000);
    const shared = { big: 'x'.repeat(10_000) };
    assert.ok(estimateBytes([shared, shared]) < 2 * estimateBytes(shared), 'an object reached twice counts once');
  });

  test("the OpenStack caches (tokens, templates, zones, groups, subnets) are bounded in bytes too", () => {
    const cache = new BoundedCache<string[]>(1000, Date.now, 3 * MIB);
    for (let i = 0; i < 20; i++) cache.set(`project-${i}`, ['x'.repeat(512 * 1024)], 60_000);
    assert.ok(cache.size <= 3, `${cache.size} entries of about 1 MiB in a 3 MiB cache`);
    assert.ok(cache.bytes <= 3 * MIB);
    assert.ok(cache.get('project-19'), 'the newest is kept');
  });
});

describe('caches keyed by the authenticated tenant, over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
    const def = 'Category: alices; scheme="http://example.com/alice#"; class="mixin"; title="only alice"; location="/alices/"\n';
    assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: def })).status, 200);
  });
  after(() => s.close());

  test('distinct X-Project-Id headers add no catalogue; tenant B never sees A\'s mixin', async () => {
    for (let i = 0; i < 200; i++) {
      assert.equal((await s.request('GET', '/-/', { headers: { 'X-Project-Id': `project-${i}` } })).status, 200);
      await s.request('GET', '/-/', { token: BOB, headers: { 'X-Project-Id': i % 2 ? 'alice' : `project-${i}` } });
    }
    assert.equal(await gauge(s, 'snf_occi_cache_entries', 'cache="catalog"'), 2, 'one catalogue per tenant');
    const variants: Array<Record<string, string>> = [{}, { 'X-Project-Id': 'alice' }, { 'X-Snf-Project': 'alice' }];
    for (const headers of variants) {
      const r = await s.request('GET', '/-/', { token: BOB, headers });
      assert.doesNotMatch(r.body, /alices|only alice/, `bob sees alice's mixin with ${JSON.stringify(headers)}`);
      const used = await s.request('POST', '/compute/', { token: BOB, headers: { ...PLAIN, ...headers }, body: `Category: ${COMPUTE_KIND}\nCategory: alices; scheme="http://example.com/alice#"; class="mixin"\n` });
      assert.equal(used.status, 400, used.body);
      assert.equal((await s.request('GET', '/alices/', { token: BOB, headers })).status, 404);
      assert.equal((await s.request('POST', '/alices/', { token: BOB, headers: { ...PLAIN, ...headers }, body: '' })).status, 404);
    }
    assert.match((await s.request('GET', '/-/')).body, /only alice/, 'alice still has it');
  });

  test('distinct Host headers keep no state: one rendering per tenant and media type, each answer on its own base', async () => {
    const accepts = ['text/plain', 'application/occi+json', 'text/occi'];
    for (let i = 0; i < 700; i++) {
      const r = await s.request('GET', '/-/', { headers: { Host: `h${i}.example.org`, Accept: accepts[i % 3]! } });
      assert.equal(r.status, 200);
      const text = r.body + JSON.stringify(r.headers);
      assert.ok(text.includes(`http://h${i}.example.org/compute/`), `the answer for h${i} is on its own base`);
      assert.ok(!/h\d+\.example\.org/.test(text.replaceAll(`h${i}.example.org`, '')), 'and on no other');
    }
    const entries = await gauge(s, 'snf_occi_cache_entries', 'cache="discovery"');
    assert.ok(entries <= 4, `${entries} renderings: alice's three media types and bob's one`);
    assert.ok((await gauge(s, 'snf_occi_cache_bytes', 'cache="discovery"')) <= DISCOVERY_CACHE_BOUNDS.maxBytes);
    const long = await s.request('GET', '/compute/', { headers: { Host: `${'a'.repeat(300)}.example.org` } });
    assert.equal(long.status, 200, 'an over-long Host is not used for URLs, nor refused');
  });
});

describe('with publicUrl set, Host plays no part', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.publicUrl = 'https://occi.example.org'))));
  after(() => s.close());

  test('one rendering per media type, and every URL on the public base', async () => {
    for (let i = 0; i < 100; i++) {
      const r = await s.request('GET', '/-/', { headers: { Host: `h${i}.example.org` } });
      assert.ok(r.body.includes('https://occi.example.org/compute/') && !r.body.includes(`h${i}.example.org`));
    }
    assert.equal(await gauge(s, 'snf_occi_cache_entries', 'cache="discovery"'), 1);
    const created = await s.request('POST', '/compute/', { headers: { ...PLAIN, Host: 'evil.example.com' }, body: `Category: ${COMPUTE_KIND}\n` });
    assert.match(created.headers.location!, /^https:\/\/occi\.example\.org\/compute\//);
  });
});
