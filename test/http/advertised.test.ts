// The model tells the truth (R56, R57, R81, spec §2.2–2.4 diagrams): for every
// kind and every state the embedded cloud can reach, the actions a rendering
// advertises are exactly those the server then runs; every other action of
// the kind is refused with 409 (or 403 where nobody may act, the shared
// network); a compute reaches error through a failing image. The error states
// of networks and storage, which the embedded cloud never enters, and the
// OpenStack backend's extension are checked on the model's table.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { typeId, type Kind } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { applicableActions, occi11Value, statesOf } from '../../src/model/lifecycle.js';
import { OPENSTACK_LIFECYCLE } from '../../src/backends/openstack/mapping/status.js';
import { eventually, INFRA, pathOf, startServer, type TestServer } from '../helpers/server.js';

const JSON_IO = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };

/** The spec's diagrams, written out independently of src/model/lifecycle.ts (D21 recovery from error included). */
const DIAGRAMS: Record<string, Record<string, string[]>> = {
  compute: {
    active: ['stop', 'restart', 'suspend', 'save'],
    inactive: ['start'],
    suspended: ['start'],
    error: ['start', 'restart'],
  },
  network: { active: ['down'], inactive: ['up'], error: ['up'] },
  storage: { online: ['offline', 'backup', 'snapshot', 'resize'], offline: ['online'], error: ['online'] },
};

const KINDS: Record<string, Kind> = { compute: I.COMPUTE, network: I.NETWORK, storage: I.STORAGE };
const terms = (actions: readonly { term: string }[]): string[] => actions.map((a) => a.term).sort();

describe('the state machines are the spec\'s diagrams (spec §2.2–2.4, D21)', () => {
  for (const [name, diagram] of Object.entries(DIAGRAMS)) {
    test(`${name}: every state offers exactly the diagram's actions`, () => {
      const kind = KINDS[name]!;
      assert.deepEqual(statesOf(kind).sort(), Object.keys(diagram).sort());
      for (const [state, expected] of Object.entries(diagram)) assert.deepEqual(terms(applicableActions(kind, state)), expected.sort(), `${name} ${state}`);
      assert.deepEqual(applicableActions(kind, 'no-such-state'), []);
    });
  }

  test('OpenStack adds what Nova and Cinder run beyond them, and only that (docs/openstack.md)', () => {
    assert.deepEqual(terms(applicableActions(I.COMPUTE, 'suspended', OPENSTACK_LIFECYCLE)), ['start', 'stop']);
    assert.deepEqual(terms(applicableActions(I.COMPUTE, 'inactive', OPENSTACK_LIFECYCLE)), ['save', 'start']);
    assert.deepEqual(terms(applicableActions(I.STORAGE, 'offline', OPENSTACK_LIFECYCLE)), ['online', 'resize']);
    assert.deepEqual(terms(applicableActions(I.COMPUTE, 'active', OPENSTACK_LIFECYCLE)), DIAGRAMS.compute!.active!.slice().sort());
  });
});

describe('state values inside the enums (R91, D31)', () => {
  test('every state of the machines is in its attribute\'s 1.2 enum', () => {
    for (const kind of [I.COMPUTE, I.NETWORK, I.STORAGE]) {
      const def = [...kind.attributes.values()].find((d) => d.name.endsWith('.state'))!;
      assert.deepEqual(statesOf(kind).sort(), [...def.enum!].sort(), kind.term);
    }
  });

  test('OCCI/1.1 clients see the 1.1 value where 1.2 added error', () => {
    assert.equal(occi11Value('occi.compute.state', 'error'), 'inactive');
    assert.equal(occi11Value('occi.storage.state', 'error'), 'degraded');
    assert.equal(occi11Value('occi.networkinterface.state', 'error'), 'inactive');
    assert.equal(occi11Value('occi.compute.state', 'suspended'), 'suspended');
    assert.equal(occi11Value('occi.compute.state.message', 'error'), 'error');
  });
});

