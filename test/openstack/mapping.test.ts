// The pure OpenStack → OCCI mappings, on answers recorded from openstack-lite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPENSTACK } from '../../src/backends/openstack/dialect.js';
import type { CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { GlanceImage } from '../../src/backends/openstack/clients/glance.js';
import { computeRecord, stateMessage } from '../../src/backends/openstack/mapping/compute.js';
import {
  floatingInterfaceId,
  parseInterfaceId,
  parseStorageLinkId,
  portInterfaceId,
  storageLinkId,
} from '../../src/backends/openstack/mapping/ids.js';
import { serverLinks } from '../../src/backends/openstack/mapping/links.js';
import { networkRecord } from '../../src/backends/openstack/mapping/network.js';
import { computeState, linkState, networkState, storageState } from '../../src/backends/openstack/mapping/status.js';
import { OFFLINE_MARK, storageRecord } from '../../src/backends/openstack/mapping/storage.js';
import { architecture, imagePrecedence, imageFromGlance, TemplateIndex, uniqueTerms } from '../../src/backends/openstack/mapping/templates.js';
import type { NeutronFloatingIp, NeutronNetwork, NeutronPort, NeutronSubnet } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaFlavor, NovaServer, NovaVolumeAttachment } from '../../src/backends/openstack/clients/nova.js';
import { typeId } from '../../src/model/category.js';
import { IPNETWORK, IPNETWORKINTERFACE } from '../../src/model/infrastructure.js';
import { FLAVOR_ID, IMAGE_ID, isOsTemplate, isResourceTemplate, templateDefault } from '../../src/model/templates.js';
import { fixture } from './fixtures.js';

const flavors = fixture<{ flavors: NovaFlavor[] }>('flavors.json').flavors;
const images = fixture<{ images: GlanceImage[] }>('images.json').images;
const server = fixture<{ server: NovaServer }>('server-active.json').server;
const index = new TemplateIndex(images.flatMap((i) => imageFromGlance(i) ?? []), flavors);

describe('openstack mapping: states', () => {
  it('maps Nova statuses to compute states, others to inactive', () => {
    const table: [string, string][] = [
      ['ACTIVE', 'active'],
      ['BUILD', 'inactive'],
      ['SHUTOFF', 'inactive'],
      ['STOPPED', 'inactive'],
      ['SUSPENDED', 'suspended'],
      ['PAUSED', 'suspended'],
      ['ERROR', 'error'],
      ['RESCUE', 'inactive'],
      ['VERIFY_RESIZE', 'inactive'],
      ['SHELVED_OFFLOADED', 'inactive'],
    ];
    for (const [status, state] of table) assert.equal(computeState(status), state, status);
  });

  it("maps Cinder statuses (and Synnefo's, lower-cased model statuses: volume/views.py volume_to_dict()) to storage states", () => {
    const table: [string, string][] = [
      ['available', 'online'],
      ['in-use', 'online'],
      ['in_use', 'online'],
      ['IN_USE', 'online'],
      ['creating', 'offline'],
      ['attaching', 'offline'],
      ['detaching', 'offline'],
      ['error', 'error'],
      ['error_extending', 'error'],
      ['error_deleting', 'error'],
    ];
    for (const [status, state] of table) assert.equal(storageState(status), state, status);
  });

  it('maps port and network statuses', () => {
    assert.equal(linkState('ACTIVE'), 'active');
    assert.equal(linkState('DOWN'), 'inactive');
    assert.equal(linkState('BUILD'), 'inactive');
    assert.equal(linkState('ERROR'), 'error');
    assert.equal(networkState('ACTIVE', true), 'active');
    assert.equal(networkState('ACTIVE', false), 'inactive');
    assert.equal(networkState('DOWN', true), 'inactive');
    assert.equal(networkState('ERROR', true), 'error');
  });
});

