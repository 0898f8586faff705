// The OpenStack backend on a fake cloud: on the stateful one (fake-world.ts),
// set up afresh for each test of the describe() that calls it (a new world,
// a new backend with no cache carried over, project p1's credentials), or
// behind an snf-occi server.
import { after, afterEach, before, beforeEach } from 'node:test';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { Backend, Credentials } from '../../src/port/backend.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { fakeCloud, type FakeCloud, type Handler } from './fake-cloud.js';
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

export interface OnFakeCloud {
  cloud: FakeCloud;
  backend: Backend;
  c: Credentials;
}

/**
 * The OpenStack backend on a fake cloud answering with `handler`: a new
 * backend for each test of the describe() that calls it (project p1's
 * credentials, no cache carried over), `fresh` run first, and the requests
 * of its sign-in forgotten, so `cloud.requests` holds the test's own.
 */
export function onFakeCloud(handler: (url: () => string) => Handler, timeoutMs: number, fresh: () => void = () => undefined): OnFakeCloud {
  const f = {} as OnFakeCloud;
  before(async () => {
    f.cloud = await fakeCloud(handler(() => f.cloud.url));
  });
  beforeEach(async () => {
    fresh();
    f.backend = openOpenStackBackend({ keystoneUrl: `${f.cloud.url}/v3`, timeoutMs });
    f.c = await f.backend.authenticate({ token: 'tok' });
    f.cloud.requests.length = 0;
  });
  afterEach(() => f.backend.close());
  after(() => f.cloud.close());
  return f;
}

export interface OcciOnFake {
  cloud: FakeCloud;
  server: TestServer;
}

/** An snf-occi server on the OpenStack backend of a fake cloud answering with `handler`, for the describe() that calls it. */
export function occiOnFakeCloud(handler: (url: () => string) => Handler, timeoutMs: number): OcciOnFake {
  const f = {} as OcciOnFake;
  before(async () => {
    f.cloud = await fakeCloud(handler(() => f.cloud.url));
    f.server = await startServer((c) => {
      c.backend = 'openstack';
      c.openstack.keystoneUrl = `${f.cloud.url}/v3`;
      c.openstack.timeoutMs = timeoutMs;
    });
  });
  after(async () => {
    await f.server.close();
    await f.cloud.close();
  });
  return f;
}
