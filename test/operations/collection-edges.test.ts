// Changing collections at their edges (spec §3.6; R75, R95–R101, D20, D34):
// what a failed delete does to the rest and to the tags, exactly the batch
// limit, which entities a body names, and what a provider mixin's membership
// asks of the cloud — only the changes, never one for what is already so.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { typeId } from '../../src/model/category.js';
import { COMPUTE, LINK, NETWORK } from '../../src/model/infrastructure.js';
import { deleteAll, filterFrom, listing, membership, NO_FILTER } from '../../src/operations/collections.js';
import type { OcciContext } from '../../src/operations/context.js';
import { entityOf } from '../../src/operations/locations.js';
import type { Backend, EntityRecord, ResourceRecord, UpdateSpec } from '../../src/port/backend.js';
import { emptyPayload } from '../../src/rendering/document.js';
import { BASE, KIND, newCompute, openWithMixins, payload, refusal, TAG, TAG_ID, type World } from './world.js';

const IPNETWORK = 'http://schemas.ogf.org/occi/infrastructure/network#ipnetwork';

let world: World;
let ctx: OcciContext;
/** A fresh world for each test (hooked per describe, so the files can share one process). */
async function setUp(): Promise<void> {
  ({ world, ctx } = await openWithMixins([TAG]));
}
const tearDown = (): void => world.close();

const compute = (links = 0): Promise<ResourceRecord> => newCompute(world, ctx, links);
const tagged = async () => (await world.store.members(world.alice.tenant, TAG_ID)).map((m) => `${m.kind}/${m.id}`);
const failure = (status: number) => Object.assign(new Error(`the cloud answered ${status}`), { status });
/** The embedded cloud, but deletes of `kind` fail with `status` (without deleting). */
const failingDeletes = (kind: string, status: number): Backend =>
  Object.create(world.cloud, { delete: { value: (c: never, k: string, id: string) => (k === kind ? Promise.reject(failure(status)) : world.cloud.delete(c, k as 'compute', id)) } });

describe('deleting a collection when the cloud refuses (R75)', () => {
  beforeEach(setUp);
  afterEach(tearDown);

  test('a link the cloud no longer finds counts as deleted: its tags are forgotten too', async () => {
    const a = await compute(1);
    const nic = { kind: 'networkinterface' as const, id: a.links[0]!.id };
    await world.store.associate(world.alice.tenant, TAG_ID, [nic]);
    const backend = failingDeletes('networkinterface', 404);
    assert.deepEqual(await deleteAll({ ...ctx, backend }, { type: 'kind', kind: LINK }, emptyPayload(), NO_FILTER), { type: 'ok' });
    assert.deepEqual(await tagged(), []);
  });

  test('any other failure is the answer: a link that fails otherwise, a resource not found, a resource that fails', async () => {
    const a = await compute(1);
    const cases: Array<[string, Backend, number, typeof LINK]> = [
      ['a link failing with 500', failingDeletes('networkinterface', 500), 500, LINK],
      ['a resource not found', failingDeletes('compute', 404), 404, COMPUTE],
      ['a resource failing with 500', failingDeletes('compute', 500), 500, COMPUTE],
    ];
    for (const [what, backend, status, kind] of cases) {
      await assert.rejects(deleteAll({ ...ctx, backend }, { type: 'kind', kind }, emptyPayload(), NO_FILTER), (e: unknown) => (e as { status?: number }).status === status, what);
    }
    assert.ok(await world.cloud.get(world.alice, 'compute', a.id), 'still there');
    assert.ok(await world.cloud.get(world.alice, 'networkinterface', a.links[0]!.id), 'its link too');
  });

  test('a shared entity "delete all" leaves keeps the caller\'s tags', async () => {
    await world.store.associate(world.alice.tenant, TAG_ID, [{ kind: 'network', id: 'public' }]);
    await deleteAll(ctx, { type: 'kind', kind: NETWORK }, emptyPayload(), NO_FILTER);
    assert.deepEqual(await tagged(), ['network/public']);
  });
});

