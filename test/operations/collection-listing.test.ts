// Reading collections (spec §3.6, R112–R118, D16, D28): which entities a kind,
// a mixin or an unbound path holds, filters combined with AND, and pages that
// add up to the whole listing — whether the backend cuts them or the
// operation must, because only the views can answer the filter.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { typeId } from '../../src/model/category.js';
import { COMPUTE, COMPUTE_START, LINK, NETWORK, NETWORKINTERFACE, RESOURCE, STORAGE } from '../../src/model/infrastructure.js';
import { FETCH_BATCH, VIEW_BATCH } from '../../src/operations/collection-pages.js';
import { filterFrom, list, matches, NO_FILTER, type CollectionOwner, type Filter, type Page } from '../../src/operations/collections.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create } from '../../src/operations/entities.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { Backend, ListQuery, ResourceRecord } from '../../src/port/backend.js';
import type { EntityView } from '../../src/rendering/document.js';
import { BASE, entityPayload, INFRA, KIND, openWorld, payload, TAG, type World } from './world.js';


/** The locations a result lists, read through every batch. */
async function locations(r: OcciResult): Promise<string[]> {
  if (r.type === 'collection') return r.locations;
  assert.equal(r.type, 'entities');
  const out: string[] = [];
  for await (const batch of (r as Extract<OcciResult, { type: 'entities' }>).batches) out.push(...batch.map((v) => v.location));
  return out;
}

const paging = (r: OcciResult) => ('paging' in r ? r.paging : undefined);

