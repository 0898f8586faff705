// Thin typed wrapper of the Networking API v2.0 calls the backend needs.
import { query, type JsonHttp } from './http.js';
import type { Id } from './nova.js';
import { ServiceClient, type PageAsk } from './service-client.js';

export interface NeutronNetwork {
  id: Id;
  name: string;
  status: string;
  admin_state_up: boolean;
  subnets: Id[];
  shared?: boolean;
  'router:external'?: boolean;
  'provider:network_type'?: string;
  'provider:segmentation_id'?: number | null;
  tenant_id?: string;
  project_id?: string;
  /** Synnefo: deleted networks still answer GET, with this set. */
  deleted?: boolean;
}

export interface NeutronSubnet {
  id: Id;
  network_id: Id;
  cidr: string;
  gateway_ip: string | null;
  ip_version: number;
  enable_dhcp: boolean;
}

export interface NeutronPort {
  id: Id;
  network_id: Id;
  mac_address: string;
  status: string;
  device_id: Id | null;
  device_owner: string;
  fixed_ips: { ip_address: string; subnet_id?: Id; subnet?: Id }[];
  created_at?: string;
  created?: string;
  /** Ids of the groups applied to the port. */
  security_groups?: Id[];
}

export interface NeutronSecurityGroup {
  id: Id;
  name: string;
  description?: string | null;
}

export interface NeutronFloatingIp {
  id: Id;
  floating_ip_address: string;
  floating_network_id: Id;
  port_id: Id | null;
  fixed_ip_address: string | null;
  /** Absent on Synnefo. */
  status?: string;
  description?: string;
  /** Synnefo: the server the address is attached to. */
  instance_id?: Id | null;
}

/**
 * Query filters are sent, and applied again to the answer: Cyclades reads
 * none of them (api/ports.py list_ports() L81-100, api/subnets.py list_subnets()
 * L61-77, api/floating_ips.py list_floating_ips() L114-131 list everything the user has), and
 * trusting its answer would give one compute another's ports.
 */
export class Neutron extends ServiceClient {
  constructor(
    http: JsonHttp,
    base: string,
    token: string,
    /** Networks the API still answers that are gone (see Dialect.networkGone). */
    private readonly gone: (n: NeutronNetwork) => boolean = () => false,
  ) {
    super(http, 'neutron', base, token);
  }

  /** Every network, or one page of them in id order. */
  async listNetworks(page?: PageAsk): Promise<NeutronNetwork[]> {
    const q = page ? query({ sort_key: 'id', sort_dir: 'asc', limit: page.limit, marker: page.marker }) : '';
    return (await this.collect<NeutronNetwork>(`networks${q}`, 'networks', page?.limit)).filter((n) => !this.gone(n));
  }

  async getNetwork(id: string): Promise<NeutronNetwork | undefined> {
    const n = await this.find<NeutronNetwork>(`networks/${encodeURIComponent(id)}`, 'network', [400, 404]);
    return n && !this.gone(n) ? n : undefined;
  }

  createNetwork(fields: Record<string, unknown>): Promise<NeutronNetwork> {
    return this.member('POST', 'networks', 'network', { network: fields });
  }

  updateNetwork(id: string, fields: Record<string, unknown>): Promise<NeutronNetwork> {
    return this.member('PUT', `networks/${encodeURIComponent(id)}`, 'network', { network: fields });
  }

  deleteNetwork(id: string): Promise<void> {
    return this.call('DELETE', `networks/${encodeURIComponent(id)}`);
  }

  /** Subnets, optionally only those of some networks. */
  async listSubnets(networkIds?: readonly string[]): Promise<NeutronSubnet[]> {
    const subnets = await this.collect<NeutronSubnet>(`subnets${query({ network_id: networkIds })}`, 'subnets');
    return networkIds === undefined ? subnets : subnets.filter((s) => networkIds.includes(String(s.network_id)));
  }

  createSubnet(fields: Record<string, unknown>): Promise<NeutronSubnet> {
    return this.member('POST', 'subnets', 'subnet', { subnet: fields });
  }

  updateSubnet(id: string, fields: Record<string, unknown>): Promise<NeutronSubnet> {
    return this.member('PUT', `subnets/${encodeURIComponent(id)}`, 'subnet', { subnet: fields });
  }

  /** Ports, optionally only those of some servers (device ids) or of a network. */
  async listPorts(filter: { device_id?: string | readonly string[]; network_id?: string } = {}): Promise<NeutronPort[]> {
    const ports = await this.collect<NeutronPort>(`ports${query(filter)}`, 'ports');
    const devices = filter.device_id === undefined ? undefined : new Set(typeof filter.device_id === 'string' ? [filter.device_id] : filter.device_id);
    return ports.filter(
      (p) =>
        (devices === undefined || devices.has(String(p.device_id))) &&
        (filter.network_id === undefined || String(p.network_id) === filter.network_id),
    );
  }

  getPort(id: string): Promise<NeutronPort | undefined> {
    return this.find(`ports/${encodeURIComponent(id)}`, 'port', [400, 404]);
  }

  createPort(fields: Record<string, unknown>): Promise<NeutronPort> {
    return this.member('POST', 'ports', 'port', { port: fields });
  }

  deletePort(id: string): Promise<void> {
    return this.call('DELETE', `ports/${encodeURIComponent(id)}`);
  }

  /** The project's own security groups (an admin token would otherwise list every project's), without their rules. */
  listSecurityGroups(projectId: string): Promise<NeutronSecurityGroup[]> {
    return this.collect(`security-groups${query({ project_id: projectId, fields: ['id', 'name', 'description'] })}`, 'security_groups');
  }

  async listFloatingIps(filter: { port_id?: readonly string[] } = {}): Promise<NeutronFloatingIp[]> {
    const ips = await this.collect<NeutronFloatingIp>(`floatingips${query(filter)}`, 'floatingips');
    const ports = filter.port_id;
    return ports === undefined ? ips : ips.filter((ip) => ip.port_id !== null && ports.includes(String(ip.port_id)));
  }

  getFloatingIp(id: string): Promise<NeutronFloatingIp | undefined> {
    return this.find(`floatingips/${encodeURIComponent(id)}`, 'floatingip', [400, 404]);
  }

  createFloatingIp(fields: Record<string, unknown>): Promise<NeutronFloatingIp> {
    return this.member('POST', 'floatingips', 'floatingip', { floatingip: fields });
  }

  updateFloatingIp(id: string, fields: Record<string, unknown>): Promise<NeutronFloatingIp> {
    return this.member('PUT', `floatingips/${encodeURIComponent(id)}`, 'floatingip', { floatingip: fields });
  }

  deleteFloatingIp(id: string): Promise<void> {
    return this.call('DELETE', `floatingips/${encodeURIComponent(id)}`);
  }
}
