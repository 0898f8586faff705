// Reading computes: a server, its templates and its links, fetched in
// parallel and mapped to OCCI records.
import type { ResourceRecord } from '../../backend/port.js';
import type { Cloud } from './cloud.js';
import { assembleLinks, readLinkFacts, readServerLinks, readServerWithLinks } from './links-read.js';
import { computeRecord } from './mapping/compute.js';
import { isCloudId } from './mapping/ids.js';
import type { NovaServer } from './nova.js';
import type { TemplateCache } from './template-cache.js';

export class ComputeReader {
  constructor(private readonly templates: TemplateCache) {}

  async list(cloud: Cloud): Promise<ResourceRecord[]> {
    const [servers, templates, facts] = await Promise.all([
      cloud.nova.listServers(),
      this.templates.index(cloud),
      readLinkFacts(cloud),
    ]);
    const links = assembleLinks(cloud, facts, servers);
    return servers.map((s) => computeRecord(s, links.get(String(s.id)) ?? [], { templates, dialect: cloud.dialect }));
  }

  async get(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
    if (!isCloudId(id)) return undefined;
    const [found, templates] = await Promise.all([readServerWithLinks(cloud, id), this.templates.index(cloud)]);
    return found && computeRecord(found.server, found.links, { templates, dialect: cloud.dialect });
  }

  /** The record of a server already fetched (after an action or an update). */
  async record(cloud: Cloud, server: NovaServer): Promise<ResourceRecord> {
    const id = String(server.id);
    const [templates, links] = await Promise.all([this.templates.index(cloud), readServerLinks(cloud, id)]);
    return computeRecord(server, links, { templates, dialect: cloud.dialect });
  }
}
