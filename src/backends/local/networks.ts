// Networks of the embedded cloud: per tenant, plus the shared public network
// (tenant NULL) that all see and link to but nobody changes. up/down act at once.
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { Action } from '../../model/category.js';
import { typeId } from '../../model/category.js';
import { IPNETWORK, NETWORK } from '../../model/infrastructure.js';
import type { ActionOutcome, Attributes, ResourceRecord, ResourceSpec, UpdateSpec } from '../../port/backend.js';
import { assertApplicable, kindAction } from './actions.js';
import { nextValue, optInteger, optString, present, realChanges } from './attributes.js';
import type { Context, ResourceStore } from './context.js';
import { columnsOf, type ListingSpec } from './listing.js';
import { type Cidr, formatCidr, formatIp, hostRange, isHostOf, parseCidr, parseIp } from './ip.js';

export interface NetworkRow {
  id: string;
  tenant: string | null;
  title: string | null;
  summary: string | null;
  vlan: number | null;
  label: string | null;
  ip: number;
  address: string | null;
  gateway: string | null;
  allocation: string | null;
  state: string;
  message: string | null;
}

const IPNETWORK_ID = typeId(IPNETWORK);
const ALLOCATIONS = ['dynamic', 'static'];

/** A network's range, parsed from its stored (already validated) CIDR. */
export function networkRange(row: Pick<NetworkRow, 'address'>): Cidr | undefined {
  if (row.address === null) return undefined;
  const c = parseCidr(row.address);
  return typeof c === 'string' ? undefined : c;
}

function toRecord(r: NetworkRow): ResourceRecord {
  const attributes = present({
    'occi.core.title': r.title,
    'occi.core.summary': r.summary,
    'occi.network.vlan': r.vlan,
    'occi.network.label': r.label,
    'occi.network.state': r.state,
    'occi.network.state.message': r.message,
    'occi.network.address': r.address,
    'occi.network.gateway': r.gateway,
    'occi.network.allocation': r.allocation,
  });
  const record: ResourceRecord = { kind: 'network', id: r.id, mixins: r.ip ? [IPNETWORK_ID] : [], attributes, links: [] };
  // Nobody may change the shared network, so it offers no action (R56).
  if (r.tenant === null) record.refused = ['up', 'down'];
  return record;
}

/** The tenant's networks and the shared public one (first: it was made with the data dir). */
export const NETWORK_LISTING: ListingSpec = {
  kind: 'network',
  table: 'networks n',
  alias: 'n',
  tenant: 'n.tenant',
  shared: true,
  columns: 'n.*',
  attributes: columnsOf(
    'n',
    {
      'occi.core.title': 'title',
      'occi.core.summary': 'summary',
      'occi.network.label': 'label',
      'occi.network.state': 'state',
      'occi.network.state.message': 'message',
      'occi.network.address': 'address',
      'occi.network.gateway': 'gateway',
      'occi.network.allocation': 'allocation',
    },
    { 'occi.network.vlan': 'vlan' },
  ),
  mixin: (id) => (id === IPNETWORK_ID ? { sql: 'n.ip = 1' } : undefined),
  records: (rows) => (rows as NetworkRow[]).map(toRecord),
};

interface IpSettings {
  address: string | null;
  gateway: string | null;
  allocation: string | null;
}

/**
 * Validates an ipnetwork's address (CIDR), gateway and allocation, giving each
 * its canonical text; a range without a gateway gets its first host address.
 */
function checkIpSettings(s: IpSettings): IpSettings {
  let range: Cidr | undefined;
  if (s.address !== null) {
    const c = parseCidr(s.address);
    if (c === 'syntax') throw badRequest(`occi.network.address: "${s.address}" is not a CIDR range such as 192.168.0.0/24`);
    if (c === 'host-bits') throw badRequest(`occi.network.address: "${s.address}" has host bits set after the prefix`);
    range = c;
  }
  let gateway = s.gateway;
  if (gateway !== null) {
    const ip = parseIp(gateway);
    if (!ip) throw badRequest(`occi.network.gateway: "${gateway}" is not an IP address`);
    if (range && !isHostOf(range, ip)) {
      throw badRequest(`occi.network.gateway: ${gateway} is not a host address of ${s.address}`);
    }
    gateway = formatIp(ip);
  } else if (range) {
    const { first, last } = hostRange(range);
    if (first <= last) gateway = formatIp({ family: range.family, value: first });
  }
  if (s.allocation !== null && !ALLOCATIONS.includes(s.allocation)) {
    throw badRequest(`occi.network.allocation must be one of ${ALLOCATIONS.join(', ')}`);
  }
  return { address: range ? formatCidr(range) : null, gateway, allocation: s.allocation };
}

/** The ipnetwork columns: the mixin is there when asked for or when any of its attributes is set; allocation defaults to dynamic. */
function withIp(ip: IpSettings, mixinAsked: boolean): IpSettings & { ip: number } {
  const hasIp = mixinAsked || ip.address !== null || ip.gateway !== null || ip.allocation !== null;
  return { ...ip, ip: hasIp ? 1 : 0, allocation: ip.allocation ?? (hasIp ? 'dynamic' : null) };
}

export class Networks implements ResourceStore {
  readonly listing = NETWORK_LISTING;
  private readonly selectOne;
  private readonly insert;
  private readonly write;
  private readonly remove;
  private readonly countInterfaces;
  private readonly addressTaken;

