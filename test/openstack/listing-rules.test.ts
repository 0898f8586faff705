// Rules of listing OpenStack computes (services/listing.ts) that the Stryker
// run's survivors got past (issue 14): pages and filters return exactly the
// right members in id order, whatever order and paging the service answers
// in; `more`, `next` and `total` say exactly what follows; a cursor the
// service no longer knows falls back to the whole list, other refusals do
// not. On the fake world (fake-world.ts) with a cloud of several servers
// whose cheap listing (ids and names) is answered here as Nova answers it
// (sort_key, limit, marker, next links two at a time), or as a service that
// ignores them; and on the Synnefo stand-in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerResponse } from 'node:http';
import type { ListQuery } from '../../src/port/list-query.js';
import { rejectsWith } from '../backends/contract.js';
import { json, type Recorded } from './fake-cloud.js';
import { onFakeCloud, type OnFakeCloud } from './fake-backend.js';
import { fakeOpenStack, freshWorld, type World } from './fake-world.js';
import { eventually, harness, type Harness } from '../synnefo/harness.js';

/** Five servers, listed by Nova newest first (its default order), which is not their id order. */
const IDS = ['c0000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000', 'e0000000-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000000', 'd0000000-0000-4000-8000-000000000000'];
const SORTED = [...IDS].sort();

interface Twists {
  /** Answer as a service that ignores sort_key, limit and marker: every server, newest first. */
  ignoresPaging?: boolean;
  /** The status Nova answers a listing with a marker (400: a marker it does not know). */
  markerStatus?: number;
  /** The status Nova answers a listing without a marker. */
  pageStatus?: number;
}

const fresh = (): { world: World; twists: Twists } => ({ world: freshWorld(), twists: {} });

function withServers(state: () => { world: World; twists: Twists }) {
  return (url: () => string) => {
    const cloud = fakeOpenStack(url, () => state().world);
    return (req: Recorded, res: ServerResponse): void => {
      const { twists } = state();
      const [path, search = ''] = req.path.split('?') as [string, string?];
      if (path === '/network/v2.0/networks' && req.method === 'GET') {
        const networks = ['n1', 'n2'].map((id) => ({ id, name: id, status: 'ACTIVE', shared: false, 'router:external': false, subnets: [`s-${id}`], project_id: 'p1' }));
        return json(res, 200, { networks, networks_links: [] });
      }
      if (path === '/network/v2.0/subnets' && req.method === 'GET') return json(res, 200, { subnets: [], subnets_links: [] });
      if (path === '/compute/v2.1/servers/detail' && req.method === 'GET' && twists.ignoresPaging) {
        const base = state().world.server!;
        return json(res, 200, { servers: IDS.map((id, i) => ({ ...base, id, name: `vm${i}` })), servers_links: [] });
      }
      if (path !== '/compute/v2.1/servers' || req.method !== 'GET') return cloud(req, res);
      const q = new URLSearchParams(search);
      const all = IDS.map((id, i) => ({ id, name: `vm${i}` }));
      if (twists.ignoresPaging) return json(res, 200, { servers: all, servers_links: [] });
      const marker = q.get('marker');
      if (marker !== null && q.has('sort_key') && twists.markerStatus) return json(res, twists.markerStatus, { badRequest: { code: twists.markerStatus, message: `marker [${marker}] not found` } });
      if (marker === null && q.has('sort_key') && twists.pageStatus) return json(res, twists.pageStatus, { badRequest: { code: twists.pageStatus, message: 'Invalid input for query parameters limit.' } });
      const ordered = q.get('sort_key') === 'uuid' ? [...all].sort((a, b) => (a.id < b.id ? -1 : 1)) : all;
      const start = marker === null ? 0 : ordered.findIndex((s) => s.id === marker) + 1;
      if (marker !== null && start === 0) return json(res, 400, { badRequest: { code: 400, message: `marker [${marker}] not found` } });
      const limit = Math.min(2, Number(q.get('limit') ?? 2));
      const page = ordered.slice(start, start + limit);
      const next = start + limit < ordered.length ? [{ rel: 'next', href: `${url()}${path}?${new URLSearchParams({ ...Object.fromEntries(q), marker: page.at(-1)!.id })}` }] : [];
      json(res, 200, { servers: page, servers_links: next });
    };
  };
}

const list = (f: OnFakeCloud, q: Partial<ListQuery> = {}) => f.backend.list(f.c, { kind: 'compute', detail: 'refs', ...q });
const ids = (l: { items: { id: string }[] }): string[] => l.items.map((r) => r.id);

