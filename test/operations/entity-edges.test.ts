// One entity at its edges (spec §3.5; R39–R68, D12, D27): exactly the batch
// limits, what a full update (PUT) asks of the cloud — the values it clears,
// the mixins it adds and removes, templates kept — and reads only where they
// are needed: a 404 without tags, a create without tags, an update without
// new links.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { typeId } from '../../src/model/category.js';
import { COMPUTE, NETWORK, NETWORKINTERFACE, STORAGE, STORAGELINK } from '../../src/model/infrastructure.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create, replace, retrieve, update } from '../../src/operations/entities.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { Backend, EntityKindTerm, EntityRecord, UpdateSpec } from '../../src/port/backend.js';
import { type CategoryRef, type EntityInput, type EntityView } from '../../src/rendering/document.js';
import { entityPayload, KIND, openWorld, payload, refusal, type World } from './world.js';

const OS = 'http://schemas.snf-occi.org/occi/os_tpl#';
const RES = 'http://schemas.snf-occi.org/occi/resource_tpl#';
const SSH_KEY = 'http://schemas.ogf.org/occi/infrastructure/credentials#ssh_key';
const IPNIC = 'http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface';
const IPNETWORK: CategoryRef = { scheme: 'http://schemas.ogf.org/occi/infrastructure/network#', term: 'ipnetwork' };
const ref = (id: string): CategoryRef => ({ scheme: id.slice(0, id.indexOf('#') + 1), term: id.slice(id.indexOf('#') + 1) });
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOexample user@host';
const NIC = () => ({ categories: [], target: '/network/public', attributes: {} });

let world: World;
let ctx: OcciContext;
async function setUp(): Promise<void> {
  world = await openWorld();
  ctx = await world.context();
}
const tearDown = (): void => world.close();

const views = (r: OcciResult): EntityView[] => (r.type === 'created' ? r.views : r.type === 'entity' ? [r.view] : assert.fail(r.type));
const idOf = (v: { location: string }) => v.location.split('/').pop()!;
async function make(kind: typeof COMPUTE, input: Partial<EntityInput>): Promise<string> {
  return idOf(views(await create(ctx, kind, entityPayload({ categories: [KIND(kind.term)], ...input })))[0]!);
}

/** The embedded cloud counting reads, and recording updates instead of making them (the record answers). */
function watching(): { backend: Backend; gets: string[]; updates: UpdateSpec[] } {
  const gets: string[] = [];
  const updates: UpdateSpec[] = [];
  const backend: Backend = Object.create(world.cloud, {
    get: { value: (c: never, kind: EntityKindTerm, id: string) => (gets.push(`${kind}/${id}`), world.cloud.get(c, kind, id)) },
    update: { value: async (c: never, kind: EntityKindTerm, id: string, spec: UpdateSpec) => (updates.push(spec), world.cloud.get(c, kind, id)) },
  });
  return { backend, gets, updates };
}
const names = (spec: UpdateSpec) => ({ attributes: spec.attributes, addMixins: spec.addMixins.map(typeId), removeMixins: spec.removeMixins.map(typeId) });

