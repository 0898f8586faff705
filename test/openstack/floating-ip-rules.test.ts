// Rules of floating IPs (services/floating-ips.ts) that the survivors of the
// Stryker run over src/backends/openstack/services/ got past (issue 14): the
// port an address goes on, what Neutron is asked for, a failed attach that
// releases only the address we reserved (never a user's own) and retries a
// Synnefo race once, the cloud's refusals said with what to do, addresses
// held for a Synnefo create and released when it fails, and the release of
// our addresses (only ours) when a compute or a port goes. On a stand-in
// for the cloud's Neutron client, recording what the backend asks of it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { NeutronFloatingIp, NeutronNetwork, NeutronPort } from '../../src/backends/openstack/clients/neutron.js';
import {
  attachFloatingIp,
  detachFloatingIp,
  holdFloatingIps,
  OWN_MARK,
  portForFloatingIp,
  releasePortFloatingIps,
  releaseServerFloatingIps,
  whyNoFloatingIp,
} from '../../src/backends/openstack/services/floating-ips.js';
import { OcciError } from '../../src/errors.js';
import type { LinkSpec } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';

type Call = [string, ...unknown[]];

interface StandOptions {
  dialect?: Dialect;
  hasNeutron?: boolean;
  /** The server's ports, by read: the ports the n-th listing answers (the last one repeats). */
  ports?: NeutronPort[][];
  /** The project's floating IPs. */
  ips?: NeutronFloatingIp[];
  /** What createPort throws, by call (undefined: it makes the port). */
  portFails?: (OcciError | undefined)[];
  /** What createFloatingIp throws. */
  ipFails?: OcciError;
}

interface Stand {
  cloud: Cloud;
  calls: Call[];
  added: string[];
}

function standIn(o: StandOptions = {}): Stand {
  const calls: Call[] = [];
  const added: string[] = [];
  let portReads = 0;
  let newIps = 0;
  let ports = 0;
  const cloud = {
    dialect: o.dialect ?? OPENSTACK,
    project: 'p1',
    hasNeutron: o.hasNeutron ?? true,
    floatingIpAdded: (id: string) => void added.push(id),
    neutron: {
      listPorts: async (q: unknown) => {
        calls.push(['listPorts', q]);
        const answers = o.ports ?? [[]];
        return answers[Math.min(portReads++, answers.length - 1)]!;
      },
      listFloatingIps: async (...q: unknown[]) => (calls.push(['listFloatingIps', ...q]), o.ips ?? []),
      createFloatingIp: async (body: Record<string, unknown>) => {
        calls.push(['createFloatingIp', body]);
        if (o.ipFails) throw o.ipFails;
        newIps++;
        return { id: `new${newIps}`, floating_ip_address: `203.0.113.${newIps}`, floating_network_id: body.floating_network_id, port_id: body.port_id ?? null, fixed_ip_address: null, description: body.description };
      },
      createPort: async (body: Record<string, unknown>) => {
        calls.push(['createPort', body]);
        // A stand-in's guard: a loop of creates is a failure of its own, not a hang.
        if (ports++ > 4) throw new Error('stand-in: more than five ports asked for');
        const fails = o.portFails?.[ports - 1];
        if (fails) throw fails;
        return { id: `hold${ports}` };
      },
      deleteFloatingIp: async (id: string) => void calls.push(['deleteFloatingIp', id]),
      deletePort: async (id: string) => void calls.push(['deletePort', id]),
      updateFloatingIp: async (id: string, body: unknown) => void calls.push(['updateFloatingIp', id, body]),
    },
  } as unknown as Cloud;
  return { cloud, calls, added };
}

const port = (id: string, network: string, created_at?: string): NeutronPort =>
  ({ id, network_id: network, device_id: 's1', device_owner: 'compute:nova', mac_address: 'fa:16:3e:00:00:01', status: 'ACTIVE', fixed_ips: [], ...(created_at ? { created_at } : {}) }) as NeutronPort;