describe('openstack mapping: templates', () => {
  it('makes a resource template per enabled flavor with memory in GiB (§2.8)', () => {
    assert.deepEqual(index.resource.map((m) => m.term), ['m1.tiny', 'm1.small', 'm1.medium', 'm1.nano']);
    const small = index.resource.find((m) => m.term === 'm1.small')!;
    assert.ok(isResourceTemplate(small));
    assert.equal(templateDefault(small, 'occi.compute.memory'), 2);
    assert.equal(templateDefault(small, 'occi.compute.cores'), 1);
    assert.equal(templateDefault(small, FLAVOR_ID), '2');
    assert.equal(small.providerId, '2');
    assert.equal(templateDefault(index.resource.find((m) => m.term === 'm1.nano')!, 'occi.compute.memory'), 0.125);
    const disabled = new TemplateIndex([], [{ ...flavors[0]!, 'OS-FLV-DISABLED:disabled': true }]);
    assert.deepEqual(disabled.resource, []);
  });

  it('makes an OS template per image, usable ones first (§2.8)', () => {
    const tiny = index.os[0]!;
    assert.ok(isOsTemplate(tiny));
    assert.equal(tiny.term, 'tiny');
    assert.equal(tiny.title, 'tiny');
    assert.equal(templateDefault(tiny, IMAGE_ID), images[0]!.id);
    const snapshot = fixture<{ images: GlanceImage[] }>('image-snapshot.json').images[0]!;
    const both = new TemplateIndex([snapshot, images[0]!].flatMap((i) => imageFromGlance(i) ?? []), []);
    assert.deepEqual(both.os.map((m) => m.term), ['tiny', 'fx-snap'], 'the queued snapshot is offered, after the active image');
    assert.equal(imageFromGlance({ ...images[0]!, status: 'killed' }), undefined);
  });

  it('keeps terms unique and grammar-safe', () => {
    const items = [
      { id: 'a1', name: 'Debian 12' },
      { id: 'b2', name: 'Debian 12' },
      { id: 'c3', name: 'Ubuntu' },
      { id: 'd4', name: '' },
    ];
    const terms = uniqueTerms(items, (i) => i.name, (i) => i.id, 'image');
    assert.deepEqual([...terms.values()], ['Debian_12_a1', 'Debian_12_b2', 'Ubuntu', 'image-d4']);
    // Images: the public, older one keeps the plain term whatever the listing order, and a newcomer gets the suffix.
    const pub = { id: 'z9', name: 'tiny', public: true, created: '2026-01-01T00:00:00Z' };
    const mine = { id: 'a0', name: 'tiny', public: false, created: '2026-06-01T00:00:00Z' };
    for (const order of [[pub, mine], [mine, pub]]) {
      const t = uniqueTerms(order, (i) => i.name, (i) => i.id, 'image', imagePrecedence);
      assert.equal(t.get(pub), 'tiny');
      assert.equal(t.get(mine), 'tiny_a0');
    }
    assert.equal(architecture('x86_64'), 'x64');
    assert.equal(architecture('i686'), 'x86');
    assert.equal(architecture('aarch64'), undefined);
  });
});

