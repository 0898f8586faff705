// Reading computes: a server, its templates, zone, security groups and
// links, fetched in parallel and mapped to OCCI records. Each record
// remembers the server it was made from, so a write that follows in the same
// request does not read the server again (see `serverOf`).
import { type EntityRecord, type EntityRef, type LinkRecord, type ResourceRecord } from '../../../port/backend.js';
import { typeId, type Mixin } from '../../../model/category.js';
import type { Cloud } from '../cloud.js';
import { assembleLinks, portsByServer, readLinkFacts, readServerLinks, readServerWithLinks, type ServerLinks } from './links-read.js';
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

/**
 * What a record was made from: the server, and its links and ports unless
 * they were left unread (a record read for an action); `recalled` when the
 * server is the state an action saw settle moments ago, not read now.
 * Records live for one request, and so do these.
 */
export interface ReadFrom {
  server: NovaServer;
  links?: { links: LinkRecord[]; ports: NeutronPort[] };
  recalled?: boolean;
}
const READ = new WeakMap<EntityRecord, ReadFrom>();

/** What a record of this backend was read from, when it is the compute `id`. */
export function readFrom(record: EntityRecord | undefined, id: string): ReadFrom | undefined {
  const r = record && READ.get(record);
  return r && String(r.server.id) === id ? r : undefined;
}

/** The server a record of this backend was read from, when it is the compute `id`. */
export function serverOf(record: EntityRecord | undefined, id: string): NovaServer | undefined {
  return readFrom(record, id)?.server;
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
   * `links`: those read for it in this request (before or while an action
   * that leaves them alone ran), answered rather than read once more, as a
   * client that polls the server would keep them.
   */
  async record(cloud: Cloud, server: NovaServer, links?: ServerLinks): Promise<ResourceRecord> {
    const [ix, read] = await Promise.all([this.indexes(cloud), links ?? readServerLinks(cloud, server)]);
    return record(cloud, server, read.links, read.ports, ix);
  }

  /**
   * The record an action is checked against: the server's state, templates
   * and zone, its links left unread (the action's answer reads them while
   * Nova acts). `recalled`: the server is a state remembered, not read now.
   */
  async withoutLinks(cloud: Cloud, server: NovaServer, recalled: boolean): Promise<ResourceRecord> {
    const r = record(cloud, server, [], [], await this.indexes(cloud));
    READ.set(r, { server, recalled });
    return r;
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
  READ.set(out, { server, links: { links, ports } });
  return out;
}

/** The servers a page shows: after the marker in id order, `skip` of them passed over, then `take`. */
function shownOf(servers: readonly NovaServer[], marker: string | undefined, w: { skip: number; take: number }): NovaServer[] {
  const after = servers.filter((s) => marker === undefined || String(s.id) > marker);
  return after.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1)).slice(w.skip, w.skip + w.take);
}
