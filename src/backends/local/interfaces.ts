// Network interfaces: compute → network links. Each gets the compute's next
// free eth<N>, a locally administered MAC, and on an IP network an address:
// the next free one (dynamic), or the client's (static) when free and in range.
import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../../errors.js';
import { typeId } from '../../model/category.js';
import { IPNETWORKINTERFACE } from '../../model/infrastructure.js';
import type { LinkRecord, LinkSpec, UpdateSpec } from '../../port/backend.js';
import { nextValue, optString, present, realChanges } from './attributes.js';
import { clockValue } from './clock.js';
import type { EntityStore } from './context.js';
import type { Db } from './database.js';
import { firstFree, formatIp, isHostOf, parseIp } from './ip.js';
import { linkState, targetOf } from './link-state.js';
import { columnsOf, type ListingSpec } from './listing.js';
import { type NetworkRow, type Networks, networkRange } from './networks.js';

interface InterfaceRow {
  id: string;
  tenant: string;
  compute_id: string;
  network_id: string;
  title: string | null;
  interface: string;
  mac: string;
  address: string | null;
  allocation: string | null;
  compute_state: string;
  gateway: string | null;
}

const IPNETWORKINTERFACE_ID = typeId(IPNETWORKINTERFACE);
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;
const ALLOCATIONS = ['dynamic', 'static'];
const UPDATABLE = new Set([
  'occi.core.title',
  'occi.networkinterface.mac',
  'occi.networkinterface.address',
  'occi.networkinterface.allocation',
]);

function toRecord(r: InterfaceRow): LinkRecord {
  const { state, message } = linkState(r.compute_state, 'up');
  const attributes = present({
    'occi.core.title': r.title,
    'occi.networkinterface.interface': r.interface,
    'occi.networkinterface.mac': r.mac,
    'occi.networkinterface.state': state,
    'occi.networkinterface.state.message': message,
    'occi.networkinterface.address': r.address,
    'occi.networkinterface.gateway': r.address === null ? null : r.gateway,
    'occi.networkinterface.allocation': r.allocation,
  });
  return {
    kind: 'networkinterface',
    id: r.id,
    source: { kind: 'compute', id: r.compute_id },
    target: { kind: 'network', id: r.network_id },
    mixins: r.address === null ? [] : [IPNETWORKINTERFACE_ID],
    attributes,
  };
}

