// Rules of the OpenStack compute actions (services/compute-actions.ts) that
// the Stryker run's survivors got past (issue 14): each action sends Nova
// the body it should (suspend, a hard reboot out of ERROR, unpause before a
// stop, the saved image's metadata) and waits until the compute settles in
// the state the action ends in, then stops asking; a state remembered from
// the last action or read is trusted only where Nova checks again; Nova's
// refusals and a compute deleted meanwhile said in words. On the fake world
// (fake-world.ts), with Nova's refusals and answers changed here where a
// test needs them, and on the Synnefo stand-in.
import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import type { ServerResponse } from 'node:http';
import type { Action } from '../../src/model/category.js';
import type { Attributes } from '../../src/port/backend.js';
import * as I from '../../src/model/infrastructure.js';
import { isSettled } from '../../src/backends/openstack/services/compute-actions.js';
import { rejectsWith, stateOf } from '../backends/contract.js';
import { json, type Recorded } from './fake-cloud.js';
import { onFakeCloud, type OnFakeCloud } from './fake-backend.js';
import { fakeOpenStack, freshWorld, SERVER_ID, type World } from './fake-world.js';
import { DRBD, harness, readsAfterAction, type Harness } from '../synnefo/harness.js';

type Doc = Record<string, unknown>;

/** A message matched whole. */
const exactly = (message: string): RegExp => new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

interface Twists {
  /** Nova answers these actions 409 (as when its own state check refuses). */
  refuse: string[];
  /** The server is deleted by someone else right after Nova accepts this action. */
  vanishAfter?: string;
  /** Nova is deleted right after it refuses. */
  vanishOnRefusal?: boolean;
  /** createImage answered without an image id, or with one Glance does not list yet. */
  createImage?: 'no-id' | 'unlisted';
  /** The status the server is in once Nova has refused (someone else acted in between). */
  afterRefusal?: string;
  /** os-stop leaves the server SHUTOFF with Nova's task never finished. */
  stopHangs?: boolean;
}

const fresh = (): { world: World; twists: Twists } => ({ world: freshWorld(), twists: { refuse: [] } });

function twisted(state: () => { world: World; twists: Twists }) {
  return (url: () => string) => {
    const cloud = fakeOpenStack(url, () => state().world);
    return (req: Recorded, res: ServerResponse): void => {
      const { world: w, twists } = state();
      if (req.method === 'POST' && req.path === `/compute/v2.1/servers/${SERVER_ID}/action` && w.server) {
        const name = Object.keys(req.body as Doc)[0]!;
        if (twists.refuse.includes(name)) {
          if (twists.vanishOnRefusal) w.server = undefined;
          if (twists.afterRefusal && w.server) w.server.status = twists.afterRefusal;
          return json(res, 409, { conflictingRequest: { code: 409, message: `Cannot '${name}' instance ${SERVER_ID} while it is in vm_state stopped` } });
        }
        if (name === 'createImage' && twists.createImage === 'no-id') return json(res, 202, {});
        if (name === 'createImage' && twists.createImage === 'unlisted') return json(res, 202, { image_id: 'a1b2c3d4-0000-4000-8000-000000000000' });
        if (name === 'os-stop' && twists.stopHangs) {
          Object.assign(w.server, { status: 'SHUTOFF', 'OS-EXT-STS:task_state': 'powering-off' });
          res.writeHead(202);
          return void res.end();
        }
        if (name === twists.vanishAfter) {
          res.writeHead(202);
          res.end();
          w.server = undefined;
          return;
        }
      }
      cloud(req, res);
    };
  };
}

const serverPath = `/compute/v2.1/servers/${SERVER_ID}`;
const actionBodies = (f: OnFakeCloud, from: number): unknown[] =>
  f.cloud.requests.slice(from).filter((r) => r.method === 'POST' && r.path === `${serverPath}/action`).map((r) => r.body);
/** Reads of the server between request `from` and request `to`. */
const reads = (f: OnFakeCloud, from: number, to = f.cloud.requests.length): number =>
  f.cloud.requests.slice(from, to).filter((r) => r.method === 'GET' && r.path.split('?')[0] === serverPath).length;
/** An action as the HTTP layer runs it: the compute read for it (ReadPurpose), then the action with that reading. */
async function act(f: OnFakeCloud, action: Action, params: Attributes = {}) {
  const current = await f.backend.get(f.c, 'compute', SERVER_ID, { action: action.term });
  return f.backend.action(f.c, 'compute', SERVER_ID, action, params, current);
}
const firstAction = (f: OnFakeCloud, from: number): number => f.cloud.requests.findIndex((r, i) => i >= from && r.method === 'POST' && r.path === `${serverPath}/action`);

