// A delete the cloud accepts but has not finished when the backend's
// deadline passes is a 504 saying so, never a 200 for something still there
// (R72: a GET after a successful DELETE is a 404). The fake cloud keeps the
// server or volume "deleting" for as many reads as the test says.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { Backend, Credentials } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, type FakeCloud } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, SERVER_ID, type World } from './fake-world.js';

describe('openstack deletes wait for the cloud, and say so when it has not finished', () => {
  let cloud: FakeCloud;
  let world: World;
  let backend: Backend;
  let c: Credentials;

  before(async () => {
    world = freshWorld();
    cloud = await fakeCloud(fakeOpenStack(() => cloud.url, () => world));
  });
  beforeEach(async () => {
    world = freshWorld();
    // A short deadline: each call to the loopback fake takes a few milliseconds.
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 400 });
    c = await backend.authenticate({ token: 'tok' });
  });
  after(() => cloud.close());

  test('a compute Nova is still deleting at the deadline: 504 naming it and its status, and it is still there', async () => {
    world.deleteSteps = Infinity;
    await rejectsWith(backend.delete(c, 'compute', SERVER_ID), 504, new RegExp(`compute ${SERVER_ID} is still being deleted.*task deleting.*GET it until the answer is 404`));
    assert.equal(world.server?.['OS-EXT-STS:task_state'], 'deleting', 'the cloud goes on deleting it');
    assert.ok(await backend.get(c, 'compute', SERVER_ID), 'a GET still finds it, as the 504 said');
  });

  test('a compute whose deletion ends within the deadline: the DELETE succeeds and a GET is 404', async () => {
    world.deleteSteps = 2;
    await backend.delete(c, 'compute', SERVER_ID);
    assert.equal(world.server, undefined);
    assert.equal(await backend.get(c, 'compute', SERVER_ID), undefined);
  });

  test('a storage Cinder is still deleting at the deadline: 504; a second DELETE waits again without asking Cinder to delete twice', async () => {
    world.deleteSteps = Infinity;
    await rejectsWith(backend.delete(c, 'storage', 'v1'), 504, /storage v1 is still being deleted.*status deleting/);
    const deletes = () => cloud.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/volume/')).length;
    assert.equal(deletes(), 1);
    world.pending.volume = 1;
    await backend.delete(c, 'storage', 'v1');
    assert.equal(deletes(), 1, 'the volume already deleting was waited for, not deleted again (Cinder would refuse)');
    assert.equal(await backend.get(c, 'storage', 'v1'), undefined);
  });
});
