// Networks, storage, and the links between them and computes (R55, R59,
// R73, R74, R89, R90, R104–R111).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attribute, BOB, COMPUTE_KIND, eventually, INFRA, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_TYPE = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };
const NET_ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/network/action#';
const STORAGE_ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/storage/action#';
const IPNETWORK = 'ipnetwork; scheme="http://schemas.ogf.org/occi/infrastructure/network#"; class="mixin"';

describe('networks, storage and links', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  async function post(path: string, body: string, headers: Record<string, string> = PLAIN) {
    return s.request('POST', path, { headers, body });
  }
  async function created(path: string, body: string): Promise<string> {
    const r = await post(path, body);
    assert.equal(r.status, 201, r.body);
    return pathOf(r.headers.location!);
  }
  const get = (path: string, headers: Record<string, string> = {}) => s.request('GET', path, { headers });

  test('R89: a network with ipnetwork goes up and down', async () => {
    const net = await created('/network/', `Category: network; scheme="${INFRA}"; class="kind"\nCategory: ${IPNETWORK}\nX-OCCI-Attribute: occi.core.title="backend"\nX-OCCI-Attribute: occi.network.address="10.1.0.0/24"\nX-OCCI-Attribute: occi.network.gateway="10.1.0.1"\nX-OCCI-Attribute: occi.network.allocation="dynamic"\n`);
    const body = (await get(net)).body;
    assert.equal(attribute(body, 'occi.network.address'), '"10.1.0.0/24"');
    const state = () => get(net).then((r) => attribute(r.body, 'occi.network.state'));
    const toggle = async (term: string, want: string) => {
      const r = await post(`${net}?action=${term}`, `Category: ${term}; scheme="${NET_ACTIONS}"; class="action"\n`);
      assert.equal(r.status, 200, r.body);
      assert.equal(await eventually(state, (v) => v === want), want);
    };
    if ((await state()) === '"active"') await toggle('down', '"inactive"');
    await toggle('up', '"active"');
    assert.equal((await post(`${net}?action=up`, `Category: up; scheme="${NET_ACTIONS}"; class="action"\n`)).status, 409);
    await toggle('down', '"inactive"');
    const bad = await post('/network/', `Category: network; scheme="${INFRA}"; class="kind"\nCategory: ${IPNETWORK}\nX-OCCI-Attribute: occi.network.address="10.1.0.0/99"\n`);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /occi\.network\.address/);
  });

  test('R90 R71: storage online/offline, resize by update and by action, snapshot and backup', async () => {
    const vol = await created('/storage/', `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1.5\nX-OCCI-Attribute: occi.core.title="data"\n`);
    const state = () => get(vol).then((r) => attribute(r.body, 'occi.storage.state'));
    assert.equal(await eventually(state, (v) => v === '"online"'), '"online"');
    assert.equal(attribute((await get(vol)).body, 'occi.storage.size'), '1.5');
    const act = (term: string, extra = '') => post(`${vol}?action=${term}`, `Category: ${term}; scheme="${STORAGE_ACTIONS}"; class="action"\n${extra}`);
    assert.equal((await act('snapshot')).status, 200);
    assert.equal((await act('backup')).status, 200);
    await eventually(state, (v) => v === '"online"');
    const resized = await act('resize', 'X-OCCI-Attribute: size=4.0\n');
    assert.equal(resized.status, 200, resized.body);
    const grown = await s.request('POST', vol, { headers: PLAIN, body: 'X-OCCI-Attribute: occi.storage.size=8.0\n' });
    assert.equal(grown.status, 200, grown.body);
    assert.equal(attribute((await eventually(() => get(vol), (r) => attribute(r.body, 'occi.storage.size') === '8.0')).body, 'occi.storage.size'), '8.0');
    await eventually(state, (v) => v === '"online"');
    assert.equal((await act('offline')).status, 200);
    assert.equal(await eventually(state, (v) => v === '"offline"'), '"offline"');
    assert.equal((await act('offline')).status, 409);
  });

  test('R104 R55 R110: inline network link at creation; GET shows it with self', async () => {
    const vm = await created('/compute/', `Category: ${COMPUTE_KIND}\nLink: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"\n`);
    const body = (await get(vm)).body;
    const link = body.split('\n').find((l) => l.startsWith('Link: <') && l.includes('/network/public>'));
    assert.ok(link, body);
    assert.match(link!, /self="http:\/\/127\.0\.0\.1:\d+\/networkinterface\/[^"]+"/);
    assert.match(link!, /occi\.networkinterface\.interface="eth0"/);
    assert.match(link!, /occi\.networkinterface\.mac="[0-9a-f:]{17}"/);
    assert.match(link!, /occi\.networkinterface\.address="203\.0\.113\.\d+"/);
    const self = pathOf(/self="([^"]+)"/.exec(link!)![1]);
    const ni = await get(self);
    assert.equal(ni.status, 200);
    assert.match(attribute(ni.body, 'occi.core.source')!, new RegExp(`${vm}"$`), 'R59');
    assert.match(attribute(ni.body, 'occi.core.target')!, /\/network\/public"$/);
    assert.equal(attribute(ni.body, 'occi.core.target.kind'), `"${INFRA}network"`);
  });

  test('R105 R106 R107 R111 R74 R73: standalone storagelink; link errors; delete detaches; delete compute drops links', async () => {
    const vm = await created('/compute/', `Category: ${COMPUTE_KIND}\n`);
    const vol = await created('/storage/', `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=2.0\n`);
    const missing = await post('/storagelink/', `Category: storagelink; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.core.target="${vol}"\n`);
    assert.equal(missing.status, 400, 'R106');
    const foreign = await post('/storagelink/', `Category: storagelink; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.core.source="http://elsewhere.example.org/compute/1"\nX-OCCI-Attribute: occi.core.target="${vol}"\n`);
    assert.equal(foreign.status, 400, 'R107');
    const link = await created('/storagelink/', `Category: storagelink; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.core.source="${vm}"\nX-OCCI-Attribute: occi.core.target="${s.url}${vol}"\nX-OCCI-Attribute: occi.storagelink.mountpoint="/data"\n`);
    const body = (await get(link)).body;
    assert.match(attribute(body, 'occi.storagelink.deviceid')!, /^"\/dev\/vd[b-z]"$/);
    assert.equal(attribute(body, 'occi.storagelink.mountpoint'), '"/data"');
    assert.ok(attribute(body, 'occi.storagelink.state'));
    assert.match((await get(vm)).body, new RegExp(`self="[^"]*${link}"`));
    assert.equal((await s.request('GET', link, { token: BOB })).status, 404);
    const json = (await get(link, { Accept: 'application/occi+json' })).json();
    assert.ok(json.source.location.endsWith(vm), 'R109');
    assert.ok(json.target.location.endsWith(vol));
    assert.equal(json.target.kind, `${INFRA}storage`);
    // A link cannot be updated with Link structures (R64).
    assert.equal((await s.request('POST', link, { headers: PLAIN, body: `Link: </network/public>; rel="${INFRA}network"\n` })).status, 400);
    assert.equal((await s.request('DELETE', link)).status, 200);
    assert.doesNotMatch((await get(vm)).body, new RegExp(link), 'R74');
    const again = await created('/storagelink/', `Category: storagelink; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.core.source="${vm}"\nX-OCCI-Attribute: occi.core.target="${vol}"\n`);
    assert.equal((await s.request('DELETE', vm)).status, 200);
    assert.equal((await get(again)).status, 404, 'R73');
    assert.equal((await s.request('DELETE', vol)).status, 200);
  });

  test('JSON: a compute with an inline link, and link collections', async () => {
    const body = JSON.stringify({
      kind: `${INFRA}compute`,
      links: [{ kind: `${INFRA}networkinterface`, target: { location: '/network/public', kind: `${INFRA}network` } }],
    });
    const r = await post('/compute/', body, JSON_TYPE);
    assert.equal(r.status, 201, r.body);
    const vm = r.json();
    assert.equal(vm.links.length, 1);
    assert.equal(vm.links[0].kind, `${INFRA}networkinterface`);
    const all = (await get('/networkinterface/', { Accept: 'application/occi+json' })).json();
    assert.ok(all.links.some((l: any) => l.id === vm.links[0].id));
    const union = await get('/link/');
    assert.ok(locations(union.body).length >= 1, 'D16: /link/ lists every link');
  });

  test('the public network is visible to every tenant but belongs to none', async () => {
    assert.equal((await s.request('GET', '/network/public', { token: BOB })).status, 200);
    assert.equal((await s.request('DELETE', '/network/public')).status, 403);
  });

  test('R76 R115 D28: GET / lists every entity; DELETE there is 405 unless enabled', async () => {
    const all = locations((await get('/')).body);
    assert.ok(all.some((l) => l.includes('/network/')));
    assert.equal((await s.request('DELETE', '/')).status, 405);
  });
});

