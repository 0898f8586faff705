// Rules of networkinterface and storagelink entities (services/link-service.ts)
// that the survivors of the Stryker run over src/backends/openstack/services/
// got past (issue 14): listing one kind only, ids that name no link, a create
// that waits until the cloud shows the link and asks for the address and
// device given, an attachment waited for through Cinder's in-between
// statuses, Cyclades' volume types, a delete that detaches the right volume
// once the attachment has settled and releases our address on the right
// port, and an update that only repeats the link; and of reading links
// (services/links-read.ts): the calls a server's body spares and the ones it
// does not, each asked for that server only, and Synnefo's ports that hold a
// floating IP. On a stand-in for the cloud's Nova, Neutron and Cinder clients
// that keeps the links they make.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { NeutronFloatingIp, NeutronNetwork, NeutronPort } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaServer } from '../../src/backends/openstack/clients/nova.js';
import type { TemplateCache } from '../../src/backends/openstack/caches/template-cache.js';
import { OWN_MARK } from '../../src/backends/openstack/services/floating-ips.js';
import { LinkService } from '../../src/backends/openstack/services/link-service.js';
import { assembleLinks, readLinkFacts, readServerLinks, readServerWithLinks } from '../../src/backends/openstack/services/links-read.js';
import type { Mixin } from '../../src/model/category.js';
import type { LinkRecord, LinkSpec, UpdateSpec } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';

type Call = [string, ...unknown[]];

interface World {
  server: NovaServer | undefined;
  ports: NeutronPort[];
  ips: NeutronFloatingIp[];
  attachments: { volumeId: string; device: string }[];
  /** The statuses getVolume answers in turn (the last one repeats); no volume when empty. */
  statuses: string[];
  volume: Partial<CinderVolume>;
  /** Reads of the attachments before a new one shows (Infinity: never). */
  lag: number;
  /** The flavor's Cyclades volume type (undefined: the flavor names none). */
  flavorType: number | undefined;
  /** The volume status the last read answered when Nova was asked to detach it. */
  statusAtDetach: string | undefined;
}

const networks: Record<string, NeutronNetwork> = {
  priv: { id: 'priv', name: 'priv', status: 'ACTIVE', admin_state_up: true, subnets: [], 'router:external': false },
  ext: { id: 'ext', name: 'ext', status: 'ACTIVE', admin_state_up: true, subnets: [], 'router:external': true },
};

const port = (id: string, network: string, address = '10.0.0.5'): NeutronPort =>
  ({ id, network_id: network, device_id: 's1', device_owner: 'compute:nova', mac_address: 'fa:16:3e:00:00:01', status: 'ACTIVE', fixed_ips: [{ ip_address: address }], created_at: `2026-01-01T00:00:0${id.length}Z` }) as NeutronPort;

