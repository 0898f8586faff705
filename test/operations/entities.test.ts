// Operations on one entity (spec §3.5; R39–R74, D12, D27): create (one, or a
// collection all or nothing), partial update, full update, delete — on the
// embedded cloud, with the store's tags, and each refusal a 4xx naming what
// to change, leaving nothing half done.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { COMPUTE, NETWORKINTERFACE, RESOURCE, STORAGE, STORAGELINK } from '../../src/model/infrastructure.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create, remove, replace, retrieve, update } from '../../src/operations/entities.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { LinkRecord, ResourceRecord } from '../../src/port/backend.js';
import { emptyPayload, type EntityInput, type EntityView } from '../../src/rendering/document.js';
import { BASE, entityPayload, INFRA, KIND, openWorld, payload, refusal, TAG, TAG_ID, type World } from './world.js';

const RED = { scheme: 'http://me.example/tags#', term: 'red', title: null, location: '/tags/red/' };
const RED_ID = RED.scheme + RED.term;
const BLUE_REF = { scheme: TAG.scheme, term: 'blue' };
const RED_REF = { scheme: RED.scheme, term: 'red' };
const IPNIC = { scheme: 'http://schemas.ogf.org/occi/infrastructure/networkinterface#', term: 'ipnetworkinterface' };
const NIC = (target = '/network/public') => ({ categories: [], target, attributes: {} });

let world: World;
let ctx: OcciContext;
/** A fresh world for each test (hooked per describe, so the files can share one process). */
async function setUp(): Promise<void> {
  world = await openWorld();
  await world.store.add(world.alice.tenant, [TAG, RED]);
  ctx = await world.context();
}
const tearDown = (): void => world.close();

const views = (r: OcciResult): EntityView[] => (r.type === 'created' ? r.views : r.type === 'entity' ? [r.view] : assert.fail(r.type));
const idOf = (v: EntityView) => v.location.split('/').pop()!;
const attr = (v: EntityView, name: string) => v.attributes.find(([n]) => n === name)?.[1];
const get = (kind: 'compute' | 'storage' | 'networkinterface', id: string) => world.cloud.get(world.alice, kind, id);
const computes = async () => (await world.cloud.list(world.alice, { kind: 'compute', detail: 'refs' })).items.length;
async function compute(input: Partial<EntityInput> = {}): Promise<EntityView> {
  return views(await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], ...input })))[0]!;
}

