// What an action reads before it acts (issue 7): the server only, its links
// read while Nova acts; right after an action settled or a GET read the
// compute, the state seen then, where Nova checks the next action again
// itself. A remembered state never makes a refusal wrong (Nova's 409 is said
// from the state read then), nor is it seen by another project. Against the
// fake cloud (fake-f.world.ts), whose Nova refuses os-stop, os-start, suspend
// and resume outside their vm_states as Nova does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RECENT_STATE_MS, RecentStates } from '../../src/backends/openstack/caches/recent-states.js';
import type { Cloud } from '../../src/backends/openstack/cloud.js';
import type { NovaServer } from '../../src/backends/openstack/clients/nova.js';
import * as I from '../../src/model/infrastructure.js';
import type { ResourceRecord } from '../../src/port/backend.js';
import { rejectsWith, stateOf } from '../backends/contract.js';
import { onFakeOpenStack } from './fake-backend.js';
import { SERVER_ID } from './fake-world.js';

describe('openstack compute actions read as little as they can before acting', () => {
  // Templates cached, as on a server that has been answering.
  const f = onFakeOpenStack(5000, (x) => x.backend.providerMixins(x.c).then(() => undefined));

  const SERVER = `/compute/v2.1/servers/${SERVER_ID}`;
  const calls = (since: number, token = 'tok') =>
    f.cloud.requests.slice(since).filter((r) => r.headers['x-auth-token'] === token).map((r) => `${r.method} ${r.path.split('?')[0]!}`);
  const sent = (since: number) => f.cloud.requests.slice(since).filter((r) => r.path === `${SERVER}/action`).map((r) => Object.keys(r.body as object)[0]);
  /** An action as the HTTP layer runs it: read for the action, then act on that record. */
  const run = async (action: (typeof I.COMPUTE.actions)[number], who = f.c) => {
    const record = await f.backend.get(who, 'compute', SERVER_ID, { action: action.term });
    if (!record) throw new Error(`compute ${SERVER_ID} not found`);
    return { record, outcome: await f.backend.action(who, 'compute', SERVER_ID, action, {}, record) };
  };

  test('before acting only the server is read; its links are read while Nova acts and are in the answer', async () => {
    const from = f.cloud.requests.length;
    const record = await f.backend.get(f.c, 'compute', SERVER_ID, { action: 'stop' });
    assert.deepEqual(calls(from), [`GET ${SERVER}`], 'one call before the action');
    assert.equal(stateOf(record), 'active');
    const { outcome } = await run(I.COMPUTE_STOP);
    assert.equal(stateOf(outcome.entity), 'inactive');
    assert.ok((outcome.entity as ResourceRecord).links.some((l) => l.kind === 'networkinterface'), 'the answer shows the network interface');
    assert.deepEqual(sent(from), ['os-stop']);
  });

  test('a start right after a stop settled is checked against the state the stop saw: no read before Nova is asked', async () => {
    await run(I.COMPUTE_STOP);
    const from = f.cloud.requests.length;
    const record = await f.backend.get(f.c, 'compute', SERVER_ID, { action: 'start' });
    assert.deepEqual(calls(from), [], 'no call: the state is the one the stop saw settle');
    assert.equal(stateOf(record), 'inactive');
    const outcome = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_START, {}, record!);
    assert.equal(stateOf(outcome.entity), 'active');
    assert.equal(calls(from).filter((q) => q.includes(SERVER))[0], `POST ${SERVER}/action`, 'the server is not read before Nova is asked to start it');
  });

  test('a start right after a GET that saw the server stopped is checked against what the GET read: no read before Nova is asked', async () => {
    await run(I.COMPUTE_STOP);
    await f.backend.get(f.c, 'compute', SERVER_ID, { action: 'start' }); // the stop's own state, used up
    await f.backend.get(f.c, 'compute', SERVER_ID); // the client looks before it acts
    const from = f.cloud.requests.length;
    const { outcome } = await run(I.COMPUTE_START);
    assert.equal(calls(from).filter((q) => q.includes(SERVER))[0], `POST ${SERVER}/action`, 'the server is not read again before Nova is asked');
    assert.equal(stateOf(outcome.entity), 'active');
  });

  test('a GET that saw a task under way is not kept: the action reads the server', async () => {
    await run(I.COMPUTE_STOP);
    await f.backend.get(f.c, 'compute', SERVER_ID, { action: 'start' }); // the stop's own state, used up
    Object.assign(f.world.server!, { 'OS-EXT-STS:task_state': 'powering-on' });
    await f.backend.get(f.c, 'compute', SERVER_ID);
    Object.assign(f.world.server!, { 'OS-EXT-STS:task_state': null });
    const from = f.cloud.requests.length;
    const { outcome } = await run(I.COMPUTE_START);
    assert.deepEqual(calls(from).filter((q) => q.includes(SERVER)).slice(0, 2), [`GET ${SERVER}`, `POST ${SERVER}/action`], 'read, then asked');
    assert.equal(stateOf(outcome.entity), 'active');
  });

  test('a stop after a GET still reads the server (Nova would stop a server in error)', async () => {
    await f.backend.get(f.c, 'compute', SERVER_ID);
    Object.assign(f.world.server!, { status: 'ERROR' });
    await rejectsWith(run(I.COMPUTE_STOP), 409, /while it is error \(ERROR\); allowed now: start, restart/);
    assert.equal(f.world.server!.status, 'ERROR');
  });

  test('when the server changed since (another client started it), Nova refuses and the 409 says its state now and what is allowed', async () => {
    await run(I.COMPUTE_STOP);
    Object.assign(f.world.server!, { status: 'ACTIVE' }); // started by another client, straight through Nova
    const from = f.cloud.requests.length;
    await rejectsWith(run(I.COMPUTE_START), 409, new RegExp(`^cannot start compute ${SERVER_ID} while it is active \\(ACTIVE\\); allowed now: stop, restart, suspend, save$`));
    assert.deepEqual(sent(from), ['os-start'], 'only the start Nova refused was sent');
    assert.equal(f.world.server!.status, 'ACTIVE');
    assert.equal(f.world.server!['OS-EXT-STS:task_state'], null, 'nothing is under way: nothing was half done');
  });

  test('when the server changed to a state that allows the action, it runs from that state (a suspended server is resumed)', async () => {
    await run(I.COMPUTE_STOP);
    Object.assign(f.world.server!, { status: 'SUSPENDED' });
    const from = f.cloud.requests.length;
    const { outcome } = await run(I.COMPUTE_START);
    assert.deepEqual(sent(from), ['os-start', 'resume']);
    assert.equal(stateOf(outcome.entity), 'active');
  });

  test('an action the state read now does not allow is refused before Nova is asked', async () => {
    const from = f.cloud.requests.length;
    await rejectsWith(run(I.COMPUTE_START), 409, /^cannot start compute \S+ while it is active \(ACTIVE\); allowed now: stop, restart, suspend, save$/);
    await run(I.COMPUTE_STOP);
    await rejectsWith(run(I.COMPUTE_SUSPEND), 409, /^cannot suspend compute \S+ while it is inactive \(SHUTOFF\); allowed now: start, save$/);
    assert.deepEqual(sent(from), ['os-stop']);
  });

  test("a stop is never let through on a remembered state (Nova would stop a server in error, OCCI does not): it reads the server", async () => {
    await run(I.COMPUTE_STOP);
    await run(I.COMPUTE_START);
    Object.assign(f.world.server!, { status: 'ERROR' });
    await rejectsWith(run(I.COMPUTE_STOP), 409, /while it is error \(ERROR\); allowed now: start, restart/);
    assert.equal(f.world.server!.status, 'ERROR');
  });

  test("another project never sees the state this project's action saw: it reads the server with its own token", async () => {
    await run(I.COMPUTE_STOP);
    const other = await f.backend.authenticate({ token: 'tok2' });
    assert.notEqual(other.tenant, f.c.tenant);
    const from = f.cloud.requests.length;
    await f.backend.get(other, 'compute', SERVER_ID, { action: 'start' });
    assert.equal(calls(from, 'tok2').filter((q) => q.includes(SERVER))[0], `GET ${SERVER}`, 'read with its own token');
    const mine = f.cloud.requests.length;
    await f.backend.get(f.c, 'compute', SERVER_ID, { action: 'start' });
    assert.deepEqual(calls(mine), [], 'this project still has it');
  });
});

describe('recent compute states', () => {
  const cloudOf = (project: string) => ({ scopeKey: `${project}|http://nova` }) as unknown as Cloud;
  const server = (id: string) => ({ id, status: 'SHUTOFF' }) as NovaServer;

  test('are kept for a few seconds, used once, per project, and bounded in number', () => {
    let now = 0;
    const recent = new RecentStates(2, RECENT_STATE_MS, () => now);
    recent.remember(cloudOf('p1'), server('a'));
    assert.equal(recent.take(cloudOf('p2'), 'a'), undefined, 'another project: nothing');
    assert.equal(recent.take(cloudOf('p1'), 'a')?.status, 'SHUTOFF');
    assert.equal(recent.take(cloudOf('p1'), 'a'), undefined, 'used once');
    recent.remember(cloudOf('p1'), server('a'));
    now = RECENT_STATE_MS;
    assert.equal(recent.take(cloudOf('p1'), 'a'), undefined, 'no longer recent');
    for (const id of ['a', 'b', 'c']) recent.remember(cloudOf('p1'), server(id));
    assert.equal(recent.take(cloudOf('p1'), 'a'), undefined, 'the oldest went first');
    assert.ok(recent.take(cloudOf('p1'), 'c'));
  });
});
