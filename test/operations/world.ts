// The operations layer over real parts: the embedded cloud (in memory, on a
// clock the test moves) and the user-mixin store, with the catalogue the
// server would build for the caller. What the HTTP layer adds (parsing,
// rendering) is left out, so each test states an operation's own rule.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OcciError } from '../../src/errors.js';
import { openLocalCloud, type LocalCloud } from '../../src/backends/local/index.js';
import { CatalogCache } from '../../src/operations/catalog-cache.js';
import { create } from '../../src/operations/entities.js';
import { COMPUTE } from '../../src/model/infrastructure.js';
import type { MixinQuotas, OcciContext } from '../../src/operations/context.js';
import type { Credentials, ResourceRecord } from '../../src/port/backend.js';
import { emptyPayload, type CategoryRef, type EntityInput, type EntityView, type Payload } from '../../src/rendering/document.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';

export const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
export const BASE = 'http://occi.example:8888';
export const KIND = (term: string): CategoryRef => ({ scheme: INFRA, term, class: 'kind' });

const TOKENS = [
  { token: 'alice-operations-token-0123456789abcdef', tenant: 'alice' },
  { token: 'bob-operations-token-0123456789abcdef0', tenant: 'bob' },
];

/** Alice's user mixin of the collection and entity tests: a tag named blue at /tags/blue/. */
export const TAG = { scheme: 'http://me.example/tags#', term: 'blue', title: null, location: '/tags/blue/' };
export const TAG_ID = TAG.scheme + TAG.term;
export const QUOTAS: MixinQuotas = { userMixins: 20, mixinSchemeLength: 200, mixinTermLength: 80, mixinTitleLength: 200, mixinLocationLength: 200 };

export interface World {
  cloud: LocalCloud;
  store: UserMixinStore;
  clock: { t: number };
  alice: Credentials;
  bob: Credentials;
  /** The context of one request by `creds` (alice by default), its catalogue current. */
  context(over?: Partial<OcciContext>, creds?: Credentials): Promise<OcciContext>;
  /** Lets the clock run past every boot and transition, so entities are at rest. */
  settle(): void;
  close(): void;
}

export async function openWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-operations-'));
  const clock = { t: 1_700_000_000_000 };
  const cloud = openLocalCloud({ dataDir: dir, memory: true, tokens: TOKENS, now: () => clock.t, bootMs: 1000, actionMs: 1000 });
  const store = new UserMixinStore(undefined);
  const catalogs = new CatalogCache(cloud, store);
  const alice = await cloud.authenticate({ token: TOKENS[0]!.token });
  const bob = await cloud.authenticate({ token: TOKENS[1]!.token });
  return {
    cloud,
    store,
    clock,
    alice,
    bob,
    async context(over = {}, creds = alice) {
      return {
        backend: cloud,
        store,
        creds,
        catalog: await catalogs.get(creds),
        base: BASE,
        listing: 'locations',
        occi11: false,
        limits: { maxPageSize: 100, maxBatch: 10 },
        allowNamespaceDelete: false,
        userMixins: true,
        quotas: QUOTAS,
        ...over,
      };
    },
    settle() {
      clock.t += 60_000;
    },
    close() {
      void cloud.close();
      void store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A payload carrying one entity rendering. */
export function entityPayload(input: Partial<EntityInput>): Payload {
  return { ...emptyPayload(), empty: false, entities: [{ categories: [], attributes: {}, links: [], ...input }] };
}

/** A payload with these parts (and not empty). */
export function payload(parts: Partial<Payload>): Payload {
  return { ...emptyPayload(), empty: false, ...parts };
}

/** For assert.throws and assert.rejects: an OcciError of `status` whose message has every fragment and matches every pattern. */
export function refusal(status: number, ...expected: Array<string | RegExp>): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof OcciError, `expected an OcciError, got ${String(e)}`);
    assert.equal(e.status, status, e.message);
    for (const x of expected) {
      if (typeof x === 'string') assert.ok(e.message.includes(x), `message "${e.message}" lacks "${x}"`);
      else assert.match(e.message, x);
    }
    return true;
  };
}

/** A compute made through the operation, with `links` network interfaces to the public network, as the cloud records it. */
export async function newCompute(world: World, ctx: OcciContext, links = 0): Promise<ResourceRecord> {
  const nics = Array.from({ length: links }, () => ({ categories: [], target: '/network/public', attributes: {} }));
  const r = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], links: nics }));
  const id = (r as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
  return (await world.cloud.get(world.alice, 'compute', id)) as ResourceRecord;
}

/** A fresh world in which alice has defined the user mixins `rows`, and the context of her requests. */
export async function openWithMixins(rows: Parameters<UserMixinStore['add']>[1]): Promise<{ world: World; ctx: OcciContext }> {
  const world = await openWorld();
  await world.store.add(world.alice.tenant, rows);
  return { world, ctx: await world.context() };
}
