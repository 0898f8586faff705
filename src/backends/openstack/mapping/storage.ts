// A Cinder volume → an OCCI storage record. Attachments are rendered as the
// storagelinks of the computes that own them, not here. Cinder has no
// offline state, so the offline action leaves a metadata marker that only the
// bridge reads (and that makes it refuse new attachments).
import type { Attributes, ResourceRecord } from '../../../port/backend.js';
import type { CinderVolume } from '../clients/cinder.js';
import { storageState } from './status.js';

/** Volume metadata key of the bridge's offline marker. */
export const OFFLINE_MARK = 'snf-occi.offline';

export function markedOffline(v: CinderVolume): boolean {
  return v.metadata?.[OFFLINE_MARK] === 'true';
}

/** The compute whose root disk this volume is (Synnefo's disk index 0), if any. */
export function rootDiskOf(v: CinderVolume): string | undefined {
  const root = v.attachments?.find((a) => a.device_index === 0);
  return root ? String(root.server_id) : undefined;
}

/** `unsupported`: storage actions this cloud never offers (Synnefo: resize, backup). */
export function storageRecord(v: CinderVolume, unsupported: readonly string[] = []): ResourceRecord {
  const attributes: Attributes = {
    'occi.storage.size': v.size,
    'occi.storage.state': markedOffline(v) ? 'offline' : storageState(v.status),
    'occi.storage.state.message': markedOffline(v) ? `${v.status} (taken offline)` : v.status,
  };
  const name = v.name ?? v.display_name;
  if (name) attributes['occi.core.title'] = name;
  const root = rootDiskOf(v);
  if (root !== undefined) attributes['occi.storage.state.message'] = `${v.status} (root disk of compute ${root})`;
  const offline = markedOffline(v);
  // online only lifts the bridge's own offline mark; offline needs a volume that is available and attached to nothing.
  const refused = [...unsupported, ...(offline ? [] : ['online']), ...(!offline && v.status === 'available' ? [] : ['offline'])];
  return { kind: 'storage', id: String(v.id), mixins: [], attributes, links: [], busy: BUSY_STATUSES.has(v.status), refused };
}

/** Cinder statuses of a volume with an operation under way. */
const BUSY_STATUSES = new Set(['creating', 'attaching', 'detaching', 'extending', 'deleting', 'backing-up', 'restoring-backup', 'downloading', 'uploading', 'reserved', 'retyping', 'maintenance']);
