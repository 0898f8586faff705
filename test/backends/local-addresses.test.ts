// Addresses in the embedded cloud: the IP arithmetic (ip.ts) on its own, then
// what networks and network interfaces make of it. Each was a planted
// mistake that test/backends/ let pass (docs/testing.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { firstFree, formatIp, isHostOf, parseCidr, parseIp, type Cidr } from '../../src/backends/local/ip.js';
import { linkFrom, rejectsWith } from './contract.js';
import { change, harness, spec } from './local-harness.js';

const text = (address: string): string => formatIp(parseIp(address)!);
const cidr = (range: string): Cidr => {
  const c = parseCidr(range);
  assert.equal(typeof c, 'object', `${range} parses`);
  return c as Cidr;
};

describe('local cloud: IP arithmetic', () => {
  it('reads an IPv4 tail inside an IPv6 address as its last two groups', () => {
    assert.equal(text('::ffff:192.0.2.1'), '::ffff:c000:201');
    assert.equal(text('64:ff9b::10.0.0.1'), '64:ff9b::a00:1');
  });

  it('refuses an IPv6 address with a zone (%eth0): no network takes it', () => {
    assert.equal(parseIp('fe80::1%eth0'), undefined);
    assert.equal(parseIp('fe80::1')?.family, 6);
  });

  it('writes IPv6 as RFC 5952 says: the longest zero run compressed, the first of two equal ones, never a single zero', () => {
    assert.equal(text('1:0:0:2:0:0:3:4'), '1::2:0:0:3:4');
    assert.equal(text('1:0:0:2:0:0:0:4'), '1:0:0:2::4');
    assert.equal(text('1:0:2:3:4:5:6:7'), '1:0:2:3:4:5:6:7');
    assert.equal(text('2001:DB8::1'), '2001:db8::1');
  });

  it('reads a CIDR prefix of digits only, up to the address length', () => {
    assert.equal(parseCidr('10.0.0.0/24x'), 'syntax');
    assert.equal(parseCidr('10.0.0.0/'), 'syntax');
    assert.equal(parseCidr('10.0.0.0/33'), 'syntax');
    assert.equal(parseCidr('10.0.0.0'), 'syntax');
    assert.equal(parseCidr('10.0.0.1/24'), 'host-bits');
    assert.deepEqual(cidr('10.0.0.1/32'), { family: 4, base: 0x0a000001n, prefix: 32 });
    assert.deepEqual(cidr('2001:db8::1/128'), { family: 6, base: 0x20010db8000000000000000000000001n, prefix: 128 });
    assert.equal(parseCidr('2001:db8::/129'), 'syntax');
  });

  it('counts the first and the last host address of a range as hosts, the network and broadcast addresses not', () => {
    const net = cidr('192.168.7.0/29');
    const host = (a: string): boolean => isHostOf(net, parseIp(a)!);
    assert.deepEqual(['192.168.7.0', '192.168.7.1', '192.168.7.6', '192.168.7.7', '192.168.8.1'].map(host), [false, true, true, false, false]);
    assert.equal(isHostOf(net, parseIp('::1')!), false, 'another family');
    const taken = new Set(['192.168.7.1', '192.168.7.2', '192.168.7.3', '192.168.7.4', '192.168.7.5']);
    assert.equal(firstFree(net, taken), '192.168.7.6', 'the last host is handed out');
    assert.equal(firstFree(net, new Set([...taken, '192.168.7.6'])), undefined);
  });
});

describe('local cloud: networks', () => {
  it('offers no action on the shared public network (R56)', async () => {
    const h = await harness();
    const pub = (await h.cloud.get(h.alice, 'network', 'public')) as ResourceRecord;
    assert.deepEqual(pub.refused, ['up', 'down']);
    assert.deepEqual(pub.attributes, {
      'occi.core.title': 'public',
      'occi.core.summary': 'Shared public network',
      'occi.network.state': 'active',
      'occi.network.state.message': 'up',
      'occi.network.address': '203.0.113.0/24',
      'occi.network.gateway': '203.0.113.1',
      'occi.network.allocation': 'dynamic',
    });
    const own = (await h.cloud.createResource(h.alice, spec('network'))) as ResourceRecord;
    assert.equal(own.refused, undefined, "a tenant's own network refuses nothing");
    await h.cloud.close();
  });

  it('gives a range with a single host that host as its gateway (an IPv6 /127)', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '2001:db8::/127' }, [I.IPNETWORK]));
    assert.equal(net.attributes['occi.network.gateway'], '2001:db8::1');
    const none = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.0.0.4/31' }, [I.IPNETWORK]));
    assert.ok(!('occi.network.gateway' in none.attributes), 'a /31 has no host address');
    await h.cloud.close();
  });

  it('takes an allocation of dynamic or static only (400), and an allocation alone makes an IP network', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('network', { 'occi.network.allocation': 'sometimes' })), 400, /^occi\.network\.allocation must be one of dynamic, static$/);
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.allocation': 'static' }));
    assert.deepEqual(net.mixins, [typeId(I.IPNETWORK)]);
    assert.equal(net.attributes['occi.network.allocation'], 'static');
    await h.cloud.close();
  });

  it('makes a plain network an IP network when the ipnetwork mixin is added, with the dynamic default', async () => {
    const h = await harness();
    const plain = await h.cloud.createResource(h.alice, spec('network', { 'occi.core.title': 'lan' }));
    assert.deepEqual(plain.mixins, []);
    const ip = await h.cloud.update(h.alice, 'network', plain.id, change({}, [I.IPNETWORK]));
    assert.deepEqual(ip.mixins, [typeId(I.IPNETWORK)]);
    assert.equal(ip.attributes['occi.network.allocation'], 'dynamic');
    const titled = await h.cloud.update(h.alice, 'network', plain.id, change({ 'occi.core.title': 'lan 2' }));
    assert.deepEqual(titled.mixins, [typeId(I.IPNETWORK)], 'it stays one');
    const dropped = await h.cloud.update(h.alice, 'network', plain.id, change({}, [], [I.IPNETWORK]));
    assert.deepEqual(dropped.mixins, []);
    assert.ok(!('occi.network.allocation' in dropped.attributes));
    await h.cloud.close();
  });

  it('refuses a link whose target is of the wrong kind, saying what it must be (404, as an unseen entity)', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
    const wrong = { ...linkFrom(vm.id, 'networkinterface', 'x'), target: { kind: 'storage' as const, id: vol.id } };
    await rejectsWith(h.cloud.createLink(h.alice, wrong), 404, /networkinterface target must be a network; storage .* given/);
    const wrong2 = { ...linkFrom(vm.id, 'storagelink', 'x'), target: { kind: 'network' as const, id: 'public' } };
    await rejectsWith(h.cloud.createLink(h.alice, wrong2), 404, /storagelink target must be a storage; network public given/);
    await h.cloud.close();
  });
});
