// Storage actions on Cinder volumes. Cinder has no online/offline switch:
// offline marks a detached, available volume in its metadata (see
// mapping/storage.ts) and online clears the mark. snapshot makes a Cinder
// snapshot and, where snapshots are templates (not Synnefo), answers the new
// snapshot_tpl mixin, as save answers the new os_tpl (D7). backup answers
// 503 where the cloud has no backup service. Synnefo has no resize or backup.
import type { ActionOutcome, Attributes, EntityRecord } from '../../../port/backend.js';
import { badRequest, conflict, OcciError } from '../../../errors.js';
import type { Action, Mixin } from '../../../model/category.js';
import { STORAGE } from '../../../model/infrastructure.js';
import { isApplicable } from '../../../model/lifecycle.js';
import { STORAGE_ACTIONS } from '../../../model/schemes.js';
import { toTerm } from '../../../model/templates.js';
import type { CinderVolume } from '../clients/cinder.js';
import type { Cloud } from '../cloud.js';
import { refuseUnsupported } from '../dialect.js';
import { snapshotTemplate } from '../mapping/snapshots.js';
import { OPENSTACK_LIFECYCLE, volumeStatus } from '../mapping/status.js';
import { markedOffline, OFFLINE_MARK } from '../mapping/storage.js';
import { storageRecordOf } from './storage-read.js';
import { extend, mustGet, sizeGB, type StorageDeps } from './storage-service.js';
import { waitUntil } from './wait.js';

/** How long a backup is watched for the cloud's "no backup service" failure. */
const BACKUP_PROBE_MS = 5_000;

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
  const state = (await storageRecordOf(cloud, v, d)).attributes['occi.storage.state'];
  if (!isApplicable(STORAGE, state, action, OPENSTACK_LIFECYCLE)) {
    throw conflict(`storage ${id} is ${String(state)} (${v.status}); ${action.term} is not allowed in that state`); // D2
  }
  const name = `${v.name ?? v.display_name ?? id}-${new Date().toISOString().slice(0, 19)}`;
  const after = async (): Promise<ActionOutcome> => ({ entity: await storageRecordOf(cloud, await mustGet(cloud, id), d) });
  switch (action.term) {
    case 'online':
      if (!markedOffline(v)) throw conflict(`storage ${id} is ${v.status}; it comes online by itself when Cinder is done`);
      await cloud.cinder.deleteMetadata(id, OFFLINE_MARK);
      return after();
    case 'offline':
      if (v.status !== 'available') throw conflict(`storage ${id} is ${v.status}; detach its storagelinks before taking it offline`);
      await cloud.cinder.setMetadata(id, { [OFFLINE_MARK]: 'true' });
      return after();
    case 'resize':
      await extend(cloud, v, sizeGB(params.size, 'size'), d);
      return after();
    case 'snapshot': {
      const mixin = await snapshot(cloud, v, name, d);
      return mixin ? { mixin } : after();
    }
    case 'backup':
      await backup(cloud, id, name, d);
      return after();
    default:
      throw badRequest(`unknown storage action '${action.term}'`);
  }
}

/**
 * Makes a snapshot and waits (bounded) until Cinder has written it; answers
 * its snapshot_tpl mixin where snapshots are templates.
 */
async function snapshot(cloud: Cloud, v: CinderVolume, name: string, d: StorageDeps): Promise<Mixin | undefined> {
  const created = await cloud.cinder.createSnapshot(String(v.id), cloud.dialect.snapshotFields(name));
  if (!cloud.dialect.snapshotTemplates) return undefined;
  const id = String(created.id);
  const { value } = await waitUntil(() => cloud.cinder.getSnapshot(id), (s) => !s || volumeStatus(s.status) !== 'creating', { deadlineMs: d.timeoutMs });
  if (value && volumeStatus(value.status).startsWith('error')) {
    await cloud.cinder.deleteSnapshot(id).catch(() => undefined);
    throw new OcciError(502, `cinder failed to snapshot volume ${String(v.id)} (status ${value.status})`);
  }
  d.snapshots.invalidate(cloud);
  const index = await d.snapshots.index(cloud);
  return index.byId(id) ?? snapshotTemplate(value ?? { ...created, volume_id: v.id, size: v.size, status: 'creating' }, toTerm(name, `snapshot-${id}`));
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