describe('openstack compute actions: bodies and waits', () => {
  let state = fresh();
  const f = onFakeCloud(twisted(() => state), 1500, () => (state = fresh()));

  for (const [action, status, body, ends] of [
    [I.COMPUTE_START, 'SHUTOFF', { 'os-start': null }, 'active'],
    [I.COMPUTE_STOP, 'ACTIVE', { 'os-stop': null }, 'inactive'],
    [I.COMPUTE_RESTART, 'ACTIVE', { reboot: { type: 'HARD' } }, 'active'],
    [I.COMPUTE_SUSPEND, 'ACTIVE', { suspend: null }, 'suspended'],
    [I.COMPUTE_START, 'ERROR', { reboot: { type: 'HARD' } }, 'active'],
  ] as const) {
    test(`R88: ${action.term} from ${status} sends ${JSON.stringify(body)} and answers ${ends} once Nova is done, then stops asking`, async () => {
      // 1 3 4 5 6 7 8 9 136 137 138 146 147 148 149 150
      Object.assign(state.world.server!, { status });
      const from = f.cloud.requests.length;
      const { entity } = await f.backend.action(f.c, 'compute', SERVER_ID, action, {});
      assert.deepEqual(actionBodies(f, from), [body]);
      assert.equal(stateOf(entity), ends);
      // Nova's transition lasts two reads (steps 2): the second shows it done.
      assert.equal(reads(f, firstAction(f, from)), 2);
    });
  }

  test('R88: stop on a PAUSED compute unpauses it first, then stops it', async () => {
    // 159 161 162 167
    Object.assign(state.world.server!, { status: 'PAUSED' });
    const from = f.cloud.requests.length;
    const { entity } = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {});
    assert.deepEqual(actionBodies(f, from), [{ unpause: null }, { 'os-stop': null }]);
    assert.equal(stateOf(entity), 'inactive');
  });

  test('R86: save asks Nova for an image that records the compute it was saved from', async () => {
    // 191
    const from = f.cloud.requests.length;
    await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_SAVE, { name: 'nightly' });
    assert.deepEqual(actionBodies(f, from), [{ createImage: { name: 'nightly', metadata: { 'snf-occi.saved-from': SERVER_ID } } }]);
  });

  test('R86: a createImage answered without an image id is a 502 saying so', async () => {
    // 200
    state.twists.createImage = 'no-id';
    await rejectsWith(f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_SAVE, { name: 'nightly' }), 502, exactly('nova answered createImage without an image_id'));
  });

  test('R86: an image Glance does not list yet, saved under a name that is no term, is the os_tpl image-<id>', async () => {
    // 203
    state.twists.createImage = 'unlisted';
    const { mixin } = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_SAVE, { name: '***' });
    assert.equal(mixin?.term, 'image-a1b2c3d4-0000-4000-8000-000000000000');
  });

  test('R54: an action on a compute the cloud does not have is a 404 naming it', async () => {
    // 60
    const other = 'a0000000-0000-4000-8000-000000000000';
    await rejectsWith(f.backend.action(f.c, 'compute', other, I.COMPUTE_STOP, {}), 404, exactly(`compute ${other} not found`));
  });

  test('a compute deleted while it stops is a 404 saying it disappeared', async () => {
    // 91
    state.twists.vanishAfter = 'os-stop';
    await rejectsWith(f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {}), 404, exactly(`compute ${SERVER_ID} disappeared`));
  });

  test('D2: an action on a compute Nova is still busy with is a 409 saying so, and nothing is sent', async () => {
    // 110
    Object.assign(state.world.server!, { 'OS-EXT-STS:task_state': 'rebooting' });
    const from = f.cloud.requests.length;
    await rejectsWith(
      f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {}),
      409,
      exactly(`cannot stop compute ${SERVER_ID} now: it is busy (ACTIVE (rebooting)); retry when it settles`),
    );
    assert.deepEqual(actionBodies(f, from), []);
  });

  test('D2: a stop Nova refuses (409) is a 409 giving the state read then and Nova\'s words, and is not sent again', async () => {
    // 106
    state.twists.refuse = ['os-stop'];
    const from = f.cloud.requests.length;
    await rejectsWith(
      f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {}),
      409,
      exactly(`cannot stop compute ${SERVER_ID} now (ACTIVE): Cannot 'os-stop' instance ${SERVER_ID} while it is in vm_state stopped`),
    );
    assert.deepEqual(actionBodies(f, from), [{ 'os-stop': null }]);
  });

  test('a compute deleted when Nova refuses the action is a 404 naming it', async () => {
    // 99
    Object.assign(state.world.server!, { status: 'SHUTOFF' });
    state.twists.refuse = ['os-start'];
    state.twists.vanishOnRefusal = true;
    await rejectsWith(f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_START, {}), 404, exactly(`compute ${SERVER_ID} not found`));
  });
});

