// The link rules that mutants of src/backends/openstack/mapping/links.ts got
// past in the first Stryker run over mapping/ (docs/testing.md): a server's
// interfaces and storagelinks attribute by attribute, ports with and without an
// address, and the order (eth0, eth1 …) by creation time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NeutronFloatingIp, NeutronPort } from '../../src/backends/openstack/clients/neutron.js';
import { serverLinks } from '../../src/backends/openstack/mapping/links.js';
import { typeId } from '../../src/model/category.js';
import { IPNETWORKINTERFACE } from '../../src/model/infrastructure.js';

const IPNI = typeId(IPNETWORKINTERFACE);
const port = (id: string, more: Partial<NeutronPort> = {}): NeutronPort =>
  ({ id, network_id: 'n1', mac_address: `fa:16:3e:00:00:${id}`, status: 'ACTIVE', fixed_ips: [], device_id: 's1', device_owner: 'compute:nova', ...more }) as NeutronPort;
const names = (ports: NeutronPort[]): Record<string, unknown> =>
  Object.fromEntries(serverLinks({ serverId: 's1', ports, floatingIps: [], attachments: [] }).map((l) => [l.id, l.attributes['occi.networkinterface.interface']]));

describe('openstack link rules: what each link says', () => {
  it('a port with an address is an ipnetworkinterface with its dynamic allocation and gateway', () => {
    const p = port('01', { fixed_ips: [{ ip_address: '10.0.0.5', subnet_id: 'sub1' }] });
    const [link] = serverLinks({ serverId: 's1', ports: [p], floatingIps: [], attachments: [], subnets: [{ id: 'sub1', gateway_ip: '10.0.0.1' } as never] });
    assert.deepEqual(link, {
      kind: 'networkinterface',
      id: 's1_01',
      source: { kind: 'compute', id: 's1' },
      target: { kind: 'network', id: 'n1' },
      mixins: [IPNI],
      attributes: {
        'occi.networkinterface.interface': 'eth0',
        'occi.networkinterface.mac': 'fa:16:3e:00:00:01',
        'occi.networkinterface.state': 'active',
        'occi.networkinterface.state.message': 'ACTIVE',
        'occi.networkinterface.address': '10.0.0.5',
        'occi.networkinterface.allocation': 'dynamic',
        'occi.networkinterface.gateway': '10.0.0.1',
      },
    });
  });

  it('a port without an address is a plain networkinterface: no address, allocation nor ipnetworkinterface mixin', () => {
    const [link] = serverLinks({ serverId: 's1', ports: [port('01')], floatingIps: [], attachments: [] });
    assert.deepEqual(link!.mixins, []);
    assert.deepEqual(Object.keys(link!.attributes).sort(), [
      'occi.networkinterface.interface',
      'occi.networkinterface.mac',
      'occi.networkinterface.state',
      'occi.networkinterface.state.message',
    ]);
  });

  it("a floating IP is an ipnetworkinterface on the external network, with the port's MAC and a dynamic allocation", () => {
    const ip: NeutronFloatingIp = { id: 'f1', floating_ip_address: '203.0.113.9', floating_network_id: 'ext', port_id: '01', fixed_ip_address: '10.0.0.5', status: 'ACTIVE' };
    const links = serverLinks({ serverId: 's1', ports: [port('01')], floatingIps: [ip], attachments: [] });
    const fip = links.find((l) => l.id === 's1_fip_f1');
    assert.deepEqual(fip, {
      kind: 'networkinterface',
      id: 's1_fip_f1',
      source: { kind: 'compute', id: 's1' },
      target: { kind: 'network', id: 'ext' },
      mixins: [IPNI],
      attributes: {
        'occi.networkinterface.interface': 'eth0',
        'occi.networkinterface.mac': 'fa:16:3e:00:00:01',
        'occi.networkinterface.state': 'active',
        'occi.networkinterface.state.message': 'floating IP ACTIVE',
        'occi.networkinterface.address': '203.0.113.9',
        'occi.networkinterface.allocation': 'dynamic',
      },
    });
  });

  it('an attached volume is an active storagelink with no mixin', () => {
    const [link] = serverLinks({ serverId: 's1', ports: [], floatingIps: [], attachments: [{ volumeId: 'v1', device: '/dev/vdb' }] });
    assert.deepEqual(link, {
      kind: 'storagelink',
      id: 's1_v1',
      source: { kind: 'compute', id: 's1' },
      target: { kind: 'storage', id: 'v1' },
      mixins: [],
      attributes: { 'occi.storagelink.state': 'active', 'occi.storagelink.state.message': 'attached', 'occi.storagelink.deviceid': '/dev/vdb' },
    });
  });
});

describe('openstack link rules: interface names', () => {
  it('ports are named eth0, eth1 … oldest first, whatever their ids and the listing order', () => {
    const ports = [
      port('03', { created_at: '2024-01-01T00:00:01Z' }),
      port('01', { created_at: '2024-01-01T00:00:03Z' }),
      port('02', { created_at: '2024-01-01T00:00:02Z' }),
    ];
    const want = { s1_03: 'eth0', s1_02: 'eth1', s1_01: 'eth2' };
    assert.deepEqual(names(ports), want);
    assert.deepEqual(names([...ports].reverse()), want);
  });

  it("a port dated by Synnefo's `created` counts as such; one the cloud gives no date comes first", () => {
    const ports = [port('01', { created: '2024-01-01T00:00:02Z' }), port('02', { created_at: '2024-01-01T00:00:01Z' }), port('03')];
    const want = { s1_03: 'eth0', s1_02: 'eth1', s1_01: 'eth2' };
    assert.deepEqual(names(ports), want);
    assert.deepEqual(names([...ports].reverse()), want);
  });
});