const fip = (id: string, more: Partial<NeutronFloatingIp> = {}): NeutronFloatingIp =>
  ({ id, floating_ip_address: `198.51.100.${id.length}`, floating_network_id: 'ext', port_id: null, fixed_ip_address: null, description: '', ...more }) as NeutronFloatingIp;
const names = (s: Stand, name: string): Call[] => s.calls.filter((c) => c[0] === name);
const conflictOf = (message: string): OcciError => new OcciError(409, message);

describe('openstack floating IPs: the port an address goes on', () => {
  test("R52: the server's oldest port is taken, whatever order Neutron lists them in; a port without a date counts as oldest", async () => {
    const newestFirst = [port('c', 'n1', '2026-03-01T00:00:00Z'), port('a', 'n1', '2026-01-01T00:00:00Z'), port('b', 'n1', '2026-02-01T00:00:00Z')];
    const s = standIn({ ports: [newestFirst] });
    assert.equal((await portForFloatingIp(s.cloud, 's1', { waitMs: 0 })).id, 'a');
    assert.deepEqual(names(s, 'listPorts'), [['listPorts', { device_id: 's1' }]]);
    const undated = standIn({ ports: [[port('a', 'n1', '2026-01-01T00:00:00Z'), port('u', 'n1')]] });
    assert.equal((await portForFloatingIp(undated.cloud, 's1', { waitMs: 0 })).id, 'u');
    const undatedFirst = standIn({ ports: [[port('u', 'n1'), port('a', 'n1', '2026-01-01T00:00:00Z')]] });
    assert.equal((await portForFloatingIp(undatedFirst.cloud, 's1', { waitMs: 0 })).id, 'u');
  });

  test('R52: of two ports made at the same moment, the one Neutron lists first is taken', async () => {
    const s = standIn({ ports: [[port('first', 'n1', '2026-01-01T00:00:00Z'), port('second', 'n1', '2026-01-01T00:00:00Z')]] });
    assert.equal((await portForFloatingIp(s.cloud, 's1', { waitMs: 0 })).id, 'first');
  });

  test('R52: asked for a network, the port on that network is taken, however old the others', async () => {
    const s = standIn({ ports: [[port('old', 'n1', '2026-01-01T00:00:00Z'), port('mine', 'n2', '2026-05-01T00:00:00Z'), port('other', 'n3', '2026-06-01T00:00:00Z')]] });
    assert.equal((await portForFloatingIp(s.cloud, 's1', { network: 'n2', waitMs: 0 })).id, 'mine');
  });

  test('R52: while the server builds, its ports are read again until one is there, and no longer', async () => {
    const s = standIn({ ports: [[], [port('x', 'n2')], [port('late', 'n1')], [port('later', 'n1')]] });
    assert.equal((await portForFloatingIp(s.cloud, 's1', { network: 'n1', waitMs: 10_000 })).id, 'late');
    assert.equal(names(s, 'listPorts').length, 3);
  });

  test('R52: a server without a port (on the network asked for) is a 409 saying to link it to a private network first', async () => {
    const s = standIn({ ports: [[port('x', 'n2')]] });
    await rejectsWith(portForFloatingIp(s.cloud, 's1', { network: 'n1', waitMs: 0 }), 409, /^compute s1 has no network interface to put a floating IP on; link it to a private network first$/);
  });
});