describe('openstack mapping: compute', () => {
  it('maps a recorded ACTIVE server with its templates, size and hostname', () => {
    const r = computeRecord(server, [], { templates: index, dialect: OPENSTACK });
    assert.equal(r.kind, 'compute');
    assert.equal(r.id, '541b3ff5-3aec-496f-925c-302c9470a70d');
    assert.deepEqual(r.mixins, [typeId(index.os[0]!), typeId(index.resource.find((m) => m.term === 'm1.nano')!)]);
    assert.deepEqual(r.attributes, {
      'occi.core.title': 'fx1',
      'occi.compute.state': 'active',
      'occi.compute.state.message': 'ACTIVE',
      'occi.compute.cores': 1,
      'occi.compute.memory': 0.125,
      'occi.compute.hostname': 'fx1',
    });
  });

  it('keeps the raw status, task and fault in occi.compute.state.message', () => {
    const failed = { ...server, status: 'ERROR', fault: { message: 'No valid host was found.' } };
    assert.equal(stateMessage(failed), 'ERROR: No valid host was found.');
    const stopping = { ...server, 'OS-EXT-STS:task_state': 'powering-off' };
    assert.equal(stateMessage(stopping), 'ACTIVE (powering-off)');
    // 1.2 has no building state (R91): the message says it in words, the raw status after them.
    const building = { ...server, status: 'BUILD', 'OS-EXT-STS:task_state': 'spawning' };
    assert.equal(stateMessage(building), 'building: BUILD (spawning)');
    assert.equal(computeRecord(building, [], { templates: index, dialect: OPENSTACK }).attributes['occi.compute.state'], 'inactive');
    assert.equal(stateMessage({ ...server, status: 'VERIFY_RESIZE' }), 'resized, waiting for the resize to be confirmed: VERIFY_RESIZE');
    const r = computeRecord({ ...server, status: 'SHUTOFF', description: 'web' } as NovaServer, [], { templates: index, dialect: OPENSTACK });
    assert.equal(r.attributes['occi.compute.state'], 'inactive');
    assert.equal(r.attributes['occi.core.summary'], 'web');
  });

  it('drops a template the project no longer sees, but keeps the size', () => {
    const r = computeRecord(
      { ...server, image: { id: 'gone' }, flavor: { original_name: 'custom', vcpus: 3, ram: 3072 } },
      [],
      { templates: index, dialect: OPENSTACK },
    );
    assert.deepEqual(r.mixins, []);
    assert.equal(r.attributes['occi.compute.cores'], 3);
    assert.equal(r.attributes['occi.compute.memory'], 3);
  });
});

