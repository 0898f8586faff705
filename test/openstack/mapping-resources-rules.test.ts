// The network, storage, security-group, zone and personality rules that
// mutants of src/backends/openstack/mapping/ got past in the first Stryker run
// over it (docs/testing.md), each on a small made-up answer of the cloud.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { NeutronNetwork, NeutronSubnet } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaZone } from '../../src/backends/openstack/clients/nova.js';
import { networkRecord } from '../../src/backends/openstack/mapping/network.js';
import { personalityFiles } from '../../src/backends/openstack/mapping/personality.js';
import { GroupIndex } from '../../src/backends/openstack/mapping/security-groups.js';
import { storageRecord } from '../../src/backends/openstack/mapping/storage.js';
import { ZoneIndex } from '../../src/backends/openstack/mapping/zones.js';

const net: NeutronNetwork = { id: 'n1', name: 'private', status: 'ACTIVE', admin_state_up: true, subnets: ['sub1'] };
const subnet = (more: Partial<NeutronSubnet> = {}): NeutronSubnet => ({ id: 'sub1', network_id: 'n1', cidr: '10.0.0.0/24', gateway_ip: '10.0.0.1', ip_version: 4, enable_dhcp: true, ...more });
const volume = (more: Partial<CinderVolume> = {}): CinderVolume => ({ id: 'v1', status: 'available', size: 1, ...more });
const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

describe('openstack mapping rules: networks', () => {
  it('a subnet with DHCP is a dynamic allocation, one without a static one', () => {
    assert.equal(networkRecord(net, [subnet()]).attributes['occi.network.allocation'], 'dynamic');
    assert.equal(networkRecord(net, [subnet({ enable_dhcp: false })]).attributes['occi.network.allocation'], 'static');
  });

  it('a network of a cloud that refuses no network action says none', () => {
    assert.equal('refused' in networkRecord(net, [subnet()]), false);
    assert.deepEqual(networkRecord(net, [subnet()], ['up', 'down']).refused, ['up', 'down']);
  });
});

describe('openstack mapping rules: storage', () => {
  it("a volume carrying the bridge's offline mark (metadata snf-occi.offline, as older versions wrote it) is offline", () => {
    const r = storageRecord(volume({ metadata: { 'snf-occi.offline': 'true' } }));
    assert.equal(r.attributes['occi.storage.state'], 'offline');
    assert.equal(storageRecord(volume({ metadata: { '': 'true' } })).attributes['occi.storage.state'], 'online');
  });

  it("a compute's root disk says so in its state message; a storage record has no mixin", () => {
    const r = storageRecord(volume({ status: 'in-use', attachments: [{ server_id: 's9', device_index: 0 }] }));
    assert.equal(r.attributes['occi.storage.state.message'], 'in-use (root disk of compute s9)');
    assert.equal(storageRecord(volume({ status: 'in-use', attachments: [{ server_id: 's9', device_index: 1 }] })).attributes['occi.storage.state.message'], 'in-use');
    assert.deepEqual(r.mixins, []);
  });
});

describe('openstack mapping rules: security groups and zones', () => {
  it("a group whose name makes no term gets sg-id as its term, and keeps the cloud's name in its title", () => {
    const index = new GroupIndex([{ id: 7, name: '***' }]);
    const [m] = index.mixins;
    assert.equal(m!.term, 'sg-7');
    assert.equal(m!.title, 'Security group ***');
  });

  it('a zone Nova lists without a state is not offered, and does not fail the listing', () => {
    const zones = [{ zoneName: 'nova', zoneState: { available: true } }, { zoneName: 'odd' } as unknown as NovaZone];
    assert.deepEqual(new ZoneIndex(zones).mixins.map((m) => m.term), ['nova']);
  });
});

describe('openstack mapping rules: personality (user data and keys on clouds without cloud-init metadata)', () => {
  const instanceId = (files: { path: string; contents: string }[]): string =>
    /instance-id: (\S+)/.exec(decode(files.find((f) => f.path.endsWith('/meta-data'))!.contents))![1]!;

  it("the instance id changes with the server's name, its user data and its key, so cloud-init runs for each new one", () => {
    const base = instanceId(personalityFiles({ name: 'vm', userData: '#cloud-config\n' }));
    assert.notEqual(instanceId(personalityFiles({ name: 'vm2', userData: '#cloud-config\n' })), base);
    assert.notEqual(instanceId(personalityFiles({ name: 'vm', userData: '#cloud-config\n# x\n' })), base);
    const keyA = instanceId(personalityFiles({ name: 'vm', userData: '#cloud-config\n', publicKey: 'ssh-ed25519 AAAA a@x' }));
    const keyB = instanceId(personalityFiles({ name: 'vm', userData: '#cloud-config\n', publicKey: 'ssh-ed25519 BBBB b@x' }));
    assert.notEqual(keyA, keyB);
    assert.notEqual(keyA, base);
  });

  it('the meta-data lists the public key only when there is one', () => {
    const meta = (key?: string): string =>
      decode(personalityFiles({ name: 'vm', userData: 'x', ...(key ? { publicKey: key } : {}) }).find((f) => f.path.endsWith('/meta-data'))!.contents);
    assert.doesNotMatch(meta(), /public-keys/);
    assert.match(meta(), /^instance-id: snf-occi-[0-9a-f]{16}\n$/);
    assert.match(meta('ssh-ed25519 AAAA a@x'), /public-keys:\n {2}- ssh-ed25519 AAAA a@x\n$/);
  });
});
