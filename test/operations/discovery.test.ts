// The query interface and the catalogue behind it (spec §3.4; R18–R33,
// D6, D17): what GET /-/ lists for a filter, how an unknown category is
// refused (the closest, and where to look), deleting mixins, and a
// catalogue that is rebuilt only when what it was made from changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { typeId, type Category } from '../../src/model/category.js';
import { COMPUTE, COMPUTE_START, COMPUTE_STOP, NETWORK } from '../../src/model/infrastructure.js';
import { osTemplate, resourceTemplate } from '../../src/model/templates.js';
import { Catalog } from '../../src/operations/catalog.js';
import { CatalogCache } from '../../src/operations/catalog-cache.js';
import type { OcciContext } from '../../src/operations/context.js';
import { addMixins, discover, removeMixins } from '../../src/operations/query.js';
import type { Backend, Credentials, ProviderMixins } from '../../src/port/backend.js';
import { emptyPayload, type CategoryRef, type CategoryView } from '../../src/rendering/document.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';
import { BASE, INFRA, openWorld, payload, refusal, type World } from './world.js';

const OS = 'http://schemas.snf-occi.org/occi/os_tpl#';
const filter = (...categories: CategoryRef[]) => payload({ categories });
const ids = (list: CategoryView[]) => list.map((v) => typeId(v.category));

describe('GET /-/ (R18–R27, D6)', () => {
  let world: World;
  let ctx: OcciContext;
  before(async () => {
    world = await openWorld();
    await world.store.add(world.alice.tenant, [{ scheme: 'http://me.example/tags#', term: 'blue', title: 'Blue', location: '/tags/blue/' }]);
    ctx = await world.context();
  });
  after(() => world.close());

  test('no filter: every category, kinds and mixins with absolute locations, actions without', () => {
    const { list } = discover(ctx, emptyPayload());
    assert.equal(list.length, ctx.catalog.all.length);
    const compute = list.find((v) => v.category === COMPUTE)!;
    assert.equal(compute.location, `${BASE}/compute/`);
    assert.equal(list.find((v) => v.category.term === 'blue')!.location, `${BASE}/tags/blue/`);
    const start = list.find((v) => v.category === COMPUTE_START)!;
    assert.equal(start.location, undefined);
    assert.ok(!('location' in start));
  });

  test('a kind: itself and its actions; a mixin family: itself and every member; an action: itself', () => {
    assert.deepEqual(ids(discover(ctx, filter({ scheme: INFRA, term: 'compute' })).list), [COMPUTE, ...COMPUTE.actions].map(typeId).sort((a, b) => order(a) - order(b)));
    const family = ids(discover(ctx, filter({ scheme: '', term: 'os_tpl' })).list);
    assert.deepEqual(family, [`${INFRA}os_tpl`, `${OS}Debian`, `${OS}Ubuntu`, `${OS}CentOS`]);
    assert.deepEqual(ids(discover(ctx, filter({ scheme: COMPUTE_STOP.scheme, term: 'stop' })).list), [typeId(COMPUTE_STOP)]);
    assert.deepEqual(ids(discover(ctx, filter({ scheme: OS, term: 'Debian' })).list), [`${OS}Debian`], 'a member has no dependents');
  });

  test('several filters give their union, in catalogue order; one that matches nothing gives nothing', () => {
    const both = ids(discover(ctx, filter({ scheme: OS, term: 'Debian' }, { scheme: INFRA, term: 'network' })).list);
    assert.deepEqual(both, [typeId(NETWORK), ...NETWORK.actions.map(typeId), `${OS}Debian`].sort((a, b) => order(a) - order(b)));
    assert.deepEqual(discover(ctx, filter({ scheme: 'http://nowhere.example/#', term: 'x' })).list, []);
  });

  test('OCCI/1.1 clients get the named categories only (R27, D6)', async () => {
    const old = await world.context({ occi11: true });
    assert.deepEqual(ids(discover(old, filter({ scheme: INFRA, term: 'compute' })).list), [typeId(COMPUTE)]);
    assert.deepEqual(ids(discover(old, filter({ scheme: '', term: 'os_tpl' })).list), [`${INFRA}os_tpl`]);
  });

  test('POST and DELETE /-/ define and delete the caller\'s own mixins, answering ok', async () => {
    const tag: CategoryRef = { scheme: 'http://me.example/tags#', term: 'green', class: 'mixin', location: '/tags/green/' };
    assert.deepEqual(await addMixins(ctx, filter(tag)), { type: 'ok' });
    assert.deepEqual((await world.store.list(world.alice.tenant)).map((r) => r.term).sort(), ['blue', 'green']);
    const fresh = await world.context();
    assert.deepEqual(await removeMixins(fresh, filter({ scheme: tag.scheme, term: 'green' })), { type: 'ok' });
    assert.deepEqual((await world.store.list(world.alice.tenant)).map((r) => r.term), ['blue']);
    await assert.rejects(removeMixins(fresh, filter()), refusal(400, 'name the mixin to delete with a Category (term and scheme)'));
    await assert.rejects(removeMixins(fresh, filter({ scheme: 'http://me.example/tags#', term: 'nothing' })), refusal(404, 'no mixin http://me.example/tags#nothing'));
    await assert.rejects(removeMixins(fresh, filter({ scheme: INFRA, term: 'compute' })), refusal(403, `${INFRA}compute is defined by the provider and cannot be deleted; only your own mixins can`));
    await assert.rejects(removeMixins(fresh, filter({ scheme: INFRA, term: 'os_tpl' })), refusal(403, 'cannot be deleted'));
    await assert.rejects(removeMixins(fresh, filter({ scheme: OS, term: 'Debian' })), refusal(403, 'cannot be deleted'), 'a provider mixin, with a backend that deletes none');
  });

  test('provider mixins the backend can delete go through it, before any of the caller\'s own', async () => {
    const asked: string[][] = [];
    const backend = Object.create(world.cloud, { deleteMixins: { value: async (_c: Credentials, ms: readonly Category[]) => void asked.push(ms.map(typeId)) } });
    const tagged = await world.context({ backend });
    await removeMixins(tagged, filter({ scheme: OS, term: 'Debian' }, { scheme: 'http://me.example/tags#', term: 'blue' }));
    assert.deepEqual(asked, [[`${OS}Debian`]]);
    assert.deepEqual(await world.store.list(world.alice.tenant), []);
  });

  function order(id: string): number {
    return ctx.catalog.all.findIndex((c) => typeId(c) === id);
  }
});

