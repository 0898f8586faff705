// How a collection is read from the backend (spec §3.6, §3.9; R112–R118,
// D28): what each query asks for, when a source is counted, when paging
// through a backend stops, and how views are handed on — work proportional to
// the answer, and never a batch with nothing in it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { typeId, type Mixin } from '../../src/model/category.js';
import { COMPUTE, COMPUTE_START, LINK, NETWORK, RESOURCE, STORAGE } from '../../src/model/infrastructure.js';
import { Catalog } from '../../src/operations/catalog.js';
import { allMembers, collect, membersOfRecords, VIEW_BATCH } from '../../src/operations/collection-pages.js';
import { planCollection } from '../../src/operations/collection-plan.js';
import { filterFrom, list, NO_FILTER, type CollectionOwner } from '../../src/operations/collections.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create } from '../../src/operations/entities.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { Backend, EntityRecord, ListQuery, ResourceRecord } from '../../src/port/backend.js';
import type { EntityView } from '../../src/rendering/document.js';
import { BASE, entityPayload, KIND, openWorld, payload, type World } from './world.js';

const BLUE = { scheme: 'http://me.example/tags#', term: 'blue', title: null, location: '/tags/blue/' };
const RED = { scheme: 'http://me.example/tags#', term: 'red', title: null, location: '/tags/red/' };
const BLUE_ID = BLUE.scheme + BLUE.term;
const RED_ID = RED.scheme + RED.term;

/** A backend that records every list query (and may change the answers). */
function listing(world: World, answer?: (q: ListQuery, got: Awaited<ReturnType<Backend['list']>>) => Awaited<ReturnType<Backend['list']>>) {
  const queries: ListQuery[] = [];
  const backend: Backend = Object.create(world.cloud, {
    list: {
      value: async (c: never, q: ListQuery) => {
        queries.push(q);
        if (queries.length > 50) throw new Error(`still listing after 50 queries; the last: ${JSON.stringify(q)}`);
        const got = await world.cloud.list(c, q);
        return answer ? answer(q, got) : got;
      },
    },
  });
  return { backend, queries };
}

async function batchesOf(r: OcciResult): Promise<EntityView[][]> {
  assert.equal(r.type, 'entities');
  const out: EntityView[][] = [];
  for await (const b of (r as Extract<OcciResult, { type: 'entities' }>).batches) out.push(b);
  return out;
}

