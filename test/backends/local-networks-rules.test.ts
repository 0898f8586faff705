// The embedded cloud's rules for networks, stated one by one (from the
// survivors of the first Stryker run over src/backends/local/, issue 14):
// every listed attribute filters in SQL as on the records, the ipnetwork
// mixin follows from any of its attributes (R57), what an update may change
// and what it keeps, a gateway never taken from an interface, up and down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { rejectsWith } from './contract.js';
import { assertFiltersAlike, change, harness, nic, spec } from './local-harness.js';

const IP = typeId(I.IPNETWORK);
const networkAction = (term: string) => I.NETWORK.actions.find((a) => a.term === term)!;

describe('local cloud: network rules', () => {
  it('filters networks by every attribute and by ipnetwork exactly as the records say', async () => {
    const h = await harness();
    await h.cloud.createResource(h.alice, spec('network', { 'occi.core.title': 'a', 'occi.core.summary': 's1', 'occi.network.vlan': 7, 'occi.network.label': 'blue' }));
    await h.cloud.createResource(
      h.alice,
      spec('network', { 'occi.core.title': 'b', 'occi.core.summary': 's2', 'occi.network.address': '10.9.0.0/24', 'occi.network.allocation': 'static' }, [I.IPNETWORK]),
    );
    const down = await h.cloud.createResource(h.alice, spec('network', { 'occi.core.title': 'c', 'occi.network.vlan': 8 }));
    await h.cloud.action(h.alice, 'network', down.id, networkAction('down'), {});
    const names = ['occi.core.title', 'occi.core.summary', 'occi.network.vlan', 'occi.network.label', 'occi.network.state', 'occi.network.state.message', 'occi.network.address', 'occi.network.gateway', 'occi.network.allocation'];
    const all = await assertFiltersAlike(h, 'network', names, IP);
    assert.equal(all.length, 4, 'three own and the public one');
    await h.cloud.close();
  });

  it('stores title and summary, and refuses links on a network', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.core.title': 'lan', 'occi.core.summary': 'the office' }));
    assert.equal(net.attributes['occi.core.title'], 'lan');
    assert.equal(net.attributes['occi.core.summary'], 'the office');
    await rejectsWith(h.cloud.createResource(h.alice, spec('network', {}, [], [nic('public')])), 400, /^a network owns no links; link computes to it instead$/);
    await h.cloud.close();
  });

  it('makes an IP network from the mixin alone or from any one of its attributes, and a plain one from none (R57)', async () => {
    const h = await harness();
    const plain = await h.cloud.createResource(h.alice, spec('network'));
    assert.deepEqual(plain.mixins, []);
    const os = (await h.cloud.providerMixins(h.alice)).os[0]!;
    const other = await h.cloud.createResource(h.alice, spec('network', {}, [os]));
    assert.deepEqual(other.mixins, [], 'only the ipnetwork mixin makes an IP network');
    const asked = await h.cloud.createResource(h.alice, spec('network', {}, [I.IPNETWORK]));
    assert.deepEqual(asked.mixins, [IP]);
    assert.equal(asked.attributes['occi.network.allocation'], 'dynamic');
    // A /31 has no host address to make a gateway of: the range alone makes it an IP network.
    const range = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.0.0.4/31' }));
    assert.deepEqual(range.mixins, [IP]);
    assert.equal(range.attributes['occi.network.gateway'], undefined);
    const gateway = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.gateway': '10.0.0.1' }));
    assert.deepEqual(gateway.mixins, [IP]);
    assert.equal(gateway.attributes['occi.network.allocation'], 'dynamic');
    await h.cloud.close();
  });

  it('updates every changeable attribute, keeps the rest, and a plain network stays plain', async () => {
    const h = await harness();
    const plain = await h.cloud.createResource(h.alice, spec('network', { 'occi.core.title': 'lan' }));
    const changed = await h.cloud.update(
      h.alice,
      'network',
      plain.id,
      change({ 'occi.core.title': 'lan 2', 'occi.core.summary': 'second', 'occi.network.vlan': 12, 'occi.network.label': 'green' }),
    );
    assert.deepEqual(changed.mixins, [], 'no ipnetwork attribute was given');
    assert.equal(changed.attributes['occi.core.title'], 'lan 2');
    assert.equal(changed.attributes['occi.core.summary'], 'second');
    assert.equal(changed.attributes['occi.network.vlan'], 12);
    assert.equal(changed.attributes['occi.network.label'], 'green');
    assert.deepEqual(await h.cloud.get(h.alice, 'network', plain.id), changed, 'as stored');

    const ip = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.0.0.0/24', 'occi.network.gateway': '10.0.0.254' }, [I.IPNETWORK]));
    const retitled = await h.cloud.update(h.alice, 'network', ip.id, change({ 'occi.core.title': 'x' }));
    assert.equal(retitled.attributes['occi.network.gateway'], '10.0.0.254', 'a title change keeps the chosen gateway');
    const moved = await h.cloud.update(h.alice, 'network', ip.id, change({ 'occi.network.address': '10.1.0.0/24', 'occi.network.gateway': '10.1.0.9' }));
    assert.equal(moved.attributes['occi.network.gateway'], '10.1.0.9', 'a new range with its own gateway');
    const defaulted = await h.cloud.update(h.alice, 'network', ip.id, change({ 'occi.network.address': '10.2.0.0/24' }));
    assert.equal(defaulted.attributes['occi.network.gateway'], '10.2.0.1', 'a new range alone gets its first host');
    const regated = await h.cloud.update(h.alice, 'network', ip.id, change({ 'occi.network.gateway': '10.2.0.7' }));
    assert.equal(regated.attributes['occi.network.gateway'], '10.2.0.7');
    const fixed = await h.cloud.update(h.alice, 'network', ip.id, change({ 'occi.network.allocation': 'static' }));
    assert.equal(fixed.attributes['occi.network.allocation'], 'static');
    await h.cloud.close();
  });

  it('refuses other mixins, unchangeable attributes and unknown networks, saying which', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network'));
    const os = (await h.cloud.providerMixins(h.alice)).os[0]!;
    await rejectsWith(h.cloud.update(h.alice, 'network', net.id, change({}, [os])), 400, new RegExp(`^mixin ${typeId(os).replace(/[.*+?^${}()|[\]\\/#]/g, '\\$&')} cannot be associated with a network$`));
    await rejectsWith(h.cloud.update(h.alice, 'network', net.id, change({ 'occi.network.state': 'inactive' })), 400, /^occi\.network\.state cannot be changed on a network$/);
    await rejectsWith(h.cloud.update(h.alice, 'network', 'no-such-net', change({ 'occi.core.title': 'x' })), 404, /^network no-such-net not found$/);
    await h.cloud.close();
  });

  it('changes the title of a network in use, but never makes an interface address its gateway', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.5.0.0/24' }, [I.IPNETWORK]));
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(net.id)]));
    const iface = (await h.cloud.list(h.alice, { kind: 'networkinterface', detail: 'records' })).items.find((l) => (l as { target?: { id: string } }).target?.id === net.id);
    assert.ok(iface, `compute ${vm.id} has an interface on ${net.id}`);
    const taken = (iface as ResourceRecord).attributes['occi.networkinterface.address'] as string;
    assert.match(taken, /^10\.5\.0\.\d+$/);
    const renamed = await h.cloud.update(h.alice, 'network', net.id, change({ 'occi.core.title': 'busy' }));
    assert.equal(renamed.attributes['occi.core.title'], 'busy');
    await rejectsWith(
      h.cloud.update(h.alice, 'network', net.id, change({ 'occi.network.gateway': taken })),
      409,
      new RegExp(`^occi\\.network\\.gateway: ${taken.replace(/\./g, '\\.')} is the address of a network interface$`),
    );
    await h.cloud.close();
  });

  it('goes down and up at once, returning the network, and names it when the state forbids the action', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network'));
    const down = await h.cloud.action(h.alice, 'network', net.id, networkAction('down'), {});
    assert.equal(down.entity?.attributes['occi.network.state'], 'inactive');
    const up = await h.cloud.action(h.alice, 'network', net.id, networkAction('up'), {});
    assert.equal(up.entity?.attributes['occi.network.state'], 'active');
    assert.equal(up.entity?.attributes['occi.network.state.message'], 'up');
    await rejectsWith(h.cloud.action(h.alice, 'network', net.id, networkAction('up'), {}), 409, new RegExp(`^cannot up network ${net.id}: it is active$`));
    await h.cloud.close();
  });
});
