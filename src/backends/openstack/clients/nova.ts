// Thin typed wrapper of the Compute API calls the backend needs (Nova v2.1
// with microversions; Synnefo Cyclades speaks the same paths without them).
import { OcciError } from '../../../errors.js';
import { query, type JsonHttp } from './http.js';
import { ServiceClient, type PageAsk } from './service-client.js';

export type Id = string | number;

export interface NovaServer {
  id: Id;
  name: string;
  status: string;
  /** '' when the server boots from a volume. */
  image?: { id: Id } | '';
  /** Microversion ≥ 2.47 embeds the flavor (no id); older APIs and Synnefo give its id. */
  flavor?: { id?: Id; original_name?: string; vcpus?: number; ram?: number; disk?: number };
  tenant_id?: string;
  'OS-EXT-SRV-ATTR:hostname'?: string;
  'OS-EXT-STS:task_state'?: string | null;
  /** Synnefo: the server's DNS name, null when the operator sets none. */
  'SNF:fqdn'?: string | null;
  'SNF:task_state'?: string;
  'os-extended-volumes:volumes_attached'?: { id: Id }[];
  /** Addresses by network name; each says whether it is fixed or floating. */
  addresses?: Record<string, { addr: string; 'OS-EXT-IPS:type'?: string }[]>;
  /** Synnefo: the ids of the server's volumes. */
  volumes?: Id[];
  fault?: { message?: string };
  /** Synnefo: deleted servers still answer GET, with this set. */
  deleted?: boolean;
  metadata?: Record<string, string>;
  key_name?: string | null;
  'OS-EXT-AZ:availability_zone'?: string;
  /** Group names; with Neutron, Nova derives them from the server's ports (none without ports). */
  security_groups?: { name: string }[];
}

/** One entry of GET /os-availability-zone. */
export interface NovaZone {
  zoneName: string;
  zoneState: { available: boolean };
}

export interface NovaFlavor {
  id: Id;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  swap?: number | '';
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  'OS-FLV-DISABLED:disabled'?: boolean;
  /** Synnefo: false for flavors Cyclades refuses to create servers from (api/flavors.py flavor_to_dict() L47). */
  'SNF:allow_create'?: boolean;
  /** Synnefo: the volume type of the flavor's disks; attached volumes must share it. */
  'SNF:volume_type'?: Id;
}

/** An image as the Compute API lists it (Synnefo; Glance-less clouds). */
export interface ComputeImage {
  id: Id;
  name: string;
  status?: string;
  metadata?: Record<string, string>;
}

export interface NovaVolumeAttachment {
  id?: Id;
  volumeId: Id;
  serverId: Id;
  device?: string | null;
}

export interface NovaInterface {
  port_id: Id;
  net_id: Id;
  mac_addr?: string;
  port_state?: string;
  fixed_ips?: { ip_address: string; subnet_id?: Id }[];
}

export type ServerCreate = Record<string, unknown>;

/** Lowest compute microversion the mapping relies on (embedded flavors, createImage body). */
export const MIN_MICROVERSION = '2.47';
/** Newest microversion used: 2.90 lets owners see and set the hostname. */
export const PREFERRED_MICROVERSION = '2.90';

export class Nova extends ServiceClient {
  constructor(
    http: JsonHttp,
    base: string,
    token: string,
    microversion: string | undefined,
    /** Servers the API still answers that are gone (see Dialect.serverGone). */
    private readonly gone: (s: NovaServer) => boolean = () => false,
  ) {
    super(http, 'nova', base, token, microversion ? { 'OpenStack-API-Version': `compute ${microversion}` } : {});
  }

  /** Every server, or one page of them in id order. */
  async listServers(page?: PageAsk): Promise<NovaServer[]> {
    return (await this.collect<NovaServer>(`servers/detail${paged(page)}`, 'servers', page?.limit)).filter((s) => !this.gone(s));
  }

  /** Ids and names only (the cheap listing), of every server or one page in id order. */
  listServerRefs(page?: PageAsk): Promise<{ id: Id; name?: string }[]> {
    return this.collect(`servers${paged(page)}`, 'servers', page?.limit);
  }

  async getServer(id: string): Promise<NovaServer | undefined> {
    const s = await this.find<NovaServer>(`servers/${encodeURIComponent(id)}`, 'server', [400, 404]);
    return s && !this.gone(s) ? s : undefined;
  }

  createServer(server: ServerCreate): Promise<{ id: Id }> {
    return this.member('POST', 'servers', 'server', { server });
  }

  /** Nova answers the server; Cyclades 204 with no body (api/servers.py update_server_name() L575-601). */
  updateServer(id: string, fields: Record<string, unknown>): Promise<void> {
    return this.call('PUT', `servers/${encodeURIComponent(id)}`, { server: fields });
  }

