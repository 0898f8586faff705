// Rules of creating, renaming, extending and deleting OCCI storage as Cinder
// volumes (services/storage-service.ts) that the survivors of the Stryker run
// over src/backends/openstack/services/ got past (issue 14): what a create
// asks Cinder for (size, name, snapshot, volume type) and what it refuses
// before asking, the refusals of an update, an extend that asks for the
// right size and waits exactly until Cinder is done, and a deletion Cinder
// fails; and of reading volumes as storage (services/storage-read.ts): when
// the cloud is asked whether it extends attached volumes, a volume that
// still lists an attachment, the snapshots read when any volume names one.
// On a stand-in for the cloud's Cinder client (the fake world has one
// volume and no creates), recording what the backend asks of it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, synnefoDialect, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { CinderSnapshot, CinderVolume, CinderVolumeType } from '../../src/backends/openstack/clients/cinder.js';
import { SNAPSHOT_TPL, SnapshotIndex } from '../../src/backends/openstack/mapping/snapshots.js';
import { storageRecords } from '../../src/backends/openstack/services/storage-read.js';
import { createStorage, deleteStorage, sizeGB, updateStorage, type StorageDeps } from '../../src/backends/openstack/services/storage-service.js';
import { OcciError } from '../../src/errors.js';
import { typeId, type Mixin } from '../../src/model/category.js';
import { STORAGE } from '../../src/model/infrastructure.js';
import type { ResourceSpec, UpdateSpec } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';

type Call = [string, ...unknown[]];

interface Stand {
  cloud: Cloud;
  calls: Call[];
  /** The volume getVolume answers (undefined: Cinder does not have it). */
  volume: CinderVolume | undefined;
}

interface StandOptions {
  dialect?: Dialect;
  volume?: Partial<CinderVolume>;
  /** What createVolume answers, or throws. */
  created?: (fields: Record<string, unknown>) => Record<string, unknown>;
  /** Whether the volume is there when read after its creation. */
  lostAfterCreate?: boolean;
  types?: CinderVolumeType[];
  microversion?: string;
  /** Reads an extend lasts ('extending') before it ends in `extendEnds`. */
  extendReads?: number;
  extendEnds?: string;
  /** Reads a deletion lasts ('deleting') before the volume is gone, or the status it fails in. */
  deleteReads?: number;
  deleteFails?: string;
}

function standIn(o: StandOptions = {}): Stand {
  const calls: Call[] = [];
  const s: Stand = { cloud: undefined as unknown as Cloud, calls, volume: { id: 'v1', status: 'available', size: 2, name: 'data', attachments: [], ...o.volume } as CinderVolume };
  let pending = 0;
  let next: (() => void) | undefined;
  s.cloud = {
    dialect: o.dialect ?? OPENSTACK,
    project: 'p1',
    scopeKey: 'p1|stand-in',
    hasCinder: true,
    extendInUseMicroversion: async () => o.microversion,
    cinder: {
      createVolume: async (fields: Record<string, unknown>) => {
        calls.push(['createVolume', fields]);
        const answer = o.created ? o.created(fields) : { id: 'v9', status: 'creating', size: fields.size, name: fields.name, attachments: [] };
        if (o.lostAfterCreate) s.volume = undefined;
        else if (typeof answer.status !== 'string') s.volume = { id: answer.id, status: 'available', size: fields.size, display_name: fields.display_name, attachments: [] } as CinderVolume;
        return answer;
      },
      getVolume: async (id: string) => {
        calls.push(['getVolume', id]);
        if (pending > 0 && --pending === 0) next?.();
        return s.volume && { ...s.volume };
      },
      listVolumeTypes: async () => (calls.push(['listVolumeTypes']), o.types ?? []),
      updateVolume: async (id: string, fields: Record<string, unknown>) => void calls.push(['updateVolume', id, fields]),
      extendVolume: async (id: string, size: number, microversion?: string) => {
        calls.push(['extendVolume', id, size, microversion]);
        s.volume!.status = 'extending';
        pending = o.extendReads ?? 2;
        next = () => Object.assign(s.volume!, o.extendEnds ? { status: o.extendEnds } : { status: 'available', size });
      },
      deleteVolume: async (id: string) => {
        calls.push(['deleteVolume', id]);
        s.volume!.status = 'deleting';
        pending = o.deleteReads ?? 1;
        next = () => (o.deleteFails ? (s.volume!.status = o.deleteFails) : (s.volume = undefined));
      },
    },
  } as unknown as Cloud;
  return s;
}