describe('openstack floating IPs: attaching', () => {
  test('R52: on OpenStack a new address is made on the port, marked as ours, and the server noted', async () => {
    const s = standIn();
    const ip = await attachFloatingIp(s.cloud, 's1', 'ext', port('p1', 'n1'));
    assert.deepEqual(names(s, 'createFloatingIp'), [['createFloatingIp', { floating_network_id: 'ext', port_id: 'p1', description: OWN_MARK }]]);
    assert.equal(ip.id, 'new1');
    assert.deepEqual(s.added, ['s1']);
  });

  test('R52: on OpenStack a server without a port is a 409, and no address is made', async () => {
    const s = standIn();
    await rejectsWith(attachFloatingIp(s.cloud, 's1', 'ext', undefined), 409, /^compute s1 has no port for a floating IP$/);
    assert.deepEqual(s.calls, []);
  });

  test("R52: on OpenStack Neutron's refusal for want of a router is said as a 409 with what to do", async () => {
    const s = standIn({ ipFails: new OcciError(404, 'External network ext is not reachable from subnet sub1.') });
    await rejectsWith(attachFloatingIp(s.cloud, 's1', 'ext', port('p1', 'n1')), 409, /^compute s1 cannot have a floating IP from network ext: its network n1 has no router to it\. /);
  });

  test("R52: on Synnefo the project's unused address on that network is held by a new port, and not released", async () => {
    const ips = [fip('used', { port_id: 'p9' }), fip('elsewhere', { floating_network_id: 'ext2' }), fip('free')];
    const s = standIn({ dialect: SYNNEFO, ips });
    const ip = await attachFloatingIp(s.cloud, 's1', 'ext', undefined);
    assert.deepEqual(names(s, 'createFloatingIp'), []);
    assert.deepEqual(names(s, 'createPort'), [['createPort', { network_id: 'ext', device_id: 's1', fixed_ips: [{ ip_address: ips[2]!.floating_ip_address }], project: 'p1' }]]);
    assert.deepEqual({ id: ip.id, port: ip.port_id, server: ip.instance_id }, { id: 'free', port: 'hold1', server: 's1' });
    assert.deepEqual(s.added, ['s1']);
  });

  test('R52: on Synnefo without an unused address a new one is reserved for the project', async () => {
    const s = standIn({ dialect: SYNNEFO, ips: [fip('used', { port_id: 'p9' })] });
    await attachFloatingIp(s.cloud, 's1', 'ext', undefined);
    assert.deepEqual(names(s, 'createFloatingIp'), [['createFloatingIp', { floating_network_id: 'ext', project: 'p1' }]]);
  });

  test('R52: a Synnefo attach that fails releases the address it reserved, and says the failure once', async () => {
    const s = standIn({ dialect: SYNNEFO, portFails: [conflictOf('IP address 203.0.113.1 is already in use')] });
    await rejectsWith(attachFloatingIp(s.cloud, 's1', 'ext', undefined), 409, /already in use/);
    assert.deepEqual(names(s, 'deleteFloatingIp'), [['deleteFloatingIp', 'new1']]);
    assert.equal(names(s, 'createPort').length, 1);
  });

  test("R52: a Synnefo attach that fails leaves the user's own unused address reserved, and is not tried again", async () => {
    const s = standIn({ dialect: SYNNEFO, ips: [fip('free')], portFails: [new OcciError(500, 'Internal error')] });
    await rejectsWith(attachFloatingIp(s.cloud, 's1', 'ext', undefined), 500, /^Internal error$/);
    assert.deepEqual(names(s, 'deleteFloatingIp'), []);
    assert.equal(names(s, 'createPort').length, 1);
  });

  test('R52: on Synnefo an unused address a concurrent link took first (409) is given up once for another', async () => {
    const s = standIn({ dialect: SYNNEFO, ips: [fip('a'), fip('bb')], portFails: [conflictOf('IP address is already in use')] });
    const ip = await attachFloatingIp(s.cloud, 's1', 'ext', undefined);
    assert.equal(ip.id, 'bb');
    assert.deepEqual(names(s, 'deleteFloatingIp'), []);
    const twice = standIn({ dialect: SYNNEFO, ips: [fip('a'), fip('bb')], portFails: [conflictOf('in use'), conflictOf('in use again')] });
    await rejectsWith(attachFloatingIp(twice.cloud, 's1', 'ext', undefined), 409, /^in use again$/);
    assert.equal(names(twice, 'createPort').length, 2);
  });
});