function standIn(dialect: Dialect = OPENSTACK, more: Partial<World> = {}, hasCinder = true): { cloud: Cloud; w: World; calls: Call[]; links: LinkService } {
  const calls: Call[] = [];
  const w: World = {
    server: { id: 's1', name: 'vm', status: 'ACTIVE', flavor: { id: 'f1' }, addresses: { priv: [{ addr: '10.0.0.5', 'OS-EXT-IPS:type': 'fixed' }] } } as NovaServer,
    ports: [port('p1', 'priv')],
    ips: [],
    attachments: [],
    statuses: ['available', 'in-use'],
    volume: {},
    lag: 0,
    flavorType: undefined,
    statusAtDetach: undefined,
    ...more,
  };
  let pending: { volumeId: string; device: string; reads: number } | undefined;
  let last: string | undefined;
  /** The attachments as they stand, with one Nova has taken once `lag` reads have passed. */
  const attached = (): World['attachments'] => {
    if (pending && pending.reads-- <= 0) w.attachments.push({ volumeId: pending.volumeId, device: pending.device }), (pending = undefined);
    return w.attachments;
  };
  const cloud = {
    dialect,
    project: 'p1',
    scopeKey: 'p1|stand-in',
    hasNeutron: true,
    hasCinder,
    subnets: async () => [],
    floatingIpAddedLately: () => false,
    floatingIpAdded: () => undefined,
    nova: {
      listServers: async () => (calls.push(['listServers']), w.server ? [w.server] : []),
      getServer: async (id: string) => (calls.push(['getServer', id]), id === 's1' ? w.server : undefined),
      volumeAttachments: async () => {
        calls.push(['volumeAttachments']);
        return attached();
      },
      attachVolume: async (serverId: string, volumeId: string, device: string | undefined) => {
        calls.push(['attachVolume', serverId, volumeId, device]);
        pending = { volumeId, device: device ?? '/dev/vdb', reads: w.lag };
        return { volumeId };
      },
      detachVolume: async (serverId: string, volumeId: string) => {
        calls.push(['detachVolume', serverId, volumeId]);
        w.statusAtDetach = last;
        w.attachments = w.attachments.filter((a) => a.volumeId !== volumeId);
      },
      attachInterface: async (serverId: string, network: string, fixedIp: string | undefined) => {
        calls.push(['attachInterface', serverId, network, fixedIp]);
        w.ports.push(port('p2', network, fixedIp ?? '10.0.0.9'));
        return { port_id: 'p2' };
      },
      detachInterface: async (serverId: string, portId: string) => {
        calls.push(['detachInterface', serverId, portId]);
        w.ports = w.ports.filter((p) => p.id !== portId);
      },
    },
    neutron: {
      getNetwork: async (id: string) => (calls.push(['getNetwork', id]), networks[id]),
      listPorts: async (q: unknown) => (calls.push(['listPorts', q]), w.ports),
      listFloatingIps: async (q?: { port_id?: string[] }) => (calls.push(['listFloatingIps', q]), w.ips.filter((ip) => !q?.port_id || q.port_id.includes(String(ip.port_id)))),
      getFloatingIp: async (id: string) => (calls.push(['getFloatingIp', id]), w.ips.find((ip) => ip.id === id)),
      createFloatingIp: async (body: Record<string, unknown>) => {
        calls.push(['createFloatingIp', body]);
        const ip = { id: 'f1', floating_ip_address: '203.0.113.1', floating_network_id: body.floating_network_id, port_id: body.port_id, fixed_ip_address: '10.0.0.5', description: body.description } as NeutronFloatingIp;
        w.ips.push(ip);
        return ip;
      },
      deleteFloatingIp: async (id: string) => {
        calls.push(['deleteFloatingIp', id]);
        w.ips = w.ips.filter((ip) => ip.id !== id);
      },
      createPort: async (body: Record<string, unknown>) => {
        calls.push(['createPort', body]);
        const fixed = (body.fixed_ips as { ip_address: string }[] | undefined)?.[0]?.ip_address;
        w.ports.push(port('p3', String(body.network_id), fixed ?? '10.0.0.7'));
        return { id: 'p3' };
      },
      deletePort: async (id: string) => {
        calls.push(['deletePort', id]);
        w.ports = w.ports.filter((p) => p.id !== id);
      },
    },
    cinder: {
      getVolume: async (id: string) => {
        calls.push(['getVolume', id]);
        if (w.statuses.length === 0) return undefined;
        last = w.statuses.length > 1 ? w.statuses.shift()! : w.statuses[0]!;
        return { id, size: 1, attachments: [], ...w.volume, status: last } as CinderVolume;
      },
      // Synnefo's attachments are read from the volumes.
      listVolumes: async () => (calls.push(['listVolumes']), attached().map((a) => ({ id: a.volumeId, status: 'in-use', size: 1, attachments: [{ server_id: 's1', device: a.device }] }))),
    },
  } as unknown as Cloud;
  const templates = { index: async () => ({ anyFlavor: (id: string) => (id === 'f1' ? { id: 'f1', name: 'c1r1024d20', ...(w.flavorType !== undefined ? { 'SNF:volume_type': w.flavorType } : {}) } : undefined) }) } as unknown as TemplateCache;
  return { cloud, w, calls, links: new LinkService(5000, templates) };
}

type Spec = LinkSpec & { source: { kind: 'compute'; id: string } };
const storagelink = (attributes: LinkSpec['attributes'] = {}, target: Partial<LinkSpec['target']> = {}): Spec =>
  ({ kind: 'storagelink', source: { kind: 'compute', id: 's1' }, target: { kind: 'storage', id: 'v1', ...target }, mixins: [], attributes }) as Spec;
const networkinterface = (network: string, attributes: LinkSpec['attributes'] = {}, target: Partial<LinkSpec['target']> = {}): Spec =>
  ({ kind: 'networkinterface', source: { kind: 'compute', id: 's1' }, target: { kind: 'network', id: network, ...target }, mixins: [], attributes }) as Spec;