  setMetadata(id: string, metadata: Record<string, string>): Promise<void> {
    return this.call('POST', `servers/${encodeURIComponent(id)}/metadata`, { metadata });
  }

  async deleteMetadata(id: string, key: string): Promise<void> {
    await this.send('DELETE', `servers/${encodeURIComponent(id)}/metadata/${encodeURIComponent(key)}`, undefined, [404]);
  }

  deleteServer(id: string): Promise<void> {
    return this.call('DELETE', `servers/${encodeURIComponent(id)}`);
  }

  /** POST /servers/{id}/action; returns the answer body, if any. */
  async action(id: string, body: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const res = await this.send<Record<string, unknown>>('POST', `servers/${encodeURIComponent(id)}/action`, body);
    return res.body;
  }

  /** The zones this project may boot in (the non-admin listing; internal zones are left out by Nova). */
  listAvailabilityZones(): Promise<NovaZone[]> {
    return this.member('GET', 'os-availability-zone', 'availabilityZoneInfo');
  }

  listFlavors(): Promise<NovaFlavor[]> {
    return this.collect('flavors/detail', 'flavors');
  }

  listImages(): Promise<ComputeImage[]> {
    return this.collect('images/detail', 'images');
  }

  volumeAttachments(serverId: string): Promise<NovaVolumeAttachment[]> {
    return this.member('GET', `servers/${encodeURIComponent(serverId)}/os-volume_attachments`, 'volumeAttachments');
  }

  getVolumeAttachment(serverId: string, volumeId: string): Promise<NovaVolumeAttachment | undefined> {
    return this.find(
      `servers/${encodeURIComponent(serverId)}/os-volume_attachments/${encodeURIComponent(volumeId)}`,
      'volumeAttachment',
      [400, 404],
    );
  }

  attachVolume(serverId: string, volumeId: string, device: string | undefined): Promise<NovaVolumeAttachment> {
    const volumeAttachment: Record<string, string> = { volumeId };
    if (device !== undefined) volumeAttachment.device = device;
    return this.member('POST', `servers/${encodeURIComponent(serverId)}/os-volume_attachments`, 'volumeAttachment', {
      volumeAttachment,
    });
  }

  detachVolume(serverId: string, volumeId: string): Promise<void> {
    return this.call('DELETE', `servers/${encodeURIComponent(serverId)}/os-volume_attachments/${encodeURIComponent(volumeId)}`);
  }

  attachInterface(serverId: string, netId: string, fixedIp: string | undefined): Promise<NovaInterface> {
    const interfaceAttachment: Record<string, unknown> = { net_id: netId };
    if (fixedIp !== undefined) interfaceAttachment.fixed_ips = [{ ip_address: fixedIp }];
    return this.member('POST', `servers/${encodeURIComponent(serverId)}/os-interface`, 'interfaceAttachment', {
      interfaceAttachment,
    });
  }

  detachInterface(serverId: string, portId: string): Promise<void> {
    return this.call('DELETE', `servers/${encodeURIComponent(serverId)}/os-interface/${encodeURIComponent(portId)}`);
  }

  /** Whether the compute API has os-keypairs (Cyclades before 0.19 answers 400 "API endpoint not found"). */
  async hasKeypairs(): Promise<boolean> {
    const res = await this.send('GET', 'os-keypairs', undefined, [400, 404, 501]);
    return res.status === 200;
  }

  getKeypair(name: string): Promise<{ name: string; public_key: string } | undefined> {
    return this.find(`os-keypairs/${encodeURIComponent(name)}`, 'keypair');
  }

  importKeypair(name: string, publicKey: string): Promise<{ name: string }> {
    return this.member('POST', 'os-keypairs', 'keypair', { keypair: { name, public_key: publicKey } });
  }
}

/** Nova pages in the order asked for: by uuid, as the other services by id. */
function paged(page: PageAsk | undefined): string {
  return page ? query({ sort_key: 'uuid', sort_dir: 'asc', limit: page.limit, marker: page.marker }) : '';
}

/** The compute microversion to use at `computeUrl`: the preferred one, capped by what the cloud offers. */
export async function negotiateMicroversion(http: JsonHttp, computeUrl: string, token: string): Promise<string> {
  const res = await http.request<{ version?: { version?: string } }>('nova', {
    method: 'GET',
    url: `${computeUrl}/`,
    token,
    accept: [300],
  });
  const max = res.body?.version?.version ?? '';
  if (max === '' || compareMicroversions(max, MIN_MICROVERSION) < 0) {
    throw new OcciError(502, `the compute API offers microversion ${max || 'none'}; ${MIN_MICROVERSION} or newer is needed`);
  }
  return compareMicroversions(max, PREFERRED_MICROVERSION) < 0 ? max : PREFERRED_MICROVERSION;
}

export function compareMicroversions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}
