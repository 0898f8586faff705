// The embedded cloud's rules for network interfaces, stated one by one (from
// the survivors of the first Stryker run over src/backends/local/interfaces.ts,
// issue 14): what a new interface refuses and says, its title, and listings
// filtered by its attributes alike in SQL and on the records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from './contract.js';
import { assertFiltersAlike, change, harness, spec } from './local-harness.js';

describe('local cloud: network interface rules', () => {
  it('refuses a bad MAC, allocation or address, or an unseen network, saying what is wrong', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.7.0.0/24' }, [I.IPNETWORK]));
    const plain = await h.cloud.createResource(h.alice, spec('network'));
    const link = (target: string, attributes: Record<string, string>) => h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', target, attributes));
    await rejectsWith(link(net.id, { 'occi.networkinterface.mac': 'x52:54:00:12:34:56' }), 400, /^occi\.networkinterface\.mac: "x52:54:00:12:34:56" is not a MAC address/);
    await rejectsWith(link(net.id, { 'occi.networkinterface.mac': '52:54:00:12:34:56x' }), 400, /is not a MAC address such as 52:54:00:12:34:56$/);
    await rejectsWith(link(net.id, { 'occi.networkinterface.allocation': 'sometimes' }), 400, /^occi\.networkinterface\.allocation must be one of dynamic, static$/);
    await rejectsWith(link(net.id, { 'occi.networkinterface.address': 'ten' }), 400, /^occi\.networkinterface\.address: "ten" is not an IP address$/);
    await rejectsWith(link(net.id, { 'occi.networkinterface.address': '10.7.0.9/24x' }), 400, /is not an IP address$/);
    await rejectsWith(link(plain.id, { 'occi.networkinterface.address': '10.7.0.9' }), 400, new RegExp(`^occi\\.networkinterface\\.address: network ${plain.id} has no IP range to take it from$`));
    await rejectsWith(link('no-such-net', {}), 404, /^network no-such-net not found$/);
    const titled = await link(net.id, { 'occi.core.title': 'uplink', 'occi.networkinterface.address': '10.7.0.9/24' });
    assert.equal(titled.attributes['occi.core.title'], 'uplink');
    assert.equal(titled.attributes['occi.networkinterface.address'], '10.7.0.9', 'the CIDR suffix is tolerated');
    await h.cloud.close();
  });

  it('filters interfaces by every attribute and by ipnetworkinterface exactly as the records say', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.8.0.0/24' }, [I.IPNETWORK]));
    const plain = await h.cloud.createResource(h.alice, spec('network'));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id, { 'occi.core.title': 'a' }));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id, { 'occi.networkinterface.address': '10.8.0.50' }));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', plain.id, { 'occi.core.title': 'b' }));
    const names = ['occi.core.title', 'occi.networkinterface.interface', 'occi.networkinterface.mac', 'occi.networkinterface.address', 'occi.networkinterface.allocation'];
    const all = await assertFiltersAlike(h, 'networkinterface', names, typeId(I.IPNETWORKINTERFACE));
    const withIp = all.filter((r) => r.mixins.includes(typeId(I.IPNETWORKINTERFACE)));
    assert.ok(all.length >= 3 && withIp.length >= 2 && withIp.length < all.length, 'interfaces with and without an address');
    await h.cloud.close();
  });

  it('updates an address to a static one, and refuses mixins, fixed attributes and unseen interfaces, saying which', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.6.0.0/24' }, [I.IPNETWORK]));
    const ni = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id));
    assert.equal(ni.attributes['occi.networkinterface.allocation'], 'dynamic');
    const moved = await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.address': '10.6.0.77' }));
    assert.equal(moved.attributes['occi.networkinterface.address'], '10.6.0.77');
    assert.equal(moved.attributes['occi.networkinterface.allocation'], 'static');
    const titled = await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.core.title': 'eth of vm' }));
    assert.equal(titled.attributes['occi.core.title'], 'eth of vm');
    await rejectsWith(
      h.cloud.update(h.alice, 'networkinterface', ni.id, change({}, [], [I.IPNETWORKINTERFACE])),
      400,
      new RegExp(`^mixin ${typeId(I.IPNETWORKINTERFACE).replace(/[.#/]/g, '\\$&')} cannot be changed on a network interface; it follows the network$`),
    );
    await rejectsWith(h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.interface': 'eth9' })), 400, /^occi\.networkinterface\.interface cannot be changed on a network interface$/);
    await rejectsWith(h.cloud.update(h.alice, 'networkinterface', 'no-such-link', change({ 'occi.core.title': 'x' })), 404, /^networkinterface no-such-link not found$/);
    await rejectsWith(h.cloud.delete(h.alice, 'networkinterface', 'no-such-link'), 404, /^networkinterface no-such-link not found$/);
    await h.cloud.close();
  });
});