describe('create (R39–R52)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('one entity: made on the cloud, its tags in the store, answered as a view', async () => {
    const v = await compute({ categories: [KIND('compute'), BLUE_REF], attributes: { 'occi.core.title': 'web', 'occi.compute.cores': 2 }, links: [NIC()] });
    assert.equal(v.kind, COMPUTE);
    assert.equal(attr(v, 'occi.core.title'), 'web');
    assert.equal(attr(v, 'occi.compute.cores'), 2);
    assert.equal(v.links.length, 1);
    assert.ok(v.mixins.some((m) => m.term === 'blue'), 'the tag is shown');
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), [{ kind: 'compute', id: idOf(v) }]);
  });

  test('nothing, or more than the batch limit, is a 400 saying what to send', async () => {
    await assert.rejects(create(ctx, COMPUTE, emptyPayload()), refusal(400, `nothing to create: send a rendering with its kind, e.g. Category: compute; scheme="${INFRA}"; class="kind"`));
    const eleven = { ...emptyPayload(), empty: false, entities: Array.from({ length: 11 }, () => ({ categories: [KIND('compute')], attributes: {}, links: [] })) };
    await assert.rejects(create(ctx, COMPUTE, eleven), refusal(400, 'at most 10 entities per request'));
    assert.equal(await computes(), 0);
  });

  test('a collection is created all or nothing: one refused, those made before it are deleted and their tags forgotten (R52)', async () => {
    const good = { categories: [KIND('compute'), BLUE_REF], attributes: {}, links: [] };
    const bad = { categories: [KIND('compute')], attributes: { 'occi.compute.cores': 'many' }, links: [] };
    await assert.rejects(create(ctx, COMPUTE, { ...emptyPayload(), empty: false, entities: [good, good, bad] }), refusal(400, 'occi.compute.cores'));
    assert.equal(await computes(), 0, 'none left');
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), []);
    const made = await create(ctx, COMPUTE, { ...emptyPayload(), empty: false, entities: [good, good] });
    assert.equal(views(made).length, 2);
    assert.equal(await computes(), 2);
  });

  test('a failure to undo is not the client\'s error: the refusal that stopped the batch is what the client hears', async () => {
    const good = { categories: [KIND('compute')], attributes: {}, links: [] };
    const bad = { categories: [KIND('compute')], attributes: { 'occi.compute.cores': 'many' }, links: [] };
    const backend = Object.create(world.cloud, { delete: { value: () => Promise.reject(new Error('the cloud is down')) } });
    await assert.rejects(create({ ...ctx, backend }, COMPUTE, { ...emptyPayload(), empty: false, entities: [good, bad] }), refusal(400, 'occi.compute.cores'));
  });

  test('an entity deleted while it was being tagged keeps no tag (R72)', async () => {
    const backend = Object.create(world.cloud, { get: { value: async () => undefined } });
    await create({ ...ctx, backend }, COMPUTE, entityPayload({ categories: [KIND('compute'), BLUE_REF] }));
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), []);
  });

  test('the kind of the location and of the rendering agree (R42); abstract kinds cannot be created', async () => {
    await assert.rejects(create(ctx, COMPUTE, entityPayload({ categories: [KIND('storage')], attributes: { 'occi.storage.size': 1 } })), refusal(400, `this location holds ${INFRA}compute, but the request names ${INFRA}storage: send it to /storage/`));
    await assert.rejects(create(ctx, RESOURCE, entityPayload({ categories: [KIND('resource')] })), refusal(400, `entities of ${'http://schemas.ogf.org/occi/core#'}resource cannot be created directly; use a concrete kind`));
  });

  test('a kind without a location of its own is named as such', async () => {
    await assert.rejects(create(ctx, COMPUTE, entityPayload({ categories: [{ scheme: 'http://schemas.ogf.org/occi/core#', term: 'entity', class: 'kind' }] })), refusal(400, `this location holds ${INFRA}compute, but the request names http://schemas.ogf.org/occi/core#entity: send it to its own kind location`));
  });

  test('inline links: at most the batch limit, no tags on them, each checked', async () => {
    const many = Array.from({ length: 11 }, () => NIC());
    await assert.rejects(compute({ links: many }), refusal(400, 'at most 10 links per request'));
    await assert.rejects(compute({ links: [{ ...NIC(), categories: [BLUE_REF] }] }), refusal(400, 'associate user mixins with a link after creating it'));
    await assert.rejects(compute({ links: [NIC('/compute/x')] }), refusal(400, 'cannot link to /compute/x'));
    assert.equal(await computes(), 0);
  });

  test('a link on its own: from its kind location, with a source, never with links of its own', async () => {
    const vm = await compute();
    const nic = views(await create(ctx, NETWORKINTERFACE, entityPayload({ categories: [KIND('networkinterface'), BLUE_REF], attributes: { 'occi.core.source': `/compute/${idOf(vm)}`, 'occi.core.target': '/network/public' } })))[0]!;
    assert.equal(nic.kind, NETWORKINTERFACE);
    assert.equal(nic.source?.location, vm.location);
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), [{ kind: 'networkinterface', id: idOf(nic) }], 'a link created on its own may be tagged');
    const json = { categories: [KIND('networkinterface')], attributes: {}, links: [], link: { categories: [], source: vm.location, target: `${BASE}/network/public`, attributes: {} } };
    assert.equal(views(await create(ctx, NETWORKINTERFACE, { ...emptyPayload(), empty: false, entities: [json] }))[0]!.kind, NETWORKINTERFACE, 'JSON: source and target in the link');
    await assert.rejects(create(ctx, NETWORKINTERFACE, entityPayload({ categories: [KIND('networkinterface')], attributes: { 'occi.core.source': `/compute/${idOf(vm)}`, 'occi.core.target': '/network/public' }, links: [NIC()] })), refusal(400, 'a link cannot own links: send its Link structures to the compute it comes from'));
    const disk = await world.cloud.createResource(world.alice, { kind: 'storage', mixins: [], attributes: { 'occi.storage.size': 1 }, links: [] });
    await assert.rejects(
      create(ctx, NETWORKINTERFACE, entityPayload({ categories: [KIND('storagelink')], attributes: { 'occi.core.source': `/compute/${idOf(vm)}`, 'occi.core.target': `/storage/${disk.id}` } })),
      refusal(400, `this location holds ${INFRA}networkinterface, but the request is a storagelink: POST it to /storagelink/`),
    );
    await assert.rejects(create(ctx, STORAGELINK, entityPayload({ categories: [], attributes: { 'occi.core.source': 7 } })), refusal(400, 'attribute occi.core.source must be a string (a URL)'));
  });
});

