// OCCI storage as Cinder volumes: create (from nothing, or from a snapshot
// named by its snapshot_tpl mixin), rename, extend (update of
// occi.storage.size, or the 1.1 resize action), delete; the actions are in
// storage-actions.ts. Synnefo has no extend (refused in words), creates a
// volume without a server only of a detachable (ext_*) type, and 0.16 not
// at all.
import type { EntityRecord, ResourceRecord, ResourceSpec, UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict, notFound, OcciError } from '../../../errors.js';
import { typeId, type Mixin } from '../../../model/category.js';
import { EXTEND_IN_USE_MICROVERSION, type CinderVolume } from '../clients/cinder.js';
import type { PageAsk } from '../clients/service-client.js';
import type { Cloud } from '../cloud.js';
import { isCloudId } from '../mapping/ids.js';
import { isSnapshotTemplate, SNAPSHOT_TPL } from '../mapping/snapshots.js';
import { rootDiskOf } from '../mapping/storage.js';
import { volumeStatus } from '../mapping/status.js';
import { refuseUnsupported } from '../dialect.js';
import { isAttached, storageRecordOf, storageRecords, volumeOf, type StorageReadDeps } from './storage-read.js';
import { untilGone, waitUntil } from './wait.js';

export interface StorageDeps extends StorageReadDeps {
  timeoutMs: number;
  volumeType: string | undefined;
}

/** Every storage, or one page of them in id order. */
export async function listStorage(cloud: Cloud, d: StorageDeps, page?: PageAsk): Promise<ResourceRecord[]> {
  return storageRecords(cloud, await cloud.cinder.listVolumes(page), d);
}

export async function getStorage(cloud: Cloud, id: string, d: StorageDeps): Promise<ResourceRecord | undefined> {
  if (!isCloudId(id)) return undefined;
  const v = await cloud.cinder.getVolume(id);
  return v && storageRecordOf(cloud, v, d);
}

/** Why Synnefo 0.16 refuses a volume of its own (volume/views.py create_volume() L129-131: server_id required). */
const NO_DETACHED = 'this Synnefo (0.16) creates a volume only together with a server, so an OCCI storage cannot be created on its own; upgrade Synnefo to 0.17 or later';

/** The volume as the request read it (`current`), else read now. */
export async function mustGet(cloud: Cloud, id: string, current?: EntityRecord): Promise<CinderVolume> {
  const known = volumeOf(current, id);
  if (known) return known;
  const v = isCloudId(id) ? await cloud.cinder.getVolume(id) : undefined;
  if (!v) throw notFound(`storage ${id} not found`);
  return v;
}

export async function createStorage(cloud: Cloud, spec: ResourceSpec, d: StorageDeps): Promise<ResourceRecord> {
  if (spec.id !== undefined) throw badRequest('OpenStack assigns storage ids; create with POST to /storage/');
  if (spec.links.length > 0) throw badRequest('a storage owns no links; link computes to it instead');
  const origin = await snapshotToCopy(cloud, spec.mixins, d);
  const size = sizeGB(spec.attributes['occi.storage.size'] ?? origin?.size, 'occi.storage.size');
  if (origin && size < origin.size) throw badRequest(`a storage made from snapshot ${origin.term} needs at least its ${origin.size} GB; give occi.storage.size=${origin.size} or more`);
  const title = spec.attributes['occi.core.title'];
  const fields: Record<string, unknown> = {
    size,
    ...cloud.dialect.volumeName(typeof title === 'string' && title !== '' ? title : 'occi-storage'),
    ...cloud.dialect.projectFields(cloud.project),
    ...(origin ? { snapshot_id: origin.id } : {}),
  };
  if (cloud.dialect.detachedVolumes === false) throw badRequest(NO_DETACHED);
  const type = await volumeType(cloud, d);
  if (type !== undefined) fields.volume_type = type;
  let created;
  try {
    created = await cloud.cinder.createVolume(fields);
  } catch (err) {
    if (err instanceof OcciError && err.status === 400 && /server_id/.test(err.message)) throw badRequest(NO_DETACHED);
    throw err;
  }
  // Cyclades answers only id, display_name and links: read the volume for the rest.
  const volume = typeof created.status === 'string' ? (created as CinderVolume) : await cloud.cinder.getVolume(String(created.id));
  if (!volume) throw new OcciError(502, `the cloud lost volume ${String(created.id)} right after creating it`);
  return storageRecordOf(cloud, volume, d);
}

/**
 * The snapshot a new storage starts from: the one snapshot_tpl mixin among
 * the creation's, as the project has it now.
 */
async function snapshotToCopy(cloud: Cloud, mixins: readonly Mixin[], d: StorageDeps): Promise<{ id: string; term: string; size: number } | undefined> {
  if (mixins.some((m) => typeId(m) === typeId(SNAPSHOT_TPL))) {
    throw badRequest(`${typeId(SNAPSHOT_TPL)} names the family of snapshot mixins, not one of them: create the storage with one of its members (GET /-/?category=snapshot_tpl lists them)`);
  }
  const asked = mixins.filter(isSnapshotTemplate);
  if (asked.length === 0) return undefined;
  if (asked.length > 1) throw badRequest(`a storage starts from one snapshot, not ${asked.length}: ${asked.map((m) => m.term).join(', ')}`);
  const known = (await d.snapshots.index(cloud)).find(asked[0]!);
  if (!known?.providerId) throw badRequest(`snapshot ${asked[0]!.term} is not one of this project's; GET /-/?category=snapshot_tpl lists them`);
  const size = Number(known.attributes.get('occi.storage.size')?.default);
  return { id: known.providerId, term: known.term, size };
}

