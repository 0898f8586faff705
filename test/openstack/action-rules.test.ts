// Rules of the OpenStack compute actions, updates and listings that
// hand-planted mutants of src/backends/openstack/services/ got past on the
// quick files (docs/testing.md): what a start from PAUSED sends, a policy
// refusal passed on as it is, a compute that does not wake before a stop,
// what save names and what it makes visible, a resize confirmed again, an
// attribute filter on a cheap listing, and (on a stand-in for the cloud) the
// recent state trusted on OpenStack only. On the fake world (fake-world.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { typeId, type AttributeValue } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import { RecentStates } from '../../src/backends/openstack/caches/recent-states.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { NovaServer } from '../../src/backends/openstack/clients/nova.js';
import { readForAction } from '../../src/backends/openstack/services/compute-actions.js';
import type { ComputeDeps } from '../../src/backends/openstack/services/compute-create.js';
import { rejectsWith, stateOf } from '../backends/contract.js';
import { json, type Recorded } from './fake-cloud.js';
import { onFakeCloud, onFakeOpenStack } from './fake-backend.js';
import { fakeOpenStack, freshWorld, SERVER_ID } from './fake-world.js';

/** The actions the backend sent Nova since `from`, by name. */
const sentActions = (requests: Recorded[], from: number): string[] =>
  requests.slice(from).filter((r) => r.method === 'POST' && r.path.endsWith('/action')).map((r) => Object.keys(r.body as object)[0]!);

describe('openstack compute actions on the fake world', () => {
  const f = onFakeOpenStack(5000);

  test('R88: start on a PAUSED server unpauses it', async () => {
    Object.assign(f.world.server!, { status: 'PAUSED' });
    const from = f.cloud.requests.length;
    const { entity } = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_START, {});
    assert.deepEqual(sentActions(f.cloud.requests, from), ['unpause']);
    assert.equal(stateOf(entity), 'active');
  });

  test('R86: save without a name (or an empty one) names the image after the compute and the time', async () => {
    const from = f.cloud.requests.length;
    const { mixin } = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_SAVE, { name: '' });
    const sent = f.cloud.requests.slice(from).find((r) => r.path.endsWith('/action'))!.body as { createImage: { name: string } };
    const prefix = `${String(f.world.server!.name)}-`;
    assert.ok(sent.createImage.name.startsWith(prefix) && /-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(sent.createImage.name), `sent name ${sent.createImage.name}`);
    assert.ok(mixin, 'save answers the new os_tpl');
  });

  test('R86: a saved image is an os_tpl at once, though the templates were read (and cached) just before', async () => {
    const before = await f.backend.providerMixins(f.c);
    const { mixin } = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_SAVE, { name: 'nightly' });
    assert.equal(before.os.some((m) => m.title === 'nightly'), false);
    const after = await f.backend.providerMixins(f.c);
    const saved = after.os.find((m) => m.title === 'nightly');
    assert.ok(saved, `os templates after the save: ${after.os.map((m) => m.title).join(', ')}`);
    assert.equal(typeId(saved), typeId(mixin!));
  });

  test('R69: updating a compute in VERIFY_RESIZE with the template it shows confirms the resize', async () => {
    Object.assign(f.world.server!, { status: 'VERIFY_RESIZE' });
    const current = await f.backend.get(f.c, 'compute', SERVER_ID);
    const tpl = (await f.backend.providerMixins(f.c)).resource.find((m) => current!.mixins.includes(typeId(m)));
    assert.ok(tpl, `the compute shows a resource_tpl: ${current!.mixins.join(', ')}`);
    const from = f.cloud.requests.length;
    const updated = await f.backend.update(f.c, 'compute', SERVER_ID, { attributes: {}, addMixins: [tpl], removeMixins: [] });
    assert.deepEqual(sentActions(f.cloud.requests, from), ['confirmResize']);
    assert.equal(stateOf(updated), 'active');
  });

  test('R112: an attribute filter applies to the cheap listing of computes as to the full one', async () => {
    const title = (await f.backend.get(f.c, 'compute', SERVER_ID))!.attributes['occi.core.title']!;
    const ids = async (value: AttributeValue) =>
      (await f.backend.list(f.c, { kind: 'compute', detail: 'refs', where: [['occi.core.title', value]] })).items.map((r) => r.id);
    assert.deepEqual(await ids(title), [SERVER_ID]);
    assert.deepEqual(await ids(`not ${String(title)}`), []);
  });
});

describe('openstack compute actions: a compute that does not wake', () => {
  const f = onFakeOpenStack(3000);

  test('D24: stop on a suspended compute that never resumes is a 504, and Nova is not asked to stop it', async () => {
    Object.assign(f.world.server!, { status: 'SUSPENDED' });
    f.world.steps = Infinity;
    const from = f.cloud.requests.length;
    await rejectsWith(f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {}), 504, /did not wake up within 3000 ms, so it was not stopped/);
    assert.deepEqual(sentActions(f.cloud.requests, from), ['resume']);
  });
});

describe('openstack compute actions: a refusal that is not about the state', () => {
  let world = freshWorld();
  // Nova's policy refuses every action (403): that is no state conflict.
  const f = onFakeCloud(
    (url) => {
      const cloud = fakeOpenStack(url, () => world);
      return (req, res) =>
        req.method === 'POST' && req.path.endsWith('/action')
          ? json(res, 403, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-start-stop:stop to be performed." } })
          : cloud(req, res);
    },
    5000,
    () => (world = freshWorld()),
  );

  test('D2: a 403 from Nova for an action allowed in the current state stays a 403, not a 409', async () => {
    await rejectsWith(f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {}), 403, /Policy doesn't allow/);
  });
});

describe('openstack compute actions: the state remembered from the last action', () => {
  const stopped: NovaServer = { id: 's1', name: 'vm', status: 'SHUTOFF' };
  const setUp = (dialect: Dialect) => {
    let reads = 0;
    const cloud = { dialect, scopeKey: 'p1|nova', nova: { getServer: async () => (reads++, stopped) } } as unknown as Cloud;
    const recent = new RecentStates();
    recent.remember(cloud, stopped);
    const reader = { withoutLinks: async (_c: Cloud, s: NovaServer, recalled: boolean) => ({ id: String(s.id), recalled }) };
    const d = { recent, reader } as unknown as ComputeDeps;
    return { cloud, d, reads: () => reads };
  };

  test('R81: on OpenStack a start checks the state an action saw settle moments ago, without reading the server again', async () => {
    const s = setUp(OPENSTACK);
    const r = (await readForAction(s.cloud, 's1', 'start', s.d)) as unknown as { recalled: boolean };
    assert.equal(r.recalled, true);
    assert.equal(s.reads(), 0);
  });

  test('R81: on Synnefo, whose checks differ by release, a start reads the server first', async () => {
    const s = setUp(SYNNEFO);
    const r = (await readForAction(s.cloud, 's1', 'start', s.d)) as unknown as { recalled: boolean };
    assert.equal(r.recalled, false);
    assert.equal(s.reads(), 1);
  });
});