describe('advertised actions == allowed actions, for every kind × reachable state (embedded cloud)', () => {
  let s: TestServer;
  // Short transitions: this table creates some forty entities and walks each to its state.
  // A compute of the CentOS image fails to boot, which is how the embedded cloud reaches error.
  before(async () => (s = await startServer((c) => {
    c.local.bootMs = 20;
    c.local.actionMs = 20;
    c.local.failingImages = ['CentOS'];
  })));
  after(() => s.close());

  const get = async (path: string): Promise<{ state: string; actions: string[] }> => {
    const j = (await s.request('GET', path, { headers: JSON_IO })).json();
    const state = j.attributes[`occi.${j.kind.split('#')[1]}.state`];
    return { state, actions: (j.actions ?? []).map((a: string) => a.split('#')[1]).sort() };
  };

  /** Waits until the entity rests in `state`: at rest, a state of the diagram offers at least one action. */
  async function settle(path: string, state: string): Promise<void> {
    const seen = await eventually(() => get(path), (v) => v.state === state && v.actions.length > 0);
    assert.equal(seen.state, state, `${path} never rested in ${state}: last seen ${JSON.stringify(seen)}`);
    assert.ok(seen.actions.length > 0, `${path} still busy in ${state}`);
  }

  async function act(path: string, kind: Kind, term: string): Promise<number> {
    const action = kind.actions.find((a) => a.term === term)!;
    const attributes = term === 'resize' ? { size: 20 } : {};
    const r = await s.request('POST', `${path}?action=${term}`, { headers: JSON_IO, body: JSON.stringify({ action: typeId(action), attributes }) });
    return r.status;
  }

  const CREATE: Record<string, object> = {
    compute: { kind: `${INFRA}compute` },
    network: { kind: `${INFRA}network` },
    storage: { kind: `${INFRA}storage`, attributes: { 'occi.storage.size': 1 } },
  };
  /** How to bring a new entity to each state: its resting state after creation, then actions. */
  const ROUTES: Record<string, Record<string, string[]>> = {
    compute: { active: [], inactive: ['stop'], suspended: ['suspend'], error: [] },
    network: { active: [], inactive: ['down'] },
    storage: { online: [], offline: ['offline'] },
  };
  const REACHED: Record<string, string> = { stop: 'inactive', suspend: 'suspended', down: 'inactive', offline: 'offline' };

  async function inState(name: string, state: string): Promise<string> {
    const failing = name === 'compute' && state === 'error';
    const body = failing ? { ...CREATE.compute, mixins: ['http://schemas.snf-occi.org/occi/os_tpl#CentOS'] } : CREATE[name];
    const r = await s.request('POST', `/${name}/`, { headers: JSON_IO, body: JSON.stringify(body) });
    assert.equal(r.status, 201, r.body);
    const path = pathOf(r.headers.location!);
    await settle(path, failing ? 'error' : Object.keys(ROUTES[name]!)[0]!);
    for (const term of ROUTES[name]![state]!) {
      assert.equal(await act(path, KINDS[name]!, term), 200, `${term} on the way to ${state}`);
      await settle(path, REACHED[term]!);
    }
    return path;
  }

  for (const [name, routes] of Object.entries(ROUTES)) {
    for (const state of Object.keys(routes)) {
      test(`${name} ${state}: advertises the diagram's actions, runs each of them, refuses the others with 409`, async () => {
        const kind = KINDS[name]!;
        assert.deepEqual((await get(await inState(name, state))).actions, DIAGRAMS[name]![state]!.slice().sort());
        for (const action of kind.actions) {
          const status = await act(await inState(name, state), kind, action.term);
          const advertised = DIAGRAMS[name]![state]!.includes(action.term);
          assert.equal(status, advertised ? 200 : 409, `${action.term} on a ${state} ${name}`);
        }
      });
    }
  }

  test('the shared public network advertises nothing and refuses down (403: nobody may) and up (409: it is up)', async () => {
    assert.deepEqual(await get('/network/public'), { state: 'active', actions: [] });
    assert.equal(await act('/network/public', I.NETWORK, 'down'), 403);
    assert.equal(await act('/network/public', I.NETWORK, 'up'), 409);
  });
});
