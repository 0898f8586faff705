// The stand-in's state: what Cyclades keeps in its database, seeded with a
// small catalogue, and the Ganeti jobs that finish a transition later
// (logic/backend.py process_op_status(), L61-116 in the stored 0071ac42: the
// API answers 202 and the dispatcher completes the change afterwards; success
// sets the state L80-82, OP_INSTANCE_REMOVE marks the VM deleted L88-107).
import { featuresOf, type Features, type Release } from './releases.js';
import { badRequest, itemNotFound, overLimit } from './faults.js';

export interface User { uuid: string; name: string; token: string; projects: string[] }
export interface Flavor { id: number; name: string; cpu: number; ram: number; disk: number; volumeType: number; allowCreate: boolean }
export interface VolumeType { id: number; name: string; diskTemplate: string }
export interface Image { id: string; name: string; owner: string; properties: Record<string, string> }
export type OperState = 'BUILD' | 'STARTED' | 'STOPPED' | 'ERROR' | 'DESTROYED';
export interface Server {
  id: number; userid: string; project: string; name: string; flavorId: number; imageId: string;
  operstate: OperState; task: string | null; deleted: boolean; created: string; updated: string;
  metadata: Record<string, string>; keyName: string | null; personality: unknown[]; userData: string | null;
}
export interface Network {
  id: string; userid: string | null; project: string | null; name: string; flavor: string; public: boolean;
  floatingPool: boolean; state: 'ACTIVE' | 'DELETED'; deleted: boolean; created: string; updated: string;
}
export interface Subnet { id: string; networkId: string; name: string; cidr: string; gateway: string | null; dhcp: boolean; ipVersion: number; used: number }
export interface Port {
  id: string; userid: string; networkId: string; machineId: number | null; mac: string; state: 'DOWN' | 'BUILD' | 'ACTIVE';
  deviceOwner: string | null; name: string; created: string; updated: string;
}
export interface IpAddress { id: string; userid: string; project: string; networkId: string; subnetId: string; address: string; floating: boolean; nicId: string | null; deleted: boolean }
export interface Volume {
  id: string; userid: string; project: string; name: string | null; description: string; size: number; typeId: number;
  machineId: number | null; index: number | null; status: string; deleted: boolean; deleteOnTermination: boolean;
  metadata: Record<string, string>; created: string; sourceImage: string | null;
}
export interface Snapshot { id: string; volumeId: string; owner: string; name: string; description: string; size: number; status: string; created: string }
export interface Keypair { user: string; name: string; publicKey: string }

export interface WorldOptions {
  release: Release;
  /** How long a Ganeti job takes; 0 finishes it right after the answer is sent. */
  jobMs?: number;
  /** Floating IPs each user may hold (cyclades.floating_ip quota). */
  floatingIpLimit?: number;
  /** CYCLADES_SERVERS_FQDN, the pattern of SNF:fqdn (api/servers.py get_server_fqdn()); null leaves it unset. */
  fqdnPattern?: string | null;
}

const now = (): string => new Date().toISOString();

export class World {
  readonly release: Release;
  readonly features: Features;
  readonly users: User[] = [
    { uuid: 'a1ce0000-0000-4000-8000-000000000001', name: 'Alice', token: 'alice-snf-token', projects: ['a1ce0000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-0000000000aa'] },
    { uuid: 'b0b00000-0000-4000-8000-000000000002', name: 'Bob', token: 'bob-snf-token', projects: ['b0b00000-0000-4000-8000-000000000002'] },
  ];
  readonly volumeTypes: VolumeType[] = [
    // drbd first: a client taking the first type gets one that cannot be detached.
    { id: 1, name: 'drbd', diskTemplate: 'drbd' },
    { id: 2, name: 'archipelago', diskTemplate: 'ext_archipelago' },
  ];
  readonly flavors: Flavor[] = [
    { id: 1, name: 'C1R1024D20drbd', cpu: 1, ram: 1024, disk: 20, volumeType: 1, allowCreate: true },
    { id: 2, name: 'C2R2048D20drbd', cpu: 2, ram: 2048, disk: 20, volumeType: 1, allowCreate: true },
    { id: 3, name: 'C1R1024D20archipelago', cpu: 1, ram: 1024, disk: 20, volumeType: 2, allowCreate: true },
    { id: 4, name: 'C2R2048D20archipelago', cpu: 2, ram: 2048, disk: 20, volumeType: 2, allowCreate: true },
    { id: 5, name: 'C1R1024D40drbd', cpu: 1, ram: 1024, disk: 40, volumeType: 1, allowCreate: true },
    { id: 6, name: 'C8R16384D20drbd', cpu: 8, ram: 16384, disk: 20, volumeType: 1, allowCreate: false },
  ];
  readonly images: Image[] = [
    // snf-image-creator writes these lower-case properties; none names an architecture.
    { id: 'debian-base-0000-4000-8000-000000000001', name: 'Debian Base', owner: 'system', properties: { osfamily: 'linux', os: 'debian', users: 'root user', description: 'Debian base' } },
    { id: 'ubuntu-lts-0000-4000-8000-000000000002', name: 'Ubuntu LTS', owner: 'system', properties: { osfamily: 'linux', os: 'ubuntu', users: 'user' } },
  ];
  readonly servers = new Map<number, Server>();
  readonly networks = new Map<string, Network>();
  readonly subnets = new Map<string, Subnet>();
  readonly ports = new Map<string, Port>();
  readonly ips = new Map<string, IpAddress>();
  readonly volumes = new Map<string, Volume>();
  readonly snapshots = new Map<string, Snapshot>();
  readonly keypairs: Keypair[] = [];
  readonly floatingIpLimit: number;
  readonly fqdnPattern: string | null;
  private readonly jobMs: number;
  private readonly timers = new Set<NodeJS.Timeout | NodeJS.Immediate>();
  private nextId = 1000;