describe('deleting whole collections', () => {
  test('R75: DELETE /network/ removes the caller\'s networks and leaves the shared public one', async () => {
    const s = await startServer();
    try {
      const mine = await s.request('POST', '/network/', { headers: PLAIN, body: `Category: network; scheme="${INFRA}"; class="kind"\n` });
      assert.equal(mine.status, 201, mine.body);
      const r = await s.request('DELETE', '/network/');
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(locations((await s.request('GET', '/network/')).body).map(pathOf), ['/network/public']);
      const named = await s.request('DELETE', '/network/', { headers: { 'Content-Type': 'text/occi', 'X-OCCI-Location': '/network/public' } });
      assert.equal(named.status, 403, 'naming the shared network explicitly is refused');
    } finally {
      await s.close();
    }
  });

  test('R76 D28: with namespace deletion enabled, DELETE on an unbound path deletes what lies below it', async () => {
    const s = await startServer((c) => (c.allowNamespaceDelete = true));
    try {
      const def = 'Category: old; scheme="http://example.com/stale#"; class="mixin"; location="/stale/old/"\n';
      assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: def })).status, 200);
      const keep = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` });
      const drop = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` });
      assert.equal((await s.request('POST', '/stale/old/', { headers: PLAIN, body: `X-OCCI-Location: ${drop.headers.location}\n` })).status, 200);
      assert.deepEqual(locations((await s.request('GET', '/stale/')).body), [drop.headers.location]);
      assert.equal((await s.request('DELETE', '/stale/')).status, 200);
      assert.equal((await s.request('GET', pathOf(drop.headers.location!))).status, 404);
      assert.equal((await s.request('GET', pathOf(keep.headers.location!))).status, 200);
    } finally {
      await s.close();
    }
  });
});
