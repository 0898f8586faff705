// Rules of the OpenStack backend's top-level files (options.ts, dialect.ts,
// cloud.ts) that hand-planted mutants got past on the quick files
// (docs/testing.md): the configured dialect kept, Synnefo releases, empty
// host names, one caller's view of the cloud without a network service, the
// attached-volume microversion, a floating IP just added. Pure or on
// stand-ins for the service clients; no cloud.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveOptions } from '../../src/backends/openstack/options.js';
import { synnefoDialect, OPENSTACK } from '../../src/backends/openstack/dialect.js';
import { Cloud } from '../../src/backends/openstack/cloud.js';
import { BoundedCache } from '../../src/backends/openstack/caches/cache.js';
import { SubnetCache } from '../../src/backends/openstack/caches/subnet-cache.js';
import type { Session } from '../../src/backends/openstack/clients/keystone.js';
import type { Nova, NovaServer } from '../../src/backends/openstack/clients/nova.js';

describe('openstack options and dialects', () => {
  test('the configured dialect is kept; without one it is OpenStack', () => {
    assert.equal(resolveOptions({ keystoneUrl: 'https://k/v3', dialect: 'synnefo' }).dialect, 'synnefo');
    assert.equal(resolveOptions({ keystoneUrl: 'https://k/v3' }).dialect, 'openstack');
  });

  test('R150: Synnefo 0.19 takes keys as keypairs and 0.20 user data as user_data; auto probes for keypairs', () => {
    assert.equal(synnefoDialect('0.19').contextualization.keys, 'keypair');
    assert.equal(synnefoDialect('0.18').contextualization.keys, 'personality');
    assert.equal(synnefoDialect('0.20').contextualization.userData, 'user_data');
    assert.equal(synnefoDialect('0.19').contextualization.userData, 'personality');
    assert.equal(synnefoDialect('auto').contextualization.keys, 'probe');
  });

  test("R54: on Synnefo a volume being deleted is gone; a project you are not in is refused naming at most ten of yours", () => {
    const d = synnefoDialect('0.20');
    assert.equal(d.volumeGone({ id: 'v1', status: 'DELETING', size: 1 } as never), true);
    assert.equal(d.volumeGone({ id: 'v1', status: 'in_use', size: 1 } as never), false);
    const mine = Array.from({ length: 12 }, (_, i) => `p${i}`);
    assert.throws(
      () => d.checkProject('other', { userId: 'u', projects: mine }),
      (e: Error & { status?: number }) => e.status === 403 && e.message.includes('(p0, p1, p2, p3, p4, p5, p6, p7, p8, p9)'),
    );
  });

  test('an empty SNF:fqdn is no host name', () => {
    const server = (fqdn: unknown) => ({ id: 's1', name: 'vm', status: 'ACTIVE', 'SNF:fqdn': fqdn }) as unknown as NovaServer;
    assert.equal(synnefoDialect('0.20').hostname(server('')), undefined);
    assert.equal(synnefoDialect('0.20').hostname(server('snf-1.example')), 'snf-1.example');
  });
});

describe("openstack: one caller's view of the cloud", () => {
  const view = (o: { volumeVersion?: string; neutron?: boolean } = {}): Cloud =>
    new Cloud(
      { token: 't', projectId: 'p1', userId: 'u', expiresAt: Date.now() + 60_000, catalog: [] } as Session,
      OPENSTACK,
      { base: 'http://nova/v2.1' } as unknown as Nova,
      o.neutron ? ({ base: 'http://neutron/v2.0', listSubnets: async () => [{ id: 'sub1' }] } as never) : undefined,
      undefined,
      undefined,
      'p1',
      '2.93',
      new SubnetCache(5000),
      new BoundedCache<boolean>(10),
      async () => o.volumeVersion,
    );

  test('R71: a block storage at exactly 3.42 extends attached volumes; below, or without versions, it does not', async () => {
    assert.equal(await view({ volumeVersion: '3.42' }).extendInUseMicroversion(), '3.42');
    assert.equal(await view({ volumeVersion: '3.41' }).extendInUseMicroversion(), undefined);
    assert.equal(await view().extendInUseMicroversion(), undefined);
  });

  test('without a network service there is no Neutron and no subnet, and nothing is asked', async () => {
    const cloud = view();
    assert.equal(cloud.hasNeutron, false);
    assert.deepEqual(await cloud.subnets(), []);
    assert.equal(view({ neutron: true }).hasNeutron, true);
  });

  test('R55: a floating IP the bridge just added is remembered for that server only', () => {
    const cloud = view();
    assert.equal(cloud.floatingIpAddedLately('s1'), false);
    cloud.floatingIpAdded('s1');
    assert.equal(cloud.floatingIpAddedLately('s1'), true);
    assert.equal(cloud.floatingIpAddedLately('s2'), false);
  });
});