  constructor(o: WorldOptions) {
    this.release = o.release;
    this.features = featuresOf(o.release);
    this.jobMs = o.jobMs ?? 0;
    this.floatingIpLimit = o.floatingIpLimit ?? 2;
    this.fqdnPattern = o.fqdnPattern === undefined ? 'snf-%(id)s.vm.example.org' : o.fqdnPattern;
    // The admin's public network, a floating IP pool (network-create --public --floating-ip-pool).
    const t = now();
    this.networks.set('1', { id: '1', userid: null, project: null, name: 'public', flavor: 'IP_LESS_ROUTED', public: true, floatingPool: true, state: 'ACTIVE', deleted: false, created: t, updated: t });
    this.subnets.set('1', { id: '1', networkId: '1', name: 'public-v4', cidr: '83.212.96.0/24', gateway: '83.212.96.1', dhcp: true, ipVersion: 4, used: 0 });
  }

  id(): string {
    return String(++this.nextId);
  }

  userByToken(token: string | undefined): User | undefined {
    return this.users.find((u) => u.token === token);
  }

  /** A Ganeti job: `done` runs once it completes (after jobMs, or right after the answer). */
  job(done: () => void): void {
    const run = (): void => {
      this.timers.delete(handle);
      done();
    };
    const handle = this.jobMs > 0 ? setTimeout(run, this.jobMs) : setImmediate(run);
    this.timers.add(handle);
  }

  close(): void {
    for (const h of this.timers) {
      clearTimeout(h as NodeJS.Timeout);
      clearImmediate(h as NodeJS.Immediate);
    }
    this.timers.clear();
  }

  flavor(id: unknown): Flavor {
    const f = this.flavors.find((x) => String(x.id) === String(id));
    if (!f) throw itemNotFound('Flavor not found.');
    return f;
  }

  /** api/util.py get_vm() L113-136: an integer id of the user's server (deleted ones included), else 404. */
  vm(id: string | number, user: User): Server {
    const s = this.servers.get(Number(id));
    if (!s || s.userid !== user.uuid) throw itemNotFound('Server not found.');
    return s;
  }

  /** api/util.py get_network() L200-216: the user's or a public network. */
  network(id: string | number, user: User): Network {
    const n = this.networks.get(String(id));
    if (!n || (!n.public && n.userid !== user.uuid)) throw itemNotFound('Network not found.');
    return n;
  }

  volume(id: string | number, user: User, missing: 'notFound' | 'badRequest' = 'notFound'): Volume {
    const v = this.volumes.get(String(id));
    if (!v || v.userid !== user.uuid) throw missing === 'notFound' ? itemNotFound(`Volume ${id} not found`) : badRequest(`Volume ${id} not found`);
    return v;
  }

  /**
   * A commission to a project the user is no member of finds no quota there
   * (pool projects, Changelog v0.16): the quotaholder answers as for an exhausted limit.
   */
  chargeProject(user: User, project: unknown, resource: string): string {
    const p = typeof project === 'string' && project !== '' ? project : user.uuid;
    if (p !== user.uuid && !user.projects.includes(p)) throw overLimit(resource, 0);
    return p;
  }

  /** The next free address of a subnet (logic/ips.py allocate_ip() L60-81); a taken fixed address is a 409 in the caller. */
  allocateAddress(subnet: Subnet): string {
    const [base] = subnet.cidr.split('/');
    const parts = base!.split('.').map(Number);
    const n = subnet.used++;
    return `${parts[0]}.${parts[1]}.${parts[2]}.${n + (subnet.gateway ? 2 : 1)}`;
  }

  mac(): string {
    const n = this.nextId.toString(16).padStart(6, '0');
    return `aa:00:00:${n.slice(0, 2)}:${n.slice(2, 4)}:${n.slice(4, 6)}`;
  }

  stamp(): string {
    return now();
  }
}
