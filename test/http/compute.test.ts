// Compute instances over HTTP in text/plain, text/occi and JSON (R39–R88).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attribute, BOB, COMPUTE_KIND, entityPath, eventually, INFRA, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_TYPE = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };

describe('compute', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  async function create(lines: string[]): Promise<string> {
    const r = await s.request('POST', '/compute/', { headers: PLAIN, body: lines.join('\n') + '\n' });
    assert.equal(r.status, 201, r.body);
    return pathOf(r.headers.location!);
  }
  const get = (path: string, headers: Record<string, string> = {}) => s.request('GET', path, { headers });
  const active = (path: string) => eventually(() => get(path), (r) => attribute(r.body, 'occi.compute.state') === '"active"');
  async function act(path: string, term: string, extra = ''): Promise<ReturnType<typeof get> extends Promise<infer R> ? R : never> {
    return s.request('POST', `${path}?action=${term}`, {
      headers: PLAIN,
      body: `Category: ${term}; scheme="${ACTIONS}"; class="action"\n${extra}`,
    });
  }

  test('R39 R46 R47 R48 D1: create answers 201 + Location + X-OCCI-Location; the compute is listed', async () => {
    const r = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="web-01"\n` });
    assert.equal(r.status, 201);
    assert.deepEqual(locations(r.body), [r.headers.location]);
    const path = pathOf(r.headers.location!);
    const body = (await get(path)).body;
    assert.match(attribute(body, 'occi.core.id')!, /^"urn:uuid:[0-9a-f-]{36}"$/);
    assert.ok(attribute(body, 'occi.compute.state'), 'R48: state is shown');
    // Created with the kind alone: the default templates apply.
    assert.match(body, /^Category: Debian; /m);
    assert.match(body, /^Category: C1R1024D10; /m);
    const list = await get('/compute/');
    assert.ok(locations(list.body).includes(r.headers.location!));
    const uri = await get('/compute/', { Accept: 'text/uri-list' });
    assert.ok(uri.body.split(/\r?\n/).includes(r.headers.location!), 'R94');
  });

  test('R40 R41 R42 R43 R44: creation errors are 400 with a message', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/compute/', 'X-OCCI-Attribute: occi.core.title="x"\n', /kind/],
      ['/compute/', `Category: ${COMPUTE_KIND}\nCategory: storage; scheme="${INFRA}"; class="kind"\n`, /exactly one kind/],
      ['/compute/', `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1.0\n`, /holds .*#compute, but the request names .*#storage: send it to \/storage\//],
      ['/compute/', `Category: ${COMPUTE_KIND}\nCategory: nosuch; scheme="http://example.com/x#"; class="mixin"\n`, /unknown category/],
      ['/storage/', `Category: storage; scheme="${INFRA}"; class="kind"\n`, /occi\.storage\.size/],
      ['/compute/', `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.compute.cores="two"\n`, /occi\.compute\.cores/],
      ['/compute/', `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: com.example.nope=1\n`, /unknown attribute com\.example\.nope/],
    ];
    for (const [path, body, message] of cases) {
      const r = await s.request('POST', path, { headers: PLAIN, body });
      assert.equal(r.status, 400, `${body} → ${r.status} ${r.body}`);
      assert.match(r.body, message);
    }
  });

  test('R45: a mixin that does not apply to compute is 403', async () => {
    const r = await s.request('POST', '/compute/', {
      headers: PLAIN,
      body: `Category: ${COMPUTE_KIND}\nCategory: ipnetwork; scheme="http://schemas.ogf.org/occi/infrastructure/network#"; class="mixin"\n`,
    });
    assert.equal(r.status, 403);
  });

  test('R49: immutable attributes in a create are ignored', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.compute.state="suspended"']);
    assert.notEqual(attribute((await get(path)).body, 'occi.compute.state'), '"suspended"');
  });

  test('R119 R120: text/occi headers and comma lists give the same entity as text/plain', async () => {
    const r = await s.request('POST', '/compute/', {
      headers: {
        'Content-Type': 'text/occi',
        Accept: 'text/occi',
        Category: `${COMPUTE_KIND}, C2R4096D40; scheme="http://schemas.snf-occi.org/occi/resource_tpl#"; class="mixin"`,
        'X-OCCI-Attribute': 'occi.core.title="a, \\"quoted\\" title", occi.compute.hostname="h1.example.org"',
      },
    });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.body, 'OK');
    assert.equal(r.headers['x-occi-location'], r.headers.location, 'R127');
    const body = (await get(pathOf(r.headers.location!))).body;
    assert.equal(attribute(body, 'occi.core.title'), '"a, \\"quoted\\" title"', 'R121');
    assert.equal(attribute(body, 'occi.compute.hostname'), '"h1.example.org"');
    assert.equal(attribute(body, 'occi.compute.memory'), '4.0');
  });

  test('R53 R56 R57 R58 R88: retrieval shows kind, mixins, attributes and applicable action links', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`, 'Category: Ubuntu; scheme=;', 'X-OCCI-Attribute: occi.core.title="app"']);
    const body = (await active(path)).body;
    assert.match(body.split('\n')[0], /^Category: compute; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#"; class="kind"/);
    assert.match(body, /^Category: Ubuntu;/m);
    assert.match(body, new RegExp(`^Link: <http://127\\.0\\.0\\.1:\\d+${path}\\?action=stop>; rel="${ACTIONS}stop"`, 'm'));
    assert.doesNotMatch(body, /\?action=start>/, 'R57: an active compute offers no start');
    assert.equal(attribute(body, 'occi.core.title'), '"app"');
    assert.equal(attribute(body, 'occi.compute.architecture'), '"x64"');
  });

  test('R77 R81 R82 R57: stop, start, suspend, restart; forbidden ones are 409; bad methods 400', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`]);
    await active(path);
    assert.equal((await act(path, 'start')).status, 409, 'R81: start while active');
    assert.equal((await act(path, 'stop', 'X-OCCI-Attribute: method="sideways"\n')).status, 400, 'R82');
    const stop = await act(path, 'stop', 'X-OCCI-Attribute: method="graceful"\n');
    assert.equal(stop.status, 200, stop.body);
    const stopped = await eventually(() => get(path), (r) => attribute(r.body, 'occi.compute.state') === '"inactive"');
    assert.equal(attribute(stopped.body, 'occi.compute.state'), '"inactive"');
    assert.match(stopped.body, /\?action=start>/, 'R57: an inactive compute offers start');
    assert.equal((await act(path, 'suspend')).status, 409, 'R81: suspend while inactive');
    assert.equal(attribute((await get(path)).body, 'occi.compute.state'), '"inactive"', 'state unchanged after a refused action');
    assert.equal((await act(path, 'start')).status, 200);
    await active(path);
    assert.equal((await act(path, 'suspend')).status, 200);
    await eventually(() => get(path), (r) => attribute(r.body, 'occi.compute.state') === '"suspended"');
    assert.equal((await act(path, 'start')).status, 200);
    await active(path);
    assert.equal((await act(path, 'restart', 'X-OCCI-Attribute: method="cold"\n')).status, 200);
  });

  test('R78 R79 R80: action invocation errors', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`]);
    const noCategory = await s.request('POST', `${path}?action=stop`, { headers: PLAIN, body: '' });
    assert.equal(noCategory.status, 400);
    assert.equal((await act(path, 'fly')).status, 400);
    const mismatch = await s.request('POST', `${path}?action=stop`, { headers: PLAIN, body: `Category: start; scheme="${ACTIONS}"; class="action"\n` });
    assert.equal(mismatch.status, 400);
  });

  test('R87 R142: JSON action invocation; a mismatched term is 400', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`]);
    await active(path);
    const bad = await s.request('POST', `${path}?action=stop`, { headers: JSON_TYPE, body: JSON.stringify({ action: `${ACTIONS}start` }) });
    assert.equal(bad.status, 400);
    const r = await s.request('POST', `${path}?action=stop`, { headers: JSON_TYPE, body: JSON.stringify({ action: `${ACTIONS}stop`, attributes: { method: 'graceful' } }) });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json().kind, `${INFRA}compute`);
  });

  test('R86: save answers a new os_tpl mixin that then appears in /-/', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`]);
    await active(path);
    const r = await act(path, 'save', 'X-OCCI-Attribute: name="golden-image"\n');
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /^Category: golden-image; scheme="[^"]+"; class="mixin".*rel="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#os_tpl"/m);
    assert.match((await get('/-/')).body, /^Category: golden-image;/m);
    assert.doesNotMatch((await s.request('GET', '/-/', { token: BOB })).body, /^Category: golden-image;/m);
  });

  test('R61 R63 R65 R69: partial update changes only what is sent; templates replace; immutable is 403', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`, 'Category: C1R1024D10; scheme=;', 'X-OCCI-Attribute: occi.core.title="before"', 'X-OCCI-Attribute: occi.compute.hostname="keep.example.org"']);
    const r = await s.request('POST', path, { headers: PLAIN, body: 'X-OCCI-Attribute: occi.core.title="after"\n' });
    assert.equal(r.status, 200, r.body);
    assert.equal(attribute(r.body, 'occi.core.title'), '"after"');
    assert.equal(attribute(r.body, 'occi.compute.hostname'), '"keep.example.org"');
    const resized = await s.request('POST', path, { headers: PLAIN, body: 'Category: C4R4096D40; scheme=;\n' });
    assert.equal(resized.status, 200, resized.body);
    assert.match(resized.body, /^Category: C4R4096D40;/m);
    assert.doesNotMatch(resized.body, /^Category: C1R1024D10;/m, 'R69: exactly one resource_tpl');
    assert.equal(attribute(resized.body, 'occi.compute.cores'), '4');
    // Changing an immutable value is refused; repeating it as it is (a rendering sent back) is not a change.
    const immutable = await s.request('POST', path, { headers: PLAIN, body: 'X-OCCI-Attribute: occi.compute.state="suspended"\n' });
    assert.equal(immutable.status, 403);
    const otherKind = await s.request('POST', path, { headers: PLAIN, body: `Category: network; scheme="${INFRA}"; class="kind"\n` });
    assert.equal(otherKind.status, 400, 'R62');
  });

  test('R66 R67: PUT replaces: left-out mutable attributes are cleared; Link headers are 400', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.core.title="t"', 'X-OCCI-Attribute: occi.core.summary="s"']);
    const r = await s.request('PUT', path, { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="only"\n` });
    assert.equal(r.status, 200, r.body);
    assert.equal(attribute(r.body, 'occi.core.title'), '"only"');
    assert.equal(attribute(r.body, 'occi.core.summary'), undefined);
    const withLink = await s.request('PUT', path, { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nLink: </network/public>; rel="${INFRA}network"\n` });
    assert.equal(withLink.status, 400);
  });

  test('R50: PUT at a new URL creates the compute there', async () => {
    const id = '0b7f3c2e-5d41-4c1e-9f0a-1234567890ab';
    const r = await s.request('PUT', `/compute/${id}`, { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="chosen"\n` });
    assert.equal(r.status, 201, r.body);
    assert.equal(pathOf(r.headers.location!), `/compute/${id}`);
    assert.equal(attribute((await get(`/compute/${id}`)).body, 'occi.core.title'), '"chosen"');
  });

  test('R60 R132 R133: JSON create and retrieve', async () => {
    const body = JSON.stringify({ kind: `${INFRA}compute`, mixins: ['http://schemas.snf-occi.org/occi/os_tpl#CentOS'], title: 'json-vm', attributes: { 'occi.compute.hostname': 'j.example.org' } });
    const r = await s.request('POST', '/compute/', { headers: JSON_TYPE, body });
    assert.equal(r.status, 201, r.body);
    const created = r.json();
    assert.equal(created.kind, `${INFRA}compute`);
    assert.equal(created.title, 'json-vm');
    // Its URL follows from its kind and id (docs/decisions.md).
    assert.equal(entityPath(created), pathOf(r.headers.location!));
    const got = (await get(pathOf(r.headers.location!), { Accept: 'application/occi+json' })).json();
    assert.match(got.id, /^urn:uuid:/);
    assert.equal(got.attributes['occi.compute.hostname'], 'j.example.org');
    assert.equal(got.attributes['occi.core.title'], undefined, 'D26: occi.core.* only at the top level');
    assert.ok(got.mixins.includes('http://schemas.snf-occi.org/occi/os_tpl#CentOS'));
  });

  test('R51: a JSON collection creates all or nothing', async () => {
    const before = locations((await get('/compute/')).body).length;
    const ok = JSON.stringify({ resources: [{ kind: `${INFRA}compute`, title: 'a' }, { kind: `${INFRA}compute`, title: 'b' }] });
    const r = await s.request('POST', '/compute/', { headers: JSON_TYPE, body: ok });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.json().resources.length, 2);
    assert.equal(locations((await get('/compute/')).body).length, before + 2);
    const bad = JSON.stringify({ resources: [{ kind: `${INFRA}compute`, title: 'c' }, { kind: `${INFRA}compute`, attributes: { 'occi.compute.cores': 'many' } }] });
    assert.equal((await s.request('POST', '/compute/', { headers: JSON_TYPE, body: bad })).status, 400);
    assert.equal(locations((await get('/compute/')).body).length, before + 2, 'R52: nothing left behind');
  });

  test('R150: ssh_key and user_data, and the OpenStack-named variants ooi clients send, mean the same', async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgnsYV5v0hvAbBpl3H0JQ0RCBhEsoBCcjlUNyHXV1rm me@example.org';
    const data = Buffer.from('#cloud-config\nruncmd: [echo hi]\n').toString('base64');
    const occi = await create([
      `Category: ${COMPUTE_KIND}`,
      'Category: ssh_key; scheme="http://schemas.ogf.org/occi/infrastructure/credentials#"; class="mixin"',
      'Category: user_data; scheme="http://schemas.ogf.org/occi/infrastructure/compute#"; class="mixin"',
      `X-OCCI-Attribute: occi.credentials.ssh.publickey="${key}"`,
      `X-OCCI-Attribute: occi.compute.userdata="${data}"`,
    ]);
    const ooi = await create([
      `Category: ${COMPUTE_KIND}`,
      'Category: public_key; scheme="http://schemas.openstack.org/instance/credentials#"; class="mixin"',
      'Category: user_data; scheme="http://schemas.openstack.org/compute/instance#"; class="mixin"',
      'X-OCCI-Attribute: org.openstack.credentials.publickey.name="mykey"',
      `X-OCCI-Attribute: org.openstack.credentials.publickey.data="${key}"`,
      `X-OCCI-Attribute: org.openstack.compute.user_data="${data}"`,
    ]);
    for (const path of [occi, ooi]) {
      const body = (await get(path)).body;
      assert.match(body, /^Category: ssh_key; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure\/credentials#"/m);
      assert.match(body, /^Category: user_data; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure\/compute#"/m);
      assert.equal(attribute(body, 'occi.credentials.ssh.publickey'), `"${key}"`);
      assert.equal(attribute(body, 'occi.compute.userdata'), `"${data}"`);
    }
    const onStorage = await s.request('POST', '/storage/', {
      headers: PLAIN,
      body: `Category: storage; scheme="${INFRA}"; class="kind"\nCategory: ssh_key; scheme="http://schemas.ogf.org/occi/infrastructure/credentials#"; class="mixin"\nX-OCCI-Attribute: occi.storage.size=1.0\nX-OCCI-Attribute: occi.credentials.ssh.publickey="${key}"\n`,
    });
    assert.equal(onStorage.status, 403, 'ssh_key applies to compute only');
    const later = await s.request('POST', occi, { headers: PLAIN, body: `X-OCCI-Attribute: occi.compute.userdata="${Buffer.from('other').toString('base64')}"\n` });
    assert.equal(later.status, 403, 'D19: user data is given once');
  });

  test('R72 R54: delete then 404; another tenant sees 404 and an empty list', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`]);
    assert.equal((await s.request('GET', path, { token: BOB })).status, 404);
    assert.equal((await s.request('DELETE', path, { token: BOB })).status, 404);
    assert.equal((await s.request('POST', `${path}?action=stop`, { token: BOB, headers: PLAIN, body: `Category: stop; scheme="${ACTIONS}"; class="action"\n` })).status, 404);
    assert.ok(!locations((await s.request('GET', '/compute/', { token: BOB })).body).some((l) => l.endsWith(path)));
    assert.equal((await s.request('DELETE', path)).status, 200);
    assert.equal((await get(path)).status, 404);
  });

  test('R112 R113 R114: filters by attribute and by mixin; a malformed filter is 400', async () => {
    const path = await create([`Category: ${COMPUTE_KIND}`, 'Category: CentOS; scheme=;', 'X-OCCI-Attribute: occi.compute.hostname="filter-me.example.org"']);
    const byAttr = await s.request('GET', '/compute/', { headers: { 'X-OCCI-Attribute': 'occi.compute.hostname="filter-me.example.org"' } });
    assert.deepEqual(locations(byAttr.body).map(pathOf), [path]);
    const byMixin = await s.request('GET', '/compute/', { headers: { Category: 'CentOS; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"' } });
    assert.ok(locations(byMixin.body).map(pathOf).includes(path));
    assert.ok(locations(byMixin.body).length < locations((await get('/compute/')).body).length);
    assert.equal((await s.request('GET', '/compute/', { headers: { 'X-OCCI-Attribute': 'occi.compute.hostname="unterminated' } })).status, 400);
  });

  test('R116 R117 R118: pagination', async () => {
    const all = locations((await get('/compute/')).body);
    assert.ok(all.length >= 3);
    const p1 = locations((await get('/compute/?page=1&number=2')).body);
    const p2 = locations((await get('/compute/?page=2;number=2')).body);
    assert.deepEqual(p1, all.slice(0, 2));
    assert.deepEqual(p2, all.slice(2, 4));
    assert.equal((await get('/compute/?page=1&number=100000')).status, 413);
    const past = await get('/compute/?page=9999&number=10');
    assert.equal(past.status, 200);
    assert.equal(locations(past.body).length, 0);
  });

  test('R84: an action on the kind collection applies to every member, atomically', async () => {
    const a = await create([`Category: ${COMPUTE_KIND}`]);
    await active(a);
    const stopBody = `Category: stop; scheme="${ACTIONS}"; class="action"\n`;
    const everyone = locations((await get('/compute/')).body).map(pathOf);
    const states = async () => Promise.all(everyone.map(async (p) => attribute((await get(p)).body, 'occi.compute.state')));
    // Some members are not active: the whole batch is refused and nothing changes.
    await Promise.all(everyone.map((p) => eventually(() => get(p), (r) => attribute(r.body, 'occi.compute.state.message') !== '"building"')));
    const before = await states();
    assert.ok(before.includes('"inactive"'), 'an earlier test left an inactive compute');
    assert.equal((await s.request('POST', '/compute/?action=stop', { headers: PLAIN, body: stopBody })).status, 409);
    assert.deepEqual(await states(), before);
    for (const [i, p] of everyone.entries()) if (before[i] !== '"active"') assert.equal((await act(p, 'start')).status, 200);
    await Promise.all(everyone.map(active));
    const r = await s.request('POST', '/compute/?action=stop', { headers: PLAIN, body: stopBody });
    assert.equal(r.status, 200, r.body);
    for (const p of everyone) {
      const after = await eventually(() => get(p), (x) => attribute(x.body, 'occi.compute.state') === '"inactive"');
      assert.equal(attribute(after.body, 'occi.compute.state'), '"inactive"');
    }
    assert.equal((await s.request('POST', '/compute/?action=up', { headers: PLAIN, body: `Category: up; scheme="http://schemas.ogf.org/occi/infrastructure/network/action#"; class="action"\n` })).status, 400, 'R85');
  });

  test('R75 R99: DELETE on the kind location empties it; PUT there is 405', async () => {
    assert.equal((await s.request('PUT', '/compute/', { headers: PLAIN, body: '' })).status, 405);
    const r = await s.request('DELETE', '/compute/', { token: BOB });
    assert.equal(r.status, 200);
    assert.ok(locations((await get('/compute/')).body).length > 0, "bob's delete-all leaves alice's computes");
    assert.equal((await s.request('DELETE', '/compute/')).status, 200);
    assert.deepEqual(locations((await get('/compute/')).body), []);
    assert.deepEqual((await get('/compute/', { Accept: 'application/occi+json' })).json(), { resources: [] }, 'R93 D5');
  });
});
