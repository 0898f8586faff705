// Rules of reading a compute's links (services/links-read.ts) that
// hand-planted mutants got past on the quick files (docs/testing.md): which
// calls the server body spares, which it never spares, failures of the link
// reads passed on, Synnefo's attachments from the volumes' disk indexes, and
// the listings' one call per kind. On a stand-in for the cloud's clients
// that records each call (the fake world has one server and no volumes).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { NeutronPort } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaServer } from '../../src/backends/openstack/clients/nova.js';
import { assembleLinks, mayHavePorts, portsByServer, readLinkFacts, readServerLinks, readServerWithLinks } from '../../src/backends/openstack/services/links-read.js';
import { OcciError } from '../../src/errors.js';

interface Answers {
  ports?: NeutronPort[] | OcciError;
  attachments?: { volumeId: string; device: string }[] | OcciError;
  volumes?: CinderVolume[];
  floatingLately?: boolean;
}

/** A cloud whose clients answer `a` and record each call by name (with its filter). */
function standIn(dialect: Dialect, a: Answers = {}, server?: NovaServer): { cloud: Cloud; calls: string[]; filters: unknown[] } {
  const calls: string[] = [];
  const filters: unknown[] = [];
  const answer = <T>(name: string, v: T | OcciError, filter?: unknown): Promise<T> => {
    calls.push(name);
    filters.push(filter);
    return v instanceof OcciError ? Promise.reject(v) : Promise.resolve(v);
  };
  const cloud = {
    dialect,
    hasNeutron: true,
    hasCinder: true,
    subnets: async () => [],
    floatingIpAddedLately: () => a.floatingLately === true,
    nova: {
      getServer: (id: string) => answer('getServer', server ?? { id, name: 'vm', status: 'ACTIVE' }),
      volumeAttachments: () => answer('volumeAttachments', a.attachments ?? []),
    },
    neutron: {
      listPorts: (filter: unknown) => answer('listPorts', a.ports ?? [], filter),
      listFloatingIps: (filter: unknown) => answer('listFloatingIps', [], filter),
    },
    cinder: { listVolumes: () => answer('listVolumes', a.volumes ?? []) },
  } as unknown as Cloud;
  return { cloud, calls, filters };
}

const port = (id: string, device: string | null): NeutronPort => ({ id, network_id: 'n1', device_id: device, fixed_ips: [], mac_address: 'fa:16:3e:00:00:01', status: 'ACTIVE' }) as unknown as NeutronPort;
const addressed = (id: string): NovaServer => ({ id, name: id, status: 'ACTIVE', addresses: { n1: [{ addr: '10.0.0.5', version: 4 }] } }) as unknown as NovaServer;

describe('openstack link reads: what the server body spares', () => {
  test('R55: a server whose every network lists no address has no ports to ask for', () => {
    assert.equal(mayHavePorts({ id: 's1', name: 'vm', status: 'ACTIVE', addresses: { n1: [] } } as unknown as NovaServer), false);
    assert.equal(mayHavePorts(addressed('s1')), true);
  });

  test('R55: a floating IP just added is looked for though Nova does not show it yet; without ports, none is', async () => {
    const lately = standIn(OPENSTACK, { ports: [port('p1', 's1')], floatingLately: true });
    await readServerLinks(lately.cloud, { ...addressed('s1'), 'os-extended-volumes:volumes_attached': [] } as NovaServer);
    assert.ok(lately.calls.includes('listFloatingIps'), `calls: ${lately.calls.join(', ')}`);
    const portless = standIn(OPENSTACK, { ports: [] });
    await readServerLinks(portless.cloud, addressed('s1'), { floating: 'always' });
    assert.equal(portless.calls.includes('listFloatingIps'), false, `calls: ${portless.calls.join(', ')}`);
  });

  test("R55: a link named after a floating IP reads the ports even when the server's addresses show none yet", async () => {
    const s = standIn(OPENSTACK);
    await readServerLinks(s.cloud, { id: 's1', name: 'vm', status: 'ACTIVE', addresses: {} } as unknown as NovaServer, { floating: 'always' });
    assert.ok(s.calls.includes('listPorts'), `calls: ${s.calls.join(', ')}`);
  });

  test('R55: a server that lists no volumes of its own is not asked for attachments', async () => {
    const s = standIn(OPENSTACK);
    await readServerLinks(s.cloud, { ...addressed('s1'), 'os-extended-volumes:volumes_attached': [] } as NovaServer);
    assert.equal(s.calls.includes('volumeAttachments'), false, `calls: ${s.calls.join(', ')}`);
  });
});

