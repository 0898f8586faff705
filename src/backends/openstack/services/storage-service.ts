// OCCI storage as Cinder volumes: create, rename, extend (update of
// occi.storage.size, or the 1.1 resize action), snapshot, backup, delete.
// Cinder has no online/offline switch: offline marks a detached, available
// volume in its metadata (see mapping/storage.ts) and online clears the mark.
import type { ActionOutcome, Attributes, ResourceRecord, ResourceSpec, UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict, notFound, OcciError } from '../../../errors.js';
import type { Action } from '../../../model/category.js';
import { STORAGE } from '../../../model/infrastructure.js';
import { isApplicable } from '../../../model/lifecycle.js';
import { STORAGE_ACTIONS } from '../../../model/schemes.js';
import type { CinderVolume } from '../clients/cinder.js';
import type { Cloud } from '../cloud.js';
import { isCloudId } from '../mapping/ids.js';
import { markedOffline, OFFLINE_MARK, storageRecord } from '../mapping/storage.js';
import { waitUntil } from './wait.js';

export interface StorageDeps {
  timeoutMs: number;
  volumeType: string | undefined;
}

/** How long a backup is watched for the cloud's "no backup service" failure. */
const BACKUP_PROBE_MS = 5_000;

export async function listStorage(cloud: Cloud): Promise<ResourceRecord[]> {
  return (await cloud.cinder.listVolumes()).map(storageRecord);
}

export async function getStorage(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
  if (!isCloudId(id)) return undefined;
  const v = await cloud.cinder.getVolume(id);
  return v && storageRecord(v);
}

async function mustGet(cloud: Cloud, id: string): Promise<CinderVolume> {
  const v = isCloudId(id) ? await cloud.cinder.getVolume(id) : undefined;
  if (!v) throw notFound(`storage ${id} not found`);
  return v;
}

export async function createStorage(cloud: Cloud, spec: ResourceSpec, d: StorageDeps): Promise<ResourceRecord> {
  if (spec.id !== undefined) throw badRequest('OpenStack assigns storage ids; create with POST to /storage/');
  if (spec.links.length > 0) throw badRequest('a storage owns no links; link computes to it instead');
  const size = sizeGB(spec.attributes['occi.storage.size'], 'occi.storage.size');
  const title = spec.attributes['occi.core.title'];
  const fields: Record<string, unknown> = {
    size,
    ...cloud.dialect.volumeName(typeof title === 'string' && title !== '' ? title : 'occi-storage'),
    ...cloud.dialect.projectFields(cloud.project),
  };
  const type = await volumeType(cloud, d);
  if (type !== undefined) fields.volume_type = type;
  return storageRecord(await cloud.cinder.createVolume(fields));
}

/** Cinder sizes are whole GB: a fractional OCCI size is rounded up, never down. */
function sizeGB(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw badRequest(`${name} (GiB, above 0) is required`);
  return Math.ceil(v);
}

async function volumeType(cloud: Cloud, d: StorageDeps): Promise<string | undefined> {
  if (d.volumeType !== undefined || cloud.dialect.name !== 'synnefo') return d.volumeType;
  // Synnefo needs a type for a detached volume; the first one listed is the default.
  const types = await cloud.cinder.listVolumeTypes();
  if (types.length === 0) throw new OcciError(502, 'Synnefo lists no volume types to create a volume with');
  return String(types[0]!.id);
}

export async function updateStorage(cloud: Cloud, id: string, spec: UpdateSpec, d: StorageDeps): Promise<ResourceRecord> {
  const v = await mustGet(cloud, id);
  if (spec.addMixins.length > 0 || spec.removeMixins.length > 0) throw badRequest('OpenStack volumes carry no mixins');
  const title = spec.attributes['occi.core.title'];
  if (typeof title === 'string' && title !== '' && title !== (v.name ?? v.display_name)) {
    await cloud.cinder.updateVolume(id, cloud.dialect.volumeName(title));
  }
  const size = spec.attributes['occi.storage.size'];
  if (size !== undefined && size !== null) await extend(cloud, v, sizeGB(size, 'occi.storage.size'), d);
  return storageRecord(await mustGet(cloud, id));
}

