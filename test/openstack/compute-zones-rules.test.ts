// Rules of the zone and security groups of a compute, and of waiting on the
// cloud (services/compute-zones-groups.ts, services/wait.ts), that the
// Stryker run's survivors got past (issue 14): refusals name every group
// they are about; an update that replaces a template removes no security
// group; a zone move is refused in words even where the compute's zone is
// not known; waits back off, and a deletion not finished names what it
// waited for. Pure functions, on answers recorded from openstack-lite (the
// fixtures zones-groups-mapping.test.ts uses).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord, UpdateSpec } from '../../src/port/backend.js';
import { groupChanges, zoneAndGroupFields, type ZoneGroupContext } from '../../src/backends/openstack/services/compute-zones-groups.js';
import { untilGone, waitUntil } from '../../src/backends/openstack/services/wait.js';
import { OPENSTACK } from '../../src/backends/openstack/dialect.js';
import { GroupIndex } from '../../src/backends/openstack/mapping/security-groups.js';
import { ZoneIndex } from '../../src/backends/openstack/mapping/zones.js';
import type { NeutronSecurityGroup } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaZone } from '../../src/backends/openstack/clients/nova.js';
import { OcciError } from '../../src/errors.js';
import { typeId, type Mixin } from '../../src/model/category.js';
import { osTemplate } from '../../src/model/templates.js';
import { fixture } from './fixtures.js';

const zoneInfo = fixture<{ availabilityZoneInfo: NovaZone[] }>('availability-zones.json').availabilityZoneInfo;
const groupList = fixture<{ security_groups: NeutronSecurityGroup[] }>('security-groups.json').security_groups;
const zones = new ZoneIndex([...zoneInfo, { zoneName: 'east', zoneState: { available: true } }]);
const groups = new GroupIndex(groupList);
const ctx: ZoneGroupContext = { zones, groups, dialect: OPENSTACK };
const DEFAULT_ID = '1cf20315-8eeb-4a16-bbce-1b00375176ca';
const WEB_ID = '5d0b1f12-b3e0-423e-9564-3c35d50be87c';
const [dflt, web] = [groups.byId(DEFAULT_ID)!, groups.byId(WEB_ID)!];
const east = zones.byId('east')!;

/** A message matched whole. */
const exactly = (status: number, message: string) => (e: unknown) => e instanceof OcciError && e.status === status && e.message === message;

const compute = (mixins: Mixin[], withInterface: boolean): ResourceRecord =>
  ({
    kind: 'compute',
    id: 'vm1',
    mixins: mixins.map(typeId),
    attributes: {},
    links: withInterface ? [{ kind: 'networkinterface', id: 'vm1_p1', source: 'vm1', target: { kind: 'network', id: 'n1' }, mixins: [], attributes: {} }] : [],
  }) as unknown as ResourceRecord;
const update = (addMixins: Mixin[], removeMixins: Mixin[] = []): UpdateSpec => ({ attributes: {}, addMixins, removeMixins });

describe('openstack zones and groups: refusals name every group', () => {
  it('R65: security groups at creation without a private network are refused naming each of them', () => {
    // 1133
    assert.throws(
      () => zoneAndGroupFields([dflt, web], ctx, false),
      exactly(400, `security groups apply to network interfaces: link the compute to a private network in the same request, or associate ${dflt.term}, ${web.term} once it has one`),
    );
  });

  it('R65: security groups added to a compute with no network interface are a 409 naming each of them', () => {
    // 1197
    assert.throws(
      () => groupChanges(update([dflt, web]), compute([], false), ctx),
      exactly(409, `compute vm1 has no network interface for security group ${dflt.term}, security group ${web.term} to apply to; link it to a network first`),
    );
  });

  it('R65: a zone added to a compute whose zone is not known is refused, without naming one', () => {
    // 1167
    assert.throws(() => groupChanges(update([east]), compute([], true), ctx), exactly(400, 'cannot move a compute to another availability zone'));
  });

  it('R69: an update that replaces the os_tpl removes no security group; removing a group the compute has removes it', () => {
    // 1172 1174
    const debian = osTemplate({ id: 'i1', term: 'debian', title: 'debian' });
    const ubuntu = osTemplate({ id: 'i2', term: 'ubuntu', title: 'ubuntu' });
    assert.deepEqual(groupChanges(update([ubuntu], [debian]), compute([debian, dflt], true), ctx), { add: [], remove: [] });
    assert.deepEqual(groupChanges(update([], [dflt, debian]), compute([debian, dflt], true), ctx).remove.map(typeId), [typeId(dflt)]);
  });
});

describe('openstack services: waiting backs off', () => {
  it('D24: a wait of 400 ms on something that never settles reads it a handful of times, not dozens', async () => {
    // wait.ts 1418
    let reads = 0;
    const { settled } = await waitUntil(async () => ++reads, () => false, { deadlineMs: 400 });
    assert.equal(settled, false);
    // 50, 75, 112, 168 ms between reads: at most five or six in 400 ms (a slow machine reads fewer, never more).
    assert.ok(reads >= 1 && reads <= 6, `${reads} reads`);
  });

  it('R72: a deletion not finished by the deadline, with nothing to describe, names what and how long', async () => {
    // wait.ts 1451
    await assert.rejects(
      untilGone(async () => 'still there', { deadlineMs: 100, what: 'compute vm1' }),
      exactly(504, 'compute vm1 is still being deleted: the cloud accepted the deletion but had not finished it after 0.1 s. It goes on without this request: GET it until the answer is 404'),
    );
  });
});
