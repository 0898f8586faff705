// The catalogue at its edges (spec §1.10, §3.4; R18, R28, D17, D39): what a
// cached catalogue costs and is counted as, when a recheck reads the store,
// a title changed by another replica, and the words of an unknown category
// when its term is known under another class or scheme, or is close to two.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { estimateBytes } from '../../src/lru.js';
import { metrics } from '../../src/metrics.js';
import { CatalogCache } from '../../src/operations/catalog-cache.js';
import { userMixin } from '../../src/operations/user-mixins.js';
import type { Store } from '../../src/store/store.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';
import { INFRA, openWorld, refusal, type World } from './world.js';

const MINE = 'http://me.example/tags#';
const row = (term: string, title: string | null = null) => ({ scheme: MINE, term, title, location: `/tags/${term}/` });

describe('the catalogue cache', () => {
  let world: World;
  before(async () => {
    world = await openWorld();
  });
  after(() => world.close());

  test('its lookups are counted under the name "catalog" in /metrics', async () => {
    await metrics.enable();
    const cache = new CatalogCache(world.cloud, new UserMixinStore(undefined));
    const hits = async () => Number(/snf_occi_cache_hits_total\{cache="catalog"\} (\d+)/.exec((await metrics.render()).body)?.[1] ?? 0);
    const before = await hits();
    await cache.get(world.alice);
    await cache.get(world.alice);
    assert.equal((await hits()) - before, 1, 'the second get is a hit');
  });

  test('an entry costs the estimate of its mixins and 256 bytes per category for the indexes', async () => {
    const store = new UserMixinStore(undefined);
    const cache = new CatalogCache(world.cloud, store);
    await store.add(world.alice.tenant, [row('long', 't'.repeat(2000))]);
    const catalog = await cache.get(world.alice);
    const p = await world.cloud.providerMixins(world.alice);
    const users = (await store.list(world.alice.tenant)).map(userMixin);
    assert.equal(cache.usage.entries, 1);
    // Mixins made afresh here share fewer objects than the cache's own: the estimate may differ by a few bytes, never by a category's 256.
    const expected = estimateBytes([[...p.os, ...p.resource, ...p.other], users]) + catalog.all.length * 256;
    assert.ok(Math.abs(cache.usage.bytes - expected) < 256, `${cache.usage.bytes} bytes, expected about ${expected}`);
    assert.ok(cache.usage.bytes > 4000 + catalog.all.length * 256, 'the 2,000-character title is counted');
    await store.close();
  });

  test('a store no other process writes is never read again by a recheck: its versions are exact', async () => {
    const store = new UserMixinStore(undefined);
    let lists = 0;
    const counted = Object.create(store, { list: { value: (t: string) => (lists++, store.list(t)) } }) as Store;
    const cache = new CatalogCache(world.cloud, counted);
    const catalog = await cache.get(world.alice);
    assert.equal(lists, 1);
    assert.equal(await cache.recheck(world.alice, catalog), catalog);
    assert.equal(lists, 1, 'the recheck read nothing');
    await store.close();
  });

  test('with a shared store, a title another replica changed is a new catalogue', async () => {
    const store = new UserMixinStore(undefined);
    const shared = Object.create(store, { shared: { value: true } }) as UserMixinStore;
    const cache = new CatalogCache(world.cloud, shared);
    await store.add(world.alice.tenant, [row('blue', 'Old')]);
    const one = await cache.get(world.alice);
    await store.remove(world.alice.tenant, MINE, 'blue');
    await store.add(world.alice.tenant, [row('blue', 'New')]);
    const two = await cache.recheck(world.alice, one);
    assert.equal(two.resolve({ scheme: MINE, term: 'blue' })?.title, 'New');
    await store.close();
  });
});

describe('unknown categories: what they are called here', () => {
  let world: World;
  before(async () => {
    world = await openWorld();
    await world.store.add(world.alice.tenant, [row('compute'), row('blue1'), row('blue2')]);
  });
  after(() => world.close());

  test('a known term under another scheme names every category of that term, of the class asked for (D17)', async () => {
    const ctx = await world.context();
    assert.throws(() => ctx.catalog.require({ scheme: 'http://other.example/#', term: 'compute' }), refusal(400, `compute here is ${INFRA}compute or ${MINE}compute; send that scheme, or none`));
    assert.throws(() => ctx.catalog.require({ scheme: 'http://other.example/#', term: 'compute', class: 'mixin' }), refusal(400, `compute here is ${MINE}compute; send that scheme, or none`));
    assert.throws(() => ctx.catalog.require({ scheme: 'http://other.example/#', term: 'compute', class: 'action' }), (e: unknown) => {
      refusal(400, 'unknown category http://other.example/#compute')(e);
      assert.ok(!(e as Error).message.includes('here is'), (e as Error).message);
      return true;
    });
  });

  test('a term close to two names both', async () => {
    const ctx = await world.context();
    assert.throws(() => ctx.catalog.require({ scheme: MINE, term: 'blue' }), refusal(400, 'did you mean blue1 or blue2?'));
  });
});