const snapshots: CinderSnapshot[] = [
  { id: 'snap1', name: 'nightly', status: 'available', size: 3, volume_id: 'v0' } as CinderSnapshot,
  { id: 'snap2', name: 'weekly', status: 'available', size: 1, volume_id: 'v0' } as CinderSnapshot,
];
const INDEX = new SnapshotIndex(snapshots);
const nightly = INDEX.byId('snap1')!;
const weekly = INDEX.byId('snap2')!;

function deps(volumeType?: string, timeoutMs = 5000): StorageDeps & { invalidated: () => number } {
  let invalidated = 0;
  return {
    timeoutMs,
    volumeType,
    snapshots: { index: async () => INDEX, invalidate: () => void invalidated++ },
    invalidated: () => invalidated,
  } as unknown as StorageDeps & { invalidated: () => number };
}

const spec = (attributes: ResourceSpec['attributes'] = {}, mixins: Mixin[] = [], more: Partial<ResourceSpec> = {}): ResourceSpec => ({ kind: 'storage', mixins, attributes, links: [], ...more });
const update = (attributes: UpdateSpec['attributes'], more: Partial<UpdateSpec> = {}): UpdateSpec => ({ attributes, addMixins: [], removeMixins: [], ...more });
const asked = (s: Stand, name: string): Call[] => s.calls.filter((c) => c[0] === name);
/** A mixin of the model that is not a snapshot: an os_tpl-like provider mixin. */
const OTHER: Mixin = { class: 'mixin', scheme: 'http://example.org/occi/infrastructure/os_tpl#', term: 'debian', title: 'debian', location: '/debian/', attributes: new Map(), depends: [], applies: [STORAGE], actions: [], origin: 'provider' } as unknown as Mixin;

