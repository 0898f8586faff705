// The SQLite store answers mixinsOfEach for a listing's batch (100 entities
// of a kind or more) from the kind's memberships read whole and kept: the
// answers must be those of one probe per entity (batches under 100), in
// association order, after every kind of change, and with more memberships
// than it keeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitTypeId } from '../../src/model/category.js';
import type { Member } from '../../src/store/store.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';
import { freshTenant, row, typeIdOf } from './contract.js';

const computes = (n: number, from = 0): Member[] => Array.from({ length: n }, (_, i) => ({ kind: 'compute', id: `c${from + i}` }));

/** The answer for `entities` one probe per entity: asked in batches too small for a whole read. */
async function probed(store: UserMixinStore, tenant: string, entities: Member[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const e of entities) {
    for (const [key, mixins] of await store.mixinsOfEach(tenant, [e])) out.set(key, [...(out.get(key) ?? []), ...mixins]);
  }
  return out;
}

const sorted = (m: Map<string, string[]>): Array<[string, string[]]> => [...m].sort((a, b) => a[0].localeCompare(b[0]));

async function assertSame(store: UserMixinStore, tenant: string, entities: Member[]): Promise<Map<string, string[]>> {
  const whole = await store.mixinsOfEach(tenant, entities);
  assert.deepEqual(sorted(whole), sorted(await probed(store, tenant, entities)));
  return whole;
}

describe('SQLite store, user mixins of a listing batch', () => {
  it('answers as one probe per entity would, in association order, and follows every change', async () => {
    const store = new UserMixinStore(undefined);
    const t = freshTenant();
    await store.add(t, [row('a'), row('b'), row('c')]);
    const [a, b, c] = [typeIdOf('a'), typeIdOf('b'), typeIdOf('c')];
    await store.associate(t, b, computes(1)); // c0: b before a
    await store.associate(t, a, computes(300).filter((_, i) => i % 3 === 0));
    await store.associate(t, b, computes(300).filter((_, i) => i % 5 === 0));
    await store.associate(t, c, [{ kind: 'storage', id: 'c3' }]); // another kind, same id
    const batch = [...computes(200), { kind: 'storage', id: 'c3' }, { kind: 'compute', id: 'c3' }];
    let got = await assertSame(store, t, batch);
    assert.deepEqual(got.get('compute/c0'), [b, a]);
    assert.deepEqual(got.get('compute/c3'), [a, a], 'an entity asked twice is answered twice, as the probes do');
    assert.deepEqual(got.get('storage/c3'), [c]);
    assert.equal(got.get('compute/c1'), undefined);

    // The answers are copies: what a caller does with them does not change the next answer.
    got.get('compute/c0')!.push('x');
    assert.deepEqual((await store.mixinsOfEach(t, computes(200))).get('compute/c0'), [b, a]);

    const changes: Array<() => Promise<unknown>> = [
      () => store.associate(t, c, computes(2, 1)),
      () => store.dissociate(t, a, [{ kind: 'compute', id: 'c3' }]),
      () => store.forget(t, 'compute', 'c6'),
      () => store.associate(t, a, computes(1), true),
      () => store.remove(t, splitTypeId(b).scheme, splitTypeId(b).term),
    ];
    for (const change of changes) {
      await change();
      got = await assertSame(store, t, batch);
    }
    assert.deepEqual(got.get('compute/c0'), [a]);
    assert.deepEqual(got.get('compute/c1'), [c]);
    assert.equal(got.get('compute/c6'), undefined);
    await store.close();
  });

  it('keeps what it read whole apart by tenant and by kind', async () => {
    const store = new UserMixinStore(undefined);
    const [t1, t2] = [freshTenant(), freshTenant()];
    await store.add(t1, [row('a')]);
    await store.add(t2, [row('b')]);
    // The same ids and the same number of changes for both tenants, of both kinds for the first.
    await store.associate(t1, typeIdOf('a'), computes(150));
    await store.associate(t2, typeIdOf('b'), computes(150));
    const storages = computes(150).map((m) => ({ ...m, kind: 'storage' }));
    assert.deepEqual((await store.mixinsOfEach(t1, computes(150))).get('compute/c7'), [typeIdOf('a')]);
    assert.deepEqual((await store.mixinsOfEach(t2, computes(150))).get('compute/c7'), [typeIdOf('b')]);
    assert.equal((await store.mixinsOfEach(t1, storages)).size, 0, 'no storage of the first tenant is tagged');
    await assertSame(store, t1, computes(150));
    await assertSame(store, t2, computes(150));
    await store.close();
  });

  it('probes each entity when the kind has more memberships than it keeps for the batch', async () => {
    const store = new UserMixinStore(undefined);
    const t = freshTenant();
    await store.add(t, [row('a')]);
    await store.associate(t, typeIdOf('a'), computes(1200));
    for (const batch of [computes(100), computes(150, 1100), computes(120)]) {
      const got = await assertSame(store, t, batch);
      assert.equal(got.size, batch.filter((m) => Number(m.id.slice(1)) < 1200).length);
    }
    await store.close();
  });
});
