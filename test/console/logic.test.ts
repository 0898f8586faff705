// The console's logic that needs no browser: the poller's backoff and its
// pause in a hidden tab (on a stand-in document and mocked timers, so nothing
// depends on the clock), and the graph's layout.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { Entity } from '../../src/client/index.js';
import { layout } from '../../src/console/graph-layout.js';
import { Poller } from '../../src/console/poller.js';

class FakeDocument extends EventTarget {
  hidden = false;
  show(hidden: boolean): void {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('poller', () => {
  let doc: FakeDocument;
  beforeEach(() => {
    doc = new FakeDocument();
    (globalThis as { document?: unknown }).document = doc;
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => {
    mock.timers.reset();
    delete (globalThis as { document?: unknown }).document;
  });

  /** Lets the poller's awaited tick settle. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  test('polls quickly while something changes, backs off while nothing does, up to the maximum', async () => {
    let changing = true;
    let ticks = 0;
    const p = new Poller(
      async () => {
        ticks++;
        return changing;
      },
      { minMs: 1000, maxMs: 4000, factor: 2 },
    );
    p.start();
    await settle();
    assert.equal(ticks, 1, 'the first poll is at once');
    assert.equal(p.nextMs, 1000);
    changing = false;
    const intervals: number[] = [];
    for (let i = 0; i < 4; i++) {
      mock.timers.tick(p.nextMs);
      await settle();
      intervals.push(p.nextMs);
    }
    assert.equal(ticks, 5);
    assert.deepEqual(intervals, [2000, 4000, 4000, 4000], 'doubling, capped at the maximum');
    p.kick();
    await settle();
    assert.equal(ticks, 6, 'a kick polls at once');
    assert.equal(p.nextMs, 2000, 'and starts the backoff again from the minimum');
    p.stop();
  });

  test('stops polling in a hidden tab and catches up when it is shown', async () => {
    let ticks = 0;
    const p = new Poller(
      async () => {
        ticks++;
        return true;
      },
      { minMs: 1000 },
    );
    p.start();
    await settle();
    doc.show(true);
    mock.timers.tick(1000);
    await settle();
    assert.equal(ticks, 1, 'the poll already scheduled finds the tab hidden: no request, nothing scheduled');
    mock.timers.tick(60_000);
    await settle();
    assert.equal(ticks, 1, 'nothing while hidden');
    doc.show(false);
    await settle();
    assert.equal(ticks, 2, 'shown again: polls at once');
    p.stop();
    mock.timers.tick(60_000);
    await settle();
    assert.equal(ticks, 2, 'nothing after stop');
  });
});

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

function entity(kind: string, id: string, state: string, links: Entity['links'] = []): Entity {
  return { location: `http://h/${kind}/${id}`, id, kind: `${INFRA}${kind}`, mixins: [], title: id, attributes: { [`occi.${kind}.state`]: state }, actions: [], links };
}

function link(kind: string, source: string, target: string, attributes: Record<string, string> = {}): Entity['links'][number] {
  return { ...entity(kind, `${source}-${target}`, 'active'), source: `http://h/compute/${source}`, target, attributes: { [`occi.${kind}.state`]: 'active', ...attributes } };
}

test('graph layout: networks above, computes, storage below; edges for links between known nodes; rows ordered to cross less', () => {
  const netA = entity('network', 'a-net', 'active');
  const netB = entity('network', 'b-net', 'inactive');
  const disk = entity('storage', 'disk', 'online');
  const c1 = entity('compute', 'c1', 'active', [link('networkinterface', 'c1', netB.location, { 'occi.networkinterface.address': '10.0.0.2' }), link('storagelink', 'c1', disk.location, { 'occi.storagelink.deviceid': '/dev/vdb' })]);
  const c2 = entity('compute', 'c2', 'waiting', [link('networkinterface', 'c2', netA.location), link('networkinterface', 'c2', 'http://elsewhere/network/x')]);
  const g = layout([c1, c2], [netB, netA], [disk]);
  const at = new Map(g.nodes.map((n) => [n.title, n]));
  assert.deepEqual(
    g.nodes.map((n) => [n.kind, n.title, n.state]),
    [
      ['network', 'a-net', 'active'],
      ['network', 'b-net', 'inactive'],
      ['compute', 'c2', 'waiting'],
      ['compute', 'c1', 'active'],
      ['storage', 'disk', 'online'],
    ],
  );
  assert.ok(at.get('a-net')!.y < at.get('c1')!.y && at.get('c1')!.y < at.get('disk')!.y);
  assert.ok(at.get('c2')!.x < at.get('c1')!.x, 'c2 sits under a-net, c1 under b-net: no crossing');
  assert.deepEqual(
    g.edges.map((e) => [e.kind, e.source.split('/').pop(), e.target.split('/').pop(), e.label]),
    [
      ['networkinterface', 'c1', 'b-net', '10.0.0.2'],
      ['storagelink', 'c1', 'disk', '/dev/vdb'],
      ['networkinterface', 'c2', 'a-net', undefined],
    ],
    'the link to a network not listed is left out',
  );
  assert.ok(g.width >= Math.max(...g.nodes.map((n) => n.x)));
  assert.deepEqual(layout([], [], []).nodes, []);
});
