// Rules of the networks computes link to (services/network-service.ts) that
// the Stryker run's survivors got past (issue 14): an update changes only
// what was asked (a rename leaves the subnet alone, an unchanged or null
// value is no change, the CIDR never changes); a network's subnets read from
// the project's cached list only when it holds them all; up and down only
// by the network's own project, and not refused where there is no owner.
// On the fake world (fake-world.ts) with Neutron's networks and subnets
// added here as Neutron answers them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerResponse } from 'node:http';
import type { Action } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import type { ResourceRecord, UpdateSpec } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';
import { json, type Recorded } from './fake-cloud.js';
import { onFakeCloud, type OnFakeCloud } from './fake-backend.js';
import { fakeOpenStack, freshWorld, type World } from './fake-world.js';

type Doc = Record<string, unknown>;

/** A message matched whole. */
const exactly = (message: string): RegExp => new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const uuid = (n: number): string => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const OWN = uuid(1);
const SHARED = uuid(2);
const PUBLIC = uuid(3);

interface Neutron {
  networks: Doc[];
  subnets: Doc[];
  /** The network is gone right after it is renamed. */
  vanishOnRename?: boolean;
}

function neutron(): Neutron {
  return {
    networks: [
      { id: OWN, name: 'mine', status: 'ACTIVE', admin_state_up: true, shared: false, 'router:external': false, subnets: ['s-own'], project_id: 'p1', tenant_id: 'p1' },
      { id: SHARED, name: 'shared', status: 'ACTIVE', admin_state_up: true, shared: true, 'router:external': false, subnets: ['s-shared'], project_id: 'admin', tenant_id: 'admin' },
      // Synnefo's public networks name no owner; this one names no subnets member either.
      { id: PUBLIC, name: 'public', status: 'ACTIVE', admin_state_up: true, shared: true, 'router:external': false },
    ],
    subnets: [
      { id: 's-own', network_id: OWN, cidr: '10.0.0.0/24', ip_version: 4, gateway_ip: '10.0.0.1', enable_dhcp: true },
      { id: 's-shared', network_id: SHARED, cidr: '10.9.0.0/24', ip_version: 4, gateway_ip: '10.9.0.1', enable_dhcp: false },
    ],
  };
}

const fresh = (): { world: World; n: Neutron } => ({ world: freshWorld(), n: neutron() });

function withNetworks(state: () => { world: World; n: Neutron }) {
  return (url: () => string) => {
    const cloud = fakeOpenStack(url, () => state().world);
    return (req: Recorded, res: ServerResponse): void => {
      const { n } = state();
      const [path, search = ''] = req.path.split('?') as [string, string?];
      const q = new URLSearchParams(search);
      if (path === '/network/v2.0/networks' && req.method === 'GET') return json(res, 200, { networks: n.networks, networks_links: [] });
      const net = n.networks.find((x) => path === `/network/v2.0/networks/${String(x.id)}`);
      if (net && req.method === 'GET') return json(res, 200, { network: net });
      if (net && req.method === 'PUT') {
        Object.assign(net, (req.body as { network: Doc }).network);
        json(res, 200, { network: net });
        if (n.vanishOnRename) n.networks = n.networks.filter((x) => x !== net);
        return;
      }
      if (path.startsWith('/network/v2.0/networks/')) return json(res, 404, { NeutronError: { type: 'NetworkNotFound', message: 'Network could not be found.' } });
      if (path === '/network/v2.0/subnets' && req.method === 'GET') {
        const wanted = q.getAll('network_id');
        return json(res, 200, { subnets: wanted.length ? n.subnets.filter((s) => wanted.includes(String(s.network_id))) : n.subnets, subnets_links: [] });
      }
      if (path === '/network/v2.0/subnets' && req.method === 'POST') {
        const s: Doc = { id: `s-${n.subnets.length + 1}`, ...(req.body as { subnet: Doc }).subnet };
        n.subnets.push(s);
        const owner = n.networks.find((x) => x.id === s.network_id);
        if (owner) owner.subnets = [...((owner.subnets as string[] | undefined) ?? []), s.id];
        return json(res, 201, { subnet: s });
      }
      const subnet = n.subnets.find((s) => path === `/network/v2.0/subnets/${String(s.id)}`);
      if (subnet && req.method === 'PUT') {
        Object.assign(subnet, (req.body as { subnet: Doc }).subnet);
        return json(res, 200, { subnet });
      }
      cloud(req, res);
    };
  };
}

