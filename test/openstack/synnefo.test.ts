// The backend in the Synnefo dialect against a fake Synnefo (Astakos v2.0
// tokens, Cyclades compute/network/volume APIs) on an ephemeral port that
// answers with the responses Synnefo's API guides document.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Backend, Credentials, LinkRecord, ResourceRecord } from '../../src/port/backend.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { templateDefault } from '../../src/model/templates.js';
import { linkFrom, rejectsWith } from '../backends/contract.js';
import { fakeCloud, json, type FakeCloud, type Recorded } from './fake-cloud.js';
import { fixture } from './fixtures.js';

type Doc = Record<string, unknown>;

/** The mutable state of the fake cloud, seeded from the documented examples. */
function seed() {
  return {
    servers: fixture<{ servers: Doc[] }>('synnefo-servers.json').servers,
    networks: fixture<{ networks: Doc[] }>('synnefo-networks.json').networks,
    subnets: fixture<{ subnets: Doc[] }>('synnefo-subnets.json').subnets,
    ports: fixture<{ ports: Doc[] }>('synnefo-ports.json').ports,
    floatingips: fixture<{ floatingips: Doc[] }>('synnefo-floatingips.json').floatingips,
    volumes: fixture<{ volumes: Doc[] }>('synnefo-volumes.json').volumes,
    next: 100,
  };
}

function synnefo(base: () => string) {
  const state = seed();
  const id = (): number => ++state.next;
  const handle = (req: Recorded, res: ServerResponse): void => {
    const [path, q = ''] = req.path.split('?');
    const query = new URLSearchParams(q);
    const m = (re: RegExp): RegExpExecArray | null => re.exec(path!);
    if (req.method === 'POST' && path === '/identity/v2.0/tokens') {
      const token = (req.body as { auth: { token: { id: string } } }).auth.token.id;
      if (token !== 'snf-token') return json(res, 401, { unauthorized: { code: 401, message: 'Invalid token' } });
      const text = JSON.stringify(fixture('synnefo-access.json')).replace(/https:\/\/[a-z.]+\.example\.synnefo\.org/g, base());
      return json(res, 200, JSON.parse(text));
    }
    const C = '/cyclades/compute/v2.0';
    if (req.method === 'GET' && path === `${C}/servers/detail`) return json(res, 200, { servers: state.servers });
    if (req.method === 'GET' && path === `${C}/flavors/detail`) return json(res, 200, fixture('synnefo-flavors.json'));
    if (req.method === 'GET' && path === `${C}/images/detail`) return json(res, 200, fixture('synnefo-images.json'));
    let r = m(/^\/cyclades\/compute\/v2\.0\/servers\/(\d+)(\/.*)?$/);
    if (r) {
      const server = state.servers.find((s) => String(s.id) === r![1]);
      if (!server) return json(res, 404, { itemNotFound: { code: 404, message: 'Server not found' } });
      if (req.method === 'GET' && !r[2]) return json(res, 200, { server });
      if (req.method === 'GET' && r[2] === '/os-volume_attachments') {
        const attached = state.volumes.filter((v) => (v.attachments as Doc[]).some((a) => String(a.server_id) === r![1]));
        return json(res, 200, { volumeAttachments: attached.map((v) => ({ id: v.id, volumeId: v.id, serverId: server.id, device: '/dev/vdb' })) });
      }
      if (req.method === 'POST' && r[2] === '/action') {
        const action = Object.keys(req.body as Doc)[0];
        const next: Record<string, string> = { start: 'ACTIVE', shutdown: 'STOPPED', reboot: 'ACTIVE' };
        if (!action || !next[action]) return json(res, 400, { badRequest: { code: 400, message: `Unknown action ${action}` } });
        server.status = next[action];
        res.writeHead(202);
        return void res.end();
      }
    }
    if (req.method === 'POST' && path === `${C}/servers`) {
      const body = (req.body as { server: Doc }).server;
      const server = { ...state.servers[0]!, id: id(), name: body.name, status: 'BUILD', 'SNF:fqdn': 'snf-new.vm.example.org' };
      state.servers.push(server);
      return json(res, 202, { server: { id: server.id, name: server.name, status: 'BUILD', adminPass: 'x' } });
    }
    const N = '/cyclades/network/v2.0';
    if (req.method === 'GET' && path === `${N}/networks`) return json(res, 200, { networks: state.networks });
    if (req.method === 'GET' && path === `${N}/subnets`) {
      const only = query.getAll('network_id');
      return json(res, 200, { subnets: state.subnets.filter((s) => only.length === 0 || only.includes(String(s.network_id))) });
    }
    r = m(/^\/cyclades\/network\/v2\.0\/networks\/(\d+)$/);
    if (r && req.method === 'GET') {
      const network = state.networks.find((n) => n.id === r![1]);
      return network ? json(res, 200, { network }) : json(res, 404, { itemNotFound: { message: 'Network not found' } });
    }
    if (req.method === 'POST' && path === `${N}/networks`) {
      const network = { ...(req.body as { network: Doc }).network, id: String(id()), status: 'ACTIVE', admin_state_up: true, subnets: [] };
      state.networks.push(network);
      return json(res, 201, { network });
    }
    if (req.method === 'POST' && path === `${N}/subnets`) {
      const subnet = { ...(req.body as { subnet: Doc }).subnet, id: String(id()), gateway_ip: null, enable_dhcp: false };
      state.subnets.push(subnet);
      return json(res, 201, { subnet });
    }
    if (req.method === 'GET' && path === `${N}/ports`) {
      const device = query.get('device_id');
      return json(res, 200, { ports: state.ports.filter((p) => device === null || String(p.device_id) === device) });
    }
    if (req.method === 'POST' && path === `${N}/ports`) {
      const body = (req.body as { port: Doc }).port;
      const port = { ...body, id: String(id()), status: 'ACTIVE', mac_address: 'aa:00:00:00:00:01', device_owner: 'vm', created: new Date().toISOString() };
      state.ports.push(port);
      const ip = (body.fixed_ips as { ip_address: string }[] | undefined)?.[0]?.ip_address;
      const held = state.floatingips.find((f) => f.floating_ip_address === ip);
      if (held) Object.assign(held, { port_id: port.id, instance_id: body.device_id });
      return json(res, 201, { port });
    }
    if (req.method === 'GET' && path === `${N}/floatingips`) return json(res, 200, { floatingips: state.floatingips });
    if (req.method === 'POST' && path === `${N}/floatingips`) {
      const ip = { ...(req.body as { floatingip: Doc }).floatingip, id: id(), floating_ip_address: '192.168.1.9', port_id: null, fixed_ip_address: null };
      state.floatingips.push(ip);
      return json(res, 201, { floatingip: ip });
    }
    const V = '/cyclades/volume/v2.0';
    if (req.method === 'GET' && path === `${V}/volumes/detail`) return json(res, 200, { volumes: state.volumes });
    if (req.method === 'GET' && path === `${V}/types`) return json(res, 200, { volume_types: [{ id: 1, name: 'drbd' }, { id: 2, name: 'ext_archipelago' }] });
    if (req.method === 'POST' && path === `${V}/volumes`) {
      const volume = { ...(req.body as { volume: Doc }).volume, id: String(id()), status: 'CREATING', attachments: [] };
      state.volumes.push(volume);
      return json(res, 202, { volume });
    }
    json(res, 404, { itemNotFound: { code: 404, message: `no ${req.method} ${path}` } });
  };
  return { state, handle };
}

