// Changing collections (spec §3.6, §3.8, §3.9; R75, R76, R95–R101, D20, D28):
// which entities a body lists, deleting a collection's members (links first,
// shared entities left), and mixin membership — all or nothing, with a 4xx
// that says what to send when the request cannot be done.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { typeId, type Mixin } from '../../src/model/category.js';
import { COMPUTE, NETWORK, STORAGE } from '../../src/model/infrastructure.js';
import { deleteAll, list, listing, membership, NO_FILTER } from '../../src/operations/collections.js';
import type { OcciContext } from '../../src/operations/context.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { ResourceRecord } from '../../src/port/backend.js';
import { emptyPayload } from '../../src/rendering/document.js';
import { BASE, INFRA, KIND, newCompute, openWithMixins, payload, refusal, TAG, TAG_ID, type World } from './world.js';

const OS = 'http://schemas.snf-occi.org/occi/os_tpl#';

let world: World;
let ctx: OcciContext;
/** A fresh world for each test (hooked per describe, so the files can share one process). */
async function setUp(): Promise<void> {
  ({ world, ctx } = await openWithMixins([TAG]));
}
const tearDown = (): void => world.close();

const compute = (links = 0): Promise<ResourceRecord> => newCompute(world, ctx, links);
const where = (r: { kind: string; id: string }) => `${BASE}/${r.kind}/${r.id}`;
const listed = (r: OcciResult) => (r as { locations: string[] }).locations;
const exists = async (r: { kind: string; id: string }) => (await world.cloud.get(world.alice, r.kind as 'compute', r.id)) !== undefined;
const tag = (): Mixin => ctx.catalog.mixinById(TAG_ID)!;

describe('the entities a body lists (§3.6.4)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('no body: the whole collection; a body naming nothing is refused, so a listing never widens to all', () => {
    assert.equal(listing(ctx, emptyPayload()), undefined);
    assert.throws(() => listing(ctx, payload({})), refusal(400, 'the body names no entity: list X-OCCI-Location URLs (JSON: members with a location, or a kind and occi.core.id), or send no body to mean the whole collection'));
  });

  test('locations as sent, and JSON members named by kind and occi.core.id (urn:uuid: or not)', () => {
    const uuid = '5f4311da-2ee2-47a6-913b-5d8496486c62';
    const members = [
      { categories: [KIND('compute')], attributes: { 'occi.core.id': `urn:uuid:${uuid}` }, links: [] },
      { categories: [{ scheme: '', term: 'storage' }], attributes: { 'occi.core.id': `URN:UUID:${uuid}` }, links: [] },
      { categories: [{ scheme: OS, term: 'Debian' }, KIND('network')], attributes: { 'occi.core.id': 'public' }, links: [] },
      { categories: [KIND('compute')], attributes: { 'occi.core.id': '42' }, links: [], location: '/compute/99' },
    ];
    assert.deepEqual(listing(ctx, payload({ locations: ['/compute/1'], entities: members })), ['/compute/1', `/compute/${uuid}`, `/storage/${uuid}`, '/network/public']);
  });

  test('a member whose id is a URL, is no text, is no valid id, or whose categories name no kind, names nothing', () => {
    for (const [categories, id] of [
      [[KIND('compute')], '/compute/1'],
      [[KIND('compute')], 'http://x/compute/1'],
      [[KIND('compute')], 'HTTPS://x/compute/1'],
      [[KIND('compute')], 7],
      [[KIND('compute')], 'a b'],
      [[KIND('resource')], '1'],
      [[{ scheme: OS, term: 'Debian' }], '1'],
      [[], '1'],
    ] as const) {
      const member = { categories: [...categories], attributes: { 'occi.core.id': id }, links: [] };
      assert.throws(() => listing(ctx, payload({ entities: [member] })), refusal(400, 'the body names no entity'), JSON.stringify([categories, id]));
    }
  });
});