const spec = (attributes: UpdateSpec['attributes'], removeMixins: UpdateSpec['removeMixins'] = []): UpdateSpec => ({ attributes, addMixins: [], removeMixins });
const sent = (f: OnFakeCloud, from: number, method: string, part: string): Recorded[] =>
  f.cloud.requests.slice(from).filter((r) => r.method === method && r.path.split('?')[0]!.startsWith(`/network/v2.0/${part}`));

describe('openstack networks: updates change only what was asked', () => {
  let state = fresh();
  const f = onFakeCloud(withNetworks(() => state), 5000, () => (state = fresh()));

  test('a rename of a network with a subnet renames it, and leaves the subnet alone', async () => {
    // 846
    const from = f.cloud.requests.length;
    const renamed = await f.backend.update(f.c, 'network', OWN, spec({ 'occi.core.title': 'web' }));
    assert.equal(renamed.attributes['occi.core.title'], 'web');
    assert.deepEqual(sent(f, from, 'PUT', '').map((r) => r.body), [{ network: { name: 'web' } }]);
  });

  test('the vlan and the allocation given as null, or the allocation and address it has, are no change', async () => {
    // 814 816 846 866 868
    const from = f.cloud.requests.length;
    await f.backend.update(f.c, 'network', OWN, spec({ 'occi.network.address': '10.0.0.0/24' }));
    await f.backend.update(f.c, 'network', OWN, spec({ 'occi.network.vlan': null, 'occi.network.allocation': null }));
    await f.backend.update(f.c, 'network', OWN, spec({ 'occi.network.allocation': 'dynamic' }));
    assert.deepEqual(sent(f, from, 'PUT', ''), []);
  });

  test('an allocation made dynamic turns DHCP on, and only that is sent', async () => {
    // 871
    state.n.subnets[0]!.enable_dhcp = false;
    const from = f.cloud.requests.length;
    const updated = await f.backend.update(f.c, 'network', OWN, spec({ 'occi.network.allocation': 'dynamic' }));
    assert.deepEqual(sent(f, from, 'PUT', 'subnets').map((r) => r.body), [{ subnet: { enable_dhcp: true } }]);
    assert.equal(updated.attributes['occi.network.allocation'], 'dynamic');
  });

  test('removing the ipnetwork mixin is allowed; the network keeps its subnet', async () => {
    // 791 794
    const updated = await f.backend.update(f.c, 'network', OWN, spec({}, [I.IPNETWORK]));
    assert.equal(updated.attributes['occi.network.address'], '10.0.0.0/24');
  });

  test('the address of a network read in this request cannot change either (400), and no subnet is made', async () => {
    // 698 766
    const current = await f.backend.get(f.c, 'network', OWN);
    const from = f.cloud.requests.length;
    await rejectsWith(
      f.backend.update(f.c, 'network', OWN, spec({ 'occi.network.address': '10.1.0.0/24' }), current),
      400,
      exactly('occi.network.address cannot change from 10.0.0.0/24; create another network'),
    );
    assert.deepEqual(sent(f, from, 'POST', 'subnets'), []);
    assert.deepEqual(sent(f, from, 'GET', `networks/${OWN}`), [], 'the reading of the request is used, not a new one');
  });

  test('a network deleted right after its rename is a 404 saying it disappeared', async () => {
    // 826
    state.n.vanishOnRename = true;
    await rejectsWith(f.backend.update(f.c, 'network', OWN, spec({ 'occi.core.title': 'web' })), 404, exactly(`network ${OWN} disappeared`));
  });
});

