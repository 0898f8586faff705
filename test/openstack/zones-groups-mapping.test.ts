// Availability zones and security groups as provider mixins, on answers
// recorded from openstack-lite (Zed): the mixins offered, the zone and groups
// a server record lists, what a creation adds to the server body and what an
// update may change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord, UpdateSpec } from '../../src/port/backend.js';
import { groupChanges, zoneAndGroupFields, type ZoneGroupContext } from '../../src/backends/openstack/services/compute-zones-groups.js';
import { OPENSTACK, SYNNEFO } from '../../src/backends/openstack/dialect.js';
import { GroupIndex } from '../../src/backends/openstack/mapping/security-groups.js';
import { ZoneIndex } from '../../src/backends/openstack/mapping/zones.js';
import type { NeutronPort, NeutronSecurityGroup } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaServer, NovaZone } from '../../src/backends/openstack/clients/nova.js';
import { OcciError } from '../../src/errors.js';
import { typeId, type Mixin } from '../../src/model/category.js';
import { AVAILABILITY_ZONE, SECURITY_GROUP } from '../../src/model/infrastructure.js';
import { AVAILABILITY_ZONE_SCHEME, SECURITY_GROUP_SCHEME } from '../../src/model/schemes.js';
import { availabilityZone, isAvailabilityZone, isSecurityGroup, securityGroup } from '../../src/model/templates.js';
import { fixture } from './fixtures.js';

const zoneInfo = fixture<{ availabilityZoneInfo: NovaZone[] }>('availability-zones.json').availabilityZoneInfo;
const groupList = fixture<{ security_groups: NeutronSecurityGroup[] }>('security-groups.json').security_groups;
const server = fixture<{ server: NovaServer }>('server-active.json').server;
const ports = fixture<{ ports: NeutronPort[] }>('ports.json').ports;

const DEFAULT_ID = '1cf20315-8eeb-4a16-bbce-1b00375176ca';
const WEB_ID = '5d0b1f12-b3e0-423e-9564-3c35d50be87c';
const DUP_IDS = ['a38b1e94-6aab-4532-bb90-701e3a86f05d', 'cc320ed1-fb1d-4f6e-800c-12ab48f23ab5'];

const zones = new ZoneIndex([...zoneInfo, { zoneName: 'maintenance', zoneState: { available: false } }, { zoneName: 'east', zoneState: { available: true } }]);
const groups = new GroupIndex(groupList);
const ctx: ZoneGroupContext = { zones, groups, dialect: OPENSTACK };
const group = (id: string): Mixin => groups.byId(id)!;
const nova = zones.byId('nova')!;
const east = zones.byId('east')!;

const status = (code: number, re: RegExp) => (e: unknown) => e instanceof OcciError && e.status === code && re.test(e.message);

describe('openstack zones and groups: mixins offered', () => {
  it('offers one availability_zone mixin per available Nova zone, child of availability_zone', () => {
    assert.deepEqual(new ZoneIndex(zoneInfo).mixins.map((m) => m.term), ['nova']);
    assert.deepEqual(zones.mixins.map((m) => m.term), ['nova', 'east'], 'an unavailable zone is not offered');
    assert.equal(nova.scheme, AVAILABILITY_ZONE_SCHEME);
    assert.deepEqual(nova.depends, [AVAILABILITY_ZONE]);
    assert.ok(isAvailabilityZone(nova));
    assert.equal(nova.location, '/availability_zone/nova/');
    assert.equal(nova.providerId, 'nova');
    assert.equal(zones.find(availabilityZone('nova')), nova, 'found by scheme and term');
  });

  it('offers one security_group mixin per group of the project; shared names get the id', () => {
    assert.deepEqual(
      groups.mixins.map((m) => m.term),
      ['default', 'web_servers', `dup_${DUP_IDS[0]}`, `dup_${DUP_IDS[1]}`],
    );
    const def = group(DEFAULT_ID);
    assert.equal(def.scheme, SECURITY_GROUP_SCHEME);
    assert.deepEqual(def.depends, [SECURITY_GROUP]);
    assert.ok(isSecurityGroup(def));
    assert.equal(def.title, 'default: Default security group');
    assert.equal(def.location, '/security_group/default/');
    assert.equal(group(WEB_ID).title, 'web servers: HTTP and HTTPS in');
    assert.equal(group(DUP_IDS[0]!).title, `Security group dup_${DUP_IDS[0]}`, 'an empty description gives the plain title');
    assert.equal(groups.find(securityGroup({ id: 'other-id', name: 'web servers' })), group(WEB_ID), 'found by scheme and term');
    assert.equal(new Set(groups.mixins.map(typeId)).size, groups.mixins.length, 'every category is unique');
  });

  it('keeps the first of two zones whose names give the same term', () => {
    const z = new ZoneIndex([
      { zoneName: 'zone a', zoneState: { available: true } },
      { zoneName: 'zone_a', zoneState: { available: true } },
    ]);
    assert.deepEqual(z.mixins.map((m) => m.providerId), ['zone a']);
  });
});