const named = (calls: Call[], ...names: string[]): Call[] => calls.filter((c) => names.includes(c[0]));

describe('openstack links: reading', () => {
  test('R55: listing storagelinks answers only storagelinks, and listing networkinterfaces only those', async () => {
    const { cloud, links, w } = standIn(OPENSTACK, { attachments: [{ volumeId: 'v1', device: '/dev/vdb' }] });
    w.server = { ...w.server!, 'os-extended-volumes:volumes_attached': [{ id: 'v1' }] } as NovaServer;
    assert.deepEqual((await links.list(cloud, 'storagelink')).map((l) => l.id), ['s1_v1']);
    assert.deepEqual((await links.list(cloud, 'networkinterface')).map((l) => l.id), ['s1_p1']);
  });

  test('R55: a storagelink id of three parts names no link, and the cloud is not asked', async () => {
    const { cloud, links, calls } = standIn();
    assert.equal(await links.get(cloud, 'storagelink', 's1_fip_3'), undefined);
    assert.deepEqual(calls, []);
  });

  test('R55: a storagelink is found by its id, and only as a storagelink (its id names no networkinterface)', async () => {
    const { cloud, links } = standIn(OPENSTACK, { attachments: [{ volumeId: 'v1', device: '/dev/vdb' }] });
    assert.equal((await links.get(cloud, 'storagelink', 's1_v1'))?.target.id, 'v1');
    assert.equal(await links.get(cloud, 'networkinterface', 's1_v1'), undefined);
  });

  test('R55: a port interface of a server that shows no floating address asks Neutron for no floating IPs', async () => {
    const { cloud, links, calls } = standIn();
    assert.equal((await links.get(cloud, 'networkinterface', 's1_p1'))?.id, 's1_p1');
    assert.deepEqual(named(calls, 'listFloatingIps'), []);
  });
});

