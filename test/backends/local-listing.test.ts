// How the embedded cloud answers list queries: ids alone when refs are asked,
// pages cut in SQL (right, stable under deletions, last and past-the-end
// pages), filters SQL cannot apply still exact, and reads that write nothing
// even when a transition is due (the database's data_version stays put).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Credentials, EntityRef, ResourceRecord } from '../../src/port/backend.js';
import { DATABASE_FILE, type LocalCloud, openLocalCloud } from '../../src/backends/local/index.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function open(memory: boolean, clock = { t: 1_700_000_000_000 }): { cloud: LocalCloud; dir: string; clock: { t: number } } {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-listing-'));
  dirs.push(dir);
  const cloud = openLocalCloud({ dataDir: dir, memory, tokens: [{ token: 'alice-secret-token-0123456789abcdef', tenant: 'alice' }], now: () => clock.t, bootMs: 3000, actionMs: 1000 });
  return { cloud, dir, clock };
}

const ids = (items: readonly EntityRef[]): string[] => items.map((r) => r.id);

describe('local cloud: list queries', () => {
  const { cloud } = open(true);
  let alice: Credentials;
  let made: ResourceRecord[] = [];
  const COUNT = 230;

  before(async () => {
    alice = await cloud.authenticate({ token: 'alice-secret-token-0123456789abcdef' });
    for (let i = 0; i < COUNT; i++) {
      const cores = i % 3 === 0 ? 2 : 1;
      made.push(await cloud.createResource(alice, { kind: 'compute', mixins: [], attributes: { 'occi.core.title': `vm-${i}`, 'occi.compute.cores': cores }, links: [] }));
    }
  });
  after(() => cloud.close());

  it('answers refs with kind and id only: no record is built', async () => {
    const l = await cloud.list(alice, { kind: 'compute', detail: 'refs' });
    assert.equal(l.items.length, COUNT);
    for (const r of l.items) assert.deepEqual(Object.keys(r).sort(), ['id', 'kind']);
    assert.deepEqual(ids(l.items), ids(made), 'creation order');
  });

  it('cuts pages among many: the right slice, the total, the last page, nothing past the end', async () => {
    const all = ids(made);
    const middle = await cloud.list(alice, { kind: 'compute', detail: 'records', page: { offset: 100, limit: 100 } });
    assert.deepEqual(ids(middle.items), all.slice(100, 200));
    assert.equal(middle.total, COUNT);
    assert.equal(middle.more, true);
    const last = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { offset: 200, limit: 100 } });
    assert.deepEqual(ids(last.items), all.slice(200));
    assert.equal(last.more, false);
    assert.equal(last.next, undefined);
    const past = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { offset: 300, limit: 100 } });
    assert.deepEqual(past.items, []);
    assert.equal(past.total, COUNT);
  });

  it('knows the total again after every change', async () => {
    const page = { limit: 10 };
    const before = (await cloud.list(alice, { kind: 'compute', detail: 'refs', page })).total!;
    const vm = await cloud.createResource(alice, { kind: 'compute', mixins: [], attributes: {}, links: [] });
    assert.equal((await cloud.list(alice, { kind: 'compute', detail: 'refs', page })).total, before + 1);
    await cloud.delete(alice, 'compute', vm.id);
    assert.equal((await cloud.list(alice, { kind: 'compute', detail: 'refs', page })).total, before);
  });

  it('continues after a cursor without skipping or repeating when others are deleted meanwhile', async () => {
    const first = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 50 } });
    const before = ids(made);
    const gone = [before[10]!, before[60]!];
    for (const id of gone) await cloud.delete(alice, 'compute', id);
    made = made.filter((m) => !gone.includes(m.id));
    const rest = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 1000, after: first.next! } });
    assert.deepEqual(ids(rest.items), before.slice(50).filter((id) => !gone.includes(id)));
  });

  it('applies filters SQL cannot (derived attributes, mixins) exactly, paging after them', async () => {
    const twoCores = made.filter((m) => m.attributes['occi.compute.cores'] === 2).map((m) => m.id);
    const page = await cloud.list(alice, { kind: 'compute', detail: 'refs', where: [['occi.compute.cores', 2]], page: { offset: 10, limit: 20 } });
    assert.deepEqual(ids(page.items), twoCores.slice(10, 30));
    assert.equal(page.total, twoCores.length);
    const titled = await cloud.list(alice, { kind: 'compute', detail: 'refs', where: [['occi.core.title', 'vm-7'], ['occi.compute.cores', 1]] });
    assert.deepEqual(ids(titled.items), [made.find((m) => m.attributes['occi.core.title'] === 'vm-7')!.id]);
    const image = made[0]!.mixins[0]!;
    const withImage = await cloud.list(alice, { kind: 'compute', detail: 'refs', mixins: [image], page: { limit: 5 } });
    assert.deepEqual(ids(withImage.items), ids(made).slice(0, 5), 'the OS template of every compute');
    assert.deepEqual((await cloud.list(alice, { kind: 'compute', detail: 'refs', mixins: [typeId(I.SSH_KEY)] })).items, [], 'none has an ssh key');
  });
});

describe('local cloud: reads write nothing', () => {
  it('a due transition shows in reads without being written; the next write settles it', async () => {
    const { cloud, dir, clock } = open(false);
    const alice = await cloud.authenticate({ token: 'alice-secret-token-0123456789abcdef' });
    const vm = await cloud.createResource(alice, { kind: 'compute', mixins: [], attributes: {}, links: [] });
    const vol = await cloud.createResource(alice, { kind: 'storage', mixins: [], attributes: { 'occi.storage.size': 1 }, links: [] });
    const link = await cloud.createLink(alice, { kind: 'storagelink', source: { kind: 'compute', id: vm.id }, target: { kind: 'storage', id: vol.id }, mixins: [], attributes: {} });
    clock.t += 5000;
    const probe = new Database(join(dir, DATABASE_FILE), { readonly: true });
    const version = (): number => probe.pragma('data_version', { simple: true }) as number;
    const pending = (): unknown => probe.prepare('SELECT pending_until FROM computes WHERE id = ?').pluck().get(vm.id);
    try {
      const before = version();
      assert.notEqual(pending(), null, 'the boot is still stored as pending');
      const got = await cloud.get(alice, 'compute', vm.id);
      assert.equal(got?.attributes['occi.compute.state'], 'active', 'the read shows the state the boot has reached');
      assert.equal(got && 'busy' in got && got.busy, false);
      assert.equal((await cloud.get(alice, 'storagelink', link.id))?.attributes['occi.storagelink.state'], 'active', 'links follow the state shown');
      const listed = await cloud.list(alice, { kind: 'compute', detail: 'records', where: [['occi.compute.state', 'active']], page: { limit: 10 } });
      assert.deepEqual(ids(listed.items), [vm.id]);
      assert.equal((await cloud.list(alice, { kind: 'storage', detail: 'records' })).items[0]?.attributes['occi.storage.state'], 'online');
      await cloud.list(alice, { kind: 'storagelink', detail: 'records' });
      assert.equal(version(), before, 'no write reached the database');
      assert.notEqual(pending(), null);
      await cloud.action(alice, 'compute', vm.id, I.COMPUTE.actions.find((a) => a.term === 'stop')!, {});
      assert.notEqual(version(), before, 'a write is seen by the probe');
      assert.equal(probe.prepare('SELECT state FROM computes WHERE id = ?').pluck().get(vm.id), 'active', 'the write settled the boot first');
    } finally {
      probe.close();
      await cloud.close();
    }
  });
});