describe('openstack storage creation', () => {
  test('R52: a storage asks Cinder for its size, its title as the name, and nothing else the cloud would read', async () => {
    const s = standIn();
    const r = await createStorage(s.cloud, spec({ 'occi.storage.size': 1.2, 'occi.core.title': 'scratch' }), deps());
    assert.deepEqual(asked(s, 'createVolume'), [['createVolume', { size: 2, name: 'scratch' }]]);
    assert.equal(r.id, 'v9');
  });

  test('R52: a storage without a title, or with an empty one, is named occi-storage in the cloud', async () => {
    for (const attributes of [{ 'occi.storage.size': 1 }, { 'occi.storage.size': 1, 'occi.core.title': '' }] as ResourceSpec['attributes'][]) {
      const s = standIn();
      await createStorage(s.cloud, spec(attributes), deps());
      assert.deepEqual(asked(s, 'createVolume'), [['createVolume', { size: 1, name: 'occi-storage' }]], JSON.stringify(attributes));
    }
  });

  test('R50: a storage id chosen by the client is refused, and nothing is created', async () => {
    const s = standIn();
    await rejectsWith(createStorage(s.cloud, spec({ 'occi.storage.size': 1 }, [], { id: 'mine' }), deps()), 400, /^OpenStack assigns storage ids; create with POST to \/storage\/$/);
    assert.deepEqual(s.calls, []);
  });

  test('R52: a storage created with links is refused, and nothing is created', async () => {
    const s = standIn();
    const links = [{ kind: 'storagelink', target: { kind: 'compute', id: 's1' }, mixins: [], attributes: {} }] as unknown as ResourceSpec['links'];
    await rejectsWith(createStorage(s.cloud, spec({ 'occi.storage.size': 1 }, [], { links }), deps()), 400, /^a storage owns no links; link computes to it instead$/);
    assert.deepEqual(s.calls, []);
  });

  test('R52: a size that is missing, zero or not a number is refused naming occi.storage.size, and nothing is created', async () => {
    for (const size of [undefined, 0, -1, Number.NaN, Infinity, '5']) {
      const s = standIn();
      const attributes = (size === undefined ? {} : { 'occi.storage.size': size }) as ResourceSpec['attributes'];
      await rejectsWith(createStorage(s.cloud, spec(attributes), deps()), 400, /^occi\.storage\.size \(GiB, above 0\) is required$/);
      assert.deepEqual(asked(s, 'createVolume'), [], String(size));
    }
    assert.equal(sizeGB(0.1, 'size'), 1);
  });

  test('R56: a storage made from a snapshot asks Cinder for that snapshot, at its size unless more is given', async () => {
    const s = standIn();
    await createStorage(s.cloud, spec({}, [nightly]), deps());
    await createStorage(s.cloud, spec({ 'occi.storage.size': 3 }, [nightly]), deps());
    await createStorage(s.cloud, spec({ 'occi.storage.size': 4 }, [nightly]), deps());
    assert.deepEqual(
      asked(s, 'createVolume').map((c) => c[1]),
      [3, 3, 4].map((size) => ({ size, name: 'occi-storage', snapshot_id: 'snap1' })),
    );
  });

  test('R56: a storage smaller than its snapshot is refused with the size it needs, and nothing is created', async () => {
    const s = standIn();
    await rejectsWith(
      createStorage(s.cloud, spec({ 'occi.storage.size': 2 }, [nightly]), deps()),
      400,
      /^a storage made from snapshot nightly needs at least its 3 GB; give occi\.storage\.size=3 or more$/,
    );
    assert.deepEqual(asked(s, 'createVolume'), []);
  });

  test('R56: the snapshot_tpl family itself is no snapshot to start from: refused naming it, nothing created', async () => {
    const s = standIn();
    await rejectsWith(
      createStorage(s.cloud, spec({ 'occi.storage.size': 1 }, [SNAPSHOT_TPL]), deps()),
      400,
      new RegExp(`^${typeId(SNAPSHOT_TPL).replace(/[.#/]/g, '\\$&')} names the family of snapshot mixins, not one of them: create the storage with one of its members \\(GET /-/\\?category=snapshot_tpl lists them\\)$`),
    );
    assert.deepEqual(s.calls, []);
  });

  test('R56: a storage starts from one snapshot: two are refused naming both, nothing created', async () => {
    const s = standIn();
    await rejectsWith(createStorage(s.cloud, spec({ 'occi.storage.size': 5 }, [nightly, weekly]), deps()), 400, /^a storage starts from one snapshot, not 2: nightly, weekly$/);
    assert.deepEqual(s.calls, []);
  });

  test('R56: a snapshot the project does not have is refused naming it; a mixin that is no snapshot makes no copy', async () => {
    const s = standIn();
    const gone = { ...nightly, term: 'gone', providerId: 'snap-gone' } as Mixin;
    await rejectsWith(createStorage(s.cloud, spec({ 'occi.storage.size': 5 }, [gone]), deps()), 400, /^snapshot gone is not one of this project's; GET \/-\/\?category=snapshot_tpl lists them$/);
    assert.deepEqual(s.calls, []);
    await createStorage(s.cloud, spec({ 'occi.storage.size': 5 }, [OTHER]), deps());
    assert.deepEqual(asked(s, 'createVolume'), [['createVolume', { size: 5, name: 'occi-storage' }]]);
  });

  test('R52: on Synnefo 0.16, which makes volumes only with a server, a storage is refused in words before Cinder is asked', async () => {
    const s = standIn({ dialect: synnefoDialect('0.16') });
    await rejectsWith(
      createStorage(s.cloud, spec({ 'occi.storage.size': 1 }), deps('1')),
      400,
      /^this Synnefo \(0\.16\) creates a volume only together with a server, so an OCCI storage cannot be created on its own; upgrade Synnefo to 0\.17 or later$/,
    );
    assert.deepEqual(s.calls, []);
  });

  test("R52: Cinder's refusal for want of server_id is said as Synnefo 0.16's rule; another 400 is passed on as it is", async () => {
    const refusing = (message: string) => () => {
      throw new OcciError(400, message);
    };
    const old = standIn({ dialect: SYNNEFO, created: refusing('server_id is required') });
    await rejectsWith(createStorage(old.cloud, spec({ 'occi.storage.size': 1 }), deps('1')), 400, /^this Synnefo \(0\.16\) creates a volume only together with a server/);
    const other = standIn({ created: refusing('Invalid volume size') });
    await rejectsWith(createStorage(other.cloud, spec({ 'occi.storage.size': 1 }), deps()), 400, /^Invalid volume size$/);
    // Only a 400 is Cinder's refusal of the request: a failing server_id lookup (500) is the cloud's fault, passed on.
    const failing = standIn({ dialect: SYNNEFO, created: () => {
      throw new OcciError(500, 'server_id lookup failed');
    } });
    await rejectsWith(createStorage(failing.cloud, spec({ 'occi.storage.size': 1 }), deps('1')), 500, /^server_id lookup failed$/);
  });

  test('R52: a configured volume type is asked for as it is; on stock OpenStack without one no type is sent nor listed', async () => {
    const typed = standIn();
    await createStorage(typed.cloud, spec({ 'occi.storage.size': 1 }), deps('fast'));
    assert.deepEqual(asked(typed, 'createVolume'), [['createVolume', { size: 1, name: 'occi-storage', volume_type: 'fast' }]]);
    const plain = standIn();
    await createStorage(plain.cloud, spec({ 'occi.storage.size': 1 }), deps());
    assert.deepEqual(asked(plain, 'listVolumeTypes'), []);
    assert.deepEqual(Object.keys(asked(plain, 'createVolume')[0]![1] as object), ['size', 'name']);
    const synnefo = standIn({ dialect: SYNNEFO, types: [{ id: 7, name: 'ext', 'SNF:disk_template': 'ext_archipelago' }] });
    await createStorage(synnefo.cloud, spec({ 'occi.storage.size': 1 }), deps('3'));
    assert.deepEqual(asked(synnefo, 'listVolumeTypes'), [], 'a configured type is not looked up');
  });

  test('R52: on Synnefo a storage gets the detachable (ext_*) volume type; without one it is refused listing the types', async () => {
    const s = standIn({ dialect: SYNNEFO, types: [{ id: 1, name: 'drbd', 'SNF:disk_template': 'drbd' }, { id: 7, name: 'ext', 'SNF:disk_template': 'ext_archipelago' }] });
    await createStorage(s.cloud, spec({ 'occi.storage.size': 1 }), deps());
    assert.deepEqual(asked(s, 'createVolume'), [['createVolume', { size: 1, display_name: 'occi-storage', project: 'p1', volume_type: '7' }]]);
    const none = standIn({ dialect: SYNNEFO, types: [{ id: 1, name: 'drbd', 'SNF:disk_template': 'drbd' }, { id: 2, name: 'plain' }] });
    await rejectsWith(
      createStorage(none.cloud, spec({ 'occi.storage.size': 1 }), deps()),
      400,
      /^Synnefo offers no detachable \(ext_\*\) volume type, so a storage cannot be created on its own here; types: drbd \(drbd\), plain \(no template\)\. Set openstack\.volumeType if one of them can be$/,
    );
    assert.deepEqual(asked(none, 'createVolume'), []);
    const empty = standIn({ dialect: SYNNEFO, types: [] });
    await rejectsWith(createStorage(empty.cloud, spec({ 'occi.storage.size': 1 }), deps()), 400, /; types: none\. Set/);
  });

  test('R52: a create Cinder answers in part (Cyclades) is read back; one the cloud then lacks is a 502 naming it', async () => {
    const partial = standIn({ dialect: SYNNEFO, created: (f) => ({ id: 12, display_name: f.display_name }) });
    const r = await createStorage(partial.cloud, spec({ 'occi.storage.size': 1 }), deps('1'));
    assert.deepEqual(asked(partial, 'getVolume'), [['getVolume', '12']]);
    assert.equal(r.attributes['occi.storage.state'], 'online');
    const lost = standIn({ created: () => ({ id: 13 }), lostAfterCreate: true });
    await rejectsWith(createStorage(lost.cloud, spec({ 'occi.storage.size': 1 }), deps()), 502, /^the cloud lost volume 13 right after creating it$/);
  });
});

describe('openstack storage update', () => {
  test('R56: a snapshot_tpl cannot be added to a storage: refused saying to create one from it; another mixin refused naming it', async () => {
    const s = standIn();
    await rejectsWith(updateStorage(s.cloud, 'v1', update({}, { addMixins: [nightly] }), deps()), 400, /^a storage starts from a snapshot when it is created; create a new storage with nightly instead$/);
    await rejectsWith(updateStorage(s.cloud, 'v1', update({}, { addMixins: [OTHER] }), deps()), 400, new RegExp(`^mixin ${typeId(OTHER).replace(/[.#/]/g, '\\$&')} cannot be added to an OpenStack volume$`));
    assert.deepEqual(asked(s, 'updateVolume'), []);
  });

  test('R56: leaving the snapshot_tpl out of a PUT removes nothing; removing another mixin is refused naming it', async () => {
    const s = standIn({ volume: { snapshot_id: 'snap1' } });
    const r = await updateStorage(s.cloud, 'v1', update({}, { removeMixins: [nightly] }), deps());
    assert.equal(r.id, 'v1');
    await rejectsWith(updateStorage(s.cloud, 'v1', update({}, { removeMixins: [nightly, OTHER] }), deps()), 400, new RegExp(`^mixin ${typeId(OTHER).replace(/[.#/]/g, '\\$&')} is not on this volume$`));
  });

  test('R61: a new title renames the volume; an empty or the same title (name or Synnefo display_name) asks nothing', async () => {
    const s = standIn();
    await updateStorage(s.cloud, 'v1', update({ 'occi.core.title': 'renamed' }), deps());
    assert.deepEqual(asked(s, 'updateVolume'), [['updateVolume', 'v1', { name: 'renamed' }]]);
    const same = standIn();
    await updateStorage(same.cloud, 'v1', update({ 'occi.core.title': 'data' }), deps());
    await updateStorage(same.cloud, 'v1', update({ 'occi.core.title': '' }), deps());
    assert.deepEqual(asked(same, 'updateVolume'), []);
    const synnefo = standIn({ dialect: SYNNEFO, volume: { name: undefined, display_name: 'disk' } });
    await updateStorage(synnefo.cloud, 'v1', update({ 'occi.core.title': 'disk' }), deps());
    assert.deepEqual(asked(synnefo, 'updateVolume'), []);
    await updateStorage(synnefo.cloud, 'v1', update({ 'occi.core.title': 'disk2' }), deps());
    assert.deepEqual(asked(synnefo, 'updateVolume'), [['updateVolume', 'v1', { display_name: 'disk2' }]]);
  });

  test('R61: an update without a size, or unsetting it (null), extends nothing', async () => {
    const s = standIn();
    await updateStorage(s.cloud, 'v1', update({}), deps());
    await updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': null }), deps());
    assert.deepEqual(asked(s, 'extendVolume'), []);
  });

  test('R61: an update to a size that is not above 0 is refused naming occi.storage.size', async () => {
    const s = standIn();
    await rejectsWith(updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': 0 }), deps()), 400, /^occi\.storage\.size \(GiB, above 0\) is required$/);
    assert.deepEqual(asked(s, 'extendVolume'), []);
  });

  test('R61: the size the volume has asks no extend, even where the cloud cannot extend', async () => {
    const s = standIn();
    await updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': 2 }), deps());
    assert.deepEqual(asked(s, 'extendVolume'), []);
    const synnefo = standIn({ dialect: SYNNEFO });
    const r = await updateStorage(synnefo.cloud, 'v1', update({ 'occi.storage.size': 2 }), deps());
    assert.equal(r.attributes['occi.storage.size'], 2);
  });

  test('R61: a bigger size extends the volume to that size, and the record is read once Cinder has finished (not while extending)', async () => {
    const s = standIn({ extendReads: 3 });
    const r = await updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': 4.5 }), deps());
    assert.deepEqual(asked(s, 'extendVolume'), [['extendVolume', 'v1', 5, undefined]]);
    assert.equal(r.attributes['occi.storage.size'], 5);
    assert.equal(r.attributes['occi.storage.state.message'], 'available');
    // One read before the extend, three while it runs (the third sees it done), one for the record.
    assert.equal(asked(s, 'getVolume').length, 5);
  });

  test('R61: a smaller size is refused (a volume cannot shrink), and nothing is extended', async () => {
    const s = standIn();
    await rejectsWith(updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': 1 }), deps()), 400, /^a volume cannot shrink \(from 2 to 1 GB\)$/);
    assert.deepEqual(asked(s, 'extendVolume'), []);
  });

  test('R71: an attached volume is extended with microversion 3.42 where Cinder has it', async () => {
    const s = standIn({ volume: { status: 'in-use', attachments: [{ server_id: 's1', device: '/dev/vdb' }] }, microversion: '3.42', extendEnds: 'in-use' });
    await updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': 3 }), deps());
    assert.deepEqual(asked(s, 'extendVolume'), [['extendVolume', 'v1', 3, '3.42']]);
  });

  test('R71: where Cinder extends detached volumes only, an attached one is a 409 naming its computes, and nothing is asked', async () => {
    const s = standIn({ volume: { status: 'in-use', attachments: [{ server_id: 's1', device: '/dev/vdb' }, { server_id: 7, device: '/dev/vdc' }] } });
    await rejectsWith(
      updateStorage(s.cloud, 'v1', update({ 'occi.storage.size': 3 }), deps()),
      409,
      /^storage v1 is attached to compute s1, compute 7, and this cloud's block storage \(no microversion 3\.42\) extends only detached volumes: delete its storagelink, resize it, then link it again$/,
    );
    assert.deepEqual(asked(s, 'extendVolume'), []);
    const listed = standIn({ volume: { status: 'in-use', attachments: [] } });
    await rejectsWith(updateStorage(listed.cloud, 'v1', update({ 'occi.storage.size': 3 }), deps()), 409, /^storage v1 is attached to a compute, and /);
  });
});

describe('openstack storage deletion', () => {
  test('R72: a storage is deleted and waited for until Cinder no longer has it; its snapshots are forgotten', async () => {
    const s = standIn({ deleteReads: 2 });
    const d = deps();
    await deleteStorage(s.cloud, 'v1', d);
    assert.deepEqual(asked(s, 'deleteVolume'), [['deleteVolume', 'v1']]);
    assert.equal(d.invalidated(), 1);
    assert.equal(s.volume, undefined);
  });

  test('R72: a deletion Cinder fails (error_deleting) is a 502 saying the status, at once, not a wait until the deadline', async () => {
    const s = standIn({ deleteFails: 'error_deleting' });
    await rejectsWith(deleteStorage(s.cloud, 'v1', deps(undefined, 3000)), 502, /^cinder failed to delete volume v1 \(status error_deleting\)$/);
  });
});

describe('openstack storage records', () => {
  /** A cloud that extends detached volumes only, counting how often it is asked whether it extends attached ones. */
  function reading(dialect: Dialect): { cloud: Cloud; asked: () => number } {
    let asked = 0;
    return { cloud: { dialect, extendInUseMicroversion: async () => void asked++ } as unknown as Cloud, asked: () => asked };
  }
  const vol = (id: string, v: Partial<CinderVolume> = {}): CinderVolume => ({ id, status: 'available', size: 1, attachments: [], ...v }) as CinderVolume;
  const attached = vol('va', { status: 'in-use', attachments: [{ server_id: 's1', device: '/dev/vdb' }] });

  test('R71: the cloud is asked whether it extends attached volumes only when a volume is attached and resize is offered at all', async () => {
    const detached = reading(OPENSTACK);
    await storageRecords(detached.cloud, [vol('v1'), vol('v2')], deps());
    assert.equal(detached.asked(), 0, 'detached volumes only');
    const synnefo = reading(SYNNEFO);
    const [r] = await storageRecords(synnefo.cloud, [attached], deps());
    assert.equal(synnefo.asked(), 0, 'Synnefo never resizes');
    assert.ok(r!.refused?.includes('resize'));
    const openstack = reading(OPENSTACK);
    await storageRecords(openstack.cloud, [vol('v1'), attached], deps());
    assert.equal(openstack.asked(), 1);
  });

  test('R71: a volume that still lists an attachment (detaching) counts as attached: no resize where only detached volumes extend', async () => {
    const r = reading(OPENSTACK);
    const [detaching] = await storageRecords(r.cloud, [vol('v1', { status: 'detaching', attachments: [{ server_id: 's1', device: '/dev/vdb' }] })], deps());
    assert.ok(detaching!.refused?.includes('resize'), JSON.stringify(detaching!.refused));
  });

  test("R56: in a listing where one volume of several was made from a snapshot, that one carries the snapshot's snapshot_tpl", async () => {
    const [plain, copy] = await storageRecords(reading(OPENSTACK).cloud, [vol('v1'), vol('v2', { snapshot_id: 'snap1' })], deps());
    assert.deepEqual(copy!.mixins, [typeId(nightly)]);
    assert.deepEqual(plain!.mixins, []);
  });
});