describe('openstack networks: reads', () => {
  let state = fresh();
  const f = onFakeCloud(withNetworks(() => state), 5000, () => (state = fresh()));

  test('R54: a network id the cloud could not have is not found without asking Neutron', async () => {
    // 666
    const from = f.cloud.requests.length;
    assert.equal(await f.backend.get(f.c, 'network', 'not/a-network'), undefined);
    assert.deepEqual(f.cloud.requests.slice(from).filter((r) => r.path.startsWith('/network/')), []);
  });

  test('a network that names no subnets asks for none; one whose subnets the cached list holds asks once for the list', async () => {
    // 676 683 685
    const from = f.cloud.requests.length;
    await f.backend.get(f.c, 'network', PUBLIC);
    await f.backend.get(f.c, 'network', OWN);
    assert.deepEqual(sent(f, from, 'GET', 'subnets').map((r) => r.path), ['/network/v2.0/subnets']);
  });

  test("a subnet added since the project's subnets were read is read for its network, and shows", async () => {
    // 682 684
    await f.backend.get(f.c, 'network', OWN);
    state.n.subnets.push({ id: 's-new', network_id: SHARED, cidr: '10.8.0.0/24', ip_version: 4, gateway_ip: '10.8.0.1', enable_dhcp: true });
    state.n.subnets.splice(1, 1);
    state.n.networks[1]!.subnets = ['s-new'];
    const from = f.cloud.requests.length;
    const shared = (await f.backend.get(f.c, 'network', SHARED)) as ResourceRecord;
    assert.equal(shared.attributes['occi.network.address'], '10.8.0.0/24');
    assert.deepEqual(sent(f, from, 'GET', 'subnets').map((r) => r.path), [`/network/v2.0/subnets?network_id=${SHARED}`]);
  });

  test("a network with one subnet the project's cached list lacks asks for its subnets", async () => {
    // 684
    await f.backend.get(f.c, 'network', OWN);
    state.n.subnets.push({ id: 's-own6', network_id: OWN, cidr: 'fd00::/64', ip_version: 6, enable_dhcp: true });
    state.n.networks[0]!.subnets = ['s-own', 's-own6'];
    const from = f.cloud.requests.length;
    await f.backend.get(f.c, 'network', OWN);
    assert.deepEqual(sent(f, from, 'GET', 'subnets').map((r) => r.path), [`/network/v2.0/subnets?network_id=${OWN}`]);
  });

  test('a listing of 25 networks asks for their subnets by network; of 26, for every subnet at once', async () => {
    // 688 689 690 691
    for (const count of [25, 26]) {
      state = fresh();
      state.n.networks = Array.from({ length: count }, (_, i) => ({ id: uuid(100 + i), name: `n${i}`, status: 'ACTIVE', admin_state_up: true, shared: false, subnets: [`s${i}`], project_id: 'p1' }));
      state.n.subnets = [];
      // The project's list is read (and cached) first, then the subnets are added: the cache misses them.
      await f.backend.get(f.c, 'network', uuid(100));
      state.n.subnets = state.n.networks.map((n, i) => ({ id: `s${i}`, network_id: n.id, cidr: `10.${i}.0.0/24`, ip_version: 4, enable_dhcp: true }));
      const from = f.cloud.requests.length;
      const listed = await f.backend.list(f.c, { kind: 'network', detail: 'records', page: { limit: 30 } });
      assert.equal(listed.items.length, count);
      const asked = sent(f, from, 'GET', 'subnets').map((r) => new URLSearchParams(r.path.split('?')[1] ?? '').getAll('network_id').length);
      assert.deepEqual(asked, [count === 25 ? 25 : 0], `${count} networks`);
    }
  });
});

describe('openstack networks: up and down', () => {
  let state = fresh();
  const f = onFakeCloud(withNetworks(() => state), 5000, () => (state = fresh()));

  test('a network that names no owner offers up and down, and takes them', async () => {
    // 754 903
    const record = (await f.backend.get(f.c, 'network', PUBLIC)) as ResourceRecord;
    assert.equal(record.refused?.includes('down') ?? false, false, JSON.stringify(record.refused));
    const { entity } = await f.backend.action(f.c, 'network', PUBLIC, I.NETWORK_DOWN, {});
    assert.equal(entity?.attributes['occi.network.state'], 'inactive');
  });

  test('an action named up or down of another scheme does not apply to a network (400), and nothing is sent', async () => {
    // 887
    const notNetworks: Action = { ...I.NETWORK_UP, scheme: I.COMPUTE_START.scheme };
    const from = f.cloud.requests.length;
    await rejectsWith(f.backend.action(f.c, 'network', OWN, notNetworks, {}), 400, exactly(`action ${I.COMPUTE_START.scheme}up does not apply to a network`));
    assert.deepEqual(sent(f, from, 'PUT', ''), []);
  });
});
