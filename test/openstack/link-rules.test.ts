// Rules of the OpenStack links that hand-planted mutants of
// src/backends/openstack/services/ got past on the quick files
// (docs/testing.md): an empty device id, an attachment the cloud does not
// finish, Cyclades' volume types, a root disk's detach, an update repeating
// a link's values, and a second unused floating IP after a race on Synnefo.
// On a stand-in for the cloud's clients (the fake world attaches no volumes),
// recording what the backend asks of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { NeutronFloatingIp } from '../../src/backends/openstack/clients/neutron.js';
import type { TemplateCache } from '../../src/backends/openstack/caches/template-cache.js';
import { attachFloatingIp } from '../../src/backends/openstack/services/floating-ips.js';
import { LinkService } from '../../src/backends/openstack/services/link-service.js';
import { OcciError } from '../../src/errors.js';
import type { LinkRecord, LinkSpec } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';

interface Stand {
  volume: CinderVolume;
  /** The volume's status once Nova has taken an attachment. */
  statusAfterAttach: string;
  attached: { volumeId: string; device: string | undefined }[];
  detached: string[];
}

/** Server s1 (flavor f1, Cyclades volume type 1) and volume v1, on clients that record the attachments asked for. */
function standIn(dialect: Dialect, volume: Partial<CinderVolume> = {}, statusAfterAttach = 'in-use'): { cloud: Cloud; links: LinkService; s: Stand } {
  const s: Stand = { volume: { id: 'v1', status: 'available', size: 1, attachments: [], ...volume } as CinderVolume, statusAfterAttach, attached: [], detached: [] };
  const cloud = {
    dialect,
    project: 'p1',
    scopeKey: 'p1|nova',
    hasNeutron: false,
    hasCinder: true,
    subnets: async () => [],
    floatingIpAddedLately: () => false,
    nova: {
      getServer: async (id: string) => ({ id, name: 'vm', status: 'ACTIVE', flavor: { id: 'f1' } }),
      attachVolume: async (serverId: string, volumeId: string, device: string | undefined) => {
        s.attached.push({ volumeId, device });
        s.volume.status = s.statusAfterAttach;
        if (s.statusAfterAttach === 'in-use') s.volume.attachments = [{ server_id: serverId, device: device ?? '/dev/vdb', device_index: 1 }] as CinderVolume['attachments'];
        return { volumeId };
      },
      volumeAttachments: async () => (s.volume.attachments ?? []).map((a) => ({ volumeId: s.volume.id, device: a.device })),
      detachVolume: async (_server: string, volumeId: string) => void s.detached.push(volumeId),
    },
    cinder: { getVolume: async () => s.volume, listVolumes: async () => [s.volume] },
  } as unknown as Cloud;
  const flavors: Record<string, object> = { f1: { id: 'f1', name: 'c1r1024d20', 'SNF:volume_type': 1 } };
  const templates = { index: async () => ({ anyFlavor: (id: string) => flavors[id] }) } as unknown as TemplateCache;
  return { cloud, links: new LinkService(1000, templates), s };
}

const storagelink = (attributes: LinkSpec['attributes'] = {}): LinkSpec & { source: { kind: 'compute'; id: string } } => ({
  kind: 'storagelink',
  source: { kind: 'compute', id: 's1' },
  target: { kind: 'storage', id: 'v1' },
  mixins: [],
  attributes,
});