describe('naming a category that does not exist (D17)', () => {
  const debian = osTemplate({ id: 'd1', term: 'Debian', title: 'Debian 12' });
  const small = resourceTemplate({ id: '42', term: 'C2R2048D20', cores: 2, ramMiB: 2048, diskGB: 20 });
  const catalog = new Catalog([debian, small], []);

  test('a known category under the wrong class says which class it is', () => {
    assert.throws(() => catalog.require({ scheme: INFRA, term: 'compute', class: 'mixin' }), refusal(400, `${INFRA}compute is a kind, not a mixin: send it with class="kind"`));
  });

  test('a known term under a foreign scheme names the scheme to send', () => {
    assert.throws(() => catalog.require({ scheme: 'http://me.example/#', term: 'Debian' }), refusal(400, `unknown category http://me.example/#Debian: Debian here is ${typeId(debian)}; send that scheme, or none`));
    assert.throws(() => catalog.require({ scheme: 'http://me.example/#', term: 'compute', class: 'kind' }), refusal(400, `compute here is ${INFRA}compute`));
  });

  test('a misspelt term: the closest, and where its kind of category is listed', () => {
    assert.throws(() => catalog.require({ scheme: '', term: 'Debain' }), refusal(400, 'unknown category "Debain": did you mean Debian? The OS templates are listed by GET /-/?category=os_tpl'));
    assert.throws(() => catalog.require({ scheme: '', term: 'C2R2048D21' }), refusal(400, 'did you mean C2R2048D20? The resource templates are listed by GET /-/?category=resource_tpl'));
    assert.throws(() => catalog.require({ scheme: '', term: 'computr' }), refusal(400, 'unknown category "computr": did you mean compute? Every category is listed by GET /-/'));
    assert.throws(() => catalog.require({ scheme: '', term: 'zzzzzzzz' }), refusal(400, 'unknown category "zzzzzzzz"; every category is listed by GET /-/'));
    assert.throws(() => catalog.require({ scheme: '', term: 'computr', class: 'mixin' }), refusal(400, 'unknown category "computr"; every category is listed by GET /-/'), 'the closest of another class is no suggestion');
  });

  test('what it quotes back is cut: 200 characters of scheme, 80 of term', () => {
    const scheme = `http://${'s'.repeat(300)}#`;
    const term = 't'.repeat(200);
    assert.throws(() => catalog.require({ scheme, term }), (e: unknown) => refusal(400, `unknown category ${scheme.slice(0, 200)}${term.slice(0, 80)}`)(e) && !(e as Error).message.includes(term.slice(0, 81)));
    assert.throws(() => catalog.require({ scheme: '', term }), (e: unknown) => refusal(400, `unknown category "${term.slice(0, 80)}"`)(e));
  });

  test("two templates with the same cloud id are ambiguous by that id: a 409 naming both", () => {
    const a = osTemplate({ id: 'x1', term: 'Alpha', title: 'Alpha' });
    const b = resourceTemplate({ id: 'x1', term: 'C1R1D1', cores: 1, ramMiB: 1, diskGB: 1 });
    const both = new Catalog([a, b], []);
    assert.throws(() => both.resolve({ scheme: '', term: 'x1' }), refusal(409, `category "x1" is ambiguous: ${typeId(a)}, ${typeId(b)}; give its scheme`));
    assert.throws(() => both.resolve({ scheme: '', term: 'x1', class: 'mixin' }), refusal(409, 'is ambiguous'), 'both are mixins: still ambiguous');
    assert.equal(both.resolve({ scheme: '', term: 'x1', class: 'kind' }), undefined, 'no kind has that id');
  });

  test('categories are indexed by id, term, location and provider id', () => {
    assert.equal(catalog.byTypeId(typeId(debian)), debian);
    assert.equal(catalog.mixinById(typeId(debian)), debian);
    assert.equal(catalog.mixinById(`${INFRA}compute`), undefined, 'a kind is no mixin');
    assert.equal(catalog.atLocation('/compute/'), COMPUTE);
    assert.equal(catalog.atLocation(debian.location), debian);
    assert.equal(catalog.atLocation('/nowhere/'), undefined);
    assert.ok([...catalog.locations()].some(([l, c]) => l === '/compute/' && c === COMPUTE));
    assert.ok(![...catalog.locations()].some(([, c]) => c.class === ('action' as string)), 'actions have no location');
    assert.equal(catalog.resolve({ scheme: '', term: 'd1' }), debian, "the cloud's id names it too");
    assert.equal(catalog.resolve({ scheme: '', term: 'd1', class: 'kind' }), undefined);
    assert.equal(catalog.resolve({ scheme: typeId(debian).replace('Debian', ''), term: 'Debian', class: 'kind' }), undefined, 'an exact id of another class');
    const actions = catalog.actions.map(typeId);
    assert.equal(new Set(actions).size, actions.length, 'each action once');
    assert.ok(actions.includes(typeId(COMPUTE_START)));
  });
});

