// Reading computes: a server, its templates, zone, security groups and
// links, fetched in parallel and mapped to OCCI records. Each record
// remembers the server it was made from, so a write that follows in the same
// request does not read the server again (see `serverOf`).
import { isLinkRecord, type EntityRecord, type EntityRef, type LinkRecord, type ResourceRecord } from '../../../port/backend.js';
import { typeId, type Mixin } from '../../../model/category.js';
import type { Cloud } from '../cloud.js';
import { assembleLinks, portsByServer, readLinkFacts, readServerLinks, readServerWithLinks } from './links-read.js';
import { computeRecord } from '../mapping/compute.js';
import { isCloudId } from '../mapping/ids.js';
import type { TemplateIndex } from '../mapping/templates.js';
import type { NeutronPort } from '../clients/neutron.js';
import type { NovaServer } from '../clients/nova.js';
import type { PageAsk } from '../clients/service-client.js';
import type { TemplateCache } from '../caches/template-cache.js';
import type { ZoneGroupCache, ZonesAndGroups } from '../caches/zone-group-cache.js';

/** Everything the mapping needs to name a server's mixins. */
interface Indexes extends ZonesAndGroups {
  templates: TemplateIndex;
}

/** The server and ports each record was made from; records live for one request, and so do these. */
const READ = new WeakMap<EntityRecord, { server: NovaServer; ports: NeutronPort[] }>();

/** The server a record of this backend was read from, when it is the compute `id`. */
export function serverOf(record: EntityRecord | undefined, id: string): NovaServer | undefined {
  const s = record && READ.get(record)?.server;
  return s && String(s.id) === id ? s : undefined;
}

export class ComputeReader {
  constructor(
    private readonly templates: TemplateCache,
    private readonly zonesGroups: ZoneGroupCache,
  ) {}

  /**
   * Every compute, or one page of them in id order: the links of the
   * servers the page shows are read, the others are answered as refs.
   */
  async list(cloud: Cloud, page?: PageAsk): Promise<(ResourceRecord | EntityRef)[]> {
    const [servers, ix] = await Promise.all([cloud.nova.listServers(page), this.indexes(cloud)]);
    const shown = page?.shown ? shownOf(servers, page.marker, page.shown) : servers;
    const facts = await readLinkFacts(cloud, shown);
    const links = assembleLinks(cloud, facts, shown);
    const ports = portsByServer(facts.ports);
    const full = new Set(shown);
    return servers.map((s) =>
      full.has(s) ? record(cloud, s, links.get(String(s.id)) ?? [], ports.get(String(s.id)) ?? [], ix) : { kind: 'compute' as const, id: String(s.id) },
    );
  }

  async get(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
    if (!isCloudId(id)) return undefined;
    const [found, ix] = await Promise.all([readServerWithLinks(cloud, id), this.indexes(cloud)]);
    return found && record(cloud, found.server, found.links, found.ports, ix);
  }

  /**
   * The record of a server already fetched (after an action or an update).
   * `before`: the record this request read before an action that leaves
   * links alone (start, stop, restart, suspend); its links are answered
   * again rather than read once more, as a client that polls the server
   * would keep them.
   */
  async record(cloud: Cloud, server: NovaServer, before?: EntityRecord): Promise<ResourceRecord> {
    const known = before && !isLinkRecord(before) && serverOf(before, String(server.id)) ? READ.get(before) : undefined;
    if (known) return record(cloud, server, (before as ResourceRecord).links, known.ports, await this.indexes(cloud));
    const [ix, read] = await Promise.all([this.indexes(cloud), readServerLinks(cloud, server)]);
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
  const out = { ...r, mixins: [...r.mixins, ...placed.map(typeId)] };
  READ.set(out, { server, ports });
  return out;
}

/** The servers a page shows: after the marker in id order, `skip` of them passed over, then `take`. */
function shownOf(servers: readonly NovaServer[], marker: string | undefined, w: { skip: number; take: number }): NovaServer[] {
  const after = servers.filter((s) => marker === undefined || String(s.id) > marker);
  return after.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1)).slice(w.skip, w.skip + w.take);
}