describe('collections of the embedded cloud', () => {
  let world: World;
  const ids = { computes: [] as string[], storages: [] as string[], nic: '' };
  const url = (kind: string, id: string) => `${BASE}/${kind}/${id}`;
  let all: string[];

  before(async () => {
    world = await openWorld();
    const ctx = await world.context();
    await world.store.add(world.alice.tenant, [TAG]);
    for (let i = 0; i < 3; i++) {
      const links = i === 0 ? [{ categories: [], target: '/network/public', attributes: {} }] : [];
      const mixins = i === 1 ? [{ scheme: 'http://schemas.snf-occi.org/occi/os_tpl#', term: 'Ubuntu' }] : [];
      const r = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute'), ...mixins], attributes: { 'occi.core.title': `vm${i}` }, links }));
      ids.computes.push((r as { views: EntityView[] }).views[0]!.location.split('/').pop()!);
    }
    for (let i = 0; i < 2; i++) {
      const r = await create(ctx, STORAGE, entityPayload({ categories: [KIND('storage')], attributes: { 'occi.storage.size': 1, 'occi.core.title': `disk${i}` } }));
      ids.storages.push((r as { views: EntityView[] }).views[0]!.location.split('/').pop()!);
    }
    ids.nic = ((await world.cloud.get(world.alice, 'compute', ids.computes[0]!)) as ResourceRecord).links[0]!.id;
    await world.store.associate(world.alice.tenant, typeId({ scheme: TAG.scheme, term: TAG.term }), [{ kind: 'compute', id: ids.computes[2]! }, { kind: 'storage', id: ids.storages[0]! }]);
    all = [...ids.computes.map((id) => url('compute', id)), url('network', 'public'), ...ids.storages.map((id) => url('storage', id)), url('networkinterface', ids.nic)];
  });
  after(() => world.close());

  const owners = (): Array<[string, CollectionOwner, string[]]> => [
    ['/', { type: 'path', path: '/' }, all],
    ['/compute/', { type: 'kind', kind: COMPUTE }, all.slice(0, 3)],
    ['/resource/', { type: 'kind', kind: RESOURCE }, all.slice(0, 6)],
    ['/link/', { type: 'kind', kind: LINK }, all.slice(6)],
    ['/tags/', { type: 'path', path: '/tags/' }, [all[2]!, all[4]!]],
    ['/templates/os/', { type: 'path', path: '/templates/os/' }, all.slice(0, 3)],
    ['/templates/os/Ubuntu/ (as a path)', { type: 'path', path: '/templates/os/Ubuntu/' }, [all[1]!]],
    ['/s (storage, storagelink, security_group)', { type: 'path', path: '/s' }, all.slice(4, 6)],
    ['/nowhere/', { type: 'path', path: '/nowhere/' }, []],
  ];

  test('a kind holds its own and its sub-kinds\' entities; an unbound path, the union of the collections below it (D28)', async () => {
    for (const listing of ['locations', 'entities'] as const) {
      const ctx = await world.context({ listing });
      for (const [name, owner, expected] of owners()) assert.deepEqual(await locations(await list(ctx, owner, NO_FILTER, undefined)), expected, `${name} (${listing})`);
    }
  });

  test('pages of every size add up to the whole listing, each saying whether more follow and the total', async () => {
    for (const listing of ['locations', 'entities'] as const) {
      const ctx = await world.context({ listing });
      for (const [name, owner, expected] of owners()) {
        for (let number = 1; number <= expected.length + 1; number++) {
          const got: string[] = [];
          for (let page = 1; page <= Math.ceil(expected.length / number) + 1; page++) {
            const r = await list(ctx, owner, NO_FILTER, { page, number });
            const items = await locations(r);
            const at = `${name} page ${page} of ${number} (${listing})`;
            assert.deepEqual(items, expected.slice((page - 1) * number, page * number), at);
            const p = paging(r)!;
            assert.equal(p.page, page, at);
            assert.equal(p.number, number, at);
            assert.equal(p.more, page * number < expected.length, `${at}: more`);
            if (p.total !== undefined) assert.equal(p.total, expected.length, `${at}: total`);
            got.push(...items);
          }
          assert.deepEqual(got, expected, `${name} in pages of ${number} (${listing})`);
        }
      }
    }
  });

  test('a backend that gives no totals: pages still add up (each source counted where the offset passes it), without a total', async () => {
    const counted: string[] = [];
    const noTotals: Backend = Object.create(world.cloud, {
      list: {
        value: async (c: never, q: ListQuery) => {
          if (!q.page) counted.push(q.kind);
          const { total: _dropped, ...rest } = await world.cloud.list(c, q);
          return rest;
        },
      },
    });
    const ctx = { ...(await world.context()), backend: noTotals };
    const root: CollectionOwner = { type: 'path', path: '/' };
    for (let number = 1; number <= all.length; number++) {
      const got: string[] = [];
      for (let page = 1; page <= Math.ceil(all.length / number) + 1; page++) {
        const r = await list(ctx, root, NO_FILTER, { page, number });
        const items = await locations(r);
        assert.deepEqual(items, all.slice((page - 1) * number, page * number), `page ${page} of ${number}`);
        assert.deepEqual(paging(r), { page, number, more: page * number < all.length }, `page ${page} of ${number}`);
        got.push(...items);
      }
      assert.deepEqual(got, all);
    }
    assert.ok(counted.length > 0, 'a source the offset passes whole is counted');
  });

  test('a filter only the views can answer (a link end, an action, an id) is paged in the operation, the same way', async () => {
    for (const listing of ['locations', 'entities'] as const) {
      const ctx = await world.context({ listing });
      const onPublic = filterFrom(ctx, payload({ attributes: { 'occi.core.target': '/network/public' } }));
      assert.deepEqual(onPublic.attributes, [['occi.core.target', `${BASE}/network/public`]], 'a link end given by path is the absolute URL it renders as (D34)');
      assert.deepEqual(await locations(await list(ctx, { type: 'path', path: '/' }, onPublic, undefined)), [all[6]], listing);
      const byId = filterFrom(ctx, payload({ attributes: { 'occi.core.id': `urn:uuid:${ids.computes[1]}` } }));
      assert.deepEqual(await locations(await list(ctx, { type: 'kind', kind: RESOURCE }, byId, undefined)), [all[1]], listing);
      const titled = filterFrom(ctx, payload({ attributes: { 'occi.core.title': 'vm2', 'occi.core.id': `urn:uuid:${ids.computes[2]}` } }));
      assert.deepEqual(await locations(await list(ctx, { type: 'kind', kind: COMPUTE }, titled, undefined)), [all[2]], 'AND of both');
      const startable = filterFrom(ctx, payload({ categories: [{ scheme: COMPUTE_START.scheme, term: 'start' }] }));
      assert.deepEqual(await locations(await list(ctx, { type: 'kind', kind: COMPUTE }, startable, undefined)), [], 'building computes offer no start');
      const resources = filterFrom(ctx, payload({ attributes: { 'occi.core.id': 'public' } }));
      for (let number = 1; number <= 2; number++) {
        const first = await list(ctx, { type: 'path', path: '/' }, resources, { page: 1, number });
        assert.deepEqual(await locations(first), [all[3]]);
        assert.deepEqual(paging(first), { page: 1, number, more: false });
        const second = await list(ctx, { type: 'path', path: '/' }, resources, { page: 2, number });
        assert.deepEqual(await locations(second), []);
        assert.equal(paging(second)!.more, false);
      }
      const anyResource: Filter = { categories: [], attributes: [['occi.core.id', 'nothing']] };
      assert.deepEqual(await locations(await list(ctx, { type: 'path', path: '/' }, anyResource, { page: 1, number: 3 })), []);
      const inactive = await world.context({ listing, occi11: true });
      const states = filterFrom(inactive, payload({ attributes: { 'occi.compute.state': 'inactive' } }));
      const expected = all.slice(0, 3);
      assert.deepEqual(await locations(await list(inactive, { type: 'path', path: '/' }, states, undefined)), expected, 'states an OCCI/1.1 client sees');
      for (let number = 1; number <= expected.length + 1; number++) {
        const got: string[] = [];
        for (let page = 1; page <= Math.ceil(expected.length / number) + 1; page++) {
          const r = await list(inactive, { type: 'path', path: '/' }, states, { page, number });
          const items = await locations(r);
          assert.deepEqual(items, expected.slice((page - 1) * number, page * number), `page ${page} of ${number}`);
          assert.deepEqual(paging(r), { page, number, more: page * number < expected.length }, `page ${page} of ${number}: no total where the operation cuts the page`);
          got.push(...items);
        }
        assert.deepEqual(got, expected);
      }
    }
  });

  test('filters by kind, mixin and attribute narrow the backend\'s query (R112–R114)', async () => {
    const ctx = await world.context();
    const tag = ctx.catalog.mixinById(typeId({ scheme: TAG.scheme, term: TAG.term }))!;
    const ubuntu = ctx.catalog.mixinById('http://schemas.snf-occi.org/occi/os_tpl#Ubuntu')!;
    const f = (categories: Filter['categories'], attributes: Filter['attributes'] = []): Filter => ({ categories, attributes });
    const at = (owner: CollectionOwner, filter: Filter) => list(ctx, owner, filter, undefined).then(locations);
    const root = { type: 'path' as const, path: '/' };
    assert.deepEqual(await at(root, f([STORAGE])), all.slice(4, 6));
    assert.deepEqual(await at(root, f([LINK])), [all[6]]);
    assert.deepEqual(await at(root, f([tag])), [all[2], all[4]], 'a user mixin: its members, from the store');
    assert.deepEqual(await at({ type: 'kind', kind: COMPUTE }, f([tag])), [all[2]]);
    assert.deepEqual(await at({ type: 'mixin', mixin: tag }, f([STORAGE])), [all[4]]);
    assert.deepEqual(await at({ type: 'mixin', mixin: tag }, NO_FILTER), [all[2], all[4]]);
    assert.deepEqual(await at({ type: 'mixin', mixin: tag }, f([tag])), [all[2], all[4]]);
    assert.deepEqual(await at({ type: 'kind', kind: NETWORK }, f([tag])), [], 'no member of that kind');
    assert.deepEqual(await at(root, f([ubuntu])), [all[1]], 'a provider mixin: the backend\'s carriers');
    assert.deepEqual(await at({ type: 'mixin', mixin: ubuntu }, NO_FILTER), [all[1]]);
    assert.deepEqual(await at(root, f([ubuntu, tag])), [], 'both: AND');
    assert.deepEqual(await at(root, f([COMPUTE], [['occi.core.title', 'vm1']])), [all[1]]);
    assert.deepEqual(await at(root, f([], [['occi.core.title', 'disk1']])), [all[5]]);
    assert.deepEqual(await at(root, f([NETWORKINTERFACE, STORAGE])), [], 'two kinds: AND, and no entity is both');
  });

  test('a mixin collection of a user mixin lists its members by kind, resources first', async () => {
    const ctx = await world.context({ listing: 'entities' });
    const tag = ctx.catalog.mixinById(typeId({ scheme: TAG.scheme, term: TAG.term }))!;
    const r = await list(ctx, { type: 'mixin', mixin: tag }, NO_FILTER, undefined);
    assert.equal(r.type, 'entities');
    assert.equal((r as { which: string }).which, 'resources');
  });

  test('what an empty collection renders as: a kind its own (resources or links), others as their sources', async () => {
    const ctx = await world.context({ listing: 'entities' });
    const which = async (owner: CollectionOwner, filter = NO_FILTER) => ((await list(ctx, owner, filter, undefined)) as { which: string }).which;
    assert.equal(await which({ type: 'kind', kind: COMPUTE }), 'resources');
    assert.equal(await which({ type: 'kind', kind: LINK }), 'links');
    assert.equal(await which({ type: 'kind', kind: NETWORKINTERFACE }), 'links');
    assert.equal(await which({ type: 'kind', kind: RESOURCE }), 'resources');
    assert.equal(await which({ type: 'path', path: '/' }), 'mixed');
    assert.equal(await which({ type: 'path', path: '/' }, { categories: [LINK], attributes: [] }), 'links');
    assert.equal(await which({ type: 'path', path: '/' }, { categories: [STORAGE], attributes: [] }), 'resources');
    assert.equal(await which({ type: 'path', path: '/nowhere/' }), 'resources');
    assert.equal(await which({ type: 'path', path: '/mixin/ipnetworkinterface/' }), 'links');
  });
});