describe('deleting the members of a collection (R75, R76)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('an unbound path refuses DELETE unless the setting allows it (D28), saying what is allowed', async () => {
    await assert.rejects(deleteAll(ctx, { type: 'path', path: '/' }, emptyPayload(), NO_FILTER), (e: unknown) => refusal(405, 'allowed: GET, HEAD, OPTIONS')(e) && (e as { headers: Record<string, string> }).headers.Allow === 'GET, HEAD, OPTIONS');
  });

  test('DELETE on a kind deletes every member and its links, and forgets their tags; others stay', async () => {
    const [a, b] = [await compute(1), await compute(0)];
    const disk = await world.cloud.createResource(world.alice, { kind: 'storage', mixins: [], attributes: { 'occi.storage.size': 1 }, links: [] });
    const nic = a.links[0]!;
    await world.store.associate(world.alice.tenant, TAG_ID, [a, nic, disk].map((r) => ({ kind: r.kind, id: r.id })));
    assert.deepEqual(await deleteAll(ctx, { type: 'kind', kind: COMPUTE }, emptyPayload(), NO_FILTER), { type: 'ok' });
    for (const r of [a, b, nic]) assert.ok(!(await exists(r)), `${r.kind} ${r.id} deleted`);
    assert.ok(await exists(disk));
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), [{ kind: 'storage', id: disk.id }], "the deleted entities' tags are forgotten, the link's too");
  });

  test('shared entities (the public network) are left by "delete all" and refused when named', async () => {
    await deleteAll(ctx, { type: 'kind', kind: NETWORK }, emptyPayload(), NO_FILTER);
    assert.ok(await exists({ kind: 'network', id: 'public' }));
    await assert.rejects(deleteAll(ctx, { type: 'kind', kind: NETWORK }, payload({ locations: ['/network/public'] }), NO_FILTER), (e: unknown) => (e as { status?: number }).status === 403);
  });

  test('a body lists which members go; the filter narrows too; others stay', async () => {
    const [a, b, c] = [await compute(1), await compute(0), await compute(0)];
    await deleteAll(ctx, { type: 'kind', kind: COMPUTE }, payload({ locations: [where(a), `/compute/${b.id}`] }), NO_FILTER);
    assert.deepEqual([await exists(a), await exists(a.links[0]!), await exists(b), await exists(c)], [false, false, false, true]);
    const root = await world.context({ allowNamespaceDelete: true });
    await deleteAll(root, { type: 'path', path: '/' }, emptyPayload(), { categories: [STORAGE], attributes: [] });
    assert.ok(await exists(c), 'the filter named storages only');
  });

  test('an unbound path, when allowed, deletes links before their resources, and each once', async () => {
    const a = await compute(2);
    const root = await world.context({ allowNamespaceDelete: true });
    const deleted: string[] = [];
    const backend = Object.create(world.cloud, { delete: { value: (c: never, kind: 'compute', id: string) => (deleted.push(`${kind}/${id}`), world.cloud.delete(c, kind, id)) } });
    await deleteAll({ ...root, backend }, { type: 'path', path: '/' }, emptyPayload(), NO_FILTER);
    assert.deepEqual(deleted.slice(0, 2).sort(), a.links.map((l) => `networkinterface/${l.id}`).sort(), 'links first');
    assert.deepEqual(deleted.slice(2), [`compute/${a.id}`, 'network/public'], 'then the resources, each once (the public network is refused by the cloud, and left)');
    assert.ok(await exists({ kind: 'network', id: 'public' }));
    assert.ok(!(await exists(a)));
  });

  test('a link already gone with its resource is no error', async () => {
    const a = await compute(1);
    const root = await world.context({ allowNamespaceDelete: true });
    const backend = Object.create(world.cloud, {
      delete: { value: async (c: never, kind: string, id: string) => { if (kind === 'networkinterface') await world.cloud.delete(c, 'compute', a.id); return world.cloud.delete(c, kind as 'compute', id); } },
    });
    assert.deepEqual(await deleteAll({ ...root, backend }, { type: 'path', path: '/compute' }, emptyPayload(), NO_FILTER), { type: 'ok' });
    assert.ok(!(await exists(a)));
  });
});

