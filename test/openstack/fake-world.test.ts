// The OpenStack backend against a fake that succeeds and fails like the real
// services (fake-world.ts): every page of every listing behind devstack-style
// path prefixes, the reboot type each restart method asks Nova for (checked
// by the fake as by Nova), an extend that succeeds after an in-between state
// and one the fake refuses, and floating IPs: the bridge releases only those
// it allocated, never the user's own.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import { OWN_MARK } from '../../src/backends/openstack/services/floating-ips.js';
import { floatingInterfaceId } from '../../src/backends/openstack/mapping/ids.js';
import * as I from '../../src/model/infrastructure.js';
import type { Backend, Credentials, ResourceRecord } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, type FakeCloud } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, PORT_ID, SERVER_ID, type FloatingIp, type World } from './fake-world.js';

describe('openstack backend on a fake that pages, checks bodies and takes its time', () => {
  let cloud: FakeCloud;
  let world: World;
  let backend: Backend;
  let c: Credentials;
  const requests = (pattern: RegExp) => cloud.requests.filter((r) => pattern.test(r.path));

  before(async () => {
    world = freshWorld();
    cloud = await fakeCloud(fakeOpenStack(() => cloud.url, () => world));
  });
  beforeEach(async () => {
    world = freshWorld();
    cloud.requests.length = 0;
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 5000 });
    c = await backend.authenticate({ token: 'tok' });
  });
  after(() => cloud.close());

  test('templates come from every page of Nova flavors and Glance images, each page asked for under the endpoint path', async () => {
    const mixins = await backend.providerMixins(c);
    assert.deepEqual(mixins.resource.map((m) => m.term).sort(), world.flavors.map((f) => String(f.name)).sort());
    assert.deepEqual(mixins.os.map((m) => m.title).sort(), world.images.map((i) => String(i.name)).sort());
    const glance = requests(/images/).map((r) => r.path);
    assert.deepEqual(glance, ['/image/v2/images?limit=200', `/image/v2/images?marker=${String(world.images[1]!.id)}&limit=2`]);
    const flavors = requests(/flavors/).map((r) => r.path.split('?')[0]);
    assert.deepEqual(flavors, ['/compute/v2.1/flavors/detail', '/compute/v2.1/flavors/detail']);
  });

  const RESTARTS: Array<[string | undefined, 'SOFT' | 'HARD']> = [
    ['graceful', 'SOFT'],
    ['warm', 'SOFT'],
    ['cold', 'HARD'],
    [undefined, 'HARD'],
  ];
  test('an action on the compute the request read answers the links it read, and polls only the server (issue 7)', async () => {
    const read = (await backend.get(c, 'compute', SERVER_ID)) as ResourceRecord;
    assert.ok(read.links.length > 0, 'the fake server has a network interface');
    cloud.requests.length = 0;
    const r = await backend.action(c, 'compute', SERVER_ID, I.COMPUTE_RESTART, { method: 'warm' }, read);
    assert.equal(r.entity?.attributes['occi.compute.state'], 'active');
    assert.deepEqual((r.entity as ResourceRecord).links, read.links);
    const paths = cloud.requests.map((q) => q.path.split('?')[0]);
    assert.deepEqual([...new Set(paths)].sort(), [`/compute/v2.1/servers/${SERVER_ID}`, `/compute/v2.1/servers/${SERVER_ID}/action`].sort());
  });

  for (const [method, type] of RESTARTS) {
    test(`restart ${method ? `with method ${method}` : 'without a method'} is a ${type} reboot, active again once the reboot ends`, async () => {
      const r = await backend.action(c, 'compute', SERVER_ID, I.COMPUTE_RESTART, method ? { method } : {});
      const sent = requests(/\/action$/).map((q) => q.body);
      assert.deepEqual(sent, [{ reboot: { type } }]);
      assert.equal(r.entity?.attributes['occi.compute.state'], 'active');
      assert.equal(world.pending.server, 0, 'the backend waited through the in-between state');
    });
  }

  test('a reboot type Nova does not know is refused by the fake, as by Nova', async () => {
    const res = await fetch(`${cloud.url}/compute/v2.1/servers/${SERVER_ID}/action`, { method: 'POST', body: JSON.stringify({ reboot: { type: 'WARM' } }) });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /is not one of \['HARD', 'Hard', 'SOFT', 'Soft'\]/);
  });

  test('resize by action extends the volume to the size asked, rounded up to whole GB, and waits through extending', async () => {
    const r = await backend.action(c, 'storage', 'v1', I.STORAGE_RESIZE, { size: 3.5 });
    assert.deepEqual(requests(/volumes\/v1\/action$/).map((q) => q.body), [{ 'os-extend': { new_size: 4 } }]);
    assert.equal(r.entity?.attributes['occi.storage.size'], 4);
    assert.equal(r.entity?.attributes['occi.storage.state'], 'online');
    assert.equal(world.volume.size, 4);
  });

  test('resize by update extends too; shrinking is 400 before Cinder is asked', async () => {
    const grown = await backend.update(c, 'storage', 'v1', { attributes: { 'occi.storage.size': 2 }, addMixins: [], removeMixins: [] });
    assert.equal(grown.attributes['occi.storage.size'], 2);
    assert.deepEqual(requests(/volumes\/v1\/action$/).map((q) => q.body), [{ 'os-extend': { new_size: 2 } }]);
    await rejectsWith(backend.action(c, 'storage', 'v1', I.STORAGE_RESIZE, { size: 1 }), 400, /cannot shrink \(from 2 to 1 GB\)/);
    assert.equal(requests(/volumes\/v1\/action$/).length, 1, 'no extend sent for a shrink');
  });

  test('an extend Cinder refuses reaches the client as an error naming the volume, and the volume is unchanged', async () => {
    world.volume.status = 'in-use-elsewhere';
    await assert.rejects(backend.action(c, 'storage', 'v1', I.STORAGE_RESIZE, { size: 2 }), (e: Error & { status?: number }) => {
      assert.ok(e.status !== undefined && e.status >= 400 && e.status < 600, String(e));
      assert.match(e.message, /status must be available/);
      return true;
    });
    assert.equal(world.volume.size, 1);
  });

  function floating(id: string, description: string, port: string | null = PORT_ID): FloatingIp {
    return { id, floating_ip_address: `203.0.113.${id.length}${id.charCodeAt(0) % 10}`, floating_network_id: 'public', port_id: port, description, project_id: 'p1' };
  }

  test("deleting a compute releases the floating IPs the bridge allocated on its ports and leaves the user's own", async () => {
    world.floatingIps = [floating('mine-1', OWN_MARK), floating('users', 'reserved by hand'), floating('mine-2', OWN_MARK), floating('elsewhere', OWN_MARK, 'port-other')];
    await backend.delete(c, 'compute', SERVER_ID);
    const deleted = requests(/floatingips\//).filter((r) => r.method === 'DELETE').map((r) => r.path).sort();
    assert.deepEqual(deleted, ['/network/v2.0/floatingips/mine-1', '/network/v2.0/floatingips/mine-2']);
    assert.deepEqual(world.floatingIps.map((f) => f.id).sort(), ['elsewhere', 'users']);
  });

  test("ending a floating-IP link releases an address the bridge allocated, and only detaches the user's own", async () => {
    world.floatingIps = [floating('mine', OWN_MARK), floating('users', '')];
    await backend.delete(c, 'networkinterface', floatingInterfaceId(SERVER_ID, 'users'));
    assert.deepEqual(world.floatingIps.find((f) => f.id === 'users'), { ...floating('users', ''), port_id: null }, 'kept, detached');
    assert.deepEqual(requests(/floatingips\/users$/).filter((r) => r.method !== 'GET').map((r) => [r.method, r.body]), [['PUT', { floatingip: { port_id: null } }]]);
    await backend.delete(c, 'networkinterface', floatingInterfaceId(SERVER_ID, 'mine'));
    assert.deepEqual(world.floatingIps.map((f) => f.id), ['users'], 'released');
  });
});
