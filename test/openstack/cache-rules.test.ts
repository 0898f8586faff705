// The rules of the OpenStack backend's caches that hand-planted mutants of
// src/backends/openstack/caches/ got past (docs/testing.md): expiry at its
// very edge, shared and forgotten loads, what is kept at all, and the per-cloud
// choices of the template and zone caches. A clock the test moves; clouds as
// small stand-ins with only the members the caches read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedCache } from '../../src/backends/openstack/caches/cache.js';
import { RecentStates } from '../../src/backends/openstack/caches/recent-states.js';
import { SnapshotCache } from '../../src/backends/openstack/caches/snapshot-cache.js';
import { TemplateCache } from '../../src/backends/openstack/caches/template-cache.js';
import { ZoneGroupCache } from '../../src/backends/openstack/caches/zone-group-cache.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import { OcciError } from '../../src/errors.js';
import { metrics } from '../../src/metrics.js';

/** A promise the test settles when it chooses. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('openstack caches: the bounded cache', () => {
  it('a value is fresh until its expiry and no longer at it; a listing is renewed from that moment', async () => {
    let now = 1_000;
    const cache = new BoundedCache<string>(10, () => now);
    let loads = 0;
    const load = async (): Promise<string> => `v${++loads}`;
    assert.equal(await cache.getOrRefresh('k', load, 100, 1_000), 'v1');
    now = 1_099;
    assert.equal(await cache.getOrRefresh('k', load, 100, 1_000), 'v1');
    assert.equal(loads, 1, 'still fresh one millisecond before expiry');
    now = 1_100;
    assert.equal(await cache.getOrRefresh('k', load, 100, 1_000), 'v1', 'expired: the stale value is answered at once');
    assert.equal(loads, 2, 'and a renewal started at the very moment of expiry');
  });

  it('a time to live of 0 keeps nothing', () => {
    const cache = new BoundedCache<string>(10, () => 0);
    cache.set('k', 'v', 0);
    assert.equal(cache.size, 0);
    cache.set('k', 'v', 1);
    assert.equal(cache.size, 1);
  });

  it('a value read after it can no longer be answered stale is dropped, not kept', () => {
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now);
    cache.set('k', 'v', 10, 10);
    now = 15;
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.size, 1, 'stale: kept for a renewal');
    now = 20;
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.size, 0, 'past stale: gone');
  });

  it('concurrent loads of one key share one call to the cloud', async () => {
    const cache = new BoundedCache<string>(10);
    const d = deferred<string>();
    let loads = 0;
    const load = (): Promise<string> => (loads++, d.promise);
    const both = Promise.all([cache.getOrLoad('k', load, () => 60_000), cache.getOrLoad('k', load, () => 60_000)]);
    d.resolve('v');
    assert.deepEqual(await both, ['v', 'v']);
    assert.equal(loads, 1);
  });

  it('a load under way when its prefix is forgotten is answered but not kept (a token forgotten while validated)', async () => {
    const cache = new BoundedCache<string>(10);
    const d = deferred<string>();
    const first = cache.getOrLoad('tok|p1', () => d.promise, () => 60_000);
    cache.deletePrefix('tok|');
    d.resolve('old');
    assert.equal(await first, 'old');
    let loads = 0;
    assert.equal(await cache.getOrLoad('tok|p1', async () => `new${++loads}`, () => 60_000), 'new1', 'the next lookup loads again');
  });

  it('a named cache counts a lookup that found nothing as a miss, a stale answer as a hit', async () => {
    await metrics.enable();
    let now = 0;
    const cache = new BoundedCache<string>(10, () => now, 1 << 20, 'ospl_rules');
    const count = async (): Promise<{ hits: number; misses: number }> => {
      const body = (await metrics.render()).body;
      const read = (name: string): number => Number(new RegExp(`^${name}\\{cache="ospl_rules"\\} (\\d+)`, 'm').exec(body)?.[1] ?? 0);
      return { hits: read('snf_occi_cache_hits_total'), misses: read('snf_occi_cache_misses_total') };
    };
    const before = await count();
    await cache.getOrRefresh('k', async () => 'v', 10, 100);
    now = 50;
    await cache.getOrRefresh('k', async () => 'v', 10, 100);
    const after = await count();
    assert.deepEqual({ hits: after.hits - before.hits, misses: after.misses - before.misses }, { hits: 1, misses: 1 });
  });
});

describe('openstack caches: recent states', () => {
  it('a forgotten server is not taken afterwards', () => {
    const states = new RecentStates();
    const cloud = { scopeKey: 'p1|nova' } as Cloud;
    states.remember(cloud, { id: 's1', name: 'vm', status: 'ACTIVE' });
    states.forget(cloud, 's1');
    assert.equal(states.take(cloud, 's1'), undefined);
  });
});

describe('openstack caches: templates and zones per cloud', () => {
  const flavors = [{ id: 'f1', name: 'small', vcpus: 1, ram: 512, disk: 1 }];

  it('Synnefo: the images come from the compute API, not Glance', async () => {
    const cloud = {
      scopeKey: 'p1|nova',
      dialect: { images: 'compute' },
      glance: undefined,
      nova: { listImages: async () => [{ id: 7, name: 'debian', status: 'ACTIVE' }], listFlavors: async () => flavors },
    } as unknown as Cloud;
    const index = await new TemplateCache(60_000).index(cloud);
    assert.deepEqual(index.os.map((m) => m.term), ['debian']);
  });

  it('a catalog without an image endpoint is a 503 that says so', async () => {
    const cloud = { scopeKey: 'p1|nova', dialect: { images: 'glance' }, glance: undefined, nova: { listFlavors: async () => flavors } } as unknown as Cloud;
    await assert.rejects(new TemplateCache(60_000).index(cloud), (e: OcciError) => e.status === 503 && /no image endpoint/.test(e.message));
  });

  it('after invalidate (a saved image) the templates are listed again', async () => {
    let listed = 0;
    const cloud = {
      scopeKey: 'p1|nova',
      dialect: { images: 'glance' },
      glance: { listImages: async () => [{ id: `i${++listed}`, name: `image${listed}`, status: 'active' }] },
      nova: { listFlavors: async () => flavors },
    } as unknown as Cloud;
    const cache = new TemplateCache(60_000);
    assert.deepEqual((await cache.index(cloud)).os.map((m) => m.term), ['image1']);
    assert.deepEqual((await cache.index(cloud)).os.map((m) => m.term), ['image1']);
    cache.invalidate(cloud);
    assert.deepEqual((await cache.index(cloud)).os.map((m) => m.term), ['image2']);
  });

  it('after invalidate (a snapshot made or deleted) the snapshots are listed again', async () => {
    let listed = 0;
    const cloud = {
      scopeKey: 'p1|nova',
      dialect: { snapshotTemplates: true },
      hasCinder: true,
      cinder: { listSnapshots: async () => [{ id: `s${++listed}`, volume_id: 'v1', size: 1, status: 'available', name: `snap${listed}` }] },
    } as unknown as Cloud;
    const cache = new SnapshotCache(60_000);
    assert.deepEqual((await cache.index(cloud)).mixins.map((m) => m.term), ['snap1']);
    assert.deepEqual((await cache.index(cloud)).mixins.map((m) => m.term), ['snap1']);
    cache.invalidate(cloud);
    assert.deepEqual((await cache.index(cloud)).mixins.map((m) => m.term), ['snap2']);
  });

  it('a cloud without zones and groups (Synnefo) is not asked for them; one without Neutron has no groups', async () => {
    const refuse = (): never => {
      throw new Error('not to be asked');
    };
    const synnefo = { scopeKey: 'p1|nova', dialect: { zonesAndGroups: false }, hasNeutron: true, nova: { listAvailabilityZones: refuse }, neutron: { listSecurityGroups: refuse } } as unknown as Cloud;
    const none = await new ZoneGroupCache(60_000, 60_000).get(synnefo);
    assert.deepEqual([none.zones.mixins, none.groups.mixins], [[], []]);
    const noNeutron = {
      scopeKey: 'p1|nova',
      dialect: { zonesAndGroups: true },
      hasNeutron: false,
      session: { projectId: 'p1' },
      nova: { listAvailabilityZones: async () => [{ zoneName: 'nova', zoneState: { available: true } }] },
      neutron: { listSecurityGroups: refuse },
    } as unknown as Cloud;
    const got = await new ZoneGroupCache(60_000, 60_000).get(noNeutron);
    assert.deepEqual([got.zones.mixins.map((m) => m.term), got.groups.mixins], [['nova'], []]);
  });
});