describe('openstack zones and groups: a server record', () => {
  it('lists the zone of the server (OS-EXT-AZ:availability_zone), when offered', () => {
    assert.equal(server['OS-EXT-AZ:availability_zone'], 'nova');
    assert.equal(zones.zoneOf(server), nova);
    assert.equal(zones.zoneOf({ ...server, 'OS-EXT-AZ:availability_zone': 'maintenance' }), undefined);
    assert.equal(new ZoneIndex([]).zoneOf(server), undefined);
  });

  it("reads the groups from the server's ports: their union, each once, unknown ids left out", () => {
    assert.deepEqual(groups.groupsOf(server, ports), [group(DEFAULT_ID)]);
    const port = ports[0]!;
    const two = [
      { ...port, security_groups: [DEFAULT_ID, WEB_ID] },
      { ...port, id: 'p2', security_groups: [WEB_ID, 'gone-group'] },
    ];
    assert.deepEqual(groups.groupsOf(server, two), [group(DEFAULT_ID), group(WEB_ID)]);
    assert.deepEqual(groups.groupsOf(server, [{ ...port, security_groups: [] }]), [], 'a port without groups wins over the names');
  });

  it("falls back to the server's group names without ports; an ambiguous name maps to nothing", () => {
    assert.deepEqual(server.security_groups, [{ name: 'default' }]);
    assert.deepEqual(groups.groupsOf(server, []), [group(DEFAULT_ID)]);
    assert.deepEqual(groups.groupsOf({ ...server, security_groups: [{ name: 'dup' }, { name: WEB_ID }] }, []), [group(WEB_ID)]);
    assert.deepEqual(groups.groupsOf({ ...server, security_groups: undefined }, []), []);
  });
});