describe('openstack compute listing: pages in id order', () => {
  let state = fresh();
  const f = onFakeCloud(withServers(() => state), 5000, () => (state = fresh()));

  test('R116: the whole list is in id order, with nothing more and its total', async () => {
    // 1271 1326 1329 1330 1332 1333 1334 1335 1336
    const all = await list(f);
    assert.deepEqual(all, { items: SORTED.map((id) => ({ kind: 'compute', id })), more: false, total: 5 });
  });

  test('R116: pages walked by cursor give every compute once, in id order; only the first page without a cursor that holds them all has a total', async () => {
    // 1311 1314 1315 1316 1317 1318 1319 1324
    const first = await list(f, { page: { limit: 2 } });
    assert.deepEqual(first, { items: SORTED.slice(0, 2).map((id) => ({ kind: 'compute', id })), more: true, next: SORTED[1] });
    const second = await list(f, { page: { limit: 2, after: first.next } });
    assert.deepEqual(second, { items: SORTED.slice(2, 4).map((id) => ({ kind: 'compute', id })), more: true, next: SORTED[3] });
    const last = await list(f, { page: { limit: 2, after: second.next } });
    assert.deepEqual(last, { items: SORTED.slice(4).map((id) => ({ kind: 'compute', id })), more: false });
    const exact = await list(f, { page: { limit: 5 } });
    assert.deepEqual(exact, { items: SORTED.map((id) => ({ kind: 'compute', id })), more: false, total: 5 });
    const skipped = await list(f, { page: { limit: 2, offset: 3 } });
    assert.deepEqual(skipped, { items: SORTED.slice(3).map((id) => ({ kind: 'compute', id })), more: false, total: 5 });
  });

  test('R116: the members asked for by id are exactly those, in id order', async () => {
    // 1227 1228
    const some = await list(f, { ids: [IDS[2]!, IDS[0]!, 'f0000000-0000-4000-8000-000000000000'] });
    assert.deepEqual(ids(some), [IDS[0], IDS[2]]);
    const paged = await list(f, { ids: [IDS[2]!, IDS[0]!, IDS[1]!], page: { limit: 2 } });
    assert.deepEqual(ids(paged), [IDS[1], IDS[0]]);
    assert.equal(paged.more, true);
  });

  test('R116: a cursor Nova no longer knows (400, its compute deleted) is answered from the whole list, after the cursor', async () => {
    // 1283 1287 1290
    state.twists.markerStatus = 400;
    const page = await list(f, { page: { limit: 2, after: SORTED[1] } });
    assert.deepEqual(ids(page), SORTED.slice(2, 4));
    assert.equal(page.more, true);
  });

  test('R116: a cursor answered 404 is answered from the whole list too', async () => {
    // 1294 1295
    state.twists.markerStatus = 404;
    const page = await list(f, { page: { limit: 2, after: SORTED[2] } });
    assert.deepEqual(ids(page), SORTED.slice(3, 5));
  });

  test('R116: a listing with a cursor Nova fails (500) is that failure, not the whole list', async () => {
    // 1290
    state.twists.markerStatus = 500;
    await assert.rejects(list(f, { page: { limit: 2, after: SORTED[1] } }), (e: unknown) => (e as { status?: number }).status !== undefined && (e as { status: number }).status >= 500);
  });

  test('R116: a first page Nova refuses (400) is refused, not answered from the whole list', async () => {
    // 1283 1287
    state.twists.pageStatus = 400;
    await rejectsWith(list(f, { page: { limit: 2 } }), 400);
  });
});

describe('openstack network listing', () => {
  let state = fresh();
  const f = onFakeCloud(withServers(() => state), 5000, () => (state = fresh()));

  test('R116: a listing of network ids is one call to Neutron, its subnets not read', async () => {
    // 1253
    const from = f.cloud.requests.length;
    const listed = await f.backend.list(f.c, { kind: 'network', detail: 'refs', page: { limit: 5 } });
    assert.deepEqual(ids(listed), ['n1', 'n2']);
    const neutron = f.cloud.requests.slice(from).filter((r) => r.path.startsWith('/network/'));
    assert.deepEqual(neutron.map((r) => `${r.method} ${r.path.split('?')[0]}`), ['GET /network/v2.0/networks']);
  });
});

describe('openstack compute listing: a service that ignores paging', () => {
  let state = fresh();
  const f = onFakeCloud(
    withServers(() => state),
    5000,
    () => {
      state = fresh();
      state.twists.ignoresPaging = true;
    },
  );

  test('R116: a page after a cursor starts after it, though the service answered from the start in its own order', async () => {
    // 1297 1299 1305 1326
    const page = await list(f, { page: { limit: 2, after: SORTED[1] } });
    assert.deepEqual(page, { items: SORTED.slice(2, 4).map((id) => ({ kind: 'compute', id })), more: true, next: SORTED[3] });
    const first = await list(f, { page: { limit: 3 } });
    assert.deepEqual(ids(first), SORTED.slice(0, 3));
  });

  test('R116: a page of records shows its computes in full, in id order, after the cursor, though the service answered every one its own way', async () => {
    // compute-read.ts 708 713 714 715 717 720 721 723
    const full = (l: { items: { id: string }[] }) => l.items.map((r) => ('attributes' in r ? r.id : `ref ${r.id}`));
    assert.deepEqual(full(await f.backend.list(f.c, { kind: 'compute', detail: 'records', page: { limit: 2, after: SORTED[1] } })), SORTED.slice(2, 4));
    assert.deepEqual(full(await f.backend.list(f.c, { kind: 'compute', detail: 'records', page: { limit: 2, offset: 1 } })), SORTED.slice(1, 3));
    assert.deepEqual(full(await f.backend.list(f.c, { kind: 'compute', detail: 'records', page: { limit: 2, after: SORTED[2] } })), SORTED.slice(3, 5));
  });
});

describe('Synnefo compute listing', () => {
  let h: Harness;
  before(async () => {
    h = await harness('0.20', { world: { jobMs: 300 } });
  });
  after(() => h.close());

  test('a compute being deleted is not listed, though Cyclades still names it', async () => {
    // 1241
    const vm = await h.running();
    const stays = await h.running();
    const deleting = h.backend.delete(h.alice, 'compute', vm.id).catch(() => undefined);
    await eventually(async () => h.standin.sent('DELETE', `/servers/${vm.id}`).length, (n) => n > 0);
    const listed = await h.backend.list(h.alice, { kind: 'compute', detail: 'refs' });
    await deleting;
    assert.ok(!listed.items.some((r) => r.id === vm.id), `listed: ${listed.items.map((r) => r.id).join(', ')}`);
    assert.ok(listed.items.some((r) => r.id === stays.id));
  });
});