describe('what a filter matches', () => {
  const view = (over: Partial<EntityView> = {}): EntityView => ({ kind: COMPUTE, mixins: [], location: '/compute/1', id: '1', attributes: [['occi.core.title', 'a'], ['occi.compute.cores', 2]], actions: [COMPUTE_START], links: [], ...over });
  test('a kind by its chain, a mixin by membership, an action by being applicable now', () => {
    assert.ok(matches(view(), { categories: [COMPUTE], attributes: [] }));
    assert.ok(matches(view(), { categories: [RESOURCE], attributes: [] }));
    assert.ok(!matches(view(), { categories: [LINK], attributes: [] }));
    assert.ok(!matches(view(), { categories: [STORAGE], attributes: [] }));
    assert.ok(matches(view(), { categories: [COMPUTE_START], attributes: [] }));
    assert.ok(!matches(view({ actions: [] }), { categories: [COMPUTE_START], attributes: [] }));
  });
  test('attributes by exact value, in their type; every part must hold', () => {
    assert.ok(matches(view(), { categories: [], attributes: [['occi.compute.cores', 2]] }));
    assert.ok(!matches(view(), { categories: [], attributes: [['occi.compute.cores', '2']] }));
    assert.ok(!matches(view(), { categories: [], attributes: [['occi.compute.memory', 2]] }));
    assert.ok(matches(view(), { categories: [COMPUTE], attributes: [['occi.core.title', 'a'], ['occi.compute.cores', 2]] }));
    assert.ok(!matches(view(), { categories: [COMPUTE], attributes: [['occi.core.title', 'a'], ['occi.compute.cores', 3]] }));
    assert.ok(!matches(view(), { categories: [COMPUTE, STORAGE], attributes: [] }));
    assert.ok(matches(view(), NO_FILTER));
  });
  test('a filter names categories the catalogue knows, or is a 400', async () => {
    const world = await openWorld();
    try {
      const ctx: OcciContext = await world.context();
      assert.deepEqual(filterFrom(ctx, payload({ categories: [{ scheme: INFRA, term: 'compute' }] })).categories, [COMPUTE]);
      assert.throws(() => filterFrom(ctx, payload({ categories: [{ scheme: INFRA, term: 'computer' }] })), /unknown category/);
      const f = filterFrom(ctx, payload({ attributes: { 'occi.core.source': 'http://elsewhere/compute/1', 'occi.core.title': '/not/a/link/end', 'occi.core.target': 7 } }));
      assert.deepEqual(f.attributes, [['occi.core.source', 'http://elsewhere/compute/1'], ['occi.core.title', '/not/a/link/end'], ['occi.core.target', 7]], 'only link ends given by path are made absolute');
    } finally {
      world.close();
    }
  });
});

