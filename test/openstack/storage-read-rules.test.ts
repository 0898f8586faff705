// Rules of reading volumes as storage records (services/storage-read.ts)
// that hand-planted mutants got past on the quick files (docs/testing.md):
// when resize is withheld from an attached volume, and the snapshot_tpl of a
// volume made from a snapshot. On a stand-in for the cloud that says whether
// it extends attached volumes, and a real SnapshotIndex.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { typeId } from '../../src/model/category.js';
import { OPENSTACK } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { CinderSnapshot, CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import { SnapshotIndex } from '../../src/backends/openstack/mapping/snapshots.js';
import { storageRecords, type StorageReadDeps } from '../../src/backends/openstack/services/storage-read.js';

const volume = (id: string, v: Partial<CinderVolume> = {}): CinderVolume => ({ id, status: 'available', size: 1, attachments: [], ...v }) as CinderVolume;
const attached = (id: string): CinderVolume => volume(id, { status: 'in-use', attachments: [{ server_id: 's1', device: '/dev/vdb' }] as CinderVolume['attachments'] });

/** A cloud that extends attached volumes (Cinder 3.42) or not, counting how often it is asked. */
function standIn(extendsAttached: boolean): { cloud: Cloud; asked: () => number } {
  let asked = 0;
  const cloud = { dialect: OPENSTACK, extendInUseMicroversion: async () => (asked++, extendsAttached ? '3.42' : undefined) } as unknown as Cloud;
  return { cloud, asked: () => asked };
}

const snapshots: CinderSnapshot[] = [{ id: 'snap1', name: 'nightly', status: 'available', size: 1, volume_id: 'v0' } as CinderSnapshot];
const deps = (): StorageReadDeps & { indexed: () => number } => {
  let indexed = 0;
  return { snapshots: { index: async () => (indexed++, new SnapshotIndex(snapshots)) }, indexed: () => indexed } as unknown as StorageReadDeps & { indexed: () => number };
};

describe('openstack storage records', () => {
  test('R71: on a cloud that extends detached volumes only, an attached volume does not offer resize, a detached one beside it does', async () => {
    const s = standIn(false);
    const [a, d] = await storageRecords(s.cloud, [attached('va'), volume('vd')], deps());
    assert.ok(a!.refused?.includes('resize'), `attached: ${JSON.stringify(a!.refused)}`);
    assert.equal(d!.refused?.includes('resize') ?? false, false, `detached: ${JSON.stringify(d!.refused)}`);
  });

  test('R71: a volume Cinder says is in-use counts as attached though it lists no attachment yet', async () => {
    const [r] = await storageRecords(standIn(false).cloud, [volume('v1', { status: 'in-use', attachments: [] })], deps());
    assert.ok(r!.refused?.includes('resize'), JSON.stringify(r!.refused));
  });

  test('R71: where attached volumes can be extended, resize stays offered', async () => {
    const [r] = await storageRecords(standIn(true).cloud, [attached('va')], deps());
    assert.equal(r!.refused?.includes('resize') ?? false, false);
  });

  test("R56: a volume made from a snapshot carries that snapshot's snapshot_tpl; the snapshots are read only when a volume names one", async () => {
    const d = deps();
    const [plain] = await storageRecords(standIn(true).cloud, [volume('v1')], d);
    assert.equal(d.indexed(), 0);
    const [copy] = await storageRecords(standIn(true).cloud, [volume('v2', { snapshot_id: 'snap1' })], d);
    const tpl = new SnapshotIndex(snapshots).byId('snap1')!;
    assert.ok(copy!.mixins.includes(typeId(tpl)), `mixins: ${copy!.mixins.join(', ')}`);
    assert.equal(plain!.mixins.includes(typeId(tpl)), false);
  });
});
