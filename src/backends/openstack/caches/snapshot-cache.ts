// The storage snapshots a project has, as snapshot_tpl mixins, cached per
// project as long as its templates (and answered while one load in the
// background renews them once expired). Forgotten when the bridge makes or
// deletes one, so the next request sees the change. A cloud without Cinder,
// or one that refuses the listing, offers none.
import { OcciError } from '../../../errors.js';
import { BoundedCache, STALE_FOR_MS } from './cache.js';
import type { Cloud } from '../cloud.js';
import { SnapshotIndex } from '../mapping/snapshots.js';

const NONE = new SnapshotIndex([]);

export class SnapshotCache {
  private readonly cache: BoundedCache<SnapshotIndex>;

  constructor(
    private readonly ttlMs: number,
    maxProjects = 500,
  ) {
    this.cache = new BoundedCache(maxProjects);
  }

  index(cloud: Cloud): Promise<SnapshotIndex> {
    if (!cloud.dialect.snapshotTemplates || !cloud.hasCinder) return Promise.resolve(NONE);
    return this.cache.getOrRefresh(cloud.scopeKey, () => load(cloud), this.ttlMs, STALE_FOR_MS);
  }

  invalidate(cloud: Cloud): void {
    this.cache.delete(cloud.scopeKey);
  }

  clear(): void {
    this.cache.clear();
  }
}

async function load(cloud: Cloud): Promise<SnapshotIndex> {
  try {
    return new SnapshotIndex(await cloud.cinder.listSnapshots());
  } catch (err) {
    if (err instanceof OcciError && (err.status === 403 || err.status === 404)) return NONE;
    throw err;
  }
}