describe('openstack storagelinks', () => {
  test('R111: an empty occi.storagelink.deviceid lets Nova choose the device', async () => {
    const { cloud, links, s } = standIn(OPENSTACK);
    const link = await links.create(cloud, storagelink({ 'occi.storagelink.deviceid': '' }));
    assert.deepEqual(s.attached, [{ volumeId: 'v1', device: undefined }]);
    assert.equal(link.attributes['occi.storagelink.deviceid'], '/dev/vdb');
  });

  test('R52: a volume that settles without being attached is a 502 saying its status', async () => {
    const { cloud, links } = standIn(OPENSTACK, {}, 'available');
    await rejectsWith(links.create(cloud, storagelink()), 502, /did not attach storage v1 to compute s1 \(volume status available\)/);
  });

  test("R52: a volume of the flavor's Cyclades volume type is attached; one of another type is refused before anything is attached", async () => {
    const same = standIn(SYNNEFO, { volume_type: 1 } as Partial<CinderVolume>);
    const link = await same.links.create(same.cloud, storagelink());
    assert.equal(link.id, 's1_v1');
    assert.equal(same.s.attached.length, 1);
    const other = standIn(SYNNEFO, { volume_type: 2 } as Partial<CinderVolume>);
    await rejectsWith(other.links.create(other.cloud, storagelink()), 409, /is of volume type 2, but compute s1 \(flavor c1r1024d20\) takes only volume type 1/);
    assert.deepEqual(other.s.attached, []);
  });

  test("R74: a compute's root disk is not detached: it goes with the compute", async () => {
    const { cloud, links, s } = standIn(SYNNEFO, { status: 'in-use', attachments: [{ server_id: 's1', device_index: 0 }] } as Partial<CinderVolume>);
    const known = { kind: 'storagelink', id: 's1_v1', source: { kind: 'compute', id: 's1' }, target: { kind: 'storage', id: 'v1' }, mixins: [], attributes: {} } as unknown as LinkRecord;
    await rejectsWith(links.delete(cloud, 'storagelink', 's1_v1', known), 409, /is the root disk of compute s1; it cannot be detached/);
    assert.deepEqual(s.detached, []);
  });

  test('D27: an update may repeat a link attribute as it is; another value is refused', async () => {
    const { cloud, links } = standIn(OPENSTACK);
    const known = {
      kind: 'storagelink',
      id: 's1_v1',
      source: { kind: 'compute', id: 's1' },
      target: { kind: 'storage', id: 'v1' },
      mixins: [],
      attributes: { 'occi.storagelink.deviceid': '/dev/vdb' },
    } as unknown as LinkRecord;
    const same = await links.update(cloud, 'storagelink', 's1_v1', { attributes: { 'occi.storagelink.deviceid': '/dev/vdb' }, addMixins: [], removeMixins: [] }, known);
    assert.equal(same, known);
    await rejectsWith(
      links.update(cloud, 'storagelink', 's1_v1', { attributes: { 'occi.storagelink.deviceid': '/dev/vdc' }, addMixins: [], removeMixins: [] }, known),
      400,
      /cannot be changed on OpenStack/,
    );
  });
});

describe('openstack floating IPs on Synnefo', () => {
  test('R104: when another link takes the same unused address first, the next unused one is taken, not the same again', async () => {
    const ip = (id: string, address: string): NeutronFloatingIp => ({ id, floating_ip_address: address, floating_network_id: 'ext', port_id: null }) as NeutronFloatingIp;
    const asked: string[] = [];
    const cloud = {
      dialect: SYNNEFO,
      project: 'p1',
      floatingIpAdded: () => undefined,
      neutron: {
        listFloatingIps: async () => [ip('1', '192.0.2.1'), ip('2', '192.0.2.2')],
        createPort: async (fields: { fixed_ips: { ip_address: string }[] }) => {
          const address = fields.fixed_ips[0]!.ip_address;
          asked.push(address);
          // Cyclades: the address is already in use by a concurrent link's port.
          if (address === '192.0.2.1') throw new OcciError(409, 'IP address 192.0.2.1 is already in use');
          return { id: 'port-2' };
        },
        createFloatingIp: async () => assert.fail('an unused address was there: none should be reserved'),
      },
    } as unknown as Cloud;
    const got = await attachFloatingIp(cloud, 's1', 'ext', undefined);
    assert.deepEqual(asked, ['192.0.2.1', '192.0.2.2']);
    assert.equal(got.floating_ip_address, '192.0.2.2');
    assert.equal(got.port_id, 'port-2');
  });
});