describe('retrieve and delete (R54, R72–R74)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('an unknown entity is a 404 saying where yours are listed', async () => {
    await assert.rejects(retrieve(ctx, { kind: 'storage', id: 'nope' }), refusal(404, 'no storage nope: it does not exist, or not for you; GET /storage/ lists yours'));
    await assert.rejects(remove(ctx, { kind: 'compute', id: 'nope' }), refusal(404, 'no compute nope'));
    const v = await compute();
    await assert.rejects(retrieve(await world.context({}, world.bob), { kind: 'compute', id: idOf(v) }), refusal(404), "another tenant's is not found");
  });

  test('delete takes the links with it and forgets the tags of both', async () => {
    const v = await compute({ categories: [KIND('compute'), BLUE_REF], links: [NIC()] });
    const nic = v.links[0]!;
    await world.store.associate(world.alice.tenant, RED_ID, [{ kind: 'networkinterface', id: idOf(nic) }]);
    assert.deepEqual(await remove(ctx, { kind: 'compute', id: idOf(v) }), { type: 'ok' });
    assert.equal(await get('compute', idOf(v)), undefined);
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), []);
    assert.deepEqual(await world.store.members(world.alice.tenant, RED_ID), []);
  });
});

describe('partial update: POST on an entity (R61–R65)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('only what is sent changes; a GET sent back changes nothing', async () => {
    const v = await compute({ attributes: { 'occi.core.title': 'a', 'occi.core.summary': 's' }, links: [NIC()] });
    world.settle();
    const loc = { kind: 'compute' as const, id: idOf(v) };
    const after = views(await update(ctx, loc, entityPayload({ attributes: { 'occi.core.title': 'b' } })))[0]!;
    assert.equal(attr(after, 'occi.core.title'), 'b');
    assert.equal(attr(after, 'occi.core.summary'), 's');
    const seen = views(await retrieve(ctx, loc))[0]!;
    const echo: EntityInput = {
      categories: [seen.kind, ...seen.mixins].map((c) => ({ scheme: c.scheme, term: c.term })),
      attributes: Object.fromEntries(seen.attributes),
      links: [...seen.links.map((l) => ({ categories: [], target: l.target!.location, self: l.location, attributes: Object.fromEntries(l.attributes) })), { categories: [], target: `${seen.location}?action=stop`, attributes: {} }],
    };
    const calls: string[] = [];
    const backend = Object.create(world.cloud, {
      update: { value: (...a: Parameters<typeof world.cloud.update>) => (calls.push('update'), world.cloud.update(...a)) },
      createLink: { value: (...a: Parameters<typeof world.cloud.createLink>) => (calls.push('createLink'), world.cloud.createLink(...a)) },
    });
    const same = views(await update({ ...ctx, backend }, loc, { ...emptyPayload(), empty: false, entities: [echo] }))[0]!;
    assert.deepEqual(calls, [], 'nothing asked of the cloud');
    assert.deepEqual(same.attributes, seen.attributes);
    const empty = views(await update({ ...ctx, backend }, loc, payload({})))[0]!;
    assert.deepEqual(empty.attributes, seen.attributes, 'an empty body changes nothing');
    assert.deepEqual(calls, []);
  });

  test('mixins and tags are added; new links are created; the kind never changes (R62)', async () => {
    const v = await compute();
    world.settle();
    const loc = { kind: 'compute' as const, id: idOf(v) };
    const after = views(await update(ctx, loc, entityPayload({ categories: [BLUE_REF, { scheme: 'http://schemas.snf-occi.org/occi/resource_tpl#', term: 'C2R2048D20' }], links: [NIC()] })))[0]!;
    assert.ok(after.mixins.some((m) => m.term === 'blue'));
    assert.ok(after.mixins.some((m) => m.term === 'C2R2048D20'));
    assert.equal(after.links.length, 1, 'the new link is in the answer');
    await assert.rejects(update(ctx, loc, entityPayload({ categories: [KIND('storage')] })), refusal(400, `this location holds ${INFRA}compute, but the request names ${INFRA}storage`));
  });

  test('new links are undone when the update itself is refused (all or nothing)', async () => {
    const v = await compute();
    world.settle();
    const loc = { kind: 'compute' as const, id: idOf(v) };
    const backend = Object.create(world.cloud, { update: { value: () => Promise.reject(Object.assign(new Error('refused by the cloud'), { status: 409 })) } });
    await assert.rejects(update({ ...ctx, backend }, loc, entityPayload({ attributes: { 'occi.core.title': 'x' }, links: [NIC(), NIC()] })), /refused by the cloud/);
    assert.equal(((await get('compute', idOf(v))) as ResourceRecord).links.length, 0, 'no link left');
  });

  test("occi.core.id may be sent only as it is (R144); immutables only unchanged (403)", async () => {
    const v = await compute();
    const loc = { kind: 'compute' as const, id: idOf(v) };
    for (const id of [v.id, idOf(v)]) await update(ctx, loc, entityPayload({ attributes: { 'occi.core.id': id } }));
    await assert.rejects(update(ctx, loc, entityPayload({ attributes: { 'occi.core.id': 'urn:uuid:00000000-0000-0000-0000-000000000000' } })), refusal(403, `attribute occi.core.id is immutable: this entity's is ${v.id}; leave it out, or send that`));
    await assert.rejects(update(ctx, loc, entityPayload({ attributes: { 'occi.compute.state': 'suspended' } })), refusal(403, 'attribute occi.compute.state is immutable'));
  });

  test("a link's ends never move (D27), and a link owns no links (R64)", async () => {
    const v = await compute({ links: [NIC()] });
    const nic = v.links[0]!;
    const loc = { kind: 'networkinterface' as const, id: idOf(nic) };
    const source = new URL(v.location).pathname;
    for (const ends of [{ 'occi.core.source': source, 'occi.core.target': '/network/public' }, { 'occi.core.source': v.location, 'occi.core.target': `${BASE}/network/public` }]) {
      await update(ctx, loc, entityPayload({ attributes: ends }));
    }
    await update(ctx, loc, { ...emptyPayload(), empty: false, entities: [{ categories: [], attributes: {}, links: [], link: { categories: [], source, target: '/network/public', attributes: {} } }] });
    await assert.rejects(update(ctx, loc, entityPayload({ attributes: { 'occi.core.target': '/network/other' } })), refusal(403, 'occi.core.target cannot change after creation: delete the link and create another'));
    await assert.rejects(update(ctx, loc, entityPayload({ attributes: { 'occi.core.source': '/compute/other' } })), refusal(403, 'occi.core.source cannot change after creation'));
    await assert.rejects(update(ctx, loc, { ...emptyPayload(), empty: false, entities: [{ categories: [], attributes: {}, links: [], link: { categories: [], source: '/compute/other', attributes: {} } }] }), refusal(403, 'occi.core.source cannot change'));
    await assert.rejects(update(ctx, loc, entityPayload({ links: [NIC()] })), refusal(400, 'a link cannot own links'));
    const title = views(await update(ctx, loc, entityPayload({ attributes: { 'occi.core.title': 'eth' } })))[0]!;
    assert.equal(attr(title, 'occi.core.title'), 'eth');
  });
});

