// Reading computes: a server, its templates, zone, security groups and
// links, fetched in parallel and mapped to OCCI records.
import type { LinkRecord, ResourceRecord } from '../../../port/backend.js';
import { typeId, type Mixin } from '../../../model/category.js';
import type { Cloud } from '../cloud.js';
import { assembleLinks, portsByServer, readLinkFacts, readServerLinks, readServerWithLinks } from './links-read.js';
import { computeRecord } from '../mapping/compute.js';
import { isCloudId } from '../mapping/ids.js';
import type { TemplateIndex } from '../mapping/templates.js';
import type { NeutronPort } from '../clients/neutron.js';
import type { NovaServer } from '../clients/nova.js';
import type { TemplateCache } from '../caches/template-cache.js';
import type { ZoneGroupCache, ZonesAndGroups } from '../caches/zone-group-cache.js';

/** Everything the mapping needs to name a server's mixins. */
interface Indexes extends ZonesAndGroups {
  templates: TemplateIndex;
}

export class ComputeReader {
  constructor(
    private readonly templates: TemplateCache,
    private readonly zonesGroups: ZoneGroupCache,
  ) {}

  async list(cloud: Cloud): Promise<ResourceRecord[]> {
    const [servers, ix, facts] = await Promise.all([cloud.nova.listServers(), this.indexes(cloud), readLinkFacts(cloud)]);
    const links = assembleLinks(cloud, facts, servers);
    const ports = portsByServer(facts.ports);
    return servers.map((s) => record(cloud, s, links.get(String(s.id)) ?? [], ports.get(String(s.id)) ?? [], ix));
  }

  async get(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
    if (!isCloudId(id)) return undefined;
    const [found, ix] = await Promise.all([readServerWithLinks(cloud, id), this.indexes(cloud)]);
    return found && record(cloud, found.server, found.links, found.ports, ix);
  }

  /** The record of a server already fetched (after an action or an update). */
  async record(cloud: Cloud, server: NovaServer): Promise<ResourceRecord> {
    const [ix, read] = await Promise.all([this.indexes(cloud), readServerLinks(cloud, String(server.id))]);
    return record(cloud, server, read.links, read.ports, ix);
  }

  private async indexes(cloud: Cloud): Promise<Indexes> {
    const [templates, zg] = await Promise.all([this.templates.index(cloud), this.zonesGroups.get(cloud)]);
    return { templates, ...zg };
  }
}

function record(cloud: Cloud, server: NovaServer, links: LinkRecord[], ports: NeutronPort[], ix: Indexes): ResourceRecord {
  const r = computeRecord(server, links, { templates: ix.templates, dialect: cloud.dialect });
  const placed = [ix.zones.zoneOf(server), ...ix.groups.groupsOf(server, ports)].filter((m): m is Mixin => m !== undefined);
  return { ...r, mixins: [...r.mixins, ...placed.map(typeId)] };
}
