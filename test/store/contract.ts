// The store contract: what every implementation of the Store must do (the
// SQLite one for one process, the PostgreSQL one shared by replicas). Each
// implementation's test file calls storeContract with a way to open a store.
// Every case works in tenants of its own, so a store shared by the cases (or
// by a run before) never gets in the way.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import type { Member, Store, UserMixinRow } from '../../src/store/store.js';

const SCHEME = 'http://example.com/tags#';

export function row(term: string, location = `/tags/${term}/`, title: string | null = null): UserMixinRow {
  return { scheme: SCHEME, term, title, location };
}

export const typeIdOf = (term: string): string => `${SCHEME}${term}`;
const compute = (id: string): Member => ({ kind: 'compute', id });
const network = (id: string): Member => ({ kind: 'network', id });

/** A tenant no other case (nor an earlier run on the same database) uses. */
export const freshTenant = (): string => `t-${randomUUID()}`;

function rejectsWith(p: Promise<unknown>, status: number, message?: RegExp): Promise<void> {
  return assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OcciError, `expected an OcciError, got ${String(e)}`);
    assert.equal(e.status, status, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    it('lists a tenant’s definitions by location, byte order, titles kept, other tenants apart', async () => {
      const [t, other] = [freshTenant(), freshTenant()];
      await store.add(t, [row('b', '/tags/b/', 'Bee'), row('a', '/tags/a/'), row('Z', '/tags/Z/')]);
      await store.add(other, [row('a', '/tags/a/')]);
      assert.deepEqual(await store.list(t), [row('Z', '/tags/Z/'), row('a', '/tags/a/'), row('b', '/tags/b/', 'Bee')]);
      assert.deepEqual(await store.list(other), [row('a')]);
      assert.deepEqual(await store.list(freshTenant()), []);
      const u = freshTenant();
      await store.add(u, [row('a', '/z/'), row('z', '/a/'), row('m', '/m/')]);
      assert.deepEqual((await store.list(u)).map((r) => r.location), ['/a/', '/m/', '/z/'], 'by location, not by name');
    });

    it('answers a clash the caller could not see with 409, storing nothing of the batch (R30)', async () => {
      const t = freshTenant();
      await store.add(t, [row('a')]);
      await rejectsWith(store.add(t, [row('b'), row('c', '/tags/a/')]), 409, /meanwhile/);
      await rejectsWith(store.add(t, [row('a', '/tags/z/')]), 409);
      assert.deepEqual((await store.list(t)).map((r) => r.term), ['a'], 'the batch left nothing behind');
      assert.equal((await store.add(t, [row('b')], 2)).added, true, 'refused batches were not counted against the quota');
    });

    it('stores nothing past the quota, and says how many are defined', async () => {
      const t = freshTenant();
      assert.deepEqual(await store.add(t, [row('a'), row('b')], 3), { added: true, defined: 0 });
      assert.deepEqual(await store.add(t, [row('c'), row('d')], 3), { added: false, defined: 2 });
      assert.deepEqual(await store.add(t, [row('c')], 3), { added: true, defined: 2 });
      await store.remove(t, SCHEME, 'a');
      assert.deepEqual(await store.add(t, [row('d')], 3), { added: true, defined: 2 }, 'a removal frees its place');
      assert.equal((await store.list(t)).length, 3);
    });

    it('lets no two requests at once pass the quota together', async () => {
      const t = freshTenant();
      const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => store.add(t, [row(`m${i}`)], 5)));
      assert.equal(outcomes.filter((o) => o.added).length, 5, JSON.stringify(outcomes));
      assert.equal((await store.list(t)).length, 5);
    });

    it('keeps members in association order, each once, and replaces them all on request (R97)', async () => {
      const t = freshTenant();
      const tag = typeIdOf('web');
      await store.add(t, [row('web')]);
      assert.equal(await store.associate(t, tag, [compute('3'), compute('1')]), true);
      assert.equal(await store.associate(t, tag, [network('n'), compute('3')]), true);
      assert.deepEqual(await store.members(t, tag), [compute('3'), compute('1'), network('n')]);
      assert.equal(await store.associate(t, tag, [compute('9'), compute('1')], true), true);
      assert.deepEqual(await store.members(t, tag), [compute('9'), compute('1')]);
      assert.deepEqual(await store.members(freshTenant(), tag), [], 'memberships are per tenant');
    });

    it('writes no membership for a mixin that is not defined, and drops a removed mixin’s members (R33)', async () => {
      const t = freshTenant();
      assert.equal(await store.associate(t, typeIdOf('nope'), [compute('1')]), false);
      assert.equal(await store.associate(t, typeIdOf('nope'), [compute('1')], true), false);
      assert.deepEqual(await store.mixinsOf(t, 'compute', '1'), []);
      await store.add(t, [row('gone'), row('kept')]);
      await store.associate(t, typeIdOf('gone'), [compute('1')]);
      await store.associate(t, typeIdOf('kept'), [compute('1')]);
      await store.remove(t, SCHEME, 'gone');
      await store.remove(t, SCHEME, 'never-defined');
      assert.deepEqual(await store.members(t, typeIdOf('gone')), []);
      assert.deepEqual(await store.mixinsOf(t, 'compute', '1'), [typeIdOf('kept')]);
      assert.deepEqual((await store.list(t)).map((r) => r.term), ['kept']);
    });

    it('answers the members of any of several mixins once each', async () => {
      const t = freshTenant();
      await store.add(t, [row('a'), row('b')]);
      await store.associate(t, typeIdOf('a'), [compute('1'), compute('2')]);
      await store.associate(t, typeIdOf('b'), [compute('2'), network('n')]);
      const key = (m: Member): string => `${m.kind}/${m.id}`;
      assert.deepEqual((await store.membersOfAny(t, [typeIdOf('a'), typeIdOf('b')])).map(key).sort(), ['compute/1', 'compute/2', 'network/n']);
      assert.deepEqual(await store.membersOfAny(t, []), []);
      assert.deepEqual(await store.membersOfAny(t, [typeIdOf('unknown')]), []);
    });

    it('dissociates some members, and forgets a deleted entity everywhere', async () => {
      const t = freshTenant();
      await store.add(t, [row('a'), row('b')]);
      await store.associate(t, typeIdOf('a'), [compute('1'), compute('2'), compute('3')]);
      await store.associate(t, typeIdOf('b'), [compute('2')]);
      await store.dissociate(t, typeIdOf('a'), [compute('1'), compute('3'), compute('404')]);
      await store.dissociate(t, typeIdOf('a'), []);
      assert.deepEqual(await store.members(t, typeIdOf('a')), [compute('2')]);
      await store.forget(t, 'compute', '2');
      assert.deepEqual(await store.members(t, typeIdOf('a')), []);
      assert.deepEqual(await store.members(t, typeIdOf('b')), []);
    });

    it('answers the mixins of one entity in association order, and of many at once', async () => {
      const t = freshTenant();
      await store.add(t, [row('x'), row('y'), row('z')]);
      await store.associate(t, typeIdOf('y'), [compute('1')]);
      await store.associate(t, typeIdOf('x'), [compute('1'), network('1')]);
      await store.associate(t, typeIdOf('z'), [network('1')]);
      assert.deepEqual(await store.mixinsOf(t, 'compute', '1'), [typeIdOf('y'), typeIdOf('x')]);
      const each = await store.mixinsOfEach(t, [compute('1'), network('1'), compute('untagged'), { kind: 'storage', id: '1' }]);
      assert.deepEqual([...each.entries()].sort(), [
        ['compute/1', [typeIdOf('y'), typeIdOf('x')]],
        ['network/1', [typeIdOf('x'), typeIdOf('z')]],
      ]);
      assert.equal((await store.mixinsOfEach(t, [])).size, 0);
    });

    it('changes a tenant’s version when its definitions change', async () => {
      const t = freshTenant();
      const v0 = store.version(t);
      await store.add(t, [row('a')]);
      const v1 = store.version(t);
      assert.notEqual(v1, v0);
      await store.remove(t, SCHEME, 'a');
      assert.notEqual(store.version(t), v1);
    });

    it('keeps memberships consistent when tagging and removing the mixin race', async () => {
      const t = freshTenant();
      await store.add(t, [row('race')]);
      const tag = typeIdOf('race');
      const work: Array<Promise<unknown>> = Array.from({ length: 16 }, (_, i) => store.associate(t, tag, [compute(`c${i}`), compute(`c${(i + 1) % 16}`)]));
      work.splice(8, 0, store.remove(t, SCHEME, 'race'));
      await Promise.all(work);
      assert.deepEqual(await store.members(t, tag), [], 'no membership outlived its mixin');
      assert.deepEqual(await store.membersOfAny(t, [tag]), []);
    });

    it('takes tagging at once from many requests, overlapping in any order', async () => {
      const t = freshTenant();
      await store.add(t, [row('busy')]);
      const tag = typeIdOf('busy');
      const ids = Array.from({ length: 12 }, (_, i) => compute(`c${i}`));
      const rotate = (k: number): Member[] => [...ids.slice(k), ...ids.slice(0, k)];
      const results = await Promise.all(Array.from({ length: 12 }, (_, k) => store.associate(t, tag, k % 2 ? rotate(k).reverse() : rotate(k))));
      assert.ok(results.every((r) => r === true));
      assert.deepEqual((await store.members(t, tag)).map((m) => m.id).sort(), ids.map((m) => m.id).sort());
    });

    it('is ready while it can serve', async () => {
      assert.equal(await store.readiness(), undefined);
    });
  });
}
