// The OpenStack → OCCI mapping rules that hand-planted mutants of
// src/backends/openstack/mapping/ got past (docs/testing.md): each test names
// the rule it guards, on small made-up answers of the cloud.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPENSTACK, SYNNEFO } from '../../src/backends/openstack/dialect.js';
import type { NeutronPort } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaFlavor, NovaServer } from '../../src/backends/openstack/clients/nova.js';
import { computeRecord, isBusy } from '../../src/backends/openstack/mapping/compute.js';
import { isCloudId, parseInterfaceId, parseStorageLinkId } from '../../src/backends/openstack/mapping/ids.js';
import { deviceFromIndex, serverLinks } from '../../src/backends/openstack/mapping/links.js';
import { TemplateIndex, type ImageInfo } from '../../src/backends/openstack/mapping/templates.js';
import type { CinderSnapshot, CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { GlanceImage } from '../../src/backends/openstack/clients/glance.js';
import type { NeutronNetwork, NeutronSubnet } from '../../src/backends/openstack/clients/neutron.js';
import { refuseMountpoint } from '../../src/backends/openstack/mapping/links.js';
import { networkRecord } from '../../src/backends/openstack/mapping/network.js';
import { personalityFiles } from '../../src/backends/openstack/mapping/personality.js';
import { SnapshotIndex, snapshotTemplate } from '../../src/backends/openstack/mapping/snapshots.js';
import { OPENSTACK_LIFECYCLE } from '../../src/backends/openstack/mapping/status.js';
import { storageRecord } from '../../src/backends/openstack/mapping/storage.js';
import { flavorTemplate, imageFromCompute, imageFromGlance, imageTemplate } from '../../src/backends/openstack/mapping/templates.js';
import { OcciError } from '../../src/errors.js';
import { typeId } from '../../src/model/category.js';
import { COMPUTE, STORAGE } from '../../src/model/infrastructure.js';
import { isApplicable } from '../../src/model/lifecycle.js';
import { FLAVOR_SWAP, templateDefault } from '../../src/model/templates.js';

const flavor = (id: string, name: string, vcpus: number, ram: number, more: Partial<NovaFlavor> = {}): NovaFlavor => ({ id, name, vcpus, ram, disk: 1, ...more });
const server = (more: Partial<NovaServer> = {}): NovaServer => ({ id: 's1', name: 'vm', status: 'ACTIVE', ...more });
const port = (id: string, created: string, more: Partial<NeutronPort> = {}): NeutronPort =>
  ({ id, network_id: 'n1', mac_address: `fa:16:3e:00:00:0${id.length}`, status: 'ACTIVE', fixed_ips: [], device_id: 's1', created_at: created, ...more }) as NeutronPort;

describe('openstack mapping rules: compute records', () => {
  const images: ImageInfo[] = [
    { id: 'i64', name: 'debian', architecture: 'x64' },
    { id: 'i86', name: 'old', architecture: 'x86' },
    { id: 'inone', name: 'plain' },
  ];
  const index = new TemplateIndex(images, [flavor('f1', 'small', 1, 1024), flavor('f2', 'hidden', 4, 8192, { 'OS-FLV-DISABLED:disabled': true })]);
  const ctx = { templates: index, dialect: OPENSTACK };

  it("shows the architecture of the compute's OS template, x64 and x86 alike", () => {
    assert.equal(computeRecord(server({ image: { id: 'i64' } }), [], ctx).attributes['occi.compute.architecture'], 'x64');
    assert.equal(computeRecord(server({ image: { id: 'i86' } }), [], ctx).attributes['occi.compute.architecture'], 'x86');
    assert.equal(computeRecord(server({ image: { id: 'inone' } }), [], ctx).attributes['occi.compute.architecture'], undefined);
    // Booted from a volume: Nova answers image "".
    assert.deepEqual(computeRecord(server({ image: '' }), [], ctx).mixins, []);
  });

  it('R56: a compute of a cloud that never offers some actions says which; one of a cloud offering all says none', () => {
    const synnefo = computeRecord(server(), [], { templates: index, dialect: SYNNEFO });
    assert.deepEqual([...(synnefo.refused ?? [])].sort(), ['save', 'suspend'], 'Synnefo can neither suspend nor save');
    assert.equal('refused' in computeRecord(server(), [], ctx), false);
  });

  it('a compute is busy while Nova runs a task or is in a transitional status, and only then', () => {
    for (const status of ['BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'REBUILD', 'MIGRATING', 'PASSWORD', 'REVERT_RESIZE']) {
      assert.equal(isBusy(server({ status })), true, status);
    }
    assert.equal(isBusy(server({ 'OS-EXT-STS:task_state': 'powering-off' })), true, 'ACTIVE with a task');
    assert.equal(isBusy(server({ status: 'SHUTOFF', 'SNF:task_state': 'BUILDING' })), true, "Synnefo's task");
    for (const status of ['ACTIVE', 'SHUTOFF', 'ERROR', 'VERIFY_RESIZE']) assert.equal(isBusy(server({ status, 'OS-EXT-STS:task_state': null })), false, status);
    assert.equal(computeRecord(server({ status: 'RESIZE' }), [], ctx).busy, true);
  });

  it('an embedded flavor keeps its template only when both its cores and its memory still match the listed one', () => {
    const small = typeId(index.flavorById('f1')!.mixin);
    assert.deepEqual(computeRecord(server({ flavor: { original_name: 'small', vcpus: 1, ram: 1024 } }), [], ctx).mixins, [small]);
    const moreRam = computeRecord(server({ flavor: { original_name: 'small', vcpus: 1, ram: 2048 } }), [], ctx);
    assert.deepEqual(moreRam.mixins, [], 'the flavor was edited: same cores, other memory');
    assert.equal(moreRam.attributes['occi.compute.memory'], 2);
    assert.deepEqual(computeRecord(server({ flavor: { original_name: 'small', vcpus: 2, ram: 1024 } }), [], ctx).mixins, []);
  });

  it('a flavor given by id that is not offered as a template still sizes the compute', () => {
    const r = computeRecord(server({ flavor: { id: 'f2' } }), [], ctx);
    assert.deepEqual(r.mixins, []);
    assert.equal(r.attributes['occi.compute.cores'], 4);
    assert.equal(r.attributes['occi.compute.memory'], 8);
  });
});

describe('openstack mapping rules: link ids and links', () => {
  it('R54: a link id with anything but letters, digits and dashes after a valid start is no id', () => {
    for (const bad of ['s1_p1/..', 's1_p1?x', 's1_fip_f1#', 's1_p1 ']) assert.equal(parseInterfaceId(bad), undefined, bad);
    assert.equal(parseStorageLinkId('s1_v1/x'), undefined);
    assert.equal(isCloudId('abc/../x'), false);
    assert.equal(isCloudId('abc-123'), true);
  });

  it('device names from disk indexes: vda for the root disk up to vdz, none past the alphabet', () => {
    assert.equal(deviceFromIndex(0), '/dev/vda');
    assert.equal(deviceFromIndex(1), '/dev/vdb');
    assert.equal(deviceFromIndex(25), '/dev/vdz');
    assert.equal(deviceFromIndex(26), undefined);
    assert.equal(deviceFromIndex(-1), undefined);
    assert.equal(deviceFromIndex(null), undefined);
  });

  it("Synnefo: a port holding a floating IP is that floating IP's link, not a second one", () => {
    const ports = [port('p1', '2020-01-01'), port('p2', '2020-01-02')];
    const ip = { id: 'f1', floating_ip_address: '203.0.113.5', floating_network_id: 'ext', port_id: 'p2', fixed_ip_address: null };
    const held = serverLinks({ serverId: 's1', ports, floatingIps: [ip], attachments: [], portsHoldFloatingIps: true });
    assert.deepEqual(held.map((l) => l.id), ['s1_p1', 's1_fip_f1']);
    const nova = serverLinks({ serverId: 's1', ports, floatingIps: [ip], attachments: [] });
    assert.deepEqual(nova.map((l) => l.id), ['s1_p1', 's1_p2', 's1_fip_f1']);
  });

  it('interfaces are named in port creation order, ports made at the same moment by id', () => {
    const names = (ports: NeutronPort[]): string[] =>
      serverLinks({ serverId: 's1', ports, floatingIps: [], attachments: [] }).map((l) => `${l.id}=${l.attributes['occi.networkinterface.interface']}`);
    const same = '2020-01-01T00:00:00Z';
    assert.deepEqual(names([port('pb', same), port('pa', same)]), ['s1_pa=eth0', 's1_pb=eth1']);
    assert.deepEqual(names([port('pa', same), port('pb', same)]), ['s1_pa=eth0', 's1_pb=eth1']);
    assert.deepEqual(names([port('pa', '2020-01-02'), port('pb', '2020-01-01')]), ['s1_pb=eth0', 's1_pa=eth1']);
  });
});

describe('openstack mapping rules: links, networks, storage', () => {
  it("R110: a Synnefo floating IP (no status of its own) is active while it is on a port", () => {
    const ip = { id: 'f1', floating_ip_address: '203.0.113.5', floating_network_id: 'ext', port_id: 'p1', fixed_ip_address: null };
    const [, fip] = serverLinks({ serverId: 's1', ports: [port('p1', '2020')], floatingIps: [ip], attachments: [] });
    assert.equal(fip!.attributes['occi.networkinterface.state'], 'active');
    assert.equal(fip!.attributes['occi.networkinterface.state.message'], 'floating IP ACTIVE');
  });

  it('R111: a root disk says it goes with the compute, another attached volume only that it is attached', () => {
    const links = serverLinks({ serverId: 's1', ports: [], floatingIps: [], attachments: [{ volumeId: 'v0', root: true }, { volumeId: 'v1' }] });
    assert.match(String(links[0]!.attributes['occi.storagelink.state.message']), /^attached \(root disk: it goes with the compute and cannot be detached\)$/);
    assert.equal(links[1]!.attributes['occi.storagelink.state.message'], 'attached');
  });

  it('an empty or null mount point is no mount point; any other is refused with what to do instead', () => {
    for (const m of [undefined, null, '']) assert.doesNotThrow(() => refuseMountpoint({ 'occi.storagelink.mountpoint': m as string }), String(m));
    assert.throws(() => refuseMountpoint({ 'occi.storagelink.mountpoint': '/mnt' }), (e: OcciError) => e.status === 400 && /mount it inside the guest/.test(e.message));
  });

  it('the first IPv4 subnet gives the ipnetwork attributes, even listed after an IPv6 one', () => {
    const net = { id: 'n1', name: 'net', status: 'ACTIVE', admin_state_up: true } as NeutronNetwork;
    const v6 = { id: 's6', network_id: 'n1', ip_version: 6, cidr: '2001:db8::/64', gateway_ip: null, enable_dhcp: true } as NeutronSubnet;
    const v4 = { id: 's4', network_id: 'n1', ip_version: 4, cidr: '192.0.2.0/24', gateway_ip: '192.0.2.1', enable_dhcp: true } as NeutronSubnet;
    assert.equal(networkRecord(net, [v6, v4]).attributes['occi.network.address'], '192.0.2.0/24');
    assert.equal(networkRecord(net, [v6]).attributes['occi.network.address'], '2001:db8::/64', 'else the first one');
  });

  it('occi.network.vlan is the segmentation id of a VLAN network only', () => {
    const base = { id: 'n1', name: 'net', status: 'ACTIVE', admin_state_up: true, 'provider:segmentation_id': 42 } as NeutronNetwork;
    assert.equal(networkRecord({ ...base, 'provider:network_type': 'vlan' }, []).attributes['occi.network.vlan'], 42);
    assert.equal(networkRecord({ ...base, 'provider:network_type': 'vxlan' }, []).attributes['occi.network.vlan'], undefined);
  });

  it('a volume being deleted (as any Cinder operation under way) is busy', () => {
    const v = { id: 'v1', size: 1, status: 'available' } as CinderVolume;
    for (const status of ['creating', 'attaching', 'detaching', 'extending', 'deleting', 'backing-up', 'restoring-backup', 'downloading', 'uploading', 'reserved', 'retyping', 'maintenance']) {
      assert.equal(storageRecord({ ...v, status }).busy, true, status);
    }
    for (const status of ['available', 'in-use', 'error']) assert.equal(storageRecord({ ...v, status }).busy, false, status);
  });
});

describe('openstack mapping rules: lifecycle beyond the spec', () => {
  it('R88, R90: OpenStack allows save on a stopped compute, stop on a suspended one and resize of an offline volume', () => {
    const save = COMPUTE.actions.find((a) => a.term === 'save')!;
    const stop = COMPUTE.actions.find((a) => a.term === 'stop')!;
    const resize = STORAGE.actions.find((a) => a.term === 'resize')!;
    assert.equal(isApplicable(COMPUTE, 'inactive', save, OPENSTACK_LIFECYCLE), true);
    assert.equal(isApplicable(COMPUTE, 'suspended', stop, OPENSTACK_LIFECYCLE), true);
    assert.equal(isApplicable(STORAGE, 'offline', resize, OPENSTACK_LIFECYCLE), true);
  });
});

describe('openstack mapping rules: personality files (Synnefo)', () => {
  it('at most five files: user data and its meta-data leave room for three keys', () => {
    const files = personalityFiles({ publicKey: 'ssh-ed25519 AAAA k', userData: 'I2Nsb3VkLWNvbmZpZw==', imageUsers: 'a b c d e', name: 'vm' });
    assert.equal(files.length, 5);
    assert.deepEqual(files.slice(2).map((f) => f.owner), ['a', 'b', 'c']);
  });

  it('only names that are user names get a key file: anything after a valid start is not enough', () => {
    const files = personalityFiles({ publicKey: 'ssh-ed25519 AAAA k', imageUsers: 'user bad;name ../x', name: 'vm' });
    assert.deepEqual(files.map((f) => f.path), ['/home/user/.ssh/authorized_keys']);
  });
});

describe('openstack mapping rules: templates', () => {
  const snap = (more: Partial<CinderSnapshot>): CinderSnapshot => ({ id: 'sn1', volume_id: 'v1', size: 2, status: 'available', name: 'daily', ...more }) as CinderSnapshot;

  it('a snapshot template says when it was made, and a storage made from it is at least its size', () => {
    const m = snapshotTemplate(snap({ created_at: '2024-01-02T03:04:05.000000' }), 'daily');
    assert.equal(m.title, 'Snapshot daily of storage v1 (2 GB, 2024-01-02 03:04)');
    assert.equal(m.attributes.get('occi.storage.size')?.minimum, 2);
    assert.equal(snapshotTemplate(snap({}), 'daily').title, 'Snapshot daily of storage v1 (2 GB)');
  });

  it('R86: a snapshot still being written is offered already; one in error is not', () => {
    const index = new SnapshotIndex([snap({ id: 'a', name: 'new', status: 'creating' }), snap({ id: 'b', name: 'bad', status: 'error' })]);
    assert.deepEqual(index.mixins.map((m) => m.term), ['new']);
  });

  it('community images are offered to every project, as public ones', () => {
    const g = (visibility: string): GlanceImage => ({ id: 'i', name: 'x', status: 'active', visibility });
    assert.equal(imageFromGlance(g('community'))?.public, true);
    assert.equal(imageFromGlance(g('public'))?.public, true);
    assert.equal(imageFromGlance(g('private'))?.public, false);
    assert.equal(imageFromGlance(g('shared'))?.public, false);
  });

  it('an image of the compute API without a status is offered and ready', () => {
    assert.deepEqual(imageFromCompute({ id: 7, name: 'img' }), { id: '7', name: 'img', ready: true });
    assert.equal(imageFromCompute({ id: 7, name: 'img', status: 'SAVING' })?.ready, false);
    assert.equal(imageFromCompute({ id: 7, name: 'img', status: 'DELETED' }), undefined);
  });

  it('of two images sharing a name the older keeps the plain term', () => {
    const older: ImageInfo = { id: 'z', name: 'debian', created: '2020-01-01T00:00:00Z' };
    const newer: ImageInfo = { id: 'a', name: 'debian', created: '2024-01-01T00:00:00Z' };
    for (const images of [[older, newer], [newer, older]]) {
      const index = new TemplateIndex(images, []);
      assert.equal(index.image('z')?.term, 'debian');
      assert.equal(index.image('a')?.term, 'debian_a');
    }
  });

  it("a flavor's swap given as '' (no swap) is 0 MiB", () => {
    assert.equal(templateDefault(flavorTemplate(flavor('f', 'f', 1, 512, { swap: '' }), 'f'), FLAVOR_SWAP), 0);
    assert.equal(templateDefault(flavorTemplate(flavor('f', 'f', 1, 512, { swap: 256 }), 'f'), FLAVOR_SWAP), 256);
  });

  it('an image without a name is titled by its id', () => {
    assert.equal(imageTemplate({ id: 'i1', name: '' }, 'image-i1').title, 'Image i1');
  });

  it("the index keeps each image's accounts, the first flavor of a name, and the sizes of flavors not offered", () => {
    const index = new TemplateIndex(
      [{ id: 'i1', name: 'a', users: 'root user' }, { id: 'i2', name: 'b' }],
      [flavor('f1', 'same', 1, 512), flavor('f2', 'same', 2, 1024), flavor('f3', 'off', 8, 4096, { 'SNF:allow_create': false })],
    );
    assert.equal(index.imageUsers('i1'), 'root user');
    assert.equal(index.imageUsers('i2'), undefined);
    assert.equal(index.flavorByName('same')?.flavor.id, 'f1');
    assert.equal(index.anyFlavor('f3')?.vcpus, 8);
    assert.equal(index.flavorById('f3'), undefined);
  });
});
