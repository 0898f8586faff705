// The per-project subnet cache behind the interfaces' gateways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NeutronSubnet } from '../../src/backends/openstack/clients/neutron.js';
import { SubnetCache } from '../../src/backends/openstack/caches/subnet-cache.js';
import { OcciError } from '../../src/errors.js';

const subnet = (id: string, gateway: string): NeutronSubnet => ({ id, network_id: 'n', cidr: '192.0.2.0/24', gateway_ip: gateway, ip_version: 4, enable_dhcp: true });

describe('openstack: subnet cache', () => {
  it('lists once per project while fresh, again after forget, and keeps projects apart', async () => {
    const cache = new SubnetCache(60_000);
    let calls = 0;
    const list = async (): Promise<NeutronSubnet[]> => [subnet(`s${++calls}`, '192.0.2.1')];
    const [a, b] = await Promise.all([cache.get('p1', list), cache.get('p1', list)]);
    assert.deepEqual(a, b);
    assert.equal(calls, 1, 'concurrent reads share one listing');
    assert.equal((await cache.get('p1', list))[0]!.id, 's1');
    assert.equal((await cache.get('p2', list))[0]!.id, 's2', 'another project lists its own');
    cache.forget('p1');
    assert.equal((await cache.get('p1', list))[0]!.id, 's3');
  });

  it('gives no subnets, rather than an error, when the cloud refuses the listing', async () => {
    const cache = new SubnetCache(60_000);
    assert.deepEqual(await cache.get('p1', () => Promise.reject(new OcciError(403, 'policy'))), []);
  });
});