describe('openstack backend, Synnefo dialect (fake Synnefo)', () => {
  let cloud: FakeCloud;
  let fake: ReturnType<typeof synnefo>;
  let backend: Backend;
  let c: Credentials;
  const sent = (method: string, suffix: string): Recorded[] => cloud.requests.filter((r) => r.method === method && r.path.endsWith(suffix));

  before(async () => {
    fake = synnefo(() => cloud.url);
    cloud = await fakeCloud((req, res) => fake.handle(req, res));
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/identity/v2.0`, dialect: 'synnefo', timeoutMs: 1500 });
    c = await backend.authenticate({ token: 'snf-token', project: 'proj-1' });
  });
  after(async () => {
    await backend.close();
    await cloud.close();
  });

  it('authenticates with Astakos v2.0 tokens; the user is the tenant, the project is kept (R149)', async () => {
    assert.equal(c.tenant, 'c18088be-16b1-4263-8180-043c54e22903');
    assert.equal(c.project, 'proj-1');
    assert.deepEqual(sent('POST', '/identity/v2.0/tokens')[0]!.body, { auth: { token: { id: 'snf-token' } } });
    await rejectsWith(backend.authenticate({ token: 'other' }), 401);
    assert.equal(backend.authChallenge, `Keystone uri='${cloud.url}/identity/v2.0'`);
  });

  it('offers the compute API images and the flavors, with integer ids as provider ids', async () => {
    const t = await backend.providerMixins(c);
    assert.deepEqual(t.os.map((m) => m.term), ['Debian_Base', 'edx_saas']);
    assert.equal(templateDefault(t.os[0]!, 'occi.compute.architecture'), 'x64');
    assert.deepEqual(t.resource.map((m) => [m.term, m.providerId, templateDefault(m, 'occi.compute.memory')]), [
      ['C1R1024D20drbd', '1', 1],
      ['C4R1024D40drbd', '3', 1],
    ]);
    assert.equal(sent('GET', '/images/detail').length, 1);
    assert.ok(!cloud.requests.some((r) => 'openstack-api-version' in r.headers), 'no microversions on Cyclades');
  });

  it('maps a STOPPED server with its fqdn, templates and links (the port holding a floating IP is one link)', async () => {
    const [vm] = (await backend.list(c, 'compute')) as ResourceRecord[];
    const t = await backend.providerMixins(c);
    assert.equal(vm!.id, '42');
    assert.equal(vm!.attributes['occi.compute.state'], 'inactive');
    assert.equal(vm!.attributes['occi.compute.state.message'], 'STOPPED');
    assert.equal(vm!.attributes['occi.compute.hostname'], 'snf-42.vm.example.org');
    assert.equal(vm!.attributes['occi.compute.cores'], 1);
    assert.deepEqual(vm!.mixins, [typeId(t.os[0]!), typeId(t.resource[0]!)]);
    assert.deepEqual(
      vm!.links.map((l: LinkRecord) => [l.id, l.target.id, l.attributes['occi.networkinterface.address'] ?? l.attributes['occi.storagelink.deviceid']]),
      [
        ['42_fip_7', '2718', '192.168.1.2'],
        ['42_43', '43', '/dev/vdb'],
      ],
    );
    assert.deepEqual(await backend.get(c, 'compute', '42'), vm, 'get and list agree');
  });

  it('starts with `start` and stops with `shutdown`; suspend and save are 501', async () => {
    const started = await backend.action(c, 'compute', '42', I.COMPUTE_START, {});
    assert.deepEqual(sent('POST', '/servers/42/action').at(-1)!.body, { start: {} });
    assert.equal(started.entity?.attributes['occi.compute.state'], 'active');
    await rejectsWith(backend.action(c, 'compute', '42', I.COMPUTE_START, {}), 409, /active/);
    await rejectsWith(backend.action(c, 'compute', '42', I.COMPUTE_SUSPEND, {}), 501, /Synnefo/);
    await rejectsWith(backend.action(c, 'compute', '42', I.COMPUTE_SAVE, {}), 501, /Synnefo/);
    const stopped = await backend.action(c, 'compute', '42', I.COMPUTE_STOP, {});
    assert.deepEqual(sent('POST', '/servers/42/action').at(-1)!.body, { shutdown: {} });
    assert.equal(stopped.entity?.attributes['occi.compute.state'], 'inactive');
  });

  it('creates a compute charged to the project, with networks [] and no microversion', async () => {
    const t = await backend.providerMixins(c);
    const vm = await backend.createResource(c, { kind: 'compute', mixins: [t.os[0]!, t.resource[1]!], attributes: { 'occi.core.title': 'new' }, links: [] });
    const post = sent('POST', '/cyclades/compute/v2.0/servers').at(-1)!;
    assert.deepEqual(post.body, { server: { name: 'new', imageRef: 'im4g3-1d', flavorRef: '3', project: 'proj-1', networks: [] } });
    assert.equal(post.headers['openstack-api-version'], undefined);
    assert.equal(vm.attributes['occi.compute.state'], 'waiting');
    assert.equal(vm.attributes['occi.compute.hostname'], 'snf-new.vm.example.org');
  });

  it('creates volumes with display_name, a volume type and the project', async () => {
    const vol = await backend.createResource(c, { kind: 'storage', mixins: [], attributes: { 'occi.storage.size': 1.5, 'occi.core.title': 'data' }, links: [] });
    assert.deepEqual(sent('POST', '/volumes').at(-1)!.body, { volume: { size: 2, display_name: 'data', project: 'proj-1', volume_type: '1' } });
    assert.equal(vol.attributes['occi.storage.state'], 'offline');
    assert.equal(vol.attributes['occi.storage.state.message'], 'CREATING');
    const listed = (await backend.list(c, 'storage')).find((r) => r.id === '43')!;
    assert.equal(listed.attributes['occi.storage.state'], 'online', 'IN_USE');
    assert.equal(listed.attributes['occi.core.title'], 'Volume Two');
  });

  it('creates MAC_FILTERED networks with a subnet; up/down are 501', async () => {
    const net = await backend.createResource(c, {
      kind: 'network',
      mixins: [I.IPNETWORK],
      attributes: { 'occi.core.title': 'priv', 'occi.network.address': '10.9.0.0/24', 'occi.network.allocation': 'static' },
      links: [],
    });
    assert.deepEqual(sent('POST', '/networks').at(-1)!.body, { network: { name: 'priv', type: 'MAC_FILTERED', project: 'proj-1' } });
    assert.deepEqual(sent('POST', '/subnets').at(-1)!.body, { subnet: { network_id: net.id, cidr: '10.9.0.0/24', ip_version: 4, enable_dhcp: false } });
    assert.equal(net.attributes['occi.network.address'], '10.9.0.0/24');
    await rejectsWith(backend.action(c, 'network', net.id, I.NETWORK_DOWN, {}), 501);
  });

  it('connects a floating IP through a port that holds it', async () => {
    const link = await backend.createLink(c, linkFrom('42', 'networkinterface', '2718'));
    assert.deepEqual(sent('POST', '/floatingips').at(-1)!.body, { floatingip: { floating_network_id: '2718', project: 'proj-1' } });
    assert.deepEqual(sent('POST', '/ports').at(-1)!.body, {
      port: { network_id: '2718', device_id: '42', fixed_ips: [{ ip_address: '192.168.1.9' }], project: 'proj-1' },
    });
    assert.match(link.id, /^42_fip_\d+$/);
    assert.equal(link.attributes['occi.networkinterface.address'], '192.168.1.9');
  });
});