async function extend(cloud: Cloud, v: CinderVolume, size: number, d: StorageDeps): Promise<void> {
  if (size === v.size) return;
  if (size < v.size) throw badRequest(`a volume cannot shrink (from ${v.size} to ${size} GB)`);
  await cloud.cinder.extendVolume(String(v.id), size);
  const { value } = await waitUntil(() => cloud.cinder.getVolume(String(v.id)), (x) => !x || x.status !== 'extending', {
    deadlineMs: d.timeoutMs,
  });
  if (value?.status.startsWith('error')) {
    throw new OcciError(502, `cinder failed to extend volume ${String(v.id)} to ${size} GB (status ${value.status})`);
  }
}

/** Deletes a volume and waits until Cinder no longer lists it, so a GET after DELETE is a 404 (R72). */
export async function deleteStorage(cloud: Cloud, id: string, d: StorageDeps): Promise<void> {
  await mustGet(cloud, id);
  await cloud.cinder.deleteVolume(id);
  const { value } = await waitUntil(() => cloud.cinder.getVolume(id), (v) => !v || v.status.startsWith('error'), { deadlineMs: d.timeoutMs });
  if (value?.status.startsWith('error')) throw new OcciError(502, `cinder failed to delete volume ${id} (status ${value.status})`);
}

export async function storageAction(
  cloud: Cloud,
  id: string,
  action: Action,
  params: Attributes,
  d: StorageDeps,
): Promise<ActionOutcome> {
  if (action.scheme !== STORAGE_ACTIONS) throw badRequest(`action ${action.scheme}${action.term} does not apply to a storage`);
  const v = await mustGet(cloud, id);
  const current = storageRecord(v);
  const state = current.attributes['occi.storage.state'];
  if (!isApplicable(STORAGE, state, action)) {
    throw conflict(`storage ${id} is ${String(state)} (${v.status}); ${action.term} is not allowed in that state (D2)`);
  }
  const name = `${v.name ?? v.display_name ?? id}-${new Date().toISOString().slice(0, 19)}`;
  switch (action.term) {
    case 'online':
      if (!markedOffline(v)) throw conflict(`storage ${id} is ${v.status}; it comes online by itself when Cinder is done`);
      await cloud.cinder.deleteMetadata(id, OFFLINE_MARK);
      return { entity: storageRecord(await mustGet(cloud, id)) };
    case 'offline':
      if (v.status !== 'available') throw conflict(`storage ${id} is ${v.status}; detach its storagelinks before taking it offline`);
      await cloud.cinder.setMetadata(id, { [OFFLINE_MARK]: 'true' });
      return { entity: storageRecord(await mustGet(cloud, id)) };
    case 'resize':
      await extend(cloud, v, sizeGB(params.size, 'size'), d);
      return { entity: storageRecord(await mustGet(cloud, id)) };
    case 'snapshot':
      await cloud.cinder.createSnapshot(id, name);
      return { entity: storageRecord(await mustGet(cloud, id)) };
    case 'backup':
      await backup(cloud, id, name, d);
      return { entity: storageRecord(await mustGet(cloud, id)) };
    default:
      throw badRequest(`unknown storage action '${action.term}'`);
  }
}

/**
 * Cinder accepts a backup even where no cinder-backup service runs and fails
 * it a moment later; that failure is watched for and reported as 503.
 */
async function backup(cloud: Cloud, volumeId: string, name: string, d: StorageDeps): Promise<void> {
  const created = await cloud.cinder.createBackup(volumeId, name);
  const id = String(created.id);
  const { value } = await waitUntil(
    () => cloud.cinder.getBackup(id),
    (b) => !b || (b.status !== 'creating' && b.status !== undefined),
    { deadlineMs: Math.min(BACKUP_PROBE_MS, d.timeoutMs), intervalMs: 250 },
  );
  if (value?.status === 'error') {
    await cloud.cinder.deleteBackup(id).catch(() => undefined);
    throw new OcciError(503, `the cloud has no working volume backup service: ${value.fail_reason ?? 'the backup failed'}`);
  }
}
