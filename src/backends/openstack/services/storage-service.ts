// OCCI storage as Cinder volumes: create, rename, extend (update of
// occi.storage.size, or the 1.1 resize action), snapshot, backup, delete.
// Cinder has no online/offline switch: offline marks a detached, available
// volume in its metadata (see mapping/storage.ts) and online clears the mark.
// Synnefo has no extend or backup (refused in words), creates a volume
// without a server only of a detachable (ext_*) type, and 0.16 not at all.
import type { ActionOutcome, Attributes, EntityRecord, ResourceRecord, ResourceSpec, UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict, notFound, OcciError } from '../../../errors.js';
import type { Action } from '../../../model/category.js';
import { STORAGE } from '../../../model/infrastructure.js';
import { isApplicable } from '../../../model/lifecycle.js';
import { OPENSTACK_LIFECYCLE, volumeStatus } from '../mapping/status.js';
import { STORAGE_ACTIONS } from '../../../model/schemes.js';
import { EXTEND_IN_USE_MICROVERSION, type CinderVolume } from '../clients/cinder.js';
import type { PageAsk } from '../clients/service-client.js';
import type { Cloud } from '../cloud.js';
import { isCloudId } from '../mapping/ids.js';
import { markedOffline, OFFLINE_MARK, rootDiskOf, storageRecord as mapVolume } from '../mapping/storage.js';
import { refuseUnsupported, unsupportedActions } from '../dialect.js';
import { waitUntil } from './wait.js';

export interface StorageDeps {
  timeoutMs: number;
  volumeType: string | undefined;
}

/** How long a backup is watched for the cloud's "no backup service" failure. */
const BACKUP_PROBE_MS = 5_000;

/** Every storage, or one page of them in id order. */
export async function listStorage(cloud: Cloud, page?: PageAsk): Promise<ResourceRecord[]> {
  const volumes = await cloud.cinder.listVolumes(page);
  const resizable = await attachedResizable(cloud, volumes);
  return volumes.map((v) => storageRecord(cloud, v, resizable));
}

export async function getStorage(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
  if (!isCloudId(id)) return undefined;
  const v = await cloud.cinder.getVolume(id);
  return v && storageRecord(cloud, v, await attachedResizable(cloud, [v]));
}

/** The volume each record was made from, so a write in the same request does not read it again. */
const VOLUMES = new WeakMap<EntityRecord, CinderVolume>();

/** `attachedResize`: whether this cloud extends an attached volume (else resize is not offered on one). */
function storageRecord(cloud: Cloud, v: CinderVolume, attachedResize = true): ResourceRecord {
  const unsupported = unsupportedActions(cloud.dialect, 'storage');
  const r = mapVolume(v, attachedResize || !isAttached(v) ? unsupported : [...new Set([...unsupported, 'resize'])]);
  VOLUMES.set(r, v);
  return r;
}

function isAttached(v: CinderVolume): boolean {
  return volumeStatus(v.status) === 'in-use' || (v.attachments?.length ?? 0) > 0;
}

/**
 * Whether the cloud extends attached volumes, asked (once per endpoint) only
 * when one of these is attached and resize is offered at all.
 */
async function attachedResizable(cloud: Cloud, volumes: readonly CinderVolume[]): Promise<boolean> {
  if (unsupportedActions(cloud.dialect, 'storage').includes('resize') || !volumes.some(isAttached)) return true;
  return (await cloud.extendInUseMicroversion()) !== undefined;
}

/** Why Synnefo 0.16 refuses a volume of its own (volume/views.py create_volume() L129-131: server_id required). */
const NO_DETACHED = 'this Synnefo (0.16) creates a volume only together with a server, so an OCCI storage cannot be created on its own; upgrade Synnefo to 0.17 or later';

/** The volume as the request read it (`current`), else read now. */
async function mustGet(cloud: Cloud, id: string, current?: EntityRecord): Promise<CinderVolume> {
  const known = current && VOLUMES.get(current);
  if (known && String(known.id) === id) return known;
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
  return storageRecord(cloud, volume);
}

/** Cinder sizes are whole GB: a fractional OCCI size is rounded up, never down. */
function sizeGB(v: unknown, name: string): number {
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
  if (spec.addMixins.length > 0 || spec.removeMixins.length > 0) throw badRequest('OpenStack volumes carry no mixins');
  const title = spec.attributes['occi.core.title'];
  if (typeof title === 'string' && title !== '' && title !== (v.name ?? v.display_name)) {
    await cloud.cinder.updateVolume(id, cloud.dialect.volumeName(title));
  }
  const size = spec.attributes['occi.storage.size'];
  if (size !== undefined && size !== null) await extend(cloud, v, sizeGB(size, 'occi.storage.size'), d);
  return storageRecord(cloud, await mustGet(cloud, id));
}

/**
 * Extends a volume; an attached one with the microversion that allows it
 * (3.42), and only where the cloud offers it: elsewhere Cinder extends
 * detached volumes only, which is said before asking.
 */
async function extend(cloud: Cloud, v: CinderVolume, size: number, d: StorageDeps): Promise<void> {
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
    throw new OcciError(502, `cinder failed to extend volume ${String(v.id)} to ${size} GB (status ${value.status})`);
  }
}

/** Deletes a volume and waits until Cinder no longer lists it, so a GET after DELETE is a 404 (R72). */
export async function deleteStorage(cloud: Cloud, id: string, d: StorageDeps, current?: EntityRecord): Promise<void> {
  const v = await mustGet(cloud, id, current);
  const root = rootDiskOf(v);
  if (root !== undefined) throw conflict(`storage ${id} is the root disk of compute ${root} and goes with it; delete the compute instead`);
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
  known?: EntityRecord,
): Promise<ActionOutcome> {
  if (action.scheme !== STORAGE_ACTIONS) throw badRequest(`action ${action.scheme}${action.term} does not apply to a storage`);
  const v = await mustGet(cloud, id, known);
  refuseUnsupported(cloud.dialect, 'storage', action.term);
  const current = storageRecord(cloud, v);
  const state = current.attributes['occi.storage.state'];
  if (!isApplicable(STORAGE, state, action, OPENSTACK_LIFECYCLE)) {
    throw conflict(`storage ${id} is ${String(state)} (${v.status}); ${action.term} is not allowed in that state`); // D2
  }
  const name = `${v.name ?? v.display_name ?? id}-${new Date().toISOString().slice(0, 19)}`;
  switch (action.term) {
    case 'online':
      if (!markedOffline(v)) throw conflict(`storage ${id} is ${v.status}; it comes online by itself when Cinder is done`);
      await cloud.cinder.deleteMetadata(id, OFFLINE_MARK);
      return { entity: storageRecord(cloud, await mustGet(cloud, id)) };
    case 'offline':
      if (v.status !== 'available') throw conflict(`storage ${id} is ${v.status}; detach its storagelinks before taking it offline`);
      await cloud.cinder.setMetadata(id, { [OFFLINE_MARK]: 'true' });
      return { entity: storageRecord(cloud, await mustGet(cloud, id)) };
    case 'resize':
      await extend(cloud, v, sizeGB(params.size, 'size'), d);
      return { entity: storageRecord(cloud, await mustGet(cloud, id)) };
    case 'snapshot':
      await cloud.cinder.createSnapshot(id, cloud.dialect.snapshotFields(name));
      return { entity: storageRecord(cloud, await mustGet(cloud, id)) };
    case 'backup':
      await backup(cloud, id, name, d);
      return { entity: storageRecord(cloud, await mustGet(cloud, id)) };
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