/** Cinder sizes are whole GB: a fractional OCCI size is rounded up, never down. */
export function sizeGB(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw badRequest(`${name} (GiB, above 0) is required`);
  return Math.ceil(v);
}

async function volumeType(cloud: Cloud, d: StorageDeps): Promise<string | undefined> {
  if (d.volumeType !== undefined || cloud.dialect.volumeType === 'default') return d.volumeType;
  // A volume without a server must be detachable: an ext_* disk template (CYCLADES_DETACHABLE_DISK_TEMPLATES).
  const types = await cloud.cinder.listVolumeTypes();
  const detachable = types.find((t) => t['SNF:disk_template']?.startsWith('ext_'));
  if (!detachable) {
    const listed = types.map((t) => `${t.name} (${t['SNF:disk_template'] ?? 'no template'})`).join(', ') || 'none';
    throw badRequest(`${cloud.dialect.label} offers no detachable (ext_*) volume type, so a storage cannot be created on its own here; types: ${listed}. Set openstack.volumeType if one of them can be`);
  }
  return String(detachable.id);
}

export async function updateStorage(cloud: Cloud, id: string, spec: UpdateSpec, d: StorageDeps, current?: EntityRecord): Promise<ResourceRecord> {
  const v = await mustGet(cloud, id, current);
  const added = spec.addMixins[0];
  if (added && isSnapshotTemplate(added)) throw badRequest(`a storage starts from a snapshot when it is created; create a new storage with ${added.term} instead`);
  if (added) throw badRequest(`mixin ${typeId(added)} cannot be added to an OpenStack volume`);
  // The snapshot a volume was made from stays a fact of it: leaving it out of a PUT removes nothing.
  const removed = spec.removeMixins.find((m) => !isSnapshotTemplate(m));
  if (removed) throw badRequest(`mixin ${typeId(removed)} is not on this volume`);
  const title = spec.attributes['occi.core.title'];
  if (typeof title === 'string' && title !== '' && title !== (v.name ?? v.display_name)) {
    await cloud.cinder.updateVolume(id, cloud.dialect.volumeName(title));
  }
  const size = spec.attributes['occi.storage.size'];
  if (size !== undefined && size !== null) await extend(cloud, v, sizeGB(size, 'occi.storage.size'), d);
  return storageRecordOf(cloud, await mustGet(cloud, id), d);
}

/**
 * Extends a volume; an attached one with the microversion that allows it
 * (3.42), and only where the cloud offers it: elsewhere Cinder extends
 * detached volumes only, which is said before asking.
 */
export async function extend(cloud: Cloud, v: CinderVolume, size: number, d: StorageDeps): Promise<void> {
  if (size === v.size) return;
  refuseUnsupported(cloud.dialect, 'storage', 'resize');
  if (size < v.size) throw badRequest(`a volume cannot shrink (from ${v.size} to ${size} GB)`);
  const microversion = isAttached(v) ? await cloud.extendInUseMicroversion() : undefined;
  if (isAttached(v) && microversion === undefined) {
    const to = (v.attachments ?? []).map((a) => `compute ${String(a.server_id)}`).join(', ') || 'a compute';
    throw conflict(
      `storage ${String(v.id)} is attached to ${to}, and this cloud's block storage (no microversion ${EXTEND_IN_USE_MICROVERSION}) extends only detached volumes: delete its storagelink, resize it, then link it again`,
    );
  }
  await cloud.cinder.extendVolume(String(v.id), size, microversion);
  const { value } = await waitUntil(() => cloud.cinder.getVolume(String(v.id)), (x) => !x || x.status !== 'extending', {
    deadlineMs: d.timeoutMs,
  });
  if (value?.status.startsWith('error')) {
    throw new OcciError(
      502,
      `cinder failed to extend volume ${String(v.id)} to ${size} GB (status ${value.status}): its storage driver may not extend volumes; ask the cloud's administrators, or create a larger storage and copy the data`,
    );
  }
}

/** Deletes a volume and waits until Cinder no longer has it, so a GET after DELETE is a 404 (R72); 504 if it still has it at the deadline. */
export async function deleteStorage(cloud: Cloud, id: string, d: StorageDeps, current?: EntityRecord): Promise<void> {
  const v = await mustGet(cloud, id, current);
  const root = rootDiskOf(v);
  if (root !== undefined) throw conflict(`storage ${id} is the root disk of compute ${root} and goes with it; delete the compute instead`);
  // A volume already being deleted (an earlier DELETE that timed out) is waited for, not deleted again: Cinder would refuse.
  if (volumeStatus(v.status) !== 'deleting') await cloud.cinder.deleteVolume(id);
  // Its snapshots go with it (cascade).
  d.snapshots.invalidate(cloud);
  const value = await untilGone(() => cloud.cinder.getVolume(id), {
    deadlineMs: d.timeoutMs,
    what: `storage ${id}`,
    failed: (x) => x.status.startsWith('error'),
    describe: (x) => `status ${x.status}`,
  });
  if (value) throw new OcciError(502, `cinder failed to delete volume ${id} (status ${value.status})`);
}
