// A server's links, as OCCI link records: each Neutron port is a
// networkinterface to its network, each floating IP on those ports a
// networkinterface to the external network, each volume attachment a
// storagelink. Interfaces are named eth0, eth1 … in port creation order.
import type { Attributes, LinkRecord } from '../../../port/backend.js';
import { badRequest } from '../../../errors.js';
import { typeId } from '../../../model/category.js';
import { IPNETWORKINTERFACE } from '../../../model/infrastructure.js';
import type { NeutronFloatingIp, NeutronPort, NeutronSubnet } from '../clients/neutron.js';
import type { Id } from '../clients/nova.js';
import { floatingInterfaceId, portInterfaceId, storageLinkId } from './ids.js';
import { linkState } from './status.js';

export interface Attachment {
  volumeId: Id;
  device?: string | null;
  /** The server's root disk (Synnefo's disk index 0): it cannot be detached, it goes with the server. */
  root?: boolean;
}

/**
 * A device name from a disk's index on its server, where the cloud names no
 * device (Cyclades' attachments carry only device_index): the name KVM's
 * virtio gives the disk of that index, vda for the root disk.
 */
export function deviceFromIndex(index: number | null | undefined): string | undefined {
  return typeof index === 'number' && index >= 0 && index < 26 ? `/dev/vd${String.fromCharCode(97 + index)}` : undefined;
}

export interface ServerLinkFacts {
  serverId: Id;
  ports: readonly NeutronPort[];
  floatingIps: readonly NeutronFloatingIp[];
  attachments: readonly Attachment[];
  /** Subnets the ports' addresses belong to, for their gateways (none known: no gateway shown). */
  subnets?: readonly NeutronSubnet[];
  /** Synnefo: a floating IP is held by a port of its own, so that port is the floating IP's link, not a second one. */
  portsHoldFloatingIps?: boolean;
}

const IPNI = typeId(IPNETWORKINTERFACE);

export function serverLinks(f: ServerLinkFacts): LinkRecord[] {
  const server = String(f.serverId);
  const ports = [...f.ports].sort(byCreation);
  const names = new Map(ports.map((p, i) => [String(p.id), `eth${i}`]));
  const byPort = new Map(ports.map((p) => [String(p.id), p]));
  const floating = f.floatingIps.filter((ip) => ip.port_id !== null && byPort.has(String(ip.port_id)));
  const holders = new Set(f.portsHoldFloatingIps ? floating.map((ip) => String(ip.port_id)) : []);
  const gateways = new Map((f.subnets ?? []).map((n) => [String(n.id), n.gateway_ip]));
  const interfaces = ports
    .filter((p) => !holders.has(String(p.id)))
    .map((p) => portInterface(server, p, names.get(String(p.id))!, gateways));
  const floatingLinks = floating
    .map((ip) => floatingInterface(server, ip, byPort.get(String(ip.port_id))!, names.get(String(ip.port_id))!));
  const storage = f.attachments.map((a) => storageLink(server, a));
  return [...interfaces, ...floatingLinks, ...storage];
}

function byCreation(a: NeutronPort, b: NeutronPort): number {
  const ca = a.created_at ?? a.created ?? '';
  const cb = b.created_at ?? b.created ?? '';
  return ca < cb ? -1 : ca > cb ? 1 : String(a.id) < String(b.id) ? -1 : 1;
}

function portInterface(server: string, p: NeutronPort, name: string, gateways: ReadonlyMap<string, string | null>): LinkRecord {
  const fixed = p.fixed_ips[0];
  const address = fixed?.ip_address;
  const subnet = fixed?.subnet_id ?? fixed?.subnet;
  const gateway = subnet !== undefined ? gateways.get(String(subnet)) : undefined;
  const attributes: Attributes = {
    'occi.networkinterface.interface': name,
    'occi.networkinterface.mac': p.mac_address,
    'occi.networkinterface.state': linkState(p.status),
    'occi.networkinterface.state.message': p.status,
  };
  if (address !== undefined) {
    attributes['occi.networkinterface.address'] = address;
    attributes['occi.networkinterface.allocation'] = 'dynamic';
    if (gateway) attributes['occi.networkinterface.gateway'] = gateway;
  }
  return {
    kind: 'networkinterface',
    id: portInterfaceId(server, p.id),
    source: { kind: 'compute', id: server },
    target: { kind: 'network', id: String(p.network_id) },
    mixins: address !== undefined ? [IPNI] : [],
    attributes,
  };
}

function floatingInterface(server: string, ip: NeutronFloatingIp, port: NeutronPort, name: string): LinkRecord {
  // Synnefo's floating IPs carry no status; being attached to a port is all there is.
  const status = ip.status ?? 'ACTIVE';
  return {
    kind: 'networkinterface',
    id: floatingInterfaceId(server, ip.id),
    source: { kind: 'compute', id: server },
    target: { kind: 'network', id: String(ip.floating_network_id) },
    mixins: [IPNI],
    attributes: {
      'occi.networkinterface.interface': name,
      'occi.networkinterface.mac': port.mac_address,
      'occi.networkinterface.state': linkState(status),
      'occi.networkinterface.state.message': `floating IP ${status}`,
      'occi.networkinterface.address': ip.floating_ip_address,
      'occi.networkinterface.allocation': 'dynamic',
    },
  };
}

function storageLink(server: string, a: Attachment): LinkRecord {
  const attributes: Attributes = {
    'occi.storagelink.state': 'active',
    'occi.storagelink.state.message': a.root ? 'attached (root disk: it goes with the compute and cannot be detached)' : 'attached',
  };
  if (a.device) attributes['occi.storagelink.deviceid'] = a.device;
  return {
    kind: 'storagelink',
    id: storageLinkId(server, a.volumeId),
    source: { kind: 'compute', id: server },
    target: { kind: 'storage', id: String(a.volumeId) },
    mixins: [],
    attributes,
  };
}

/** Nova attaches a volume as a device; where the guest mounts it is the guest's business, so a mount point is refused, not dropped. */
export function refuseMountpoint(a: Attributes): void {
  const m = a['occi.storagelink.mountpoint'];
  if (m !== undefined && m !== null && m !== '') {
    throw badRequest('occi.storagelink.mountpoint cannot be set on OpenStack: Nova attaches a volume as a device (occi.storagelink.deviceid); mount it inside the guest');
  }
}