describe('openstack links: creating', () => {
  test('R52: a link from a compute that does not exist is a 404 naming it, and nothing is attached', async () => {
    const { cloud, links, calls } = standIn();
    await rejectsWith(links.create(cloud, { ...storagelink(), source: { kind: 'compute', id: 's9' } }), 404, /^source compute s9 not found$/);
    assert.deepEqual(named(calls, 'attachVolume'), []);
  });

  test('R52: a storagelink shown by the cloud only at its second read is created, after waiting for it', async () => {
    const { cloud, links } = standIn(OPENSTACK, { lag: 1 });
    const link = await links.create(cloud, storagelink());
    assert.equal(link.id, 's1_v1');
  });

  test('R52: a link the cloud never shows is a 404 saying so once the deadline passes', async () => {
    const { cloud } = standIn(OPENSTACK, { lag: Infinity });
    const links = new LinkService(300, { index: async () => ({ anyFlavor: () => undefined }) } as unknown as TemplateCache);
    await rejectsWith(links.create(cloud, storagelink()), 404, /^the cloud did not show storagelink s1_v1 after creating it$/);
  });

  test('R52: a networkinterface to something not a network, or to a network that does not exist, is refused before anything is attached', async () => {
    const { cloud, links, calls } = standIn();
    await rejectsWith(links.create(cloud, networkinterface('v1', {}, { kind: 'storage' })), 400, /^a networkinterface must target a network, not a storage$/);
    await rejectsWith(links.create(cloud, networkinterface('nowhere')), 404, /^target network nowhere not found$/);
    assert.deepEqual(named(calls, 'attachInterface', 'createPort', 'createFloatingIp'), []);
  });

  test('R52: a storagelink to something not a storage, or to a storage that does not exist, is refused before anything is attached', async () => {
    const { cloud, links, calls } = standIn(OPENSTACK, { statuses: [] });
    await rejectsWith(links.create(cloud, storagelink({}, { kind: 'network', id: 'priv' })), 400, /^a storagelink must target a storage, not a network$/);
    await rejectsWith(links.create(cloud, storagelink()), 404, /^target storage v1 not found$/);
    assert.deepEqual(named(calls, 'attachVolume'), []);
  });

  test("R52: on OpenStack a link to an external network puts a new address of ours on the server's port", async () => {
    const { cloud, links, calls } = standIn();
    const link = await links.create(cloud, networkinterface('ext'));
    assert.deepEqual(named(calls, 'createFloatingIp'), [['createFloatingIp', { floating_network_id: 'ext', port_id: 'p1', description: OWN_MARK }]]);
    assert.equal(link.id, 's1_fip_f1');
  });

  test('R52: on OpenStack the address a link to a private network names is asked of Nova without its prefix; an empty one is none', async () => {
    const given = standIn();
    const link = await given.links.create(given.cloud, networkinterface('priv', { 'occi.networkinterface.address': '10.0.0.42/24' }));
    assert.deepEqual(named(given.calls, 'attachInterface'), [['attachInterface', 's1', 'priv', '10.0.0.42']]);
    assert.equal(link.id, 's1_p2');
    const empty = standIn();
    await empty.links.create(empty.cloud, networkinterface('priv', { 'occi.networkinterface.address': '' }));
    assert.deepEqual(named(empty.calls, 'attachInterface'), [['attachInterface', 's1', 'priv', undefined]]);
  });

  test('R52: on Synnefo a link to a private network is a port of the server, with the address it names, and the project', async () => {
    const given = standIn(SYNNEFO);
    const link = await given.links.create(given.cloud, networkinterface('priv', { 'occi.networkinterface.address': '10.0.0.42/24' }));
    assert.deepEqual(named(given.calls, 'createPort'), [['createPort', { network_id: 'priv', device_id: 's1', fixed_ips: [{ ip_address: '10.0.0.42' }], project: 'p1' }]]);
    assert.equal(link.id, 's1_p3');
    const none = standIn(SYNNEFO);
    await none.links.create(none.cloud, networkinterface('priv', { 'occi.networkinterface.address': '' }));
    assert.deepEqual(named(none.calls, 'createPort'), [['createPort', { network_id: 'priv', device_id: 's1', project: 'p1' }]]);
  });

  test('R111: the device a storagelink names is asked of Nova', async () => {
    const { cloud, links, calls } = standIn();
    const link = await links.create(cloud, storagelink({ 'occi.storagelink.deviceid': '/dev/vdc' }));
    assert.deepEqual(named(calls, 'attachVolume'), [['attachVolume', 's1', 'v1', '/dev/vdc']]);
    assert.equal(link.attributes['occi.storagelink.deviceid'], '/dev/vdc');
  });

  test('R52: an attachment is waited for while Cinder says reserved, then attaching, until the volume is in-use', async () => {
    const { cloud, links, calls } = standIn(OPENSTACK, { statuses: ['available', 'reserved', 'attaching', 'in-use'] });
    assert.equal((await links.create(cloud, storagelink())).id, 's1_v1');
    assert.equal(named(calls, 'getVolume').length, 4);
  });

  test('R52: a cloud without Cinder to watch the attachment takes the attach as done', async () => {
    const { cloud, links, calls } = standIn(OPENSTACK, { statuses: ['available'] }, false);
    assert.equal((await links.create(cloud, storagelink())).id, 's1_v1');
    assert.equal(named(calls, 'getVolume').length, 1);
  });

  test('R52: on Synnefo a volume without a type, or a flavor that names none, is attached without a question', async () => {
    const untyped = standIn(SYNNEFO, { volume: { volume_type: null }, flavorType: 1 });
    await untyped.links.create(untyped.cloud, storagelink());
    assert.equal(named(untyped.calls, 'attachVolume').length, 1);
    const anyType = standIn(SYNNEFO, { volume: { volume_type: 2 } });
    await anyType.links.create(anyType.cloud, storagelink());
    assert.equal(named(anyType.calls, 'attachVolume').length, 1);
  });
});

