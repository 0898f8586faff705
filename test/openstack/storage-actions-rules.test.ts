// Rules of the storage actions on Cinder volumes (services/storage-actions.ts)
// that the survivors of the Stryker run over src/backends/openstack/services/
// got past (issue 14): which actions apply, the snapshot's name and the
// snapshot_tpl it answers, a snapshot Cinder fails removed, a backup watched
// exactly until Cinder says how it went and no longer than the call's
// deadline. On a stand-in for the cloud's Cinder client, recording what the
// backend asks of it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { CinderBackup, CinderSnapshot, CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import { SnapshotIndex } from '../../src/backends/openstack/mapping/snapshots.js';
import { storageAction } from '../../src/backends/openstack/services/storage-actions.js';
import type { StorageDeps } from '../../src/backends/openstack/services/storage-service.js';
import * as I from '../../src/model/infrastructure.js';
import { toTerm } from '../../src/model/templates.js';
import { rejectsWith } from '../backends/contract.js';

type Call = [string, ...unknown[]];

interface StandOptions {
  dialect?: Dialect;
  volume?: Partial<CinderVolume>;
  /** What getSnapshot answers in turn (the last one repeats). */
  snapshots?: Partial<CinderSnapshot>[];
  /** What getBackup answers in turn (the last one repeats). */
  backups?: Partial<CinderBackup>[];
  /** The snapshots the project's listing shows after the action (the new one or not). */
  listed?: CinderSnapshot[];
}

function standIn(o: StandOptions = {}): { cloud: Cloud; calls: Call[]; d: StorageDeps & { invalidated: () => number } } {
  const calls: Call[] = [];
  const snapshots = [...(o.snapshots ?? [{ status: 'available' }])];
  const backups = [...(o.backups ?? [{ status: 'available' }])];
  const next = <T>(list: T[]): T => (list.length > 1 ? list.shift()! : list[0]!);
  const cloud = {
    dialect: o.dialect ?? OPENSTACK,
    project: 'p1',
    scopeKey: 'p1|stand-in',
    hasCinder: true,
    extendInUseMicroversion: async () => undefined,
    cinder: {
      getVolume: async (id: string) => (calls.push(['getVolume', id]), { id, status: 'available', size: 2, name: 'data', attachments: [], metadata: {}, ...o.volume }),
      createSnapshot: async (volumeId: string, fields: Record<string, unknown>) => (calls.push(['createSnapshot', volumeId, fields]), { id: 'snap7', volume_id: volumeId, size: 2, status: 'creating', ...fields }),
      getSnapshot: async (id: string) => (calls.push(['getSnapshot', id]), { id, volume_id: 'v1', size: 2, name: 'from-cinder', ...next(snapshots) }),
      deleteSnapshot: async (id: string) => void calls.push(['deleteSnapshot', id]),
      createBackup: async (volumeId: string, name: string) => (calls.push(['createBackup', volumeId, name]), { id: 'b1' }),
      getBackup: async (id: string) => (calls.push(['getBackup', id]), { id, ...next(backups) }),
      deleteBackup: async (id: string) => void calls.push(['deleteBackup', id]),
    },
  } as unknown as Cloud;
  let invalidated = 0;
  const d = {
    timeoutMs: 10_000,
    volumeType: undefined,
    snapshots: { index: async () => new SnapshotIndex(o.listed ?? []), invalidate: () => void invalidated++ },
    invalidated: () => invalidated,
  } as unknown as StorageDeps & { invalidated: () => number };
  return { cloud, calls, d };
}

const named = (calls: Call[], ...names: string[]): Call[] => calls.filter((c) => names.includes(c[0]));
const NAME = /^data-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