describe('reading collections from the backend', () => {
  let world: World;
  let ctx: OcciContext;
  const computes: string[] = [];
  let nic = '';
  const COUNT = VIEW_BATCH + 5;

  before(async () => {
    world = await openWorld();
    await world.store.add(world.alice.tenant, [BLUE, RED]);
    ctx = await world.context();
    for (let i = 0; i < COUNT; i++) {
      const links = i === 0 ? [{ categories: [], target: '/network/public', attributes: {} }] : [];
      const r = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], attributes: { 'occi.core.title': `vm${i}` }, links }));
      computes.push((r as { views: EntityView[] }).views[0]!.location.split('/').pop()!);
    }
    nic = ((await world.cloud.get(world.alice, 'compute', computes[0]!)) as ResourceRecord).links[0]!.id;
    // blue: computes 0–2; red: computes 2–4.
    await world.store.associate(world.alice.tenant, BLUE_ID, computes.slice(0, 3).map((id) => ({ kind: 'compute' as const, id })));
    await world.store.associate(world.alice.tenant, RED_ID, computes.slice(2, 5).map((id) => ({ kind: 'compute' as const, id })));
  });
  after(() => world.close());

  test('a page full before the last source asks the next one for one ref only: whether more follow (R116)', async () => {
    const { backend, queries } = listing(world);
    const c = { ...(await world.context({ listing: 'entities' })), backend };
    const r = await list(c, { type: 'kind', kind: RESOURCE }, NO_FILTER, { page: 1, number: COUNT });
    assert.equal((await batchesOf(r)).flat().length, COUNT);
    assert.deepEqual(
      queries.map((q) => [q.kind, q.detail, q.page?.limit]),
      [
        ['compute', 'records', COUNT],
        ['network', 'refs', 1],
        ['storage', 'refs', 1],
      ],
    );
  });

  test('a source whose backend gives no total is counted only when the page starts past it (R118)', async () => {
    const { backend, queries } = listing(world, (_q, got) => ({ items: got.items, more: got.more, ...(got.next === undefined ? {} : { next: got.next }) }));
    const c = { ...ctx, backend };
    const counts = () => queries.filter((q) => !q.page).map((q) => q.kind);
    await list(c, { type: 'kind', kind: LINK }, NO_FILTER, { page: 1, number: 5 });
    assert.deepEqual(counts(), [], 'from the start, an empty source needs no count');
    await list(c, { type: 'kind', kind: COMPUTE }, NO_FILTER, { page: 2, number: 1 });
    assert.deepEqual(counts(), [], 'a source the page starts inside needs no count');
    await list(c, { type: 'kind', kind: RESOURCE }, NO_FILTER, { page: COUNT + 1, number: 1 });
    assert.deepEqual(counts(), ['compute'], 'a source the page starts past is counted, once');
  });

  test('paging through a backend stops when it says no more follow, or gives no place to go on from', async () => {
    const plan = await planCollection(ctx, { type: 'kind', kind: COMPUTE }, NO_FILTER);
    for (const [what, change] of [
      ['more without a next', (got: { items: unknown[] }) => ({ items: got.items.slice(0, 1), more: true })],
      ['a next without more', (got: { items: unknown[] }) => ({ items: got.items.slice(0, 1), more: false, next: 'zzz' })],
    ] as const) {
      const { backend, queries } = listing(world, (_q, got) => change(got) as never);
      const members = await collect(allMembers({ ...ctx, backend }, plan));
      assert.equal(members.length, 1, what);
      assert.equal(queries.length, 1, `${what}: one query`);
    }
  });

  test('a batch the filter leaves empty is not handed on', async () => {
    const plan = await planCollection(ctx, { type: 'kind', kind: COMPUTE }, filterFrom(ctx, payload({ attributes: { 'occi.core.id': 'urn:uuid:none-has-this-id' } })));
    assert.ok(plan.residual, 'an id is tested on the views');
    const records = (await world.cloud.list(world.alice, { kind: 'compute', detail: 'records' })).items as EntityRecord[];
    const batches = [];
    for await (const b of membersOfRecords(ctx, plan, records)) batches.push(b);
    assert.deepEqual(batches, []);
  });

  test('a listing of whole entities the views must filter reads the backend only as its batches are taken', async () => {
    const { backend, queries } = listing(world);
    const c = { ...(await world.context({ listing: 'entities' })), backend };
    const byId = filterFrom(c, payload({ attributes: { 'occi.core.id': `urn:uuid:${computes[1]}` } }));
    const r = await list(c, { type: 'kind', kind: COMPUTE }, byId, undefined);
    assert.equal(queries.length, 0, 'nothing read before the writer asks');
    assert.deepEqual((await batchesOf(r)).flat().map((v) => v.location), [`${BASE}/compute/${computes[1]}`]);
    assert.ok(queries.length > 0);
  });

  test('a page the views filter, of whole entities: views in batches of 25, each once, and none empty (R116)', async () => {
    const c = await world.context({ listing: 'entities' });
    const byViews = filterFrom(c, payload({ categories: [{ scheme: COMPUTE_START.scheme, term: 'start', class: 'action' }] }));
    const none = await list(c, { type: 'kind', kind: COMPUTE }, byViews, { page: 1, number: COUNT });
    assert.deepEqual(await batchesOf(none), [], 'building computes offer no start: no batch at all');
    world.settle();
    const all = await list(c, { type: 'kind', kind: COMPUTE }, filterFrom(c, payload({ categories: [{ scheme: 'http://schemas.ogf.org/occi/infrastructure/compute/action#', term: 'stop', class: 'action' }] })), { page: 1, number: COUNT });
    assert.equal(all.type, 'entities', 'a page of whole entities stays whole entities');
    const batches = await batchesOf(all);
    assert.deepEqual(batches.map((b) => b.length), [VIEW_BATCH, COUNT - VIEW_BATCH]);
    assert.deepEqual(new Set(batches.flat().map((v) => v.location)).size, COUNT, 'each once');
  });

  test('filtered by a second user mixin, a mixin\'s collection holds the members of both (R113)', async () => {
    const blue = ctx.catalog.mixinById(BLUE_ID)!;
    const red = ctx.catalog.mixinById(RED_ID)!;
    const both = await list(ctx, { type: 'mixin', mixin: blue }, { categories: [red], attributes: [] }, undefined);
    assert.deepEqual(both.type === 'collection' && both.locations, [`${BASE}/compute/${computes[2]}`]);
    await world.store.associate(world.alice.tenant, BLUE_ID, [{ kind: 'networkinterface', id: nic }]);
    await world.store.associate(world.alice.tenant, RED_ID, [{ kind: 'networkinterface', id: 'another-nic' }]);
    const plan = await planCollection(ctx, { type: 'mixin', mixin: blue }, { categories: [red], attributes: [] });
    assert.deepEqual(plan.sources.map((s) => [s.kind, s.ids]), [['compute', [computes[2]]]], 'a kind none of whose members has both (the links) is not asked at all');
    await world.store.dissociate(world.alice.tenant, BLUE_ID, [{ kind: 'networkinterface', id: nic }]);
    await world.store.dissociate(world.alice.tenant, RED_ID, [{ kind: 'networkinterface', id: 'another-nic' }]);
  });

  test('a provider mixin in the filter goes into the backend query; an action, to the views (R113)', async () => {
    const os = ctx.catalog.mixins.find((m) => m.origin === 'provider')!;
    const byOs = await planCollection(ctx, { type: 'kind', kind: COMPUTE }, { categories: [os], attributes: [] });
    assert.deepEqual(byOs.sources, [{ kind: 'compute', mixins: [typeId(os)] }]);
    assert.equal(byOs.residual, undefined, 'the backend applies it: it pages too');
    const byAction = await planCollection(ctx, { type: 'kind', kind: COMPUTE }, { categories: [COMPUTE_START], attributes: [] });
    assert.deepEqual(byAction.sources, [{ kind: 'compute', mixins: [] }]);
    assert.deepEqual(byAction.residual, { categories: [COMPUTE_START], attributes: [] });
  });

  test('a provider mixin\'s collection asks every kind it applies to: all of them when it names none', async () => {
    const mixin = (term: string, applies: Mixin['applies']): Mixin => ({
      class: 'mixin', scheme: 'http://provider.example/extra#', term, attributes: new Map(), depends: [], applies, actions: [], location: `/extra/${term}/`, origin: 'provider',
    });
    const anywhere = mixin('anywhere', []);
    const twoKinds = mixin('two', [NETWORK, STORAGE]);
    const c = { ...ctx, catalog: new Catalog([anywhere, twoKinds], []) };
    const kinds = async (m: Mixin) => (await planCollection(c, { type: 'mixin', mixin: m } as CollectionOwner, NO_FILTER)).sources.map((s) => s.kind);
    assert.deepEqual(await kinds(anywhere), ['compute', 'network', 'storage', 'networkinterface', 'storagelink']);
    assert.deepEqual(await kinds(twoKinds), ['network', 'storage']);
  });
});
