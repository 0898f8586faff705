// The bounded cache's rules that mutants of src/backends/openstack/caches/cache.ts
// got past in the first Stryker run over caches/ (docs/testing.md): expiry and
// staleness at their very millisecond, what forgetting and clearing do to loads
// under way, hit counts at the edge, and how long a listing is answered stale
// (docs/openstack.md: up to 10 minutes). A clock the test moves; loads the test
// settles when it chooses.
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { BoundedCache } from '../../src/backends/openstack/caches/cache.js';
import { TemplateCache } from '../../src/backends/openstack/caches/template-cache.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import { metrics } from '../../src/metrics.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('openstack caches: the bounded cache at its edges', () => {
  it('get() answers a value until its expiry and not at it', () => {
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now);
    cache.set('k', 'v', 100);
    now = 99;
    assert.equal(cache.get('k'), 'v');
    now = 100;
    assert.equal(cache.get('k'), undefined);
  });

  it('at the very millisecond it can no longer be answered stale, a lookup waits for the new value and counts as a miss', async () => {
    await metrics.enable();
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now, 1 << 20, 'ospl_edge');
    const misses = async (): Promise<number> =>
      Number(/^snf_occi_cache_misses_total\{cache="ospl_edge"\} (\d+)/m.exec((await metrics.render()).body)?.[1] ?? 0);
    let loads = 0;
    const load = async (): Promise<string> => `v${++loads}`;
    assert.equal(await cache.getOrRefresh('k', load, 10, 5), 'v1');
    const before = await misses();
    now = 15;
    assert.equal(await cache.getOrRefresh('k', load, 10, 5), 'v2', 'not the stale v1');
    assert.equal(await misses(), before + 1);
  });

  it('forgetting a prefix leaves the loads under way of other keys alone', async () => {
    const cache = new BoundedCache<string>(10);
    const d = deferred<string>();
    const other = cache.getOrLoad('b|p1', () => d.promise, () => 60_000);
    cache.deletePrefix('a|');
    d.resolve('kept');
    assert.equal(await other, 'kept');
    assert.equal(cache.get('b|p1'), 'kept');
  });

  it('a load that ends after its key was forgotten and loaded anew does not stop the new load from being shared', async () => {
    const cache = new BoundedCache<string>(10);
    const first = deferred<string>();
    const second = deferred<string>();
    let loads = 0;
    const load = (d: { promise: Promise<string> }) => (): Promise<string> => (loads++, d.promise);
    const a = cache.getOrLoad('k', load(first), () => 60_000);
    cache.delete('k');
    const b = cache.getOrLoad('k', load(second), () => 60_000);
    first.resolve('old');
    assert.equal(await a, 'old');
    const c = cache.getOrLoad('k', load(second), () => 60_000);
    second.resolve('new');
    assert.deepEqual(await Promise.all([b, c]), ['new', 'new']);
    assert.equal(loads, 2, 'the third lookup shared the second load');
  });

  it('clear() forgets every value and every load under way', async () => {
    const cache = new BoundedCache<string>(10);
    cache.set('a', 'v', 60_000);
    const d = deferred<string>();
    const loading = cache.getOrLoad('b', () => d.promise, () => 60_000);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(cache.bytes, 0);
    d.resolve('late');
    assert.equal(await loading, 'late');
    assert.equal(cache.get('b'), undefined, 'a load under way when cleared is answered, not kept');
  });
});

describe('openstack caches: how long a listing is answered stale', () => {
  afterEach(() => mock.timers.reset());

  it('templates expired less than 10 minutes ago are answered at once while they are renewed; after that a request waits', async () => {
    mock.timers.enable({ apis: ['Date'], now: 0 });
    let listed = 0;
    const cloud = {
      scopeKey: 'p1|nova',
      dialect: { images: 'glance' },
      glance: { listImages: async () => [{ id: `i${++listed}`, name: `image${listed}`, status: 'active' }] },
      nova: { listFlavors: async () => [] },
    } as unknown as Cloud;
    const cache = new TemplateCache(1_000);
    const terms = async (): Promise<string[]> => (await cache.index(cloud)).os.map((m) => m.term);
    assert.deepEqual(await terms(), ['image1']);
    mock.timers.tick(1_000 + 10 * 60_000 - 1);
    assert.deepEqual(await terms(), ['image1'], 'expired 9 min 59.999 s ago: answered as it was');
    assert.equal(listed, 2, 'and renewed in the background');
    await new Promise((r) => setImmediate(r));
    mock.timers.tick(1_000 + 10 * 60_000);
    assert.deepEqual(await terms(), ['image3'], 'expired 10 minutes ago: the request waits for the cloud');
  });
});
