// Both link kinds together, as a compute owns them: created from a LinkSpec,
// listed per compute or per tenant (one query per link table, never per compute).
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

  ofCompute(computeId: string): LinkRecord[] {
    return [...this.interfaces.listByCompute(computeId), ...this.storageLinks.listByCompute(computeId)];
  }

  /** Every link of the tenant, grouped by source compute. */
  byCompute(tenant: string): Map<string, LinkRecord[]> {
    const out = new Map<string, LinkRecord[]>();
    for (const link of [...this.interfaces.list(tenant), ...this.storageLinks.list(tenant)]) {
      const list = out.get(link.source.id);
      if (list) list.push(link);
      else out.set(link.source.id, [link]);
    }
    return out;
  }
}