describe('openstack link reads: failures and Synnefo', () => {
  test('R53: a compute whose ports or attachments cannot be read is that failure, not a compute without links', async () => {
    const ports = standIn(OPENSTACK, { ports: new OcciError(503, 'neutron is down') });
    await assert.rejects(readServerWithLinks(ports.cloud, 's1'), (e: OcciError) => e.status === 503 && /neutron is down/.test(e.message));
    const attachments = standIn(OPENSTACK, { attachments: new OcciError(504, 'nova did not answer') });
    await assert.rejects(readServerWithLinks(attachments.cloud, 's1'), (e: OcciError) => e.status === 504);
  });

  test("R111: on Synnefo the attachments come from the volumes' disk indexes: device names and the root disk", async () => {
    const volumes = [
      { id: 'v2', status: 'in-use', size: 1, attachments: [{ server_id: 's1', device_index: 1 }] },
      { id: 'v1', status: 'in-use', size: 1, attachments: [{ server_id: 's1', device_index: 0 }] },
    ] as unknown as CinderVolume[];
    const s = standIn(SYNNEFO, { volumes });
    const { links } = await readServerLinks(s.cloud, { id: 's1', name: 'vm', status: 'ACTIVE', addresses: {} } as unknown as NovaServer);
    assert.equal(s.calls.includes('volumeAttachments'), false);
    const storage = links.filter((l) => l.kind === 'storagelink').map((l) => [l.target.id, l.attributes['occi.storagelink.deviceid'], l.attributes['occi.storagelink.state.message']]);
    assert.deepEqual(storage, [
      ['v1', '/dev/vda', 'attached (root disk: it goes with the compute and cannot be detached)'],
      ['v2', '/dev/vdb', 'attached'],
    ]);
  });
});

describe('openstack link reads: listings', () => {
  test('R92: up to 25 servers have their ports asked for by device id; more, and the project is listed once', async () => {
    const servers = (n: number) => Array.from({ length: n }, (_, i) => addressed(`s${String(i).padStart(2, '0')}`));
    const few = standIn(OPENSTACK);
    await readLinkFacts(few.cloud, servers(25));
    assert.equal((few.filters[few.calls.indexOf('listPorts')] as { device_id?: string[] }).device_id?.length, 25);
    const many = standIn(OPENSTACK);
    await readLinkFacts(many.cloud, servers(26));
    assert.deepEqual(many.filters[many.calls.indexOf('listPorts')], {});
  });

  test('R92: a listing looks for floating IPs of a server that got one just now', async () => {
    const s = standIn(OPENSTACK, { floatingLately: true });
    await readLinkFacts(s.cloud, [{ id: 's1', name: 'vm', status: 'ACTIVE', addresses: {} } as unknown as NovaServer]);
    assert.ok(s.calls.includes('listFloatingIps'), `calls: ${s.calls.join(', ')}`);
  });

  test('R55: ports with no device belong to no server', () => {
    const by = portsByServer([port('p1', 's1'), port('p2', ''), port('p3', null)]);
    assert.deepEqual([...by.keys()], ['s1']);
  });

  test("R111: a listing gives each attached volume its own device from Cinder, and a server that names none gets Cinder's view", () => {
    const volumes = [
      { id: 'v1', status: 'in-use', size: 1, attachments: [{ server_id: 's1', device: '/dev/vdb' }, { server_id: 's2', device: '/dev/vdc' }] },
      { id: 'v2', status: 'in-use', size: 1, attachments: [{ server_id: 's1', device: '/dev/vdd' }] },
    ] as unknown as CinderVolume[];
    const s1 = { id: 's1', name: 'a', status: 'ACTIVE', 'os-extended-volumes:volumes_attached': [{ id: 'v1' }, { id: 'v2' }] } as unknown as NovaServer;
    const s2 = { id: 's2', name: 'b', status: 'ACTIVE' } as unknown as NovaServer;
    const links = assembleLinks(standIn(OPENSTACK).cloud, { ports: [], floatingIps: [], volumes, subnets: [] }, [s1, s2]);
    const devices = (id: string) => links.get(id)!.map((l) => [l.target.id, l.attributes['occi.storagelink.deviceid']]);
    assert.deepEqual(devices('s1'), [['v1', '/dev/vdb'], ['v2', '/dev/vdd']]);
    assert.deepEqual(devices('s2'), [['v1', '/dev/vdc']]);
  });
});