  constructor(private readonly ctx: Context) {
    const db = ctx.db;
    this.selectOne = db.prepare('SELECT * FROM networks WHERE id = ? AND (tenant = ? OR tenant IS NULL)');
    this.insert = db.prepare(
      `INSERT INTO networks (id, tenant, title, summary, vlan, label, ip, address, gateway, allocation, state, message, created_at)
       VALUES (@id, @tenant, @title, @summary, @vlan, @label, @ip, @address, @gateway, @allocation, 'active', 'up', @createdAt)`,
    );
    this.write = db.prepare(
      `UPDATE networks SET title = @title, summary = @summary, vlan = @vlan, label = @label, ip = @ip,
         address = @address, gateway = @gateway, allocation = @allocation, state = @state, message = @message
       WHERE id = @id`,
    );
    this.remove = db.prepare('DELETE FROM networks WHERE id = ?');
    this.countInterfaces = db.prepare('SELECT count(*) FROM network_interfaces WHERE network_id = ?').pluck();
    this.addressTaken = db.prepare('SELECT 1 FROM network_interfaces WHERE network_id = ? AND address = ?').pluck();
  }

  /** A network this tenant sees (its own or the public one). */
  row(tenant: string, id: string): NetworkRow | undefined {
    return this.selectOne.get(id, tenant) as NetworkRow | undefined;
  }

  /** A network this tenant may change: 404 when unseen, 403 for the public network. */
  private owned(tenant: string, id: string): NetworkRow {
    const row = this.row(tenant, id);
    if (!row) throw notFound(`network ${id} not found`);
    if (row.tenant === null) throw forbidden(`network ${id} (${row.title}) is shared by all tenants and cannot be changed`);
    return row;
  }

  private assertUnused(row: NetworkRow): void {
    const n = this.countInterfaces.get(row.id) as number;
    if (n > 0) throw conflict(`network ${row.id} in use: ${n} network interface(s) link to it`);
  }

  get(tenant: string, id: string): ResourceRecord | undefined {
    const row = this.row(tenant, id);
    return row && toRecord(row);
  }

  create(tenant: string, spec: ResourceSpec): string {
    if (spec.links.length > 0) throw badRequest('a network owns no links; link computes to it instead');
    const a = spec.attributes;
    const ip = checkIpSettings({
      address: optString(a, 'occi.network.address') ?? null,
      gateway: optString(a, 'occi.network.gateway') ?? null,
      allocation: optString(a, 'occi.network.allocation') ?? null,
    });
    const id = this.ctx.newId(tenant, spec.id);
    this.insert.run({
      id,
      tenant,
      title: optString(a, 'occi.core.title') ?? null,
      summary: optString(a, 'occi.core.summary') ?? null,
      vlan: optInteger(a, 'occi.network.vlan') ?? null,
      label: optString(a, 'occi.network.label') ?? null,
      ...withIp(ip, spec.mixins.some((m) => typeId(m) === IPNETWORK_ID)),
      createdAt: this.ctx.clock.now(),
    });
    return id;
  }

  update(tenant: string, id: string, spec: UpdateSpec): ResourceRecord {
    const row = this.owned(tenant, id);
    const { attributes: c, add, remove } = realChanges(toRecord(row), spec);
    for (const m of [...add, ...remove]) {
      if (typeId(m) !== IPNETWORK_ID) throw badRequest(`mixin ${typeId(m)} cannot be associated with a network`);
    }
    for (const name of Object.keys(c)) {
      if (!NETWORK_UPDATABLE.has(name)) throw badRequest(`${name} cannot be changed on a network`);
    }
    // Removing ipnetwork drops its attributes; a new range without a gateway gets its default one.
    const dropIp = remove.length > 0;
    const newRange = 'occi.network.address' in c;
    if (dropIp || newRange) this.assertUnused(row);
    const ip = dropIp
      ? { address: null, gateway: null, allocation: null }
      : checkIpSettings({
          address: nextValue(c, 'occi.network.address', row.address, optString),
          gateway: newRange && !('occi.network.gateway' in c) ? null : nextValue(c, 'occi.network.gateway', row.gateway, optString),
          allocation: nextValue(c, 'occi.network.allocation', row.allocation, optString),
        });
    if (ip.gateway !== null && ip.gateway !== row.gateway && this.addressTaken.get(id, ip.gateway) !== undefined) {
      throw conflict(`occi.network.gateway: ${ip.gateway} is the address of a network interface`);
    }
    const next: NetworkRow = {
      ...row,
      title: nextValue(c, 'occi.core.title', row.title, optString),
      summary: nextValue(c, 'occi.core.summary', row.summary, optString),
      vlan: nextValue(c, 'occi.network.vlan', row.vlan, optInteger),
      label: nextValue(c, 'occi.network.label', row.label, optString),
      ...withIp(ip, !dropIp && (row.ip === 1 || add.length > 0)),
    };
    this.write.run(next);
    return toRecord(next);
  }

  delete(tenant: string, id: string): void {
    const row = this.owned(tenant, id);
    this.assertUnused(row);
    this.remove.run(id);
  }

  action(tenant: string, id: string, action: Action, _params: Attributes): ActionOutcome {
    const row = this.owned(tenant, id);
    const act = kindAction(NETWORK, action);
    assertApplicable(NETWORK, `network ${id}`, row.state, act);
    const next: NetworkRow = act.term === 'up' ? { ...row, state: 'active', message: 'up' } : { ...row, state: 'inactive', message: 'down' };
    this.write.run(next);
    return { entity: toRecord(next) };
  }
}

const NETWORK_UPDATABLE = new Set([
  'occi.core.title',
  'occi.core.summary',
  'occi.network.vlan',
  'occi.network.label',
  'occi.network.address',
  'occi.network.gateway',
  'occi.network.allocation',
]);