describe('openstack compute actions: the state remembered from the last action or read', () => {
  let state = fresh();
  const f = onFakeCloud(twisted(() => state), 1500, () => (state = fresh()));

  test('R88: a start right after a stop asks Nova without reading the compute again', async () => {
    // 1
    await act(f, I.COMPUTE_STOP);
    const from = f.cloud.requests.length;
    const { entity } = await act(f, I.COMPUTE_START);
    assert.equal(reads(f, from, firstAction(f, from)), 0);
    assert.equal(stateOf(entity), 'active');
  });

  test('R88: a suspend right after a read asks Nova without reading the compute again', async () => {
    // 24 28 30 31
    await f.backend.get(f.c, 'compute', SERVER_ID);
    const from = f.cloud.requests.length;
    await act(f, I.COMPUTE_SUSPEND);
    assert.equal(reads(f, from, firstAction(f, from)), 0);
  });

  test('R88: a stop, or a save of a compute just stopped, reads the compute first however recently it was seen (Nova does not check them as OCCI does)', async () => {
    // 20 21
    await f.backend.get(f.c, 'compute', SERVER_ID);
    let from = f.cloud.requests.length;
    await act(f, I.COMPUTE_STOP);
    assert.equal(reads(f, from, firstAction(f, from)), 1);
    from = f.cloud.requests.length;
    await act(f, I.COMPUTE_SAVE, { name: 'nightly' });
    assert.equal(reads(f, from, firstAction(f, from)), 1);
  });

  test('R81: a suspend of a compute last seen suspended reads it again before refusing (409)', async () => {
    // 29
    Object.assign(state.world.server!, { status: 'SUSPENDED' });
    await f.backend.get(f.c, 'compute', SERVER_ID);
    const from = f.cloud.requests.length;
    await rejectsWith(act(f, I.COMPUTE_SUSPEND), 409);
    assert.equal(reads(f, from), 1);
  });

  test('D2: a start Nova refuses while the compute is still as remembered is a 409 in words, not sent twice', async () => {
    // 102 104
    Object.assign(state.world.server!, { status: 'SHUTOFF' });
    await f.backend.get(f.c, 'compute', SERVER_ID);
    state.twists.refuse = ['os-start'];
    const from = f.cloud.requests.length;
    await rejectsWith(
      act(f, I.COMPUTE_START),
      409,
      exactly(`cannot start compute ${SERVER_ID} now (SHUTOFF): Cannot 'os-start' instance ${SERVER_ID} while it is in vm_state stopped`),
    );
    assert.deepEqual(actionBodies(f, from), [{ 'os-start': null }]);
  });
});

describe('openstack compute actions: what changed meanwhile', () => {
  let state = fresh();
  const f = onFakeCloud(twisted(() => state), 1000, () => (state = fresh()));

  test('D2: a stop Nova refuses is a 409 even if the compute is suspended by then: the state it was read in is not replaced by a guess', async () => {
    // 79
    state.twists.refuse = ['os-stop'];
    state.twists.afterRefusal = 'SUSPENDED';
    const from = f.cloud.requests.length;
    await rejectsWith(
      f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {}),
      409,
      exactly(`cannot stop compute ${SERVER_ID} now (SUSPENDED): Cannot 'os-stop' instance ${SERVER_ID} while it is in vm_state stopped`),
    );
    assert.deepEqual(actionBodies(f, from), [{ 'os-stop': null }]);
  });

  test('R88: a stop Nova has not finished by the deadline is not remembered: the next start reads the compute and finds it busy', async () => {
    // 92
    state.twists.stopHangs = true;
    const stopped = await act(f, I.COMPUTE_STOP);
    assert.equal(stateOf(stopped.entity), 'inactive');
    const from = f.cloud.requests.length;
    await rejectsWith(act(f, I.COMPUTE_START), 409, /it is busy/);
    assert.equal(reads(f, from), 1);
  });
});

describe('openstack compute actions: settled', () => {
  it('R88: a server with no task in a status the action does not end in is not settled (stopped, waiting for ACTIVE)', () => {
    // 217
    assert.equal(isSettled({ id: 's', name: 'vm', status: 'SHUTOFF' }, ['ACTIVE']), false);
    assert.equal(isSettled({ id: 's', name: 'vm', status: 'ERROR' }, ['ACTIVE']), true);
  });
});

describe('Synnefo compute actions', () => {
  let h: Harness;
  before(async () => {
    h = await harness('0.20', { backend: { timeoutMs: 1500 } });
  });
  after(() => h.close());

  test('a shutdown waits until Cyclades shows the compute STOPPED, then stops asking', async () => {
    // 2
    const vm = await h.running({ size: DRBD });
    const from = h.standin.requests.length;
    const { entity } = await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_STOP, {});
    assert.equal(stateOf(entity), 'inactive');
    const polls = readsAfterAction(h.standin, from, vm.id);
    assert.ok(polls <= 2, `${polls} reads after the shutdown`);
  });

  test('R81: start on a running compute is refused listing only what Synnefo can do now (no suspend, no save)', async () => {
    // 113
    const vm = await h.running({ size: DRBD });
    await rejectsWith(h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_START, {}), 409, exactly(`cannot start compute ${vm.id} while it is active (ACTIVE); allowed now: stop, restart`));
  });
});