describe('batch limits, exactly (R51)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('as many entities, and as many inline links, as the limit: accepted; one more: refused', async () => {
    const two = { ...ctx, limits: { ...ctx.limits, maxBatch: 2 } };
    const vm = { categories: [KIND('compute')], attributes: {}, links: [] };
    assert.equal(views(await create(two, COMPUTE, payload({ entities: [vm, vm] }))).length, 2);
    await assert.rejects(create(two, COMPUTE, payload({ entities: [vm, vm, vm] })), refusal(400, 'at most 2 entities per request'));
    assert.equal(views(await create(two, COMPUTE, entityPayload({ categories: [KIND('compute')], links: [NIC(), NIC()] })))[0]!.links.length, 2);
    await assert.rejects(create(two, COMPUTE, entityPayload({ categories: [KIND('compute')], links: [NIC(), NIC(), NIC()] })), refusal(400, 'at most 2 links per request'));
  });

  test('a batch refused part way is undone newest first (R52)', async () => {
    const vm = (title: string) => ({ categories: [KIND('compute')], attributes: { 'occi.core.title': title }, links: [] });
    const bad = { categories: [KIND('compute')], attributes: { 'occi.compute.cores': 'many' }, links: [] };
    const order: string[] = [];
    const backend: Backend = Object.create(world.cloud, {
      createResource: { value: async (c: never, spec: never) => { const r = await world.cloud.createResource(c, spec); order.push(r.id); return r; } },
      delete: { value: (c: never, kind: 'compute', id: string) => (order.push(`-${id}`), world.cloud.delete(c, kind, id)) },
    });
    await assert.rejects(create({ ...ctx, backend }, COMPUTE, payload({ entities: [vm('first'), vm('second'), bad] })), refusal(400, 'occi.compute.cores'));
    assert.deepEqual(order, [order[0], order[1], `-${order[1]}`, `-${order[0]}`]);
  });

  test('a resource has no link ends: occi.core.source on a compute is an unknown attribute', async () => {
    await assert.rejects(create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], attributes: { 'occi.core.source': '/compute/x' } })), refusal(400, 'unknown attribute occi.core.source for a compute'));
  });
});

describe('reads only where needed', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('a 404 for an id that never had tags reads the cloud once; creating an untagged entity reads nothing back', async () => {
    const { backend, gets } = watching();
    const c = { ...ctx, backend };
    await assert.rejects(retrieve(c, { kind: 'compute', id: 'never-was' }), refusal(404));
    assert.deepEqual(gets.splice(0), ['compute/never-was']);
    await create(c, COMPUTE, entityPayload({ categories: [KIND('compute')] }));
    assert.deepEqual(gets, []);
  });

  test('a partial update without new links reads the entity once; one with a new link answers it with the link (R61, R104)', async () => {
    const id = await make(COMPUTE, {});
    const { backend, gets } = watching();
    const c = { ...ctx, backend: Object.create(backend, { update: { value: world.cloud.update.bind(world.cloud) } }) as Backend };
    await update(c, { kind: 'compute', id }, entityPayload({ attributes: { 'occi.core.title': 'renamed' } }));
    assert.deepEqual(gets.splice(0), [`compute/${id}`]);
    const v = views(await update(ctx, { kind: 'compute', id }, entityPayload({ links: [NIC()] })))[0]!;
    assert.equal(v.links.length, 1, 'the new link is in the answer');
  });
});

describe('partial update (R61–R65)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('a mixin that does not apply is refused (R45, D3); a mixin the catalogue no longer knows is left alone', async () => {
    const id = await make(COMPUTE, {});
    await assert.rejects(update(ctx, { kind: 'compute', id }, entityPayload({ categories: [IPNETWORK] })), refusal(403));
    const record = (await world.cloud.get(world.alice, 'compute', id))!;
    const backend: Backend = Object.create(world.cloud, { get: { value: async () => ({ ...record, mixins: [...record.mixins, 'http://gone.example/os#retired'] }) } });
    const v = views(await update({ ...ctx, backend }, { kind: 'compute', id }, entityPayload({ attributes: { 'occi.core.title': 'still fine' } })))[0]!;
    assert.ok(!v.mixins.some((m) => m.term === 'retired'));
  });

  test('a link given Link structures in any entity of the body is refused (R64)', async () => {
    const vm = await make(COMPUTE, { links: [NIC()] });
    const nic = ((await world.cloud.get(world.alice, 'compute', vm)) as { links: EntityRecord[] }).links[0]!.id;
    const body = payload({ entities: [{ categories: [], attributes: {}, links: [] }, { categories: [], attributes: {}, links: [NIC()] }] });
    await assert.rejects(update(ctx, { kind: 'networkinterface', id: nic }, body), refusal(400, 'a link cannot own links'));
  });
});