describe('openstack storage actions', () => {
  test('R80: an action of another kind (a compute start) does not apply to a storage: a 400 naming it, and Cinder is not asked', async () => {
    const { cloud, calls, d } = standIn();
    await rejectsWith(storageAction(cloud, 'v1', I.COMPUTE_START, {}, d), 400, new RegExp(`^action ${I.COMPUTE_START.scheme.replace(/[.#/]/g, '\\$&')}start does not apply to a storage$`));
    assert.deepEqual(calls, []);
  });

  test('R81: an action the state does not allow is a 409 saying the state and the status', async () => {
    const { cloud, d } = standIn();
    await rejectsWith(storageAction(cloud, 'v1', I.STORAGE_ONLINE, {}, d), 409, /^storage v1 is online \(available\); online is not allowed in that state$/);
  });

  test('R82: resize without a size is a 400 naming size', async () => {
    const { cloud, calls, d } = standIn();
    await rejectsWith(storageAction(cloud, 'v1', I.STORAGE_RESIZE, {}, d), 400, /^size \(GiB, above 0\) is required$/);
    assert.deepEqual(named(calls, 'extendVolume'), []);
  });

  test("R56: a snapshot is named after the volume and the second it was taken, waited for exactly until Cinder has written it, and answered as the project's snapshot_tpl", async () => {
    const listed = [{ id: 'snap7', name: 'nightly', status: 'available', size: 2, volume_id: 'v1' } as CinderSnapshot];
    const { cloud, calls, d } = standIn({ snapshots: [{ status: 'creating' }, { status: 'creating' }, { status: 'available' }], listed });
    const out = await storageAction(cloud, 'v1', I.STORAGE_SNAPSHOT, {}, d);
    const [[, volumeId, fields]] = named(calls, 'createSnapshot') as [[string, string, { name: string; force: boolean }]];
    assert.equal(volumeId, 'v1');
    assert.match(fields.name, NAME);
    assert.equal(fields.force, true);
    assert.equal(named(calls, 'getSnapshot').length, 3);
    assert.equal(d.invalidated(), 1);
    assert.equal(out.mixin?.term, 'nightly');
    assert.equal(out.mixin?.providerId, 'snap7');
  });

  test("R56: a snapshot the project's listing does not show yet is answered as a snapshot_tpl made from what Cinder said of it", async () => {
    const { cloud, calls, d } = standIn();
    const out = await storageAction(cloud, 'v1', I.STORAGE_SNAPSHOT, {}, d);
    const name = (named(calls, 'createSnapshot')[0]![2] as { name: string }).name;
    assert.equal(out.mixin?.term, toTerm(name, 'unused'));
    assert.equal(out.mixin?.providerId, 'snap7');
    assert.match(String(out.mixin?.title), /^Snapshot from-cinder of storage v1 \(2 GB\)$/);
  });

  test('R56: a snapshot Cinder fails (error, error_deleting) is deleted and the action is a 502 saying the status', async () => {
    for (const status of ['error', 'error_deleting']) {
      const { cloud, calls, d } = standIn({ snapshots: [{ status: 'creating' }, { status }] });
      await rejectsWith(storageAction(cloud, 'v1', I.STORAGE_SNAPSHOT, {}, d), 502, new RegExp(`^cinder failed to snapshot volume v1 \\(status ${status}\\)$`));
      assert.deepEqual(named(calls, 'deleteSnapshot'), [['deleteSnapshot', 'snap7']], status);
    }
  });

  test('R56: on Synnefo, where snapshots are no templates, a snapshot is taken by its display_name and the storage answered, not watched', async () => {
    const { cloud, calls, d } = standIn({ dialect: SYNNEFO, volume: { name: undefined, display_name: 'data' } });
    const out = await storageAction(cloud, 'v1', I.STORAGE_SNAPSHOT, {}, d);
    assert.equal(out.mixin, undefined);
    assert.equal(out.entity?.id, 'v1');
    assert.deepEqual(named(calls, 'getSnapshot'), []);
    assert.match((named(calls, 'createSnapshot')[0]![2] as { display_name: string }).display_name, NAME);
  });

  test("R82: a backup is watched until Cinder gives it a status other than creating; a failed one is removed and a 503 with Cinder's reason or none", async () => {
    const { cloud, calls, d } = standIn({ backups: [{}, { status: 'creating' }, { status: 'error', fail_reason: null }] });
    await rejectsWith(storageAction(cloud, 'v1', I.STORAGE_BACKUP, {}, d), 503, /^the cloud has no working volume backup service: the backup failed$/);
    assert.equal(named(calls, 'getBackup').length, 3);
    assert.deepEqual(named(calls, 'deleteBackup'), [['deleteBackup', 'b1']]);
    const [[, volumeId, name]] = named(calls, 'createBackup') as [[string, string, string]];
    assert.equal(volumeId, 'v1');
    assert.match(name, NAME);
  });

  test('R82: a backup that has started (available, backing up) answers the storage after as few reads as that takes', async () => {
    const { cloud, calls, d } = standIn({ backups: [{ status: 'creating' }, { status: 'backing-up' }] });
    const out = await storageAction(cloud, 'v1', I.STORAGE_BACKUP, {}, d);
    assert.equal(out.entity?.id, 'v1');
    assert.equal(named(calls, 'getBackup').length, 2);
    assert.deepEqual(named(calls, 'deleteBackup'), []);
  });

  test("R82: a backup is watched no longer than the call's own deadline when it is shorter than the 5 s probe", async () => {
    const { cloud, calls, d } = standIn({ backups: [{ status: 'creating' }] });
    d.timeoutMs = 100;
    await storageAction(cloud, 'v1', I.STORAGE_BACKUP, {}, d);
    // Reads 250 ms apart, cut short at the 100 ms deadline: two, or a few more when a timer fires a
    // millisecond early (a slow machine makes fewer, never more); watched for 5 s, about twenty.
    assert.ok(named(calls, 'getBackup').length < 8, `${named(calls, 'getBackup').length} reads`);
  });
});
