// Networks, interfaces and floating IPs on the Synnefo dialect against the
// stand-in of every release: subnets, ports filtered on our side (Cyclades
// ignores the filters), public links at creation as {uuid, fixed_ip}, and
// floating IPs reused rather than piled up against the quota.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkRecord, ResourceRecord } from '../../src/port/backend.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from '../backends/contract.js';
import { harness, nic, type Harness } from './harness.js';
import { RELEASES } from './standin/index.js';
import { createPort } from './standin/nics.js';

const PUBLIC = '1';
const interfaces = (r: ResourceRecord): LinkRecord[] => r.links.filter((l) => l.kind === 'networkinterface');

for (const release of RELEASES) {
  describe(`Synnefo ${release}: networks and interfaces`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(release, { world: { floatingIpLimit: 2 } });
    });
    after(() => h.close());

    const network = (address: string): Promise<ResourceRecord> =>
      h.backend.createResource(h.alice, { kind: 'network', mixins: [I.IPNETWORK], attributes: { 'occi.core.title': 'priv', 'occi.network.address': address }, links: [] });

    it('creates MAC_FILTERED networks with their subnet, renames them, and says what cannot change', async () => {
      const net = await network('10.9.0.0/24');
      assert.deepEqual(h.standin.sent('POST', '/networks').at(-1)!.body, { network: { name: 'priv', type: 'MAC_FILTERED', project: h.alice.tenant } });
      assert.equal(net.attributes['occi.network.address'], '10.9.0.0/24');
      assert.equal(net.attributes['occi.network.gateway'], '10.9.0.1');
      assert.deepEqual(net.refused, ['up', 'down']);
      const renamed = await h.backend.update(h.alice, 'network', net.id, { attributes: { 'occi.core.title': 'back' }, addMixins: [], removeMixins: [] });
      assert.equal(renamed.attributes['occi.core.title'], 'back');
      await rejectsWith(
        h.backend.update(h.alice, 'network', net.id, { attributes: { 'occi.network.allocation': 'static' }, addMixins: [], removeMixins: [] }),
        400,
        /Synnefo cannot change the gateway or allocation of network \d+; create another network/,
      );
      await rejectsWith(h.backend.action(h.alice, 'network', net.id, I.NETWORK_DOWN, {}), 400, /no administrative state/);
      await h.backend.delete(h.alice, 'network', net.id);
      assert.equal(await h.backend.get(h.alice, 'network', net.id), undefined, 'deleted: true counts as gone');
      await rejectsWith(h.backend.delete(h.alice, 'network', net.id), 404);
    });

    it("shows each compute only its own ports and never deletes another compute's interface", async () => {
      const net = await network('10.10.0.0/24');
      const a = await h.compute({ links: [nic(net.id)] });
      const b = await h.compute({ links: [nic(net.id)] });
      const [ia, ib] = [interfaces(a), interfaces(b)];
      assert.equal(ia.length, 1);
      assert.equal(ib.length, 1);
      assert.notEqual(ia[0]!.id, ib[0]!.id);
      assert.ok(h.standin.sent('GET', '/ports').some((r) => r.path.includes('device_id=')), 'the filter is sent, and ignored by Cyclades');
      const bPort = ib[0]!.id.split('_')[1]!;
      await rejectsWith(h.backend.delete(h.alice, 'networkinterface', `${a.id}_${bPort}`), 404);
      assert.ok(h.standin.world.ports.has(bPort), "b's port is still there");
      const subnets = h.standin.world.subnets.size;
      assert.ok(subnets >= 3, 'several subnets exist');
      assert.equal(ia[0]!.attributes['occi.networkinterface.gateway'], '10.10.0.1', "the gateway of this port's own subnet");
    });

    it('links a compute to the public network at creation with one of its floating IPs, reusing a free one', async () => {
      const before = [...h.standin.world.ips.values()].filter((ip) => ip.floating).length;
      const vm = await h.compute({ links: [nic(PUBLIC)] });
      const create = h.standin.sent('POST', '/servers').at(-1)!.body as { server: { networks: unknown[] } };
      const link = interfaces(vm)[0]!;
      assert.match(link.id, new RegExp(`^${vm.id}_fip_\\d+$`));
      assert.deepEqual(create.server.networks, [{ uuid: PUBLIC, fixed_ip: link.attributes['occi.networkinterface.address'] }]);
      await h.backend.delete(h.alice, 'networkinterface', link.id);
      assert.deepEqual(interfaces((await h.backend.get(h.alice, 'compute', vm.id)) as ResourceRecord), []);
      const again = await h.backend.createLink(h.alice, linkFrom(vm.id, 'networkinterface', PUBLIC));
      assert.equal(again.attributes['occi.networkinterface.address'], link.attributes['occi.networkinterface.address'], 'the detached address is reused');
      assert.equal([...h.standin.world.ips.values()].filter((ip) => ip.floating).length, before + 1, 'one address held, not two');
      await h.backend.delete(h.alice, 'compute', vm.id);
      const other = await h.compute({ links: [nic(PUBLIC)] });
      assert.equal(interfaces(other)[0]!.attributes['occi.networkinterface.address'], link.attributes['occi.networkinterface.address'], 'and reused by the next compute');
      await h.backend.delete(h.alice, 'compute', other.id);
    });

    it('takes another address when a concurrent link took the free one first (409), once', async () => {
      const [a, b] = [await h.compute(), await h.compute()];
      const first = await h.backend.createLink(h.alice, linkFrom(a.id, 'networkinterface', PUBLIC));
      await h.backend.delete(h.alice, 'networkinterface', first.id);
      const free = first.attributes['occi.networkinterface.address'];
      // Another link (kamaki, or a second snf-occi request) holds the free address between our listing and our port.
      h.standin.beforeNext('POST', '/ports', () => {
        const ip = [...h.standin.world.ips.values()].find((x) => x.floating && x.address === free)!;
        createPort(h.standin.world, h.standin.world.users[0]!, h.standin.world.networks.get(PUBLIC)!, { machine: h.standin.world.servers.get(Number(a.id))!, use: ip });
      });
      const link = await h.backend.createLink(h.alice, linkFrom(b.id, 'networkinterface', PUBLIC));
      assert.notEqual(link.attributes['occi.networkinterface.address'], free, 'a new address, since none other was free');
      assert.deepEqual(h.standin.sent('POST', '/ports').slice(-2).map((r) => r.status), [409, 201], 'refused once, then taken');
      // Two links at once, whatever order Cyclades sees them in, both end with an address of their own.
      for (const vm of [a, b]) for (const l of interfaces((await h.backend.get(h.alice, 'compute', vm.id)) as ResourceRecord)) await h.backend.delete(h.alice, 'networkinterface', l.id);
      const both = await Promise.all([a, b].map((vm) => h.backend.createLink(h.alice, linkFrom(vm.id, 'networkinterface', PUBLIC))));
      assert.notEqual(both[0]!.attributes['occi.networkinterface.address'], both[1]!.attributes['occi.networkinterface.address']);
      for (const vm of [a, b]) await h.backend.delete(h.alice, 'compute', vm.id);
    });

    it('answers the quota refusal (413) when no address is free, leaving no compute behind', async () => {
      const vms = [await h.compute({ links: [nic(PUBLIC)] }), await h.compute({ links: [nic(PUBLIC)] })];
      const count = h.standin.world.servers.size;
      await rejectsWith(h.compute({ links: [nic(PUBLIC)] }), 413, /Resource Limit Exceeded/);
      assert.equal(h.standin.world.servers.size, count, 'no server was created');
      await rejectsWith(h.backend.createLink(h.alice, linkFrom(vms[0]!.id, 'networkinterface', PUBLIC)), 413);
      for (const vm of vms) await h.backend.delete(h.alice, 'compute', vm.id);
    });
  });
}