describe('openstack links: deleting', () => {
  test('R52: deleting a storagelink waits until its attachment has settled, then detaches that volume from that compute', async () => {
    const { cloud, links, calls, w } = standIn(OPENSTACK, { attachments: [{ volumeId: 'v1', device: '/dev/vdb' }], statuses: ['in-use', 'detaching', 'detaching', 'in-use'] });
    await links.delete(cloud, 'storagelink', 's1_v1');
    assert.deepEqual(named(calls, 'detachVolume'), [['detachVolume', 's1', 'v1']]);
    assert.equal(w.statusAtDetach, 'in-use');
    assert.deepEqual(w.attachments, []);
  });

  test('R52: deleting a link that does not exist is a 404 naming it, and nothing is detached', async () => {
    const { cloud, links, calls } = standIn();
    await rejectsWith(links.delete(cloud, 'storagelink', 's1_v9'), 404, /^storagelink s1_v9 not found$/);
    assert.deepEqual(named(calls, 'detachVolume', 'detachInterface'), []);
  });

  test('R52: deleting an interface on OpenStack releases the addresses we put on that port, then detaches that port', async () => {
    const { cloud, links, calls, w } = standIn(OPENSTACK, {
      ports: [port('p1', 'priv'), port('p22', 'priv2', '10.1.0.5')],
      ips: [{ id: 'f7', floating_ip_address: '203.0.113.7', floating_network_id: 'ext', port_id: 'p22', fixed_ip_address: '10.1.0.5', description: OWN_MARK }],
    });
    await links.delete(cloud, 'networkinterface', 's1_p22');
    assert.deepEqual(named(calls, 'deleteFloatingIp', 'detachInterface'), [['deleteFloatingIp', 'f7'], ['detachInterface', 's1', 'p22']]);
    assert.deepEqual(named(calls, 'listFloatingIps')[0], ['listFloatingIps', { port_id: ['p22'] }]);
    assert.deepEqual(w.ports.map((p) => p.id), ['p1']);
  });
});

describe('openstack links: updating', () => {
  const known: LinkRecord = {
    kind: 'storagelink',
    id: 's1_v1',
    source: { kind: 'compute', id: 's1' },
    target: { kind: 'storage', id: 'v1' },
    mixins: ['http://example.org/occi#tag'],
    attributes: { 'occi.storagelink.deviceid': '/dev/vdb', 'occi.storagelink.state': 'active' },
  };
  const mixin = (scheme: string, term: string): Mixin => ({ class: 'mixin', scheme, term }) as Mixin;
  const spec = (attributes: UpdateSpec['attributes'], addMixins: Mixin[] = []): UpdateSpec => ({ attributes, addMixins, removeMixins: [] });

  test('R61: an update that repeats the values, unsets or leaves them out, and adds a mixin the link has, answers the link as it is', async () => {
    const { cloud, links, calls } = standIn();
    const same = await links.update(cloud, 'storagelink', 's1_v1', spec({ 'occi.storagelink.deviceid': '/dev/vdb', 'occi.storagelink.mountpoint': null, 'occi.storagelink.state': undefined } as unknown as UpdateSpec['attributes'], [mixin('http://example.org/occi#', 'tag')]), known);
    assert.equal(same, known);
    assert.deepEqual(calls, []);
  });

  test('R61: an update that changes a value, or adds a mixin the link has not, is refused naming it', async () => {
    const { cloud, links } = standIn();
    await rejectsWith(links.update(cloud, 'storagelink', 's1_v1', spec({ 'occi.storagelink.deviceid': '/dev/vdc' }), known), 400, /^occi\.storagelink\.deviceid of a storagelink cannot be changed on OpenStack; delete the link and create another$/);
    await rejectsWith(
      links.update(cloud, 'storagelink', 's1_v1', spec({}, [mixin('http://example.org/occi#', 'other')]), known),
      400,
      /^mixin http:\/\/example\.org\/occi#other cannot be added to a storagelink on OpenStack$/,
    );
  });

  test('R61: updating a link that does not exist is a 404 naming it', async () => {
    const { cloud, links } = standIn();
    await rejectsWith(links.update(cloud, 'storagelink', 's1_v9', spec({})), 404, /^storagelink s1_v9 not found$/);
  });
});