describe('what a request names (§3.6.4, D34)', () => {
  beforeEach(setUp);
  afterEach(tearDown);

  test('only a leading urn:uuid: is dropped from a member\'s occi.core.id: anywhere else the id is no id', async () => {
    const a = await compute();
    const member = (id: string) => payload({ entities: [{ categories: [KIND('compute')], attributes: { 'occi.core.id': id }, links: [] }] });
    assert.deepEqual(listing(ctx, member(`urn:uuid:${a.id}`)), [`/compute/${a.id}`]);
    assert.throws(() => listing(ctx, member(`x-urn:uuid:${a.id}`)), refusal(400, 'the body names no entity'));
  });

  test('a URL of another server that starts with this one\'s base is not this server\'s', () => {
    assert.throws(() => entityOf(ctx, `${BASE}0/compute/abc`), refusal(400, `${BASE}0/compute/abc is not a location on this server`));
    assert.throws(() => entityOf(ctx, `${BASE}.evil.example/compute/abc`), refusal(400, 'is not a location on this server'));
    assert.deepEqual(entityOf(ctx, `${BASE}/compute/abc`), { kind: 'compute', id: 'abc' });
  });

  test('a filter may name either link end by path: both render as absolute URLs (D34)', () => {
    const f = filterFrom(ctx, payload({ attributes: { 'occi.core.source': '/compute/a', 'occi.core.target': '/network/public' } }));
    assert.deepEqual(f.attributes, [
      ['occi.core.source', `${BASE}/compute/a`],
      ['occi.core.target', `${BASE}/network/public`],
    ]);
  });
});

describe('membership at its edges (R95–R101)', () => {
  beforeEach(setUp);
  afterEach(tearDown);

  test('exactly the batch limit of locations is associated; one more is refused', async () => {
    const small = { ...ctx, limits: { ...ctx.limits, maxBatch: 2 } };
    const [a, b, c] = [await compute(), await compute(), await compute()];
    const at = (...rs: ResourceRecord[]) => payload({ locations: rs.map((r) => `/compute/${r.id}`) });
    await assert.rejects(membership(small, ctx.catalog.mixinById(TAG_ID)!, 'add', at(a, b, c)), refusal(400, 'at most 2 locations per request'));
    await membership(small, ctx.catalog.mixinById(TAG_ID)!, 'add', at(a, b));
    assert.deepEqual((await tagged()).sort(), [`compute/${a.id}`, `compute/${b.id}`].sort());
  });

  test('associating with no body names nothing to associate, even when the mixin has members', async () => {
    const a = await compute();
    await world.store.associate(world.alice.tenant, TAG_ID, [{ kind: 'compute', id: a.id }]);
    await assert.rejects(membership(ctx, ctx.catalog.mixinById(TAG_ID)!, 'add', emptyPayload()), refusal(400, 'list the entities to associate'));
  });

  test('a provider mixin: the cloud is asked to add it only where it is missing and to remove it only where it is', async () => {
    const net = (id: string, mixins: string[]): EntityRecord => ({ kind: 'network', id, tenant: world.alice.tenant, mixins, attributes: { 'occi.network.state': 'active' }, links: [] }) as unknown as EntityRecord;
    const records = new Map([
      ['with', net('with', [IPNETWORK])],
      ['without', net('without', [])],
    ]);
    const updates: Array<[string, string[], string[]]> = [];
    const backend: Backend = Object.create(world.cloud, {
      get: { value: async (_c: never, _k: string, id: string) => records.get(id) },
      update: {
        value: async (_c: never, _k: string, id: string, spec: UpdateSpec) => {
          updates.push([id, spec.addMixins.map(typeId), spec.removeMixins.map(typeId)]);
          return records.get(id);
        },
      },
    });
    const c = { ...ctx, backend };
    const ipnetwork = ctx.catalog.mixinById(IPNETWORK)!;
    const both = payload({ locations: ['/network/with', '/network/without'] });
    await membership(c, ipnetwork, 'add', both);
    assert.deepEqual(updates.splice(0), [['without', [IPNETWORK], []]]);
    await membership(c, ipnetwork, 'remove', both);
    assert.deepEqual(updates.splice(0), [['with', [], [IPNETWORK]]], 'removed where carried; not a template, so it may go');
  });
});