describe('the catalogue cache', () => {
  const debian = osTemplate({ id: 'd1', term: 'Debian', title: 'Debian 12' });
  const creds: Credentials = { token: 't', tenant: 'alice' };

  function backend(now: boolean): Backend & { answer: ProviderMixins; calls: number } {
    const b = {
      answer: { os: [debian], resource: [], other: [] } as ProviderMixins,
      calls: 0,
      providerMixins: async () => (b.calls++, b.answer),
      ...(now ? { providerMixinsNow: () => b.answer } : {}),
    };
    return b as unknown as Backend & { answer: ProviderMixins; calls: number };
  }

  test('answered at once while nothing changed; not when the templates or the tenant\'s mixins did, nor without a backend that can answer at once', async () => {
    const store = new UserMixinStore(undefined);
    const b = backend(true);
    const cache = new CatalogCache(b, store);
    assert.equal(cache.now(creds), undefined, 'nothing cached yet');
    const first = await cache.get(creds);
    assert.equal(cache.now(creds), first);
    b.answer = { os: [debian], resource: [], other: [] };
    assert.equal(cache.now(creds), undefined, 'another answer: get compares it');
    assert.equal(await cache.get(creds), first, 'the same templates: the same catalogue');
    assert.equal(cache.now(creds), first, 'and the new answer is remembered');
    await store.add(creds.tenant, [{ scheme: 'http://me.example/#', term: 'x', title: null, location: '/x/' }]);
    assert.equal(cache.now(creds), undefined, 'a new definition');
    const second = await cache.get(creds);
    assert.notEqual(second, first);
    assert.ok(second.resolve({ scheme: 'http://me.example/#', term: 'x' }));
    b.answer = { os: [osTemplate({ id: 'u1', term: 'Ubuntu', title: 'Ubuntu' })], resource: [], other: [] };
    const third = await cache.get(creds);
    assert.notEqual(third, second, 'other templates: a new catalogue');
    assert.equal(third.resolve({ scheme: debian.scheme, term: 'Debian' }), undefined);
    assert.equal(new CatalogCache(backend(false), store).now(creds), undefined);
    assert.equal(cache.usage.entries, 1);
    assert.ok(cache.usage.bytes > 0);
    await store.close();
  });

  test('recheck: the same catalogue with a store no other process writes, or when the store holds the same mixins; a new one otherwise', async () => {
    const store = new UserMixinStore(undefined);
    const cache = new CatalogCache(backend(false), store);
    const first = await cache.get(creds);
    assert.equal(await cache.recheck(creds, first), first, 'an exact store: nothing to look at');
    const shared = Object.create(store, { shared: { value: true } }) as UserMixinStore;
    const sharedCache = new CatalogCache(backend(false), shared);
    const one = await sharedCache.get(creds);
    assert.equal(await sharedCache.recheck(creds, one), one, 'nothing changed');
    await store.add(creds.tenant, [{ scheme: 'http://me.example/#', term: 'y', title: 'Y', location: '/y/' }]);
    const two = await sharedCache.recheck(creds, one);
    assert.notEqual(two, one);
    assert.ok(two.resolve({ scheme: 'http://me.example/#', term: 'y' }), 'the mixin another replica defined is found');
    assert.equal(await sharedCache.recheck(creds, two), two);
    assert.notEqual(await sharedCache.recheck(creds, one), two, 'a catalogue that is not the kept one is rebuilt');
    await store.close();
  });
});
