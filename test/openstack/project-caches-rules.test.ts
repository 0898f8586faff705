// The per-project caches' rules that mutants of src/backends/openstack/caches/
// got past in the first Stryker run over it (docs/testing.md): which refusals
// of the cloud mean "none offered" and which are passed on, clear() on close,
// the names the caches are counted under in /metrics, and a remembered server
// body of a realistic size. Clouds are small stand-ins with only the members
// the caches read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentStates } from '../../src/backends/openstack/caches/recent-states.js';
import { SnapshotCache } from '../../src/backends/openstack/caches/snapshot-cache.js';
import { TemplateCache } from '../../src/backends/openstack/caches/template-cache.js';
import { ZoneGroupCache } from '../../src/backends/openstack/caches/zone-group-cache.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import { OcciError } from '../../src/errors.js';
import { metrics } from '../../src/metrics.js';

const lookups = async (cache: string): Promise<{ hits: number; misses: number }> => {
  const body = (await metrics.render()).body;
  const read = (name: string): number => Number(new RegExp(`^${name}\\{cache="${cache}"\\} (\\d+)`, 'm').exec(body)?.[1] ?? 0);
  return { hits: read('snf_occi_cache_hits_total'), misses: read('snf_occi_cache_misses_total') };
};

/** A cloud whose snapshot, zone and group listings answer with `answer` (a list, or an error to throw). */
function cloudAnswering(answer: () => unknown): Cloud {
  const list = async (): Promise<unknown> => {
    const a = answer();
    if (a instanceof Error) throw a;
    return a;
  };
  return {
    scopeKey: 'p1|nova',
    dialect: { snapshotTemplates: true, zonesAndGroups: true, images: 'glance' },
    hasCinder: true,
    hasNeutron: true,
    session: { projectId: 'p1' },
    cinder: { listSnapshots: list },
    nova: { listAvailabilityZones: list, listFlavors: async () => [] },
    neutron: { listSecurityGroups: list },
    glance: { listImages: list },
  } as unknown as Cloud;
}

const refusals: [string, () => Error][] = [
  ['a 403 (policy)', () => new OcciError(403, 'Policy does not allow this')],
  ['a 404 (no such extension)', () => new OcciError(404, 'The resource could not be found')],
];
const passedOn: [string, () => Error][] = [
  ['a 500 of the cloud', () => new OcciError(500, 'the cloud failed')],
  ['a fault of the bridge itself, even one carrying a 404 status', () => Object.assign(new TypeError('x is undefined'), { status: 404 })],
];

describe('openstack caches: refusals of a listing', () => {
  for (const [what, error] of refusals) {
    it(`${what} to list snapshots, zones or groups offers none of them`, async () => {
      const cloud = cloudAnswering(error);
      assert.deepEqual((await new SnapshotCache(60_000).index(cloud)).mixins, []);
      const { zones, groups } = await new ZoneGroupCache(60_000, 60_000).get(cloud);
      assert.deepEqual([zones.mixins, groups.mixins], [[], []]);
    });
  }
  for (const [what, error] of passedOn) {
    it(`${what} is passed on, not taken for "none offered"`, async () => {
      const cloud = cloudAnswering(error);
      await assert.rejects(new SnapshotCache(60_000).index(cloud), (e: Error) => e.message === error().message);
      await assert.rejects(new ZoneGroupCache(60_000, 60_000).zones(cloud), (e: Error) => e.message === error().message);
      await assert.rejects(new ZoneGroupCache(60_000, 60_000).groups(cloud), (e: Error) => e.message === error().message);
    });
  }
});

describe('openstack caches: clear() (on close) forgets every project', () => {
  it('templates, snapshots, zones and groups are listed again after clear()', async () => {
    let n = 0;
    const cloud = cloudAnswering(() => {
      n++;
      return [];
    });
    const templates = new TemplateCache(60_000);
    const snapshots = new SnapshotCache(60_000);
    const zonesGroups = new ZoneGroupCache(60_000, 60_000);
    const all = async (): Promise<void> => {
      await Promise.all([templates.index(cloud), snapshots.index(cloud), zonesGroups.get(cloud)]);
    };
    await all();
    assert.equal(n, 4, 'images, snapshots, zones, groups');
    await all();
    assert.equal(n, 4, 'cached');
    templates.clear();
    snapshots.clear();
    zonesGroups.clear();
    await all();
    assert.equal(n, 8, 'each listed again');
  });

  it('a remembered server state is gone after clear()', () => {
    const states = new RecentStates();
    const cloud = { scopeKey: 'p1|nova' } as Cloud;
    states.remember(cloud, { id: 's1', name: 'vm', status: 'ACTIVE' });
    states.clear();
    assert.equal(states.take(cloud, 's1'), undefined);
  });
});

describe('openstack caches: sizes and counts', () => {
  it('a server body of tens of KiB (long metadata) is still remembered', () => {
    const states = new RecentStates();
    const cloud = { scopeKey: 'p1|nova' } as Cloud;
    const metadata = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}`, 'v'.repeat(200)]));
    states.remember(cloud, { id: 's1', name: 'vm', status: 'ACTIVE', metadata });
    assert.equal(states.take(cloud, 's1')?.status, 'ACTIVE');
  });

  it('lookups of the templates and of the recent states are counted in /metrics under those names', async () => {
    await metrics.enable();
    const t0 = await lookups('templates');
    const r0 = await lookups('recent_states');
    const cloud = cloudAnswering(() => []);
    const templates = new TemplateCache(60_000);
    await templates.index(cloud);
    await templates.index(cloud);
    new RecentStates().take(cloud, 's1');
    const t1 = await lookups('templates');
    const r1 = await lookups('recent_states');
    assert.deepEqual({ hits: t1.hits - t0.hits, misses: t1.misses - t0.misses }, { hits: 1, misses: 1 });
    assert.deepEqual({ hits: r1.hits - r0.hits, misses: r1.misses - r0.misses }, { hits: 0, misses: 1 });
  });
});
