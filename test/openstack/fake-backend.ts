// The OpenStack backend on the stateful fake cloud (fake-world.ts), set up
// afresh for each test of the describe() that calls it: a new world, a new
// backend (no cache carried over) and project p1's credentials.
import { after, before, beforeEach } from 'node:test';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { Backend, Credentials } from '../../src/port/backend.js';
import { fakeCloud, type FakeCloud } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, type World } from './fake-world.js';

export interface OnFake {
  cloud: FakeCloud;
  world: World;
  backend: Backend;
  c: Credentials;
}

/** `timeoutMs`: the backend's deadline for each call and each wait. */
export function onFakeOpenStack(timeoutMs: number, ready: (f: OnFake) => Promise<void> = async () => undefined): OnFake {
  const f = { world: freshWorld() } as OnFake;
  before(async () => {
    f.cloud = await fakeCloud(fakeOpenStack(() => f.cloud.url, () => f.world));
  });
  beforeEach(async () => {
    f.world = freshWorld();
    f.backend = openOpenStackBackend({ keystoneUrl: `${f.cloud.url}/v3`, timeoutMs });
    f.c = await f.backend.authenticate({ token: 'tok' });
    await ready(f);
  });
  after(() => f.cloud.close());
  return f;
}