describe('openstack zones and groups: creation', () => {
  it('adds availability_zone and the group ids to the server body', () => {
    assert.deepEqual(zoneAndGroupFields([nova, group(DEFAULT_ID), group(WEB_ID)], ctx, true), {
      availability_zone: 'nova',
      security_groups: [{ name: DEFAULT_ID }, { name: WEB_ID }],
    });
    assert.deepEqual(zoneAndGroupFields([], ctx, false), {}, 'nothing asked, nothing added');
    assert.deepEqual(zoneAndGroupFields([nova], ctx, false), { availability_zone: 'nova' });
  });

  it('refuses two zones, a parent, a zone or group not offered, and groups without a network', () => {
    assert.throws(() => zoneAndGroupFields([nova, east], ctx, true), status(400, /one availability zone, got nova and east/));
    assert.throws(() => zoneAndGroupFields([AVAILABILITY_ZONE], ctx, true), status(400, /name one availability zone listed in \/-\/.*not .*#availability_zone itself/));
    assert.throws(() => zoneAndGroupFields([SECURITY_GROUP], ctx, true), status(400, /name one security group listed/));
    assert.throws(() => zoneAndGroupFields([availabilityZone('maintenance')], ctx, true), status(400, /availability zone .*#maintenance is not offered to this project/));
    assert.throws(() => zoneAndGroupFields([securityGroup({ id: 'x', name: 'gone' })], ctx, true), status(400, /security group .*#gone is not offered/));
    assert.throws(() => zoneAndGroupFields([group(WEB_ID)], ctx, false), status(400, /security groups apply to network interfaces: link the compute to a private network.*web_servers/));
  });

  it('Synnefo offers none and refuses them with a 400', () => {
    const snf: ZoneGroupContext = { zones: new ZoneIndex([]), groups: new GroupIndex([]), dialect: SYNNEFO };
    assert.throws(() => zoneAndGroupFields([nova], snf, true), status(400, /synnefo offers no availability zones or security groups; remove mixin .*#nova/));
    assert.throws(() => zoneAndGroupFields([SECURITY_GROUP], snf, true), status(400, /synnefo offers no/));
  });
});

describe('openstack zones and groups: update', () => {
  const nic = { kind: 'networkinterface' as const, id: 's_p', source: { kind: 'compute' as const, id: 's' }, target: { kind: 'network' as const, id: 'n' }, mixins: [], attributes: {} };
  const compute = (mixins: Mixin[], withNic = true): ResourceRecord => ({
    kind: 'compute',
    id: 's',
    mixins: mixins.map(typeId),
    attributes: {},
    links: withNic ? [nic] : [],
  });
  const change = (addMixins: Mixin[], removeMixins: Mixin[] = []): UpdateSpec => ({ attributes: {}, addMixins, removeMixins });
  const ids = (c: { add: Mixin[]; remove: Mixin[] }) => ({ add: c.add.map((m) => m.providerId), remove: c.remove.map((m) => m.providerId) });

  it('adds the groups the compute lacks and removes those it has', () => {
    const current = compute([nova, group(DEFAULT_ID)]);
    assert.deepEqual(ids(groupChanges(change([group(WEB_ID), group(DEFAULT_ID)]), current, ctx)), { add: [WEB_ID], remove: [] });
    assert.deepEqual(ids(groupChanges(change([], [group(DEFAULT_ID), group(WEB_ID)]), current, ctx)), { add: [], remove: [DEFAULT_ID] });
    assert.deepEqual(ids(groupChanges(change([group(WEB_ID)], [group(DEFAULT_ID)]), current, ctx)), { add: [WEB_ID], remove: [DEFAULT_ID] }, 'a replacement');
    assert.deepEqual(ids(groupChanges(change([nova]), current, ctx)), { add: [], remove: [] }, 'its own zone again changes nothing');
  });

  it('refuses to move a compute to another zone, or out of its zone (400)', () => {
    const current = compute([nova, group(DEFAULT_ID)]);
    assert.throws(() => groupChanges(change([east]), current, ctx), status(400, /^cannot move a compute to another availability zone \(compute s is in nova\)$/));
    assert.throws(() => groupChanges(change([east], [nova]), current, ctx), status(400, /cannot move a compute to another availability zone/));
    assert.throws(() => groupChanges(change([], [nova]), current, ctx), status(400, /cannot move a compute to another availability zone/));
    assert.deepEqual(ids(groupChanges(change([], [east]), current, ctx)), { add: [], remove: [] }, 'a zone it is not in: nothing to remove');
  });

  it('answers 409 for a group on a compute without a network interface, 400 on Synnefo', () => {
    assert.throws(() => groupChanges(change([group(WEB_ID)]), compute([nova], false), ctx), status(409, /compute s has no network interface for security group web_servers to apply to; link it to a network first/));
    const snf: ZoneGroupContext = { zones: new ZoneIndex([]), groups: new GroupIndex([]), dialect: SYNNEFO };
    assert.throws(() => groupChanges(change([group(WEB_ID)]), compute([]), snf), status(400, /synnefo offers no availability zones or security groups/));
  });
});