describe('openstack links: what reading them asks the cloud', () => {
  type Addresses = NovaServer['addresses'];
  const fixed = { addr: '10.0.0.5', 'OS-EXT-IPS:type': 'fixed' };
  const floating = { addr: '203.0.113.1', 'OS-EXT-IPS:type': 'floating' };
  const ip = { id: 'f1', floating_ip_address: '203.0.113.1', floating_network_id: 'ext', port_id: 'p1', fixed_ip_address: '10.0.0.5', description: '' } as NeutronFloatingIp;
  /** A cloud with server s1 (whose body says `addresses`) on port p1 holding floating IP f1. */
  function reading(addresses: Addresses | undefined, dialect: Dialect = OPENSTACK, hasNeutron = true): { cloud: Cloud; calls: Call[]; server: NovaServer } {
    const made = standIn(dialect, { ips: [ip] });
    const server = { id: 's1', name: 'vm', status: 'ACTIVE', ...(addresses ? { addresses } : {}) } as NovaServer;
    made.w.server = server;
    (made.cloud as { hasNeutron: boolean }).hasNeutron = hasNeutron;
    return { cloud: made.cloud, calls: made.calls, server };
  }
  const asked = (calls: Call[], name: string): unknown[] => calls.filter((c) => c[0] === name).map((c) => c[1]);

  test("R55: a server whose body shows a floating address has that port's floating IPs read, for its ports only", async () => {
    for (const addresses of [{ priv: [floating] }, { priv: [fixed, floating] }, undefined] as (Addresses | undefined)[]) {
      const r = reading(addresses);
      const { links } = await readServerLinks(r.cloud, r.server);
      assert.deepEqual(asked(r.calls, 'listFloatingIps'), [{ port_id: ['p1'] }], JSON.stringify(addresses));
      assert.deepEqual(asked(r.calls, 'listPorts'), [{ device_id: 's1' }]);
      assert.ok(links.some((l) => l.id === 's1_fip_f1'), JSON.stringify(addresses));
    }
  });

  test('R55: a server whose body shows fixed addresses only has no floating IPs read, unless a link named after one is looked for', async () => {
    const r = reading({ priv: [fixed] });
    await readServerLinks(r.cloud, r.server);
    assert.deepEqual(asked(r.calls, 'listFloatingIps'), []);
    const always = reading({ priv: [fixed] });
    const { links } = await readServerLinks(always.cloud, always.server, { floating: 'always' });
    assert.deepEqual(asked(always.calls, 'listFloatingIps'), [{ port_id: ['p1'] }]);
    assert.ok(links.some((l) => l.id === 's1_fip_f1'));
    const byId = reading({ priv: [fixed] });
    await readServerWithLinks(byId.cloud, 's1');
    assert.deepEqual(asked(byId.calls, 'listFloatingIps'), []);
    assert.deepEqual(asked(byId.calls, 'listPorts'), [{ device_id: 's1' }]);
  });

  test('R55: a server whose body shows no address has no ports read, unless a floating link is looked for; without Neutron none are', async () => {
    const bare = reading({});
    await readServerLinks(bare.cloud, bare.server);
    assert.deepEqual(asked(bare.calls, 'listPorts'), []);
    const always = reading({});
    await readServerLinks(always.cloud, always.server, { floating: 'always' });
    assert.deepEqual(asked(always.calls, 'listPorts'), [{ device_id: 's1' }]);
    const noNeutron = reading({ priv: [fixed] }, OPENSTACK, false);
    await readServerLinks(noNeutron.cloud, noNeutron.server);
    await readServerLinks(noNeutron.cloud, noNeutron.server, { floating: 'always' });
    assert.deepEqual(asked(noNeutron.calls, 'listPorts'), []);
  });

  test('R55: on Synnefo a port that holds a floating IP is that floating link only; on OpenStack the port is an interface too', async () => {
    const synnefo = reading({ priv: [floating] }, SYNNEFO);
    const held = (await readServerLinks(synnefo.cloud, synnefo.server)).links.map((l) => l.id);
    assert.deepEqual(held, ['s1_fip_f1']);
    const openstack = reading({ priv: [floating] });
    const both = (await readServerLinks(openstack.cloud, openstack.server)).links.map((l) => l.id);
    assert.deepEqual(both, ['s1_p1', 's1_fip_f1']);
  });

  test('R55: a listing reads the floating IPs when any one of the servers shows a floating address', async () => {
    const r = reading({ priv: [fixed] });
    const other = { id: 's2', name: 'vm2', status: 'ACTIVE', addresses: { priv: [floating] } } as NovaServer;
    await readLinkFacts(r.cloud, [r.server, other]);
    assert.equal(asked(r.calls, 'listFloatingIps').length, 1);
  });

  test('R55: a volume Nova lists on the server is its storagelink though Cinder does not show the attachment yet', async () => {
    const r = reading({ priv: [fixed] });
    const server = { ...r.server, 'os-extended-volumes:volumes_attached': [{ id: 'v1' }] } as NovaServer;
    const facts = { ports: [], floatingIps: [], volumes: [], subnets: [] };
    assert.deepEqual(assembleLinks(r.cloud, facts, [server]).get('s1')?.map((l) => l.id), ['s1_v1']);
  });
});
