// Reading the links of servers: their ports, the floating IPs on those
// ports and their volume attachments, with independent calls in parallel and
// one call per kind of thing however many servers are listed. The ports come
// back too: they also carry the servers' security groups.
import type { LinkRecord } from '../../../port/backend.js';
import type { CinderVolume } from '../clients/cinder.js';
import type { Cloud } from '../cloud.js';
import { deviceFromIndex, serverLinks, type Attachment } from '../mapping/links.js';
import type { NeutronFloatingIp, NeutronPort, NeutronSubnet } from '../clients/neutron.js';
import type { Id, NovaServer } from '../clients/nova.js';

/** A server's links and the ports they were read from. */
export interface ServerLinks {
  links: LinkRecord[];
  ports: NeutronPort[];
}

/** The links of one server. */
export async function readServerLinks(cloud: Cloud, serverId: string): Promise<ServerLinks> {
  const [ports, floatingIps, attachments, subnets] = await Promise.all([
    cloud.hasNeutron ? cloud.neutron.listPorts({ device_id: serverId }) : Promise.resolve([]),
    cloud.hasNeutron ? cloud.neutron.listFloatingIps() : Promise.resolve([]),
    serverAttachments(cloud, serverId),
    cloud.subnets(),
  ]);
  const links = serverLinks({
    serverId,
    ports,
    floatingIps,
    attachments,
    subnets,
    portsHoldFloatingIps: cloud.dialect.attach === 'port',
  });
  return { links, ports };
}

/** A server's volume attachments: Nova's list, or (Synnefo, whose list names no device) the volumes' disk indexes. */
async function serverAttachments(cloud: Cloud, serverId: string): Promise<Attachment[]> {
  if (cloud.dialect.attachments === 'nova') {
    return (await cloud.nova.volumeAttachments(serverId)).map((a) => ({ volumeId: a.volumeId, device: a.device }));
  }
  const volumes = cloud.hasCinder ? await cloud.cinder.listVolumes() : [];
  return (attachmentsFromVolumes(volumes).get(serverId) ?? []).sort((a, b) => String(a.device).localeCompare(String(b.device)));
}

/** Attachments by server id, as Cinder's volumes describe them. */
function attachmentsFromVolumes(volumes: readonly CinderVolume[]): Map<string, Attachment[]> {
  const out = new Map<string, Attachment[]>();
  for (const v of volumes) {
    for (const a of v.attachments ?? []) {
      const list = out.get(String(a.server_id)) ?? [];
      list.push({ volumeId: v.id, device: a.device || deviceFromIndex(a.device_index), ...(a.device_index === 0 ? { root: true } : {}) });
      out.set(String(a.server_id), list);
    }
  }
  return out;
}

/**
 * A server and its links, read in parallel; undefined when the server does
 * not exist for this caller (the link reads then fail too and are ignored).
 */
export async function readServerWithLinks(cloud: Cloud, serverId: string): Promise<({ server: NovaServer } & ServerLinks) | undefined> {
  const [server, read] = await Promise.all([
    cloud.nova.getServer(serverId),
    readServerLinks(cloud, serverId).then(
      (l) => ({ ok: true as const, l }),
      (err: unknown) => ({ ok: false as const, err }),
    ),
  ]);
  if (!server) return undefined;
  if (!read.ok) throw read.err;
  return { server, ...read.l };
}

/** Everything the links of all servers are made of, fetched in parallel (one call per kind). */
export interface LinkFacts {
  ports: NeutronPort[];
  floatingIps: NeutronFloatingIp[];
  /** Cinder's volumes, when the cloud has Cinder (they carry the attachment devices). */
  volumes: CinderVolume[] | undefined;
  subnets: NeutronSubnet[];
}

export async function readLinkFacts(cloud: Cloud): Promise<LinkFacts> {
  const [ports, floatingIps, volumes, subnets] = await Promise.all([
    cloud.hasNeutron ? cloud.neutron.listPorts() : Promise.resolve([]),
    cloud.hasNeutron ? cloud.neutron.listFloatingIps() : Promise.resolve([]),
    cloud.hasCinder ? cloud.cinder.listVolumes() : Promise.resolve(undefined),
    cloud.subnets(),
  ]);
  return { ports, floatingIps, volumes, subnets };
}

/** The links of many servers, keyed by server id. */
export function assembleLinks(cloud: Cloud, facts: LinkFacts, servers: readonly NovaServer[]): Map<string, LinkRecord[]> {
  const ids = new Set(servers.map((s) => String(s.id)));
  const ports = portsByServer(facts.ports);
  const attachments = attachmentsByServer(facts.volumes, servers);
  return new Map(
    [...ids].map((id) => [
      id,
      serverLinks({
        serverId: id,
        ports: ports.get(id) ?? [],
        floatingIps: facts.floatingIps,
        attachments: attachments.get(id) ?? [],
        subnets: facts.subnets,
        portsHoldFloatingIps: cloud.dialect.attach === 'port',
      }),
    ]),
  );
}

/** Ports by the id of the server they belong to (device_id). */
export function portsByServer(ports: readonly NeutronPort[]): Map<string, NeutronPort[]> {
  return groupBy(
    ports.filter((p) => p.device_id !== null && p.device_id !== ''),
    (p) => String(p.device_id),
  );
}

/**
 * Attachments from Nova's view of each server (immediate), with the device
 * names Cinder reports once an attachment completes; a server that lists no
 * volumes of its own gets Cinder's view.
 */
function attachmentsByServer(volumes: CinderVolume[] | undefined, servers: readonly NovaServer[]): Map<string, Attachment[]> {
  const fromCinder = attachmentsFromVolumes(volumes ?? []);
  return new Map(
    servers.map((s) => {
      const id = String(s.id);
      const own = s['os-extended-volumes:volumes_attached']?.map((v) => v.id) ?? s.volumes;
      if (!own) return [id, fromCinder.get(id) ?? []];
      const known = (volumeId: Id): Attachment | undefined => fromCinder.get(id)?.find((a) => String(a.volumeId) === String(volumeId));
      return [id, own.map((volumeId) => ({ ...known(volumeId), volumeId }))];
    }),
  );
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}