describe("openstack floating IPs: the cloud's refusals", () => {
  const why = (status: number, message: string, p?: NeutronPort): unknown => whyNoFloatingIp(new OcciError(status, message), 's1', 'ext', p);

  test('R52: no router to the external network is a 409 saying what to do and what the cloud said, on one line', () => {
    const e = why(404, 'External network ext is not reachable from subnet sub1.\n  Therefore,   cannot associate', port('p1', 'n1')) as OcciError;
    assert.equal(e.status, 409);
    assert.equal(
      e.message,
      'compute s1 cannot have a floating IP from network ext: its network n1 has no router to it. Link the compute to a network that has one (a router with its gateway on ext and an interface on the network\'s subnet), then link it to ext again. The cloud said: External network ext is not reachable from subnet sub1. Therefore, cannot associate',
    );
    const noPort = why(404, 'ExternalGatewayForFloatingIPNotFound') as OcciError;
    assert.match(noPort.message, /^compute s1 cannot have a floating IP from network ext: its network has no router to it\. /);
  });

  test('R52: another 404, or the router words in another status, is passed on as it is', () => {
    const gone = new OcciError(404, 'Network ext could not be found.');
    assert.equal(whyNoFloatingIp(gone, 's1', 'ext', undefined), gone);
    const other = new OcciError(400, 'External network ext is not reachable from subnet sub1.');
    assert.equal(whyNoFloatingIp(other, 's1', 'ext', undefined), other);
    const plain = new Error('socket hang up');
    assert.equal(whyNoFloatingIp(plain, 's1', 'ext', undefined), plain);
  });

  test('R52: no address left (409, 400 or 404 in any of its wordings) is a 409 saying to release one', () => {
    for (const [status, message] of [
      [409, 'No more IP addresses available on network ext.'],
      [400, 'IpAddressGenerationFailure'],
      [404, 'no free address'],
      [409, 'No available  addresses'],
    ] as const) {
      const e = why(status, message) as OcciError;
      assert.equal(e.status, 409, message);
      assert.equal(
        e.message,
        `network ext has no free address for a floating IP; release one you do not use (delete a networkinterface to ext) or ask the cloud's administrators for more. The cloud said: ${message.replace(/\s+/g, ' ')}`,
      );
    }
  });

  test('R52: a 409 in other words, or those words in a 500, are passed on as they are', () => {
    const busy = new OcciError(409, 'Port is in use');
    assert.equal(whyNoFloatingIp(busy, 's1', 'ext', undefined), busy);
    const broken = new OcciError(500, 'No more IP addresses available');
    assert.equal(whyNoFloatingIp(broken, 's1', 'ext', undefined), broken);
  });
});