describe('openstack mapping: networks, links, storage', () => {
  const networks = fixture<{ networks: NeutronNetwork[] }>('networks.json').networks;
  const subnets = fixture<{ subnets: NeutronSubnet[] }>('subnets.json').subnets;

  it('maps a network and its subnet to ipnetwork attributes', () => {
    const shared = networkRecord(networks.find((n) => n.name === 'shared')!, subnets);
    assert.deepEqual(shared.mixins, [typeId(IPNETWORK)]);
    assert.deepEqual(shared.attributes, {
      'occi.core.title': 'shared',
      'occi.network.state': 'active',
      'occi.network.state.message': 'ACTIVE',
      'occi.network.address': '192.0.2.0/24',
      'occi.network.gateway': '192.0.2.1',
      'occi.network.allocation': 'static',
    });
    const pub = networkRecord(networks.find((n) => n.name === 'public')!, []);
    assert.deepEqual(pub.mixins, []);
    assert.equal(pub.attributes['occi.network.label'], 'external');
    const down = networkRecord({ ...networks[0]!, admin_state_up: false }, []);
    assert.equal(down.attributes['occi.network.state'], 'inactive');
    assert.equal(down.attributes['occi.network.state.message'], 'ACTIVE (admin state down)');
  });

  it('maps ports, floating IPs and volume attachments to the links of a server', () => {
    const ports = fixture<{ ports: NeutronPort[] }>('ports.json').ports;
    const second: NeutronPort = { ...ports[0]!, id: 'p2', mac_address: 'fa:16:3e:00:00:02', created_at: '2099-01-01T00:00:00Z', fixed_ips: [] };
    const ip: NeutronFloatingIp = { ...fixture<{ floatingip: NeutronFloatingIp }>('floatingip.json').floatingip, port_id: ports[0]!.id };
    const attachment = fixture<{ volumeAttachments: NovaVolumeAttachment[] }>('volume-attachments.json').volumeAttachments[0]!;
    const links = serverLinks({
      serverId: server.id,
      ports: [second, ports[0]!],
      floatingIps: [ip, { ...ip, id: 'elsewhere', port_id: 'other-port' }],
      attachments: [{ volumeId: attachment.volumeId, device: attachment.device }],
      subnets: fixture<{ subnets: NeutronSubnet[] }>('subnets.json').subnets,
    });
    assert.deepEqual(
      links.map((l) => [l.kind, l.id, l.attributes['occi.networkinterface.interface'] ?? l.attributes['occi.storagelink.deviceid']]),
      [
        ['networkinterface', `${server.id}_${ports[0]!.id}`, 'eth0'],
        ['networkinterface', `${server.id}_p2`, 'eth1'],
        ['networkinterface', `${server.id}_fip_${ip.id}`, 'eth0'],
        ['storagelink', `${server.id}_${attachment.volumeId}`, '/dev/sdb'],
      ],
    );
    const [eth0, eth1, fip, disk] = links;
    assert.deepEqual(eth0!.target, { kind: 'network', id: ports[0]!.network_id });
    assert.deepEqual(eth0!.mixins, [typeId(IPNETWORKINTERFACE)]);
    assert.equal(eth0!.attributes['occi.networkinterface.address'], '192.0.2.37');
    assert.equal(eth0!.attributes['occi.networkinterface.gateway'], '192.0.2.1', 'the gateway of the port subnet');
    assert.equal(eth0!.attributes['occi.networkinterface.mac'], 'fa:16:3e:e5:41:c6');
    assert.equal(eth0!.attributes['occi.networkinterface.state'], 'active');
    assert.deepEqual(eth1!.mixins, [], 'a port without an address has no ipnetworkinterface');
    assert.deepEqual(fip!.target, { kind: 'network', id: ip.floating_network_id });
    assert.equal(fip!.attributes['occi.networkinterface.address'], '203.0.113.67');
    assert.equal(fip!.attributes['occi.networkinterface.state'], 'inactive', 'DOWN: openstack-lite has no L3 agent');
    assert.deepEqual(disk!.source, { kind: 'compute', id: server.id });
    assert.deepEqual(disk!.target, { kind: 'storage', id: attachment.volumeId });
  });

  it('maps volumes, including the bridge offline marker', () => {
    const v = fixture<{ volumes: CinderVolume[] }>('volumes-detail.json').volumes[0]!;
    assert.deepEqual(storageRecord(v).attributes, {
      'occi.storage.size': 1,
      'occi.storage.state': 'online',
      'occi.storage.state.message': 'in-use',
      'occi.core.title': 'fxvol',
    });
    const off = storageRecord({ ...v, status: 'available', metadata: { [OFFLINE_MARK]: 'true' } });
    assert.equal(off.attributes['occi.storage.state'], 'offline');
    assert.equal(off.attributes['occi.storage.state.message'], 'available (taken offline)');
    // R56: what Cinder's status makes the bridge refuse is not advertised.
    assert.deepEqual(storageRecord(v).refused, ['online', 'offline'], 'in-use: detach before offline');
    assert.deepEqual(off.refused, ['offline']);
    assert.deepEqual(storageRecord({ ...v, status: 'available' }).refused, ['online']);
    assert.deepEqual(storageRecord({ ...v, status: 'error_extending' }).refused, ['online', 'offline'], 'error: Cinder decides');
    assert.equal(storageRecord({ ...v, status: 'creating' }).busy, true);
  });

  it('builds and parses composite link ids', () => {
    assert.equal(portInterfaceId('s1', 'p1'), 's1_p1');
    assert.deepEqual(parseInterfaceId('s1_p1'), { server: 's1', port: 'p1' });
    assert.deepEqual(parseInterfaceId(floatingInterfaceId(42, 7)), { server: '42', floatingIp: '7' });
    assert.deepEqual(parseStorageLinkId(storageLinkId('s1', 'v1')), { server: 's1', volume: 'v1' });
    for (const bad of ['s1', 's1_p1_p2', 's1_../x', '_p', 's1_fip_']) assert.equal(parseInterfaceId(bad), undefined, bad);
    assert.equal(parseStorageLinkId('00000000-0000-4000-8000-000000000000'), undefined);
  });
});
