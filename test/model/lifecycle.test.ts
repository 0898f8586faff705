// The state × action table of every kind, written out whole: for each state
// of each machine (and states outside it), every action of the kind is either
// applicable or refused, on the spec's diagrams (spec §2.2–2.4, D21) and with
// the OpenStack extension. A cell that flips fails here by name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Kind } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { applicableActions, isApplicable, stateAttribute, statesOf, type LifecycleExtension } from '../../src/model/lifecycle.js';
import { OPENSTACK_LIFECYCLE } from '../../src/backends/openstack/mapping/status.js';

/** state → the actions that run in it. */
type Table = Record<string, string[]>;

const SPEC: Record<string, Table> = {
  compute: { active: ['stop', 'restart', 'suspend', 'save'], inactive: ['start'], suspended: ['start'], error: ['start', 'restart'] },
  network: { active: ['down'], inactive: ['up'], error: ['up'] },
  storage: { online: ['offline', 'backup', 'snapshot', 'resize'], offline: ['online'], error: ['online'] },
};
const OPENSTACK: Record<string, Table> = {
  compute: { ...SPEC.compute!, inactive: ['start', 'save'], suspended: ['start', 'stop'] },
  network: SPEC.network!,
  storage: { ...SPEC.storage!, offline: ['online', 'resize'] },
};
const KINDS: Record<string, Kind> = { compute: I.COMPUTE, network: I.NETWORK, storage: I.STORAGE };
/** States no machine has, and values that are no state at all. */
const STRANGERS: unknown[] = ['building', 'degraded', 'toString', '__proto__', 'constructor', '', undefined, null, 3];

function walk(extension: LifecycleExtension | undefined, tables: Record<string, Table>): void {
  for (const [name, table] of Object.entries(tables)) {
    const kind = KINDS[name]!;
    for (const [state, allowed] of Object.entries(table)) {
      for (const action of kind.actions) {
        const expected = allowed.includes(action.term);
        test(`${name} ${state} × ${action.term}: ${expected ? 'runs' : 'refused'}`, () => {
          assert.equal(isApplicable(kind, state, action, extension), expected);
          assert.equal(applicableActions(kind, state, extension).includes(action), expected);
        });
      }
      test(`${name} ${state}: the actions come in the kind's own order`, () => {
        const order = kind.actions.map((a) => a.term);
        const got = applicableActions(kind, state, extension).map((a) => a.term);
        assert.deepEqual(got, [...got].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
        assert.deepEqual([...got].sort(), [...allowed].sort());
      });
    }
    test(`${name}: states outside the machine offer nothing`, () => {
      for (const state of STRANGERS) assert.deepEqual(applicableActions(kind, state, extension), [], String(state));
    });
  }
}

describe('state × action, the spec\'s diagrams', () => walk(undefined, SPEC));
describe('state × action, OpenStack (what Nova and Cinder run beyond the diagrams)', () => walk(OPENSTACK_LIFECYCLE, OPENSTACK));

describe('machines', () => {
  test('each stateful kind names its state attribute; links and the core kinds have none', () => {
    assert.equal(stateAttribute(I.COMPUTE), 'occi.compute.state');
    assert.equal(stateAttribute(I.NETWORK), 'occi.network.state');
    assert.equal(stateAttribute(I.STORAGE), 'occi.storage.state');
    assert.equal(stateAttribute(I.NETWORKINTERFACE), undefined);
    assert.equal(stateAttribute(I.STORAGELINK), undefined);
    assert.deepEqual(statesOf(I.NETWORKINTERFACE), []);
  });

  test('an extension adds only to the state it names, and an empty one changes nothing', () => {
    const ext: LifecycleExtension = { compute: { error: [] }, network: { inactive: ['down'] } };
    assert.deepEqual(applicableActions(I.COMPUTE, 'error', ext).map((a) => a.term), ['start', 'restart']);
    assert.deepEqual(applicableActions(I.NETWORK, 'inactive', ext).map((a) => a.term).sort(), ['down', 'up']);
    assert.deepEqual(applicableActions(I.NETWORK, 'active', ext).map((a) => a.term), ['down']);
    assert.deepEqual(applicableActions(I.NETWORKINTERFACE, 'active', ext), []);
  });
});