describe('openstack floating IPs held for a Synnefo create', () => {
  const net = (id: string, external: boolean): NeutronNetwork => ({ id, name: id, status: 'ACTIVE', admin_state_up: true, subnets: [], 'router:external': external });
  const networks = new Map([
    ['ext', net('ext', true)],
    ['ext2', net('ext2', true)],
    ['ext3', net('ext3', true)],
    ['priv', net('priv', false)],
  ]);
  const link = (target: string, attributes: LinkSpec['attributes'] = {}, kind: LinkSpec['kind'] = 'networkinterface'): LinkSpec =>
    ({ kind, target: { kind: kind === 'networkinterface' ? 'network' : 'storage', id: target }, mixins: [], attributes }) as LinkSpec;

  test('R52: one address per external network: an unused one kept, a new one noted as ours; private links and storage get none', async () => {
    const s = standIn({ dialect: SYNNEFO, ips: [fip('free', { floating_network_id: 'ext2' })] });
    const held = await holdFloatingIps(s.cloud, [link('priv'), link('ext'), link('ext'), link('ext', {}, 'storagelink'), link('ext3', {}, 'storagelink'), link('ext2'), link('nowhere')], networks);
    assert.deepEqual([...held.byNetwork], [['ext', '203.0.113.1'], ['ext2', fip('free').floating_ip_address]]);
    assert.deepEqual(held.allocated, ['new1']);
    assert.deepEqual(names(s, 'createFloatingIp'), [['createFloatingIp', { floating_network_id: 'ext', project: 'p1' }]]);
  });

  test("R52: an address the link names is the user's own: used as it is (without its prefix), nothing reserved; an empty one is no name", async () => {
    const s = standIn({ dialect: SYNNEFO });
    const held = await holdFloatingIps(s.cloud, [link('ext', { 'occi.networkinterface.address': '198.51.100.7/32' }), link('ext2', { 'occi.networkinterface.address': '' })], networks);
    assert.deepEqual([...held.byNetwork], [['ext', '198.51.100.7'], ['ext2', '203.0.113.1']]);
    assert.deepEqual(held.allocated, ['new1']);
    assert.equal(names(s, 'createFloatingIp').length, 1);
  });

  test('R52: when a later address cannot be had, those reserved before are released, and the failure said', async () => {
    const s = standIn({ dialect: SYNNEFO });
    let made = 0;
    const create = s.cloud.neutron.createFloatingIp.bind(s.cloud.neutron);
    (s.cloud.neutron as { createFloatingIp: unknown }).createFloatingIp = async (body: Parameters<typeof create>[0]) => {
      if (made++ > 0) throw new OcciError(409, 'No more IP addresses available');
      return create(body);
    };
    await rejectsWith(holdFloatingIps(s.cloud, [link('ext'), link('ext2')], networks), 409, /^No more IP addresses available$/);
    assert.deepEqual(names(s, 'deleteFloatingIp'), [['deleteFloatingIp', 'new1']]);
  });
});

describe('openstack floating IPs released', () => {
  test("R52: ending a link releases an address we reserved and only detaches the user's own, even one without a description", async () => {
    const s = standIn();
    await detachFloatingIp(s.cloud, fip('ours', { port_id: 'p1', description: OWN_MARK }));
    await detachFloatingIp(s.cloud, fip('theirs', { port_id: 'p1', description: '' }));
    await detachFloatingIp(s.cloud, fip('noted', { port_id: 'p1', description: 'my web address' }));
    assert.deepEqual(s.calls, [
      ['deleteFloatingIp', 'ours'],
      ['updateFloatingIp', 'theirs', { port_id: null }],
      ['updateFloatingIp', 'noted', { port_id: null }],
    ]);
  });

  test('R52: on Synnefo ending a link deletes the port holding the address, and an address on no port asks nothing', async () => {
    const s = standIn({ dialect: SYNNEFO });
    await detachFloatingIp(s.cloud, fip('a', { port_id: 77 }));
    await detachFloatingIp(s.cloud, fip('b', { port_id: null }));
    assert.deepEqual(s.calls, [['deletePort', '77']]);
  });

  test("R52: deleting a compute releases the addresses we reserved on its ports, and none of the user's", async () => {
    const s = standIn({ ports: [[port('p1', 'n1'), port('p2', 'n2')]], ips: [fip('ours', { port_id: 'p1', description: OWN_MARK }), fip('theirs', { port_id: 'p2' })] });
    await releaseServerFloatingIps(s.cloud, 's1');
    assert.deepEqual(s.calls, [
      ['listPorts', { device_id: 's1' }],
      ['listFloatingIps', { port_id: ['p1', 'p2'] }],
      ['deleteFloatingIp', 'ours'],
    ]);
  });

  test('R52: without Neutron, or on Synnefo (the ports go with the server), deleting a compute asks Neutron nothing', async () => {
    for (const s of [standIn({ hasNeutron: false }), standIn({ dialect: SYNNEFO })]) {
      await releaseServerFloatingIps(s.cloud, 's1');
      await releasePortFloatingIps(s.cloud, ['p1']);
      assert.deepEqual(s.calls, []);
    }
  });

  test('R52: releasing the addresses of no port asks Neutron nothing', async () => {
    const s = standIn();
    await releasePortFloatingIps(s.cloud, []);
    assert.deepEqual(s.calls, []);
  });
});
