// Both link kinds together, as a compute owns them: created from a LinkSpec,
// listed for a batch of computes (one query per link table, never per compute).
import type { LinkRecord, LinkSpec } from '../../port/backend.js';
import type { NetworkInterfaces } from './interfaces.js';
import type { StorageLinks } from './storage-links.js';

export class Links {
  constructor(
    readonly interfaces: NetworkInterfaces,
    readonly storageLinks: StorageLinks,
  ) {}

  /** Creates a link from an existing compute of `tenant`; returns its id. */
  create(tenant: string, computeId: string, spec: LinkSpec): string {
    const store = spec.kind === 'networkinterface' ? this.interfaces : this.storageLinks;
    return store.create(tenant, computeId, spec);
  }

  ofCompute(tenant: string, computeId: string): LinkRecord[] {
    return this.ofComputes(tenant, [computeId]).get(computeId) ?? [];
  }

  /**
   * The links of `tenant`'s computes, grouped by compute: interfaces first,
   * each kind in creation order. A kind the tenant has none of costs one probe.
   */
  ofComputes(tenant: string, computeIds: readonly string[]): Map<string, LinkRecord[]> {
    const out = new Map<string, LinkRecord[]>();
    if (computeIds.length === 0) return out;
    const interfaces = this.interfaces.hasAny(tenant);
    const storageLinks = this.storageLinks.hasAny(tenant);
    // A listing asks for 200 computes at a time: no ids written out for a tenant without links.
    if (!interfaces && !storageLinks) return out;
    const ids = JSON.stringify(computeIds);
    for (const links of [interfaces ? this.interfaces.ofComputes(ids) : [], storageLinks ? this.storageLinks.ofComputes(ids) : []]) {
      for (const link of links) {
        const list = out.get(link.source.id);
        if (list) list.push(link);
        else out.set(link.source.id, [link]);
      }
    }
    return out;
  }
}
