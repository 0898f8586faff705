// A delete the cloud accepts but has not finished when the backend's
// deadline passes is a 504 saying so, never a 200 for something still there
// (R72: a GET after a successful DELETE is a 404). The fake cloud keeps the
// server or volume "deleting" for as many reads as the test says, and a
// floating IP on its port when its detach is never to finish.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { floatingInterfaceId } from '../../src/backends/openstack/mapping/ids.js';
import { rejectsWith } from '../backends/contract.js';
import { occiOnFakeCloud, onFakeOpenStack } from './fake-backend.js';
import { fakeOpenStack, freshWorld, PORT_ID, SERVER_ID } from './fake-world.js';

/**
 * The backend's deadline, which the unfinished deletes wait out. Short, as each
 * call to the loopback fake takes a few milliseconds — but one call took over
 * 400 ms at load 16–18 on the shared machine, so not shorter than this.
 */
const DEADLINE_MS = 1500;

describe('openstack deletes wait for the cloud, and say so when it has not finished', () => {
  const f = onFakeOpenStack(DEADLINE_MS);

  test('a compute Nova is still deleting at the deadline: 504 naming it and its status, and it is still there', async () => {
    f.world.deleteSteps = Infinity;
    await rejectsWith(f.backend.delete(f.c, 'compute', SERVER_ID), 504, new RegExp(`compute ${SERVER_ID} is still being deleted.*status ACTIVE \\(deleting\\).*GET it until the answer is 404`));
    assert.equal(f.world.server?.['OS-EXT-STS:task_state'], 'deleting', 'the cloud goes on deleting it');
    assert.ok(await f.backend.get(f.c, 'compute', SERVER_ID), 'a GET still finds it, as the 504 said');
  });

  test('a compute whose deletion ends within the deadline: the DELETE succeeds and a GET is 404', async () => {
    f.world.deleteSteps = 2;
    await f.backend.delete(f.c, 'compute', SERVER_ID);
    assert.equal(f.world.server, undefined);
    assert.equal(await f.backend.get(f.c, 'compute', SERVER_ID), undefined);
  });

  test('a link the cloud has not finished removing at the deadline: 504 naming it, and it is still there to GET', async () => {
    const link = floatingInterfaceId(SERVER_ID, 'fip-1');
    f.world.floatingIps = [{ id: 'fip-1', floating_ip_address: '203.0.113.9', floating_network_id: 'public', port_id: PORT_ID, description: 'reserved by hand', project_id: 'p1' }];
    f.world.deleteSteps = Infinity;
    await rejectsWith(f.backend.delete(f.c, 'networkinterface', link), 504, new RegExp(`networkinterface ${link} is still being deleted.*state active.*GET it until the answer is 404`));
    assert.ok(await f.backend.get(f.c, 'networkinterface', link), 'a GET still finds it, as the 504 said');
    f.world.floatingIps[0]!.port_id = null; // the cloud finishes
    assert.equal(await f.backend.get(f.c, 'networkinterface', link), undefined);
  });

  test('a storage Cinder is still deleting at the deadline: 504; a second DELETE waits again without asking Cinder to delete twice', async () => {
    f.world.deleteSteps = Infinity;
    await rejectsWith(f.backend.delete(f.c, 'storage', 'v1'), 504, /storage v1 is still being deleted.*status deleting/);
    const deletes = () => f.cloud.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/volume/')).length;
    assert.equal(deletes(), 1);
    f.world.pending.volume = 1;
    await f.backend.delete(f.c, 'storage', 'v1');
    assert.equal(deletes(), 1, 'the volume already deleting was waited for, not deleted again (Cinder would refuse)');
    assert.equal(await f.backend.get(f.c, 'storage', 'v1'), undefined);
  });
});

describe('over HTTP, a DELETE the cloud has not finished', () => {
  let world = freshWorld();
  const f = occiOnFakeCloud((url) => fakeOpenStack(url, () => world), DEADLINE_MS);

  test('is a 504 saying so, and the compute is still there to GET', async () => {
    world = freshWorld();
    world.deleteSteps = Infinity;
    const r = await f.server.request('DELETE', `/compute/${SERVER_ID}`, { token: 'tok' });
    assert.equal(r.status, 504, r.body);
    assert.match(r.body, new RegExp(`compute ${SERVER_ID} is still being deleted: the cloud accepted the deletion`));
    assert.equal((await f.server.request('GET', `/compute/${SERVER_ID}`, { token: 'tok' })).status, 200);
    world.pending.server = 1; // the cloud finishes
    assert.equal((await f.server.request('GET', `/compute/${SERVER_ID}`, { token: 'tok' })).status, 404);
  });

  test("leaves the compute's user-mixin tags only until a read finds it gone: an entity later under its id starts untagged", async () => {
    world = freshWorld();
    const plain = { 'Content-Type': 'text/plain' };
    const mixin = 'Category: doomed; scheme="http://example.com/t#"; class="mixin"';
    assert.equal((await f.server.request('POST', '/-/', { token: 'tok', headers: plain, body: `${mixin}; location="/doomed/"\n` })).status, 200);
    const tag = await f.server.request('POST', `/compute/${SERVER_ID}`, { token: 'tok', headers: plain, body: `${mixin}\n` });
    assert.equal(tag.status, 200, tag.body);
    const tagged = () => f.server.request('GET', `/compute/${SERVER_ID}`, { token: 'tok' });
    assert.match((await tagged()).body, /Category: doomed;/);
    world.deleteSteps = Infinity;
    assert.equal((await f.server.request('DELETE', `/compute/${SERVER_ID}`, { token: 'tok' })).status, 504);
    assert.match((await tagged()).body, /Category: doomed;/, 'still there, still tagged, as the 504 said');
    world.pending.server = 1; // the cloud finishes
    assert.equal((await tagged()).status, 404);
    world = freshWorld(); // a server under the same id, as a store that kept the tags would show it
    const again = await tagged();
    assert.equal(again.status, 200, again.body);
    assert.doesNotMatch(again.body, /doomed/, 'the tags went with the compute the read found gone');
  });
});
