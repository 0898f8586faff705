// Reading the links of servers: their ports, the floating IPs on those
// ports and their volume attachments, with independent calls in parallel and
// one call per kind of thing however many servers are listed. What the
// server bodies already say spares the calls that would find nothing: a
// server without addresses has no ports, one without a floating address no
// floating IP, one without volumes no attachment. The ports come back too:
// they also carry the servers' security groups.
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

/** Up to this many servers, their ports are asked for by device id; more, and the project's ports are listed. */
const PORTS_BY_DEVICE_MAX = 25;

/** Whether the server may have ports: Nova lists an address for each (a body without `addresses` says nothing). */
export function mayHavePorts(s: NovaServer): boolean {
  return s.addresses === undefined || Object.values(s.addresses).some((a) => a.length > 0);
}

/** Whether the server may hold a floating IP: Nova marks such addresses `floating`. */
export function mayHaveFloatingIps(s: NovaServer): boolean {
  return s.addresses === undefined || Object.values(s.addresses).some((list) => list.some((a) => a['OS-EXT-IPS:type'] === 'floating'));
}

/** Whether the server may have volumes attached (Synnefo lists them as `volumes`). */
export function mayHaveVolumes(s: NovaServer): boolean {
  const own = s['os-extended-volumes:volumes_attached'] ?? s.volumes;
  return own === undefined || own.length > 0;
}

/**
 * The floating IPs on these ports: none asked for when the server shows no
 * floating address, unless `always` (a link named after a floating IP, or
 * one just made: Nova's addresses follow Neutron's a moment late).
 */
async function floatingIpsOf(cloud: Cloud, server: NovaServer, ports: readonly NeutronPort[], always: boolean): Promise<NeutronFloatingIp[]> {
  const look = always || mayHaveFloatingIps(server) || cloud.floatingIpAddedLately(String(server.id));
  if (!cloud.hasNeutron || ports.length === 0 || !look) return [];
  return cloud.neutron.listFloatingIps({ port_id: ports.map((p) => String(p.id)) });
}

/** The links of one server whose body is known. */
export async function readServerLinks(cloud: Cloud, server: NovaServer, o: { floating?: 'always' } = {}): Promise<ServerLinks> {
  const id = String(server.id);
  const [ports, attachments, subnets] = await Promise.all([
    cloud.hasNeutron && (o.floating === 'always' || mayHavePorts(server)) ? cloud.neutron.listPorts({ device_id: id }) : Promise.resolve([]),
    mayHaveVolumes(server) ? serverAttachments(cloud, id) : Promise.resolve([]),
    cloud.subnets(),
  ]);
  const floatingIps = await floatingIpsOf(cloud, server, ports, o.floating === 'always');
  return { links: assemble(cloud, id, ports, floatingIps, attachments, subnets), ports };
}

/**
 * A server and its links; undefined when the server does not exist for this
 * caller. The server, its ports and its attachments are asked for at once,
 * as a client would (the link reads then fail too and are ignored); the
 * floating IPs after, and only when the server shows a floating address.
 */
export async function readServerWithLinks(
  cloud: Cloud,
  serverId: string,
  o: { floating?: 'always' } = {},
): Promise<({ server: NovaServer } & ServerLinks) | undefined> {
  const settle = <T>(p: Promise<T>): Promise<{ ok: true; v: T } | { ok: false; err: unknown }> =>
    p.then((v) => ({ ok: true as const, v }), (err: unknown) => ({ ok: false as const, err }));
  const [server, ports, attachments, subnets] = await Promise.all([
    cloud.nova.getServer(serverId),
    settle(cloud.hasNeutron ? cloud.neutron.listPorts({ device_id: serverId }) : Promise.resolve([])),
    settle(serverAttachments(cloud, serverId)),
    cloud.subnets(),
  ]);
  if (!server) return undefined;
  if (!ports.ok) throw ports.err;
  if (!attachments.ok) throw attachments.err;
  const floatingIps = await floatingIpsOf(cloud, server, ports.v, o.floating === 'always');
  return { server, links: assemble(cloud, serverId, ports.v, floatingIps, attachments.v, subnets), ports: ports.v };
}

function assemble(
  cloud: Cloud,
  serverId: string,
  ports: readonly NeutronPort[],
  floatingIps: readonly NeutronFloatingIp[],
  attachments: readonly Attachment[],
  subnets: readonly NeutronSubnet[],
): LinkRecord[] {
  return serverLinks({ serverId, ports, floatingIps, attachments, subnets, portsHoldFloatingIps: cloud.dialect.attach === 'port' });
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

/** Everything the links of many servers are made of, fetched in parallel (one call per kind, and only the kinds they show). */
export interface LinkFacts {
  ports: NeutronPort[];
  floatingIps: NeutronFloatingIp[];
  /** Cinder's volumes, when the cloud has Cinder and a server shows volumes (they carry the attachment devices). */
  volumes: CinderVolume[] | undefined;
  subnets: NeutronSubnet[];
}

export async function readLinkFacts(cloud: Cloud, servers: readonly NovaServer[]): Promise<LinkFacts> {
  const addressed = servers.filter(mayHavePorts).map((s) => String(s.id));
  const byDevice = addressed.length <= PORTS_BY_DEVICE_MAX;
  const [ports, floatingIps, volumes, subnets] = await Promise.all([
    cloud.hasNeutron && addressed.length > 0 ? cloud.neutron.listPorts(byDevice ? { device_id: addressed } : {}) : Promise.resolve([]),
    cloud.hasNeutron && servers.some((s) => mayHaveFloatingIps(s) || cloud.floatingIpAddedLately(String(s.id))) ? cloud.neutron.listFloatingIps() : Promise.resolve([]),
    cloud.hasCinder && servers.some(mayHaveVolumes) ? cloud.cinder.listVolumes() : Promise.resolve(undefined),
    cloud.subnets(),
  ]);
  return { ports, floatingIps, volumes, subnets };
}

/** The links of many servers, keyed by server id. */
export function assembleLinks(cloud: Cloud, facts: LinkFacts, servers: readonly NovaServer[]): Map<string, LinkRecord[]> {
  const ports = portsByServer(facts.ports);
  const attachments = attachmentsByServer(facts.volumes, servers);
  return new Map(
    servers.map((s) => {
      const id = String(s.id);
      return [id, assemble(cloud, id, ports.get(id) ?? [], facts.floatingIps, attachments.get(id) ?? [], facts.subnets)];
    }),
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
