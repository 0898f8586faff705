// Collections do the work their answer needs (issue 7): text listings ask the
// backend for ids only, JSON for records; pages are cut by the backend and say
// where they are (Link, X-Total-Count); mixin collections and namespace paths
// ask for their members' ids; filters narrow the query. Observed through a spy
// on the backend port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Backend, Credentials, ListQuery } from '../../src/port/backend.js';
import { INFRA, locations, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_ACCEPT = { Accept: 'application/occi+json' };
const COUNT = 25;

/** Records every list query the server makes. */
export function spying(queries: ListQuery[]): (b: Backend) => Backend {
  return (b) =>
    Object.assign(Object.create(b) as Backend, {
      list: (c: Credentials, q: ListQuery) => {
        queries.push(q);
        return b.list(c, q);
      },
    });
}

/** The Link header's targets by relation, as paths with their query. */
function links(header: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of String(header ?? '').matchAll(/<([^>]+)>; rel="([a-z]+)"/g)) {
    const url = new URL(m[1]!);
    out[m[2]!] = url.pathname + url.search;
  }
  return out;
}

describe('collections ask the backend for what the answer needs', () => {
  let s: TestServer;
  const queries: ListQuery[] = [];
  let all: string[] = [];
  let tagged: string[] = [];
  let net = '';

  before(async () => {
    s = await startServer(() => {}, { backend: spying(queries) });
    const resources = Array.from({ length: COUNT }, (_, i) => ({ kind: `${INFRA}compute`, title: `c-${i}`, attributes: { 'occi.compute.hostname': i % 5 === 0 ? 'fifth' : `host-${i}` } }));
    const made = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/occi+json' }, body: JSON.stringify({ resources }) });
    assert.equal(made.status, 201, made.body);
    all = locations((await s.request('GET', '/compute/')).body);
    assert.equal(all.length, COUNT);
    const storage = await s.request('POST', '/storage/', { headers: PLAIN, body: `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n` });
    const network = await s.request('POST', '/network/', { headers: PLAIN, body: `Category: network; scheme="${INFRA}"; class="kind"\n` });
    net = network.headers.location!;
    assert.equal(storage.status + network.status, 402);
    const tags = ['a', 'b'].map((t) => `Category: ${t}; scheme="http://example.com/tags#"; class="mixin"; location="/tags/${t}/"\n`).join('');
    assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: tags })).status, 200);
    tagged = [all[1]!, all[3]!, all[5]!];
    const tag = async (t: string, urls: string[]) =>
      assert.equal((await s.request('POST', `/tags/${t}/`, { headers: PLAIN, body: urls.map((u) => `X-OCCI-Location: ${u}\n`).join('') })).status, 200);
    await tag('a', tagged.slice(0, 2));
    await tag('b', [...tagged.slice(1), net]);
  });
  after(() => s.close());

  const asked = async (path: string, headers: Record<string, string> = {}): Promise<ListQuery[]> => {
    queries.length = 0;
    const r = await s.request('GET', path, { headers });
    assert.equal(r.status, 200, r.body);
    return [...queries];
  };

  test('text and uri-list listings ask for ids only; JSON for records', async () => {
    for (const accept of ['text/plain', 'text/uri-list', 'text/occi']) {
      const qs = await asked('/compute/', { Accept: accept });
      assert.deepEqual(qs.map((q) => [q.kind, q.detail]), [['compute', 'refs']], accept);
    }
    const json = await asked('/compute/', JSON_ACCEPT);
    assert.ok(json.length > 0 && json.every((q) => q.kind === 'compute' && q.detail === 'records'));
    const union = await asked('/resource/');
    assert.deepEqual(union.map((q) => `${q.kind}:${q.detail}`), ['compute:refs', 'network:refs', 'storage:refs']);
  });

  test('a mixin collection asks for exactly its members, by id', async () => {
    const qs = await asked('/tags/a/');
    assert.deepEqual(qs.map((q) => [q.kind, [...(q.ids ?? [])].sort()]), [['compute', tagged.slice(0, 2).map((u) => u.split('/').pop()).sort()]]);
    assert.deepEqual(locations((await s.request('GET', '/tags/a/')).body), tagged.slice(0, 2));
    const json = (await s.request('GET', '/tags/b/', { headers: JSON_ACCEPT })).json();
    assert.deepEqual(json.resources.map((r: { id: string }) => r.id.replace('urn:uuid:', '')).sort(), [...tagged.slice(1), net].map((u) => u.split('/').pop()).sort());
  });

  test('a namespace path is the union of the mixins below it, each member once, by id', async () => {
    const qs = await asked('/tags/');
    assert.ok(qs.every((q) => q.ids !== undefined), 'no whole-kind listing');
    assert.deepEqual(locations((await s.request('GET', '/tags/')).body).sort(), [...tagged, net].sort());
  });

  test('filters go into the query: a kind narrows the kinds, attributes become conditions', async () => {
    const qs = await asked('/resource/', { Category: `compute; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute': 'occi.compute.hostname="fifth"' });
    assert.deepEqual(qs.map((q) => [q.kind, q.where]), [['compute', [['occi.compute.hostname', 'fifth']]]]);
    const r = await s.request('GET', '/compute/?page=2&number=2', { headers: { 'X-OCCI-Attribute': 'occi.compute.hostname="fifth"' } });
    assert.deepEqual(locations(r.body), [all[10], all[15]]);
    assert.equal(r.headers['x-total-count'], '5');
    const tags = await s.request('GET', '/compute/', { headers: { Category: 'a; scheme="http://example.com/tags#"; class="mixin"' } });
    assert.deepEqual(locations(tags.body), tagged.slice(0, 2));
  });

  test('pages are cut by the backend and say where they are', async () => {
    const qs = await asked('/compute/?page=2&number=10');
    assert.ok(qs.some((q) => q.page?.offset === 10 && q.page.limit === 10), JSON.stringify(qs));
    const first = await s.request('GET', '/compute/?page=1&number=10');
    assert.deepEqual(locations(first.body), all.slice(0, 10));
    assert.equal(first.headers['x-total-count'], String(COUNT));
    assert.deepEqual(links(first.headers.link), { first: '/compute/?page=1&number=10', next: '/compute/?page=2&number=10', last: '/compute/?page=3&number=10' });
    const last = await s.request('GET', '/compute/?page=3;number=10', { headers: JSON_ACCEPT });
    assert.deepEqual(last.json().resources.map((r: { title: string }) => r.title), ['c-20', 'c-21', 'c-22', 'c-23', 'c-24']);
    assert.deepEqual(links(last.headers.link), { first: '/compute/?page=1&number=10', prev: '/compute/?page=2&number=10', last: '/compute/?page=3&number=10' });
    const past = await s.request('GET', '/compute/?page=4&number=10');
    assert.equal(past.status, 200);
    assert.deepEqual(locations(past.body), []);
    assert.equal(links(past.headers.link).next, undefined);
    assert.equal((await s.request('GET', '/compute/')).headers.link, undefined, 'no page asked, no paging headers');
    const head = await s.request('HEAD', '/compute/?page=1&number=10', { headers: JSON_ACCEPT });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['x-total-count'], String(COUNT), 'HEAD says where the page is too');
  });

  test('a page of a union runs on from one kind into the next', async () => {
    const union = locations((await s.request('GET', '/resource/')).body);
    assert.equal(union.length, COUNT + 2 + 1, 'the computes, the public and the new network, the storage');
    const page = await s.request('GET', '/resource/?page=3&number=10');
    assert.deepEqual(locations(page.body), union.slice(20, 28));
    assert.equal(page.headers['x-total-count'], String(union.length));
    assert.equal(links(page.headers.link).next, undefined);
    const mixed = await s.request('GET', '/resource/?page=3&number=10', { headers: JSON_ACCEPT });
    const id = (url: string): string => url.split('/').pop()!;
    assert.deepEqual(mixed.json().resources.map((r: { id: string }) => r.id.replace('urn:uuid:', '')), union.slice(20, 28).map(id));
  });
});