describe('full update: PUT on an entity (R50, R66–R68)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('PUT at a free URL creates there, never with links (an action link is no link)', async () => {
    const id = '0b6a2b4e-58c6-4bd6-9d0e-4a4e2c1f7a11';
    const loc = { kind: 'storage' as const, id };
    await assert.rejects(replace(ctx, loc, entityPayload({ categories: [KIND('storage')], attributes: { 'occi.storage.size': 1 }, links: [NIC()] })), refusal(400, 'a PUT that creates an entity cannot carry links: create it, then POST its Links to it'));
    const made = await replace(ctx, loc, entityPayload({ categories: [KIND('storage'), BLUE_REF], attributes: { 'occi.storage.size': 1 }, links: [{ categories: [], target: `/storage/${id}?action=online`, attributes: {} }] }));
    assert.equal(made.type, 'created');
    assert.equal(views(made)[0]!.location, `${BASE}/storage/${id}`);
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), [{ kind: 'storage', id }]);
    await assert.rejects(replace(ctx, { kind: 'networkinterface', id: 'mine' }, entityPayload({ categories: [KIND('networkinterface')], attributes: { 'occi.core.target': '/network/public' } })), refusal(400, 'links get their URL from the server: POST the link to /networkinterface/'));
  });

  test('exactly one rendering', async () => {
    await assert.rejects(replace(ctx, { kind: 'storage', id: 'x' }, payload({})), refusal(400, 'PUT needs exactly one full entity rendering'));
    const two = { ...emptyPayload(), empty: false, entities: [{ categories: [KIND('storage')], attributes: {}, links: [] }, { categories: [KIND('storage')], attributes: {}, links: [] }] };
    await assert.rejects(replace(ctx, { kind: 'storage', id: 'x' }, two), refusal(400, 'PUT needs exactly one full entity rendering'));
  });

  test('what is left out is cleared (title, summary, host name …), tags and non-template mixins replaced; templates stay', async () => {
    const v = await compute({ categories: [KIND('compute'), BLUE_REF], attributes: { 'occi.core.title': 't', 'occi.core.summary': 's' } });
    world.settle();
    const loc = { kind: 'compute' as const, id: idOf(v) };
    const after = views(await replace(ctx, loc, entityPayload({ categories: [KIND('compute'), RED_REF] })))[0]!;
    assert.equal(attr(after, 'occi.core.title'), undefined, 'title cleared');
    assert.equal(attr(after, 'occi.core.summary'), undefined, 'summary cleared');
    assert.ok(after.mixins.some((m) => m.term === 'Debian'), 'the OS template stays');
    assert.ok(after.mixins.some((m) => m.term === 'C1R1024D10'), 'the size stays');
    assert.deepEqual(await world.store.mixinsOf(world.alice.tenant, 'compute', idOf(v)), [RED_ID], 'blue dropped, red added');
    const again = views(await replace(ctx, loc, entityPayload({ categories: [KIND('compute'), RED_REF], attributes: { 'occi.core.title': 'back' } })))[0]!;
    assert.equal(attr(again, 'occi.core.title'), 'back');
    assert.deepEqual(await world.store.mixinsOf(world.alice.tenant, 'compute', idOf(v)), [RED_ID]);
  });

  test('a PUT that changes nothing asks nothing of the cloud', async () => {
    const v = await compute({ attributes: { 'occi.core.title': 't' } });
    world.settle();
    const loc = { kind: 'compute' as const, id: idOf(v) };
    const seen = views(await retrieve(ctx, loc))[0]!;
    const calls: string[] = [];
    const backend = Object.create(world.cloud, { update: { value: (...a: Parameters<typeof world.cloud.update>) => (calls.push('update'), world.cloud.update(...a)) } });
    const input = { categories: [seen.kind, ...seen.mixins].map((c) => ({ scheme: c.scheme, term: c.term })), attributes: Object.fromEntries(seen.attributes) };
    await replace({ ...ctx, backend }, loc, entityPayload(input));
    assert.deepEqual(calls, []);
  });

  test("a PUT checks the kind, occi.core.id, a link's ends, and that a link owns no links", async () => {
    const v = await compute({ links: [NIC()] });
    const loc = { kind: 'compute' as const, id: idOf(v) };
    await assert.rejects(replace(ctx, loc, entityPayload({ categories: [KIND('storage')] })), refusal(400, `this location holds ${INFRA}compute, but the request names ${INFRA}storage`));
    await assert.rejects(replace(ctx, loc, entityPayload({ categories: [KIND('compute')], attributes: { 'occi.core.id': 'other' } })), refusal(403, 'attribute occi.core.id is immutable'));
    await assert.rejects(replace(ctx, loc, entityPayload({ categories: [KIND('compute')], links: [NIC()] })), refusal(400, 'a PUT cannot add links'));
    const nic = { kind: 'networkinterface' as const, id: idOf(v.links[0]!) };
    await assert.rejects(replace(ctx, nic, entityPayload({ categories: [KIND('networkinterface'), IPNIC], attributes: { 'occi.core.target': '/network/x' } })), refusal(403, 'occi.core.target cannot change after creation'));
    await assert.rejects(replace(ctx, nic, entityPayload({ categories: [KIND('networkinterface'), IPNIC], links: [NIC()] })), refusal(400, 'a link cannot own links'));
    const kept = views(await replace(ctx, nic, entityPayload({ categories: [KIND('networkinterface'), IPNIC] })))[0]!;
    assert.equal(kept.kind, NETWORKINTERFACE);
    const record = (await get('networkinterface', nic.id)) as LinkRecord;
    assert.equal(record.target.id, 'public');
    assert.ok(STORAGE);
  });
});
