// The availability zones and security groups a project is offered, cached
// per project and compute endpoint: zones as long as the templates, groups
// briefly, since users create them through Neutron and expect them soon.
// Expired lists are answered while one load in the background renews them.
// A cloud that forbids or lacks the listing (403/404) offers none, rather
// than failing every request; Synnefo has neither.
import { OcciError } from '../../../errors.js';
import { BoundedCache, STALE_FOR_MS } from './cache.js';
import type { Cloud } from '../cloud.js';
import { GroupIndex } from '../mapping/security-groups.js';
import { ZoneIndex } from '../mapping/zones.js';

export interface ZonesAndGroups {
  zones: ZoneIndex;
  groups: GroupIndex;
}

const NO_ZONES = new ZoneIndex([]);
const NO_GROUPS = new GroupIndex([]);

export class ZoneGroupCache {
  private readonly zoneCache: BoundedCache<ZoneIndex>;
  private readonly groupCache: BoundedCache<GroupIndex>;

  constructor(
    private readonly zoneTtlMs: number,
    private readonly groupTtlMs: number,
    maxProjects = 500,
  ) {
    this.zoneCache = new BoundedCache(maxProjects);
    this.groupCache = new BoundedCache(maxProjects);
  }

  async get(cloud: Cloud): Promise<ZonesAndGroups> {
    const [zones, groups] = await Promise.all([this.zones(cloud), this.groups(cloud)]);
    return { zones, groups };
  }

  zones(cloud: Cloud): Promise<ZoneIndex> {
    if (!cloud.dialect.zonesAndGroups) return Promise.resolve(NO_ZONES);
    const load = async (): Promise<ZoneIndex> => new ZoneIndex(await unlessRefused(cloud.nova.listAvailabilityZones()));
    return this.zoneCache.getOrRefresh(cloud.scopeKey, load, this.zoneTtlMs, STALE_FOR_MS);
  }

  groups(cloud: Cloud): Promise<GroupIndex> {
    if (!cloud.dialect.zonesAndGroups || !cloud.hasNeutron) return Promise.resolve(NO_GROUPS);
    const load = async (): Promise<GroupIndex> =>
      new GroupIndex(await unlessRefused(cloud.neutron.listSecurityGroups(cloud.session.projectId)));
    return this.groupCache.getOrRefresh(cloud.scopeKey, load, this.groupTtlMs, STALE_FOR_MS);
  }

  clear(): void {
    this.zoneCache.clear();
    this.groupCache.clear();
  }
}

/** An empty list when the cloud refuses the listing to this project (policy) or does not have it (extension). */
async function unlessRefused<T>(list: Promise<T[]>): Promise<T[]> {
  try {
    return await list;
  } catch (err) {
    if (err instanceof OcciError && (err.status === 403 || err.status === 404)) return [];
    throw err;
  }
}
