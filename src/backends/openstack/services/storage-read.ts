// Cinder volumes → OCCI storage records, with what only the cloud's
// capabilities and the project's snapshots can tell: whether an attached
// volume may be resized (Cinder 3.42), and the snapshot a volume was made
// from (its snapshot_tpl mixin). Each record remembers the volume it was made
// from, so a write in the same request does not read the volume again.
import type { EntityRecord, ResourceRecord } from '../../../port/backend.js';
import { typeId } from '../../../model/category.js';
import type { CinderVolume } from '../clients/cinder.js';
import type { Cloud } from '../cloud.js';
import { unsupportedActions } from '../dialect.js';
import type { SnapshotCache } from '../caches/snapshot-cache.js';
import type { SnapshotIndex } from '../mapping/snapshots.js';
import { volumeStatus } from '../mapping/status.js';
import { storageRecord as mapVolume } from '../mapping/storage.js';

export interface StorageReadDeps {
  snapshots: SnapshotCache;
}

const VOLUMES = new WeakMap<EntityRecord, CinderVolume>();

/** The volume a record of this backend was read from, when it is the storage `id`. */
export function volumeOf(record: EntityRecord | undefined, id: string): CinderVolume | undefined {
  const v = record && VOLUMES.get(record);
  return v && String(v.id) === id ? v : undefined;
}

export function isAttached(v: CinderVolume): boolean {
  return volumeStatus(v.status) === 'in-use' || (v.attachments?.length ?? 0) > 0;
}

/** The records of these volumes; the capability and the snapshots are looked up only when a volume needs them. */
export async function storageRecords(cloud: Cloud, volumes: readonly CinderVolume[], d: StorageReadDeps): Promise<ResourceRecord[]> {
  const [resizable, snapshots] = await Promise.all([
    attachedResizable(cloud, volumes),
    volumes.some((v) => v.snapshot_id) ? d.snapshots.index(cloud) : Promise.resolve(undefined),
  ]);
  return volumes.map((v) => record(cloud, v, resizable, snapshots));
}

export async function storageRecordOf(cloud: Cloud, v: CinderVolume, d: StorageReadDeps): Promise<ResourceRecord> {
  return (await storageRecords(cloud, [v], d))[0]!;
}

function record(cloud: Cloud, v: CinderVolume, attachedResize: boolean, snapshots: SnapshotIndex | undefined): ResourceRecord {
  const unsupported = unsupportedActions(cloud.dialect, 'storage');
  const refused = attachedResize || !isAttached(v) ? unsupported : [...new Set([...unsupported, 'resize'])];
  const r = mapVolume(v, refused);
  const origin = v.snapshot_id ? snapshots?.byId(String(v.snapshot_id)) : undefined;
  const out = origin ? { ...r, mixins: [...r.mixins, typeId(origin)] } : r;
  VOLUMES.set(out, v);
  return out;
}

/**
 * Whether the cloud extends attached volumes, asked (once per endpoint) only
 * when one of these is attached and resize is offered at all.
 */
async function attachedResizable(cloud: Cloud, volumes: readonly CinderVolume[]): Promise<boolean> {
  if (unsupportedActions(cloud.dialect, 'storage').includes('resize') || !volumes.some(isAttached)) return true;
  return (await cloud.extendInUseMicroversion()) !== undefined;
}