describe('full update (R66–R68)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  async function put(kind: EntityKindTerm, id: string, input: Partial<EntityInput>): Promise<ReturnType<typeof names> | undefined> {
    const { backend, updates } = watching();
    await replace({ ...ctx, backend }, { kind, id }, entityPayload({ categories: [KIND(kind)], ...input }));
    assert.ok(updates.length <= 1);
    return updates[0] && names(updates[0]);
  }

  test('left out, the hostname, a storage link\'s mountpoint and a network\'s label are cleared', async () => {
    const vm = await make(COMPUTE, { attributes: { 'occi.compute.hostname': 'web' } });
    assert.deepEqual(await put('compute', vm, {}), { attributes: { 'occi.compute.hostname': null }, addMixins: [], removeMixins: [] });
    const net = await make(NETWORK, { attributes: { 'occi.network.label': 'blue' } });
    assert.deepEqual((await put('network', net, {}))?.attributes, { 'occi.network.label': null });
    const disk = await make(STORAGE, { attributes: { 'occi.storage.size': 1 } });
    const link = await make(STORAGELINK, { attributes: { 'occi.core.source': `/compute/${vm}`, 'occi.core.target': `/storage/${disk}`, 'occi.storagelink.mountpoint': '/mnt' } });
    assert.deepEqual((await put('storagelink', link, { attributes: { 'occi.core.source': `/compute/${vm}`, 'occi.core.target': `/storage/${disk}` } }))?.attributes, { 'occi.storagelink.mountpoint': null });
  });

  test('mixins left out are removed, but never a template; new ones are added; each kind of change alone is a change', async () => {
    const vm = await make(COMPUTE, { attributes: { 'occi.credentials.ssh.publickey': KEY } });
    const mixins = (await world.cloud.get(world.alice, 'compute', vm))!.mixins;
    assert.deepEqual(mixins, [`${OS}Debian`, `${RES}C1R1024D10`, SSH_KEY]);
    assert.deepEqual(await put('compute', vm, {}), { attributes: {}, addMixins: [], removeMixins: [SSH_KEY] }, 'the key goes; the image and size stay');
    const bigger = ref(`${RES}C2R2048D20`);
    assert.deepEqual(await put('compute', vm, { categories: [KIND('compute'), bigger] }), { attributes: {}, addMixins: [`${RES}C2R2048D20`], removeMixins: [SSH_KEY] }, 'one added and one removed');
    const keepKey = { categories: [KIND('compute'), bigger, ref(SSH_KEY)], attributes: { 'occi.core.title': 'new', 'occi.credentials.ssh.publickey': KEY } };
    assert.deepEqual(await put('compute', vm, keepKey), { attributes: { 'occi.core.title': 'new' }, addMixins: [`${RES}C2R2048D20`], removeMixins: [] }, 'one value and one mixin');
  });

  test('the kind may be left out; a mixin that does not apply is refused (R45); a current mixin\'s attributes are the entity\'s', async () => {
    const vm = await make(COMPUTE, { attributes: { 'occi.compute.hostname': 'web' }, links: [NIC()] });
    assert.equal(await put('compute', vm, { categories: [], attributes: { 'occi.compute.hostname': 'web' } }), undefined, 'nothing changed');
    await assert.rejects(replace(ctx, { kind: 'compute', id: vm }, entityPayload({ categories: [KIND('compute'), IPNETWORK] })), refusal(403));
    const nic = ((await world.cloud.get(world.alice, 'compute', vm)) as { links: EntityRecord[] }).links[0]!;
    const address = nic.attributes['occi.networkinterface.address'];
    const same = { categories: [KIND('networkinterface'), ref(IPNIC)], attributes: { 'occi.networkinterface.address': address!, 'occi.core.source': `/compute/${vm}`, 'occi.core.target': '/network/public' } };
    assert.equal(views(await replace(ctx, { kind: 'networkinterface', id: nic.id }, entityPayload(same)))[0]!.kind, NETWORKINTERFACE);
  });
});

