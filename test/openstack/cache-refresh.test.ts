// The OpenStack backend's listings of the cloud are answered stale while one
// load in the background renews them, so no request waits for an expired
// cache (issue 7); validated tokens never are. Polls start at 50 ms and
// spread out, bounded by the deadline. The clock here is the test's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedCache } from '../../src/backends/openstack/caches/cache.js';
import { pollDelay, POLL, waitUntil } from '../../src/backends/openstack/services/wait.js';

/** A load the test settles by hand, counting how often it was started. */
function manualLoads<V>() {
  const pending: { resolve: (v: V) => void; reject: (e: Error) => void }[] = [];
  return {
    pending,
    load: (): Promise<V> => new Promise<V>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('stale-while-revalidate caches of the OpenStack backend', () => {
  it('answers an expired value at once while one load renews it, then the new value', async () => {
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now);
    const loads = manualLoads<string>();
    const first = cache.getOrRefresh('p', loads.load, 1000, 5000);
    loads.pending[0]!.resolve('v1');
    assert.equal(await first, 'v1', 'a cold cache waits for its first load');
    now = 1500; // expired, within the stale window
    assert.equal(await cache.getOrRefresh('p', loads.load, 1000, 5000), 'v1', 'answered stale, without waiting');
    assert.equal(await cache.getOrRefresh('p', loads.load, 1000, 5000), 'v1');
    assert.equal(loads.pending.length, 2, 'one refresh for any number of stale reads');
    loads.pending[1]!.resolve('v2');
    await turn();
    assert.equal(await cache.getOrRefresh('p', loads.load, 1000, 5000), 'v2');
    assert.equal(loads.pending.length, 2, 'fresh again: no load');
  });

  it('keeps the old value when a renewal fails, and tries again on the next read', async () => {
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now);
    cache.set('p', 'old', 1000, 5000);
    const loads = manualLoads<string>();
    now = 2000;
    assert.equal(await cache.getOrRefresh('p', loads.load, 1000, 5000), 'old');
    loads.pending[0]!.reject(new Error('cloud down'));
    await turn();
    assert.equal(await cache.getOrRefresh('p', loads.load, 1000, 5000), 'old');
    assert.equal(loads.pending.length, 2, 'the next read starts another renewal');
  });

  it('waits for a load once the value is older than the stale window', async () => {
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now);
    cache.set('p', 'old', 1000, 5000);
    now = 6001;
    const loads = manualLoads<string>();
    const answer = cache.getOrRefresh('p', loads.load, 1000, 5000);
    loads.pending[0]!.resolve('new');
    assert.equal(await answer, 'new');
  });

  it('a value forgotten while it loads is answered but not kept: it may predate the change', async () => {
    const cache = new BoundedCache<string>(10);
    const loads = manualLoads<string>();
    const answer = cache.getOrLoad('p', loads.load, () => 60_000);
    cache.delete('p');
    loads.pending[0]!.resolve('before the change');
    assert.equal(await answer, 'before the change');
    assert.equal(cache.get('p'), undefined);
  });

  it('validated tokens (getOrLoad) are never answered stale', async () => {
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now);
    cache.set('tok', 'session', 1000);
    now = 1001;
    const loads = manualLoads<string>();
    const answer = cache.getOrLoad('tok', loads.load, () => 1000);
    loads.pending[0]!.resolve('revalidated');
    assert.equal(await answer, 'revalidated');
  });
});

describe('adaptive polling', () => {
  it('starts at 50 ms and grows by half each poll up to 2 s', () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => pollDelay(n)), [50, 75, 113, 169]);
    assert.equal(pollDelay(40), POLL.maxMs);
    assert.equal(pollDelay(3, 250), 250, 'a fixed period stays fixed');
  });

  it('reads at once, stops when done, and gives up at the deadline with the last value read', async () => {
    let reads = 0;
    const done = await waitUntil(async () => ++reads, (n) => n === 3, { deadlineMs: 10_000 });
    assert.deepEqual(done, { value: 3, settled: true });
    const given = await waitUntil(async () => 'busy', () => false, { deadlineMs: 120 });
    assert.equal(given.settled, false);
    assert.equal(given.value, 'busy');
  });
});