/** QEMU's prefix 52:54:00 is locally administered and unicast. */
const randomMac = (): string => ['52', '54', '00', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');

// The compute's state as it stands now (a due transition shows its outcome; see clock.ts).
const COLUMNS = `ni.id, ni.tenant, ni.compute_id, ni.network_id, ni.title, ni.interface, ni.mac, ni.address, ni.allocation,
  ${clockValue('c', 'state')} AS compute_state, n.gateway AS gateway`;
const JOINS = 'JOIN computes c ON c.id = ni.compute_id JOIN networks n ON n.id = ni.network_id';
const SELECT = `SELECT ${COLUMNS} FROM network_interfaces ni ${JOINS}`;

export const INTERFACE_LISTING: ListingSpec = {
  kind: 'networkinterface',
  table: 'network_interfaces ni',
  alias: 'ni',
  tenant: 'ni.tenant',
  columns: COLUMNS,
  joins: JOINS,
  attributes: columnsOf('ni', {
    'occi.core.title': 'title',
    'occi.networkinterface.interface': 'interface',
    'occi.networkinterface.mac': 'mac',
    'occi.networkinterface.address': 'address',
    'occi.networkinterface.allocation': 'allocation',
  }),
  mixin: (id) => (id === IPNETWORKINTERFACE_ID ? { sql: 'ni.address IS NOT NULL' } : undefined),
  records: (rows) => (rows as InterfaceRow[]).map(toRecord),
};

export class NetworkInterfaces implements EntityStore {
  readonly listing = INTERFACE_LISTING;
  private readonly selectByComputes;
  private readonly anyOf;
  private readonly selectOne;
  private readonly usedNames;
  private readonly usedAddresses;
  private readonly macTaken;
  private readonly insert;
  private readonly write;
  private readonly remove;

  constructor(
    db: Db,
    private readonly networks: Networks,
    private readonly now: () => number,
  ) {
    this.anyOf = db.prepare('SELECT EXISTS (SELECT 1 FROM network_interfaces WHERE tenant = ?)').pluck();
    this.selectByComputes = db.prepare(`${SELECT} WHERE ni.compute_id IN (SELECT value FROM json_each(@ids)) ORDER BY ni.rowid`);
    this.selectOne = db.prepare(`${SELECT} WHERE ni.id = @id AND ni.tenant = @tenant`);
    this.usedNames = db.prepare('SELECT interface FROM network_interfaces WHERE compute_id = ?').pluck();
    this.usedAddresses = db.prepare('SELECT address FROM network_interfaces WHERE network_id = ? AND address IS NOT NULL').pluck();
    this.macTaken = db.prepare('SELECT 1 FROM network_interfaces WHERE network_id = ? AND mac = ?').pluck();
    this.insert = db.prepare(
      `INSERT INTO network_interfaces (id, tenant, compute_id, network_id, title, interface, mac, address, allocation, created_at)
       VALUES (@id, @tenant, @computeId, @networkId, @title, @interface, @mac, @address, @allocation, @createdAt)`,
    );
    this.write = db.prepare('UPDATE network_interfaces SET title = @title, mac = @mac, address = @address, allocation = @allocation WHERE id = @id');
    this.remove = db.prepare('DELETE FROM network_interfaces WHERE id = ?');
  }

  /** Whether the tenant has any at all. */
  hasAny(tenant: string): boolean {
    return this.anyOf.get(tenant) === 1;
  }

  /** The interfaces of the computes whose ids `ids` lists (a JSON array). */
  ofComputes(ids: string): LinkRecord[] {
    return (this.selectByComputes.all({ ids, now: this.now() }) as InterfaceRow[]).map(toRecord);
  }

  private row(tenant: string, id: string): InterfaceRow | undefined {
    return this.selectOne.get({ id, tenant, now: this.now() }) as InterfaceRow | undefined;
  }

  get(tenant: string, id: string): LinkRecord | undefined {
    const row = this.row(tenant, id);
    return row && toRecord(row);
  }

  /** Links an existing compute of `tenant` to a network it sees. */
  create(tenant: string, computeId: string, spec: LinkSpec): string {
    const networkId = targetOf(spec, 'network');
    const network = this.networks.row(tenant, networkId);
    if (!network) throw notFound(`network ${networkId} not found`);
    const a = spec.attributes;
    const used = new Set(this.usedNames.all(computeId) as string[]);
    let n = 0;
    while (used.has(`eth${n}`)) n++;
    const id = randomUUID();
    this.insert.run({
      id,
      tenant,
      computeId,
      networkId,
      title: optString(a, 'occi.core.title') ?? null,
      interface: `eth${n}`,
      mac: this.pickMac(networkId, optString(a, 'occi.networkinterface.mac')),
      ...this.pickAddress(
        network,
        optString(a, 'occi.networkinterface.address'),
        optString(a, 'occi.networkinterface.allocation'),
      ),
      createdAt: this.now(),
    });
    return id;
  }

  /** A MAC free on the network (unique per network, as in Neutron). */
  private pickMac(networkId: string, requested: string | undefined): string {
    if (requested === undefined) {
      let mac = randomMac();
      while (this.macTaken.get(networkId, mac) !== undefined) mac = randomMac();
      return mac;
    }
    if (!MAC.test(requested)) throw badRequest(`occi.networkinterface.mac: "${requested}" is not a MAC address such as 52:54:00:12:34:56`);
    const mac = requested.toLowerCase();
    if (this.macTaken.get(networkId, mac) !== undefined) throw conflict(`occi.networkinterface.mac ${mac} is already in use on network ${networkId}`);
    return mac;
  }

  /** The client's address (static; a CIDR suffix is tolerated), or the next free one (dynamic). */
  private pickAddress(
    network: NetworkRow,
    requested: string | undefined,
    allocation: string | undefined,
  ): { address: string | null; allocation: string | null } {
    if (allocation !== undefined && !ALLOCATIONS.includes(allocation)) {
      throw badRequest(`occi.networkinterface.allocation must be one of ${ALLOCATIONS.join(', ')}`);
    }
    if (allocation === 'static' && requested === undefined) {
      throw badRequest('occi.networkinterface.allocation static needs occi.networkinterface.address');
    }
    const range = networkRange(network);
    const taken = new Set(this.usedAddresses.all(network.id) as string[]);
    if (network.gateway !== null) taken.add(network.gateway);
    if (requested === undefined) {
      if (!range) return { address: null, allocation: null };
      const free = firstFree(range, taken);
      if (free === undefined) throw conflict(`network ${network.id} has no free address left in ${network.address}`);
      return { address: free, allocation: 'dynamic' };
    }
    const ip = parseIp(requested.replace(/\/[0-9]+$/, ''));
    if (!ip) throw badRequest(`occi.networkinterface.address: "${requested}" is not an IP address`);
    if (!range) throw badRequest(`occi.networkinterface.address: network ${network.id} has no IP range to take it from`);
    if (!isHostOf(range, ip)) throw badRequest(`occi.networkinterface.address: ${requested} is not a host address of ${network.address}`);
    const address = formatIp(ip);
    if (taken.has(address)) throw conflict(`occi.networkinterface.address ${address} is already in use on network ${network.id}`);
    return { address, allocation: 'static' };
  }

  update(tenant: string, id: string, spec: UpdateSpec): LinkRecord {
    const row = this.row(tenant, id);
    if (!row) throw notFound(`networkinterface ${id} not found`);
    const { attributes: c, add, remove } = realChanges(toRecord(row), spec);
    const mixin = [...add, ...remove][0];
    if (mixin) throw badRequest(`mixin ${typeId(mixin)} cannot be changed on a network interface; it follows the network`);
    for (const name of Object.keys(c)) {
      if (!UPDATABLE.has(name)) throw badRequest(`${name} cannot be changed on a network interface`);
    }
    const mac = c['occi.networkinterface.mac'] ? this.pickMac(row.network_id, optString(c, 'occi.networkinterface.mac')) : row.mac;
    const address = optString(c, 'occi.networkinterface.address');
    const network = this.networks.row(tenant, row.network_id) as NetworkRow;
    const ip = address === undefined ? row : this.pickAddress(network, address, 'static');
    const allocation = optString(c, 'occi.networkinterface.allocation') ?? ip.allocation;
    if (allocation !== ip.allocation) {
      if (!ALLOCATIONS.includes(allocation as string)) {
        throw badRequest(`occi.networkinterface.allocation must be one of ${ALLOCATIONS.join(', ')}`);
      }
      if (ip.address === null) throw badRequest('occi.networkinterface.allocation needs an address: the network has no IP range');
    }
    this.write.run({ id, title: nextValue(c, 'occi.core.title', row.title, optString), mac, address: ip.address, allocation });
    return this.get(tenant, id) as LinkRecord;
  }

  delete(tenant: string, id: string): void {
    if (!this.row(tenant, id)) throw notFound(`networkinterface ${id} not found`);
    this.remove.run(id);
  }
}
