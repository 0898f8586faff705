// OCCI networks on Neutron (services/network-service.ts) against a small
// stateful Neutron that records every call: what each request sends, what
// comes back, and what is refused before anything is sent. Quick (no server
// process, no real cloud), so a mutant of the network service is decided here
// instead of by the Synnefo stand-in's server start-ups (docs/testing.md).
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { ResourceRecord, ResourceSpec, UpdateSpec } from '../../src/port/backend.js';
import type { Mixin } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { rejectsWith } from '../backends/contract.js';
import { onFakeCloud } from './fake-backend.js';
import { json, type Recorded } from './fake-cloud.js';

type Doc = Record<string, unknown>;

/** Neutron's networks and subnets of project p1, with `ext`, the external network of project p9. */
interface Neutron {
  networks: Map<string, Doc>;
  subnets: Map<string, Doc>;
  made: number;
}

const fresh = (): Neutron => ({
  networks: new Map([['ext', { id: 'ext', name: 'public', status: 'ACTIVE', admin_state_up: true, project_id: 'p9', 'router:external': true, subnets: [] }]]),
  subnets: new Map(),
  made: 0,
});

function neutron(url: () => string, state: () => Neutron) {
  return (req: Recorded, res: ServerResponse): void => {
    const [path, search = ''] = req.path.split('?') as [string, string?];
    const n = state();
    const body = req.body as Doc | undefined;
    const catalog = ['compute:/compute/v2.1', 'network:/network'].map((e) => {
      const [type, at] = e.split(':') as [string, string];
      return { type, endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}${at}` }] };
    });
    if (path === '/v3/auth/tokens') return json(res, 200, { token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: 'p1' }, user: { id: 'u' }, catalog } });
    if (path === '/compute/v2.1/') return json(res, 200, { version: { version: '2.93', min_version: '2.1' } });
    if (path === '/network/v2.0/networks' && req.method === 'POST') {
      const id = `net-${++n.made}`;
      const network = { status: 'ACTIVE', admin_state_up: true, project_id: 'p1', ...(body!.network as Doc), id, subnets: [] };
      n.networks.set(id, network);
      return json(res, 201, { network });
    }
    if (path === '/network/v2.0/subnets' && req.method === 'POST') {
      const fields = body!.subnet as Doc;
      // Neutron checks the CIDR itself: an address with host bits is refused.
      if (!/^[0-9a-f.:]+\/\d+$/.test(String(fields.cidr)) || String(fields.cidr).startsWith('10.0.0.1/')) {
        return json(res, 400, { NeutronError: { type: 'HTTPBadRequest', message: `Invalid input for cidr. Reason: '${String(fields.cidr)}' is not a valid IP subnet.` } });
      }
      const id = `sub-${++n.made}`;
      const subnet = { gateway_ip: String(fields.cidr).replace(/0\/\d+$/, '1'), ...fields, id };
      n.subnets.set(id, subnet);
      (n.networks.get(String(fields.network_id))!.subnets as string[]).push(id);
      return json(res, 201, { subnet });
    }
    if (path === '/network/v2.0/subnets' && req.method === 'GET') {
      const wanted = new URLSearchParams(search).getAll('network_id');
      return json(res, 200, { subnets: [...n.subnets.values()].filter((s) => wanted.length === 0 || wanted.includes(String(s.network_id))) });
    }
    const sub = /^\/network\/v2\.0\/subnets\/([^/]+)$/.exec(path)?.[1];
    if (sub && req.method === 'PUT' && n.subnets.has(sub)) return json(res, 200, { subnet: Object.assign(n.subnets.get(sub)!, body!.subnet as Doc) });
    const net = /^\/network\/v2\.0\/networks\/([^/]+)$/.exec(path)?.[1];
    const found = net === undefined ? undefined : n.networks.get(net);
    if (net && !found) return json(res, 404, { NeutronError: { type: 'NetworkNotFound', message: `Network ${net} could not be found.` } });
    if (found && req.method === 'GET') return json(res, 200, { network: found });
    if (found && req.method === 'PUT') return json(res, 200, { network: Object.assign(found, body!.network as Doc) });
    if (found && req.method === 'DELETE') {
      n.networks.delete(net!);
      for (const id of found.subnets as string[]) n.subnets.delete(id);
      res.writeHead(204);
      return void res.end();
    }
    json(res, 404, { itemNotFound: { code: 404, message: `the fake has no ${req.method} ${path}` } });
  };
}

const spec = (attributes: ResourceSpec['attributes'], mixins: Mixin[] = []): ResourceSpec => ({ kind: 'network', attributes, mixins, links: [] });
const change = (attributes: UpdateSpec['attributes'], addMixins: Mixin[] = [], removeMixins: Mixin[] = []): UpdateSpec => ({ attributes, addMixins, removeMixins });
const action = (term: string) => I.NETWORK.actions.find((a) => a.term === term)!;

describe('openstack networks on a recording Neutron', () => {
  let state = fresh();
  const f = onFakeCloud((url) => neutron(url, () => state), 5000, () => (state = fresh()));
  /** The Neutron calls made since the last look (sign-in and version documents aside). */
  const calls = (): string[] => {
    const made = f.cloud.requests.filter((r) => r.path.startsWith('/network/')).map((r) => `${r.method} ${r.path.replace('/network/v2.0/', '')}`);
    f.cloud.requests.length = 0;
    return made;
  };
  const bodyOf = (method: string, path: string): Doc => f.cloud.requests.find((r) => r.method === method && r.path === `/network/v2.0/${path}`)!.body as Doc;

  it('creates the network and its subnet from the ipnetwork attributes: name, VLAN, CIDR, IP version, DHCP off for static, the gateway', async () => {
    const made = await f.backend.createResource(f.c, spec({ 'occi.core.title': 'lan', 'occi.network.vlan': 42, 'occi.network.address': '10.9.0.0/24', 'occi.network.gateway': '10.9.0.254', 'occi.network.allocation': 'static' }, [I.IPNETWORK]));
    assert.deepEqual(bodyOf('POST', 'networks'), { network: { name: 'lan', 'provider:network_type': 'vlan', 'provider:segmentation_id': 42 } });
    assert.deepEqual(bodyOf('POST', 'subnets'), { subnet: { network_id: made.id, cidr: '10.9.0.0/24', ip_version: 4, enable_dhcp: false, gateway_ip: '10.9.0.254' } });
    assert.deepEqual(made.attributes, {
      'occi.core.title': 'lan',
      'occi.network.state': 'active',
      'occi.network.state.message': 'ACTIVE',
      'occi.network.vlan': 42,
      'occi.network.address': '10.9.0.0/24',
      'occi.network.gateway': '10.9.0.254',
      'occi.network.allocation': 'static',
    });
    assert.equal(made.refused, undefined, 'its own network: up and down are offered');
  });

  it('names an untitled network occi-network, makes no subnet without an address, and an IPv6 subnet with DHCP for a v6 range', async () => {
    const plain = await f.backend.createResource(f.c, spec({}));
    assert.deepEqual(calls(), ['POST networks']);
    assert.deepEqual(plain.mixins, []);
    assert.equal(plain.attributes['occi.core.title'], 'occi-network');
    const empty = await f.backend.createResource(f.c, spec({ 'occi.core.title': '' }));
    assert.equal(empty.attributes['occi.core.title'], 'occi-network', 'an empty title is no name');
    calls();
    await f.backend.createResource(f.c, spec({ 'occi.network.address': '2001:db8::/64' }, [I.IPNETWORK]));
    assert.deepEqual(bodyOf('POST', 'subnets'), { subnet: { network_id: 'net-3', cidr: '2001:db8::/64', ip_version: 6, enable_dhcp: true } });
  });

  it('refuses before sending anything: a gateway or allocation without an address, a client id, links', async () => {
    await rejectsWith(f.backend.createResource(f.c, spec({ 'occi.network.gateway': '10.0.0.1' })), 400, /^occi\.network\.gateway and occi\.network\.allocation need occi\.network\.address \(a CIDR\)$/);
    await rejectsWith(f.backend.createResource(f.c, spec({ 'occi.network.allocation': 'dynamic' })), 400, /need occi\.network\.address/);
    await rejectsWith(f.backend.createResource(f.c, { ...spec({}), id: 'mine' }), 400, /OpenStack assigns network ids/);
    const link = { kind: 'networkinterface' as const, target: { kind: 'network' as const, id: 'ext' }, mixins: [], attributes: {} };
    await rejectsWith(f.backend.createResource(f.c, { ...spec({}), links: [link] }), 400, /a network owns no links/);
    assert.deepEqual(calls(), []);
  });

  it('removes the network again when Neutron refuses its subnet, and answers with that refusal (R52)', async () => {
    await assert.rejects(f.backend.createResource(f.c, spec({ 'occi.network.address': '10.0.0.1/24' }, [I.IPNETWORK])), /not a valid IP subnet/);
    assert.deepEqual(calls(), ['POST networks', 'POST subnets', 'DELETE networks/net-1']);
    assert.deepEqual([...state.networks.keys()], ['ext']);
  });

  it('updates only what changed: the name, the gateway, DHCP for the allocation; a subnet for a new address', async () => {
    const made = await f.backend.createResource(f.c, spec({ 'occi.core.title': 'lan', 'occi.network.address': '10.9.0.0/24' }, [I.IPNETWORK]));
    calls();
    await f.backend.update(f.c, 'network', made.id, change({ 'occi.core.title': 'lan' }));
    assert.deepEqual(calls().filter((m) => !m.startsWith('GET')), [], 'the same title sends nothing');
    const renamed = await f.backend.update(f.c, 'network', made.id, change({ 'occi.core.title': 'wan', 'occi.network.gateway': '10.9.0.9', 'occi.network.allocation': 'static' }));
    assert.deepEqual(bodyOf('PUT', `networks/${made.id}`), { network: { name: 'wan' } });
    assert.deepEqual(bodyOf('PUT', 'subnets/sub-2'), { subnet: { gateway_ip: '10.9.0.9', enable_dhcp: false } });
    assert.equal(renamed.attributes['occi.network.allocation'], 'static');
    const plain = await f.backend.createResource(f.c, spec({}));
    calls();
    const ip = await f.backend.update(f.c, 'network', plain.id, change({ 'occi.network.address': '10.8.0.0/24' }));
    assert.deepEqual(bodyOf('POST', 'subnets'), { subnet: { network_id: plain.id, cidr: '10.8.0.0/24', ip_version: 4, enable_dhcp: true } });
    assert.equal((ip as ResourceRecord).attributes['occi.network.address'], '10.8.0.0/24');
  });

  it('refuses changing the CIDR, the VLAN or another mixin (400), sending nothing', async () => {
    const made = await f.backend.createResource(f.c, spec({ 'occi.network.vlan': 7, 'occi.network.address': '10.9.0.0/24' }, [I.IPNETWORK]));
    calls();
    await rejectsWith(f.backend.update(f.c, 'network', made.id, change({ 'occi.network.address': '10.7.0.0/24' })), 400, /^occi\.network\.address cannot change from 10\.9\.0\.0\/24; create another network$/);
    await rejectsWith(f.backend.update(f.c, 'network', made.id, change({ 'occi.network.vlan': 8 })), 400, /^occi\.network\.vlan cannot be changed on an existing network$/);
    await rejectsWith(f.backend.update(f.c, 'network', made.id, change({}, [I.IPNETWORK])), 400, /only the ipnetwork mixin/);
    assert.deepEqual(calls().filter((m) => !m.startsWith('GET')), []);
    await f.backend.update(f.c, 'network', made.id, change({ 'occi.network.vlan': 7 }));
  });

  it('takes its own network down and up (admin state), refuses up when active (409) and any action on another project\'s network (403)', async () => {
    const made = await f.backend.createResource(f.c, spec({}));
    const down = await f.backend.action(f.c, 'network', made.id, action('down'), {});
    assert.deepEqual(bodyOf('PUT', `networks/${made.id}`), { network: { admin_state_up: false } });
    assert.equal(down.entity?.attributes['occi.network.state'], 'inactive');
    assert.equal(down.entity?.attributes['occi.network.state.message'], 'ACTIVE (admin state down)');
    const up = await f.backend.action(f.c, 'network', made.id, action('up'), {});
    assert.equal(up.entity?.attributes['occi.network.state'], 'active');
    await rejectsWith(f.backend.action(f.c, 'network', made.id, action('up'), {}), 409, /is active; up is not allowed in that state/);
    await rejectsWith(f.backend.action(f.c, 'network', 'ext', action('down'), {}), 403, /^network ext \(public\) is the external network of project p9: only that project can take it down/);
    assert.deepEqual(((await f.backend.get(f.c, 'network', 'ext')) as ResourceRecord).refused, ['up', 'down']);
    await rejectsWith(f.backend.action(f.c, 'network', made.id, I.COMPUTE.actions[0]!, {}), 400, /does not apply to a network/);
  });

  it('deletes a network it finds (404 for one it does not)', async () => {
    const made = await f.backend.createResource(f.c, spec({}));
    calls();
    await f.backend.delete(f.c, 'network', made.id);
    assert.deepEqual(calls().filter((m) => m !== 'GET subnets'), [`GET networks/${made.id}`, `DELETE networks/${made.id}`]);
    await rejectsWith(f.backend.delete(f.c, 'network', made.id), 404, /not found/);
  });

  it("R89: a network Neutron names by tenant_id only is another project's too; a shared one is said to be shared", async () => {
    state.networks.set('old', { id: 'old', name: 'legacy', status: 'ACTIVE', admin_state_up: true, tenant_id: 'p9', subnets: [] });
    state.networks.set('lab', { id: 'lab', name: 'lab', status: 'ACTIVE', admin_state_up: true, project_id: 'p9', shared: true, subnets: [] });
    assert.deepEqual(((await f.backend.get(f.c, 'network', 'old')) as ResourceRecord).refused, ['up', 'down']);
    await rejectsWith(f.backend.action(f.c, 'network', 'old', action('down'), {}), 403, /is a network of project p9/);
    await rejectsWith(f.backend.action(f.c, 'network', 'lab', action('down'), {}), 403, /^network lab \(lab\) is a network shared with your project of project p9/);
  });

  it('R79: an action of the network scheme that networks do not define is a 400', async () => {
    const made = await f.backend.createResource(f.c, spec({}));
    await rejectsWith(f.backend.action(f.c, 'network', made.id, { ...action('up'), term: 'reset' }, {}), 400, /does not apply to a network/);
  });

  it('R65: an update may remove only the ipnetwork mixin; the gateway it repeats sends nothing, and a new one goes to the IPv4 subnet', async () => {
    state.networks.set('dual', { id: 'dual', name: 'dual', status: 'ACTIVE', admin_state_up: true, project_id: 'p1', subnets: ['s6', 's4'] });
    state.subnets.set('s6', { id: 's6', network_id: 'dual', cidr: '2001:db8::/64', ip_version: 6, gateway_ip: '2001:db8::1', enable_dhcp: true });
    state.subnets.set('s4', { id: 's4', network_id: 'dual', cidr: '10.4.0.0/24', ip_version: 4, gateway_ip: '10.4.0.1', enable_dhcp: true });
    await rejectsWith(f.backend.update(f.c, 'network', 'dual', change({}, [], [I.IPNETWORKINTERFACE])), 400, /only the ipnetwork mixin/);
    calls();
    await f.backend.update(f.c, 'network', 'dual', change({ 'occi.network.gateway': '10.4.0.1' }));
    assert.deepEqual(calls().filter((m) => !m.startsWith('GET')), [], 'the same gateway sends nothing');
    await f.backend.update(f.c, 'network', 'dual', change({ 'occi.network.gateway': '10.4.0.9' }));
    assert.deepEqual(calls().filter((m) => !m.startsWith('GET')), ['PUT subnets/s4']);
  });

  it("R53: each network shows its own subnet, whatever else the project's cached subnets hold; another network's record is not taken for it", async () => {
    const a = await f.backend.createResource(f.c, spec({ 'occi.network.address': '10.1.0.0/24' }, [I.IPNETWORK]));
    const b = await f.backend.createResource(f.c, spec({ 'occi.network.address': '10.2.0.0/24' }, [I.IPNETWORK]));
    assert.equal(((await f.backend.get(f.c, 'network', a.id)) as ResourceRecord).attributes['occi.network.address'], '10.1.0.0/24');
    assert.equal(((await f.backend.get(f.c, 'network', b.id)) as ResourceRecord).attributes['occi.network.address'], '10.2.0.0/24');
    await f.backend.action(f.c, 'network', a.id, action('down'), {});
    const recordOfA = await f.backend.get(f.c, 'network', a.id);
    await f.backend.action(f.c, 'network', b.id, action('down'), {}, recordOfA);
    assert.equal(state.networks.get(b.id)!.admin_state_up, false, 'b, active, was taken down');
  });
});