describe('mixin membership (R95–R101, D20)', () => {
  beforeEach(setUp);
  afterEach(tearDown);
  test('associating a user mixin tags the listed entities and answers the mixin collection', async () => {
    const [a, b] = [await compute(), await compute()];
    const r = await membership(ctx, tag(), 'add', payload({ locations: [where(a)] }));
    assert.deepEqual(listed(r), [where(a)]);
    assert.deepEqual(listed(await membership(ctx, tag(), 'add', payload({ locations: [where(b)] }))), [where(a), where(b)], 'POST adds');
    assert.deepEqual(listed(await membership(ctx, tag(), 'replace', payload({ locations: [where(b)] }))), [where(b)], 'PUT replaces');
    assert.deepEqual(listed(await membership(ctx, tag(), 'remove', payload({ locations: [where(b)] }))), [], 'DELETE with a body removes those');
    await membership(ctx, tag(), 'add', payload({ locations: [where(a), where(b)] }));
    assert.deepEqual(listed(await membership(ctx, tag(), 'remove', emptyPayload())), [], 'DELETE without a body removes all');
  });

  test('nothing to associate, too many, or one unknown entity: a 4xx, and nothing changes (R101)', async () => {
    const a = await compute();
    await assert.rejects(membership(ctx, tag(), 'add', emptyPayload()), refusal(400, 'list the entities to associate, one X-OCCI-Location each (JSON: an array of their URLs)'));
    await assert.rejects(membership(ctx, tag(), 'add', payload({ locations: [where(a), '/compute/gone'] })), refusal(404, 'no entity at /compute/gone, so nothing was changed; list only entities that exist'));
    const many = Array.from({ length: 11 }, () => where(a));
    await assert.rejects(membership(ctx, tag(), 'add', payload({ locations: many })), refusal(400, 'at most 10 locations per request'));
    assert.deepEqual(await world.store.members(world.alice.tenant, TAG_ID), []);
    await assert.rejects(membership(ctx, tag(), 'add', payload({ locations: ['http://elsewhere/compute/1'] })), refusal(400, 'not a location on this server'));
  });

  test('a mixin that does not apply to an entity is a 403 (R45, D3); a family parent is a 400 pointing at its members', async () => {
    const a = await compute();
    const ipnetwork = ctx.catalog.mixinById('http://schemas.ogf.org/occi/infrastructure/network#ipnetwork')!;
    await assert.rejects(membership(ctx, ipnetwork, 'add', payload({ locations: [where(a)] })), refusal(403, `mixin ${typeId(ipnetwork)} does not apply to ${INFRA}compute`));
    const family = ctx.catalog.mixinById('http://schemas.ogf.org/occi/infrastructure#os_tpl')!;
    await assert.rejects(membership(ctx, family, 'add', payload({ locations: [where(a)] })), refusal(400, 'names the family of os_tpl mixins, not one of them'));
  });

  test('a user mixin deleted while the request was under way is a 404 saying so', async () => {
    const a = await compute();
    const stale = tag();
    await world.store.remove(world.alice.tenant, TAG.scheme, TAG.term);
    await assert.rejects(membership(ctx, stale, 'add', payload({ locations: [where(a)] })), refusal(404, `no mixin ${TAG_ID}: it was deleted while this request was under way`));
  });

  test('a provider template is changed on the cloud; an entity never loses its template without another', async () => {
    const a = await compute();
    world.settle();
    const RES = 'http://schemas.snf-occi.org/occi/resource_tpl#';
    const [small, large] = [ctx.catalog.mixinById(`${RES}C1R1024D10`)!, ctx.catalog.mixinById(`${RES}C2R2048D20`)!];
    const carriers = async (m: Mixin) => listed(await list(ctx, { type: 'mixin', mixin: m }, NO_FILTER, undefined));
    assert.deepEqual(await carriers(small), [where(a)], 'created with the default size');
    const refusedLoss = refusal(400, `an entity cannot lose its template ${RES}C1R1024D10 without another: associate the other template with it instead`);
    await assert.rejects(membership(ctx, small, 'remove', payload({ locations: [where(a)] })), refusedLoss);
    await assert.rejects(membership(ctx, small, 'remove', emptyPayload()), refusedLoss);
    const b = await compute();
    world.settle();
    await assert.rejects(membership(ctx, small, 'replace', payload({ locations: [where(b)] })), refusal(400, 'cannot lose its template'), 'a PUT would take it from a');
    assert.deepEqual(await carriers(small), [where(a), where(b)], 'nothing changed');
    assert.deepEqual(listed(await membership(ctx, large, 'add', payload({ locations: [where(a)] }))), [where(a)]);
    assert.deepEqual(await carriers(small), [where(b)], 'the other size is gone with the change');
    assert.deepEqual(listed(await membership(ctx, large, 'replace', payload({ locations: [where(a), where(b)] }))), [where(a), where(b)], 'PUT adds the missing one');
    assert.deepEqual(listed(await membership(ctx, large, 'add', payload({ locations: [where(a)] }))), [where(a), where(b)], 'associating again changes nothing');
  });
});