describe('reading a large collection', () => {
  test(`records are read ${FETCH_BATCH} at a time, and views handed on at most ${VIEW_BATCH} at a time`, async () => {
    const world = await openWorld();
    try {
      const ctx = await world.context({ listing: 'entities' });
      const count = FETCH_BATCH + VIEW_BATCH + 3;
      for (let i = 0; i < count; i++) await world.cloud.createResource(world.alice, { kind: 'storage', mixins: [], attributes: { 'occi.storage.size': 1 }, links: [] });
      const asked: Array<ListQuery['page']> = [];
      const spy: Backend = Object.create(world.cloud, { list: { value: (c: never, q: ListQuery) => (asked.push(q.page), world.cloud.list(c, q)) } });
      const r = await list({ ...ctx, backend: spy }, { type: 'kind', kind: STORAGE }, NO_FILTER, undefined);
      const sizes: number[] = [];
      for await (const batch of (r as Extract<OcciResult, { type: 'entities' }>).batches) sizes.push(batch.length);
      assert.equal(sizes.reduce((a, b) => a + b, 0), count);
      assert.ok(sizes.every((n) => n <= VIEW_BATCH && n > 0), String(sizes));
      assert.equal(sizes[0], VIEW_BATCH);
      assert.equal(asked.length, 2, 'two reads');
      assert.equal(asked[0]!.limit, FETCH_BATCH);
      assert.equal(asked[0]!.after, undefined);
      assert.equal(typeof asked[1]!.after, 'string', 'the second read goes on after the first');
      const page: Page = { page: 2, number: 3 };
      const paged = await list(ctx, { type: 'kind', kind: STORAGE }, NO_FILTER, page);
      assert.equal(paging(paged)!.total, count);
    } finally {
      world.close();
    }
  });
});
