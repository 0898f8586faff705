// The JSON shapes the server is moving to, which the client must read as well
// as today's: entities without `location` (URL = kind location + id), ids as
// urn:uuid or bare UUIDs, no empty `actions`, a building compute `inactive`
// with a state message, and pages announced by `Link: <…>; rel="next"`.
// Served by a fake fetch, so each shape is exactly as written here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OcciClient, stateOf } from '../../src/client/index.js';
import { nextLink } from '../../src/client/urls.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const CORE = 'http://schemas.ogf.org/occi/core#';
const A = '0b7c2a52-5f3e-4d8e-9a1b-2c3d4e5f6a7b';
const B = '1c8d3b63-6f4e-4e9f-8b2c-3d4e5f6a7b8c';
const NIC = '2d9e4c74-7a5f-4fa0-9c3d-4e5f6a7b8c9d';

const discovery = {
  kinds: [
    { term: 'entity', scheme: CORE },
    { term: 'resource', scheme: CORE, parent: `${CORE}entity`, location: '/resource/' },
    { term: 'link', scheme: CORE, parent: `${CORE}entity`, location: '/link/' },
    { term: 'compute', scheme: INFRA, parent: `${CORE}resource`, location: '/compute/', attributes: { 'occi.compute.state': { type: 'string', mutable: false, pattern: { enum: ['active', 'inactive', 'suspended', 'error'] } } }, actions: [] },
    { term: 'network', scheme: INFRA, parent: `${CORE}resource`, location: '/network/' },
    { term: 'networkinterface', scheme: INFRA, parent: `${CORE}link`, location: '/networkinterface/' },
  ],
  mixins: [],
  actions: [],
};

function compute(id: string, state: string, message: string): unknown {
  return {
    kind: `${INFRA}compute`,
    id,
    title: `vm-${state}`,
    attributes: { 'occi.compute.state': state, 'occi.compute.state.message': message },
    links: [{ kind: `${INFRA}networkinterface`, id: NIC, source: { location: `/compute/${A}` }, target: { location: '/network/public', kind: `${INFRA}network` }, attributes: {} }],
  };
}

test('entities without location, urn:uuid and bare ids, rel="next" pages, inactive while building', async () => {
  let polls = 0;
  const seen: string[] = [];
  const fake: typeof fetch = async (input) => {
    const url = new URL(String(input));
    seen.push(url.pathname + url.search);
    const json = (body: unknown, headers: Record<string, string> = {}): Response => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/occi+json', ...headers } });
    if (url.pathname === '/-/') return json(discovery);
    if (url.pathname === '/compute/' && url.searchParams.get('page') === '2') return json({ resources: [compute(B, 'active', 'running')] });
    if (url.pathname === '/compute/') return json({ resources: [compute(`urn:uuid:${A}`, 'active', 'running')] }, { Link: '</compute/?page=2&number=1>; rel="next", </compute/?page=1&number=1>; rel="first"' });
    if (url.pathname === `/compute/${B}`) return json(compute(B, ++polls < 3 ? 'inactive' : 'active', polls < 3 ? 'building' : 'running'));
    return new Response('not found', { status: 404 });
  };
  const client = new OcciClient({ endpoint: 'http://occi.test:8888', fetch: fake, rendering: 'json' });
  const all = await client.listAll('compute');
  assert.deepEqual(all.map((e) => e.location), [`http://occi.test:8888/compute/${A}`, `http://occi.test:8888/compute/${B}`]);
  assert.deepEqual(seen.slice(1), ['/compute/', '/compute/?page=2&number=1'], 'the next page followed from the Link header');
  assert.equal(all[0]?.id, `urn:uuid:${A}`);
  assert.deepEqual(all[0]?.actions, [], 'no actions member means none');
  assert.equal(all[0]?.links[0]?.location, `http://occi.test:8888/networkinterface/${NIC}`, 'a link without location: its kind location + id');
  assert.equal(all[0]?.links[0]?.target, 'http://occi.test:8888/network/public');

  const progress: string[] = [];
  const ready = await client.waitFor(`/compute/${B}`, { intervalMs: 1, onProgress: (p) => progress.push(`${p.state}:${p.message}`) });
  assert.equal(stateOf(ready).state, 'active');
  assert.deepEqual(progress, ['inactive:building', 'inactive:building', 'active:running'], 'inactive while building is not a failure');
});

test('Link headers: rel="next" among others, relative targets, quoted and unquoted rel', () => {
  assert.equal(nextLink('<https://h/c/?page=3>; rel="next"', 'https://h/c/?page=2'), 'https://h/c/?page=3');
  assert.equal(nextLink('</c/?page=1>; rel=prev, </c/?page=3>; rel=next', 'https://h/c/'), 'https://h/c/?page=3');
  assert.equal(nextLink('</c/?page=1>; rel="prev first"', 'https://h/c/'), undefined);
  assert.equal(nextLink(null, 'https://h/'), undefined);
});
