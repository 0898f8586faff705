// The subnets a project sees, cached briefly per project and endpoint: an
// interface shows its subnet's gateway, and listing every subnet on every
// compute read would put another Neutron call on each one (an expired list is
// answered while one load in the background renews it). A cloud that
// refuses the listing gives interfaces without gateways, not failed reads.
import { BoundedCache, STALE_FOR_MS } from './cache.js';
import type { NeutronSubnet } from '../clients/neutron.js';

export class SubnetCache {
  private readonly cache: BoundedCache<NeutronSubnet[]>;

  constructor(
    private readonly ttlMs: number,
    maxProjects = 500,
  ) {
    this.cache = new BoundedCache(maxProjects);
  }

  get(key: string, list: () => Promise<NeutronSubnet[]>): Promise<NeutronSubnet[]> {
    return this.cache.getOrRefresh(key, () => list().catch(() => []), this.ttlMs, STALE_FOR_MS);
  }

  /** After the bridge changed a subnet of this project: the next read lists them again. */
  forget(key: string): void {
    this.cache.delete(key);
  }
}
