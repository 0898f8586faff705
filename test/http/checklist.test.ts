// Checklist items of occi-spec.md §6 that cut across the other HTTP tests:
// synonyms and body types (R9, R11, R14), what a PUT keeps (R68), what no
// request can change (R143, R144) and per-entity mixin values (R146).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attribute, COMPUTE_KIND, INFRA, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const NETWORK_KIND = `network; scheme="${INFRA}"; class="kind"`;
const SSH_KEY = 'ssh_key; scheme="http://schemas.ogf.org/occi/infrastructure/credentials#"; class="mixin"';

// One server for the file; a describe that needs other settings starts its own.
let s: TestServer;
before(async () => (s = await startServer()));
after(() => s.close());

describe('checklist items across the protocol (R9, R11, R14, R68, R143, R144, R146)', () => {

  async function create(path: string, lines: string[]): Promise<string> {
    const r = await s.request('POST', path, { headers: PLAIN, body: lines.join('\n') + '\n' });
    assert.equal(r.status, 201, r.body);
    return pathOf(r.headers.location!);
  }

  test('R9 text/occi+plain is read, and answered under the name the client asked for', async () => {
    const r = await s.request('POST', '/compute/', {
      headers: { 'Content-Type': 'text/occi+plain', Accept: 'text/occi+plain' },
      body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="synonym"\n`,
    });
    assert.equal(r.status, 201, r.body);
    assert.match(String(r.headers['content-type']), /^text\/occi\+plain/);
    const got = await s.request('GET', pathOf(r.headers.location!), { headers: { Accept: 'text/occi+plain' } });
    assert.match(String(got.headers['content-type']), /^text\/occi\+plain/);
    assert.equal(attribute(got.body, 'occi.core.title'), '"synonym"');
    const err = await s.request('GET', '/compute/nosuch', { headers: { Accept: 'text/occi+plain' } });
    assert.equal(err.status, 404);
    assert.match(String(err.headers['content-type']), /^text\/occi\+plain/);
  });

  test('R11 a body is read by its Content-Type: JSON sent as text, or text sent as JSON, is a 400', async () => {
    const json = JSON.stringify({ kind: `${INFRA}compute` });
    const asText = await s.request('POST', '/compute/', { headers: PLAIN, body: json });
    assert.equal(asText.status, 400);
    assert.match(asText.body, /not an OCCI structure/);
    const asJson = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/occi+json' }, body: `Category: ${COMPUTE_KIND}\n` });
    assert.equal(asJson.status, 400);
    assert.match(asJson.body, /invalid JSON/);
    const right = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/occi+json' }, body: json });
    assert.equal(right.status, 201, right.body);
  });

  test('R14 an unsupported request type is a 415 that names the types served', async () => {
    const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/xml' }, body: '<compute/>' });
    assert.equal(r.status, 415);
    assert.match(r.body, /text\/plain.*application\/occi\+json/);
  });

  test('R68 a full update (PUT) keeps the links the resource owned', async () => {
    const net = await create('/network/', [`Category: ${NETWORK_KIND}`]);
    const vm = await create('/compute/', [
      `Category: ${COMPUTE_KIND}`,
      `Link: <${net}>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
    ]);
    const linkOf = async (): Promise<string | undefined> => /^Link: <[^>]*>; rel="[^"]*"; self="([^"]+)"/m.exec((await s.request('GET', vm)).body)?.[1];
    const before = await linkOf();
    assert.ok(before, 'the compute has its network interface');
    const put = await s.request('PUT', vm, { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="replaced"\n` });
    assert.equal(put.status, 200, put.body);
    assert.equal(attribute(put.body, 'occi.core.title'), '"replaced"');
    assert.equal(await linkOf(), before, 'the same link after the PUT');
    assert.equal((await s.request('GET', pathOf(before!))).status, 200);
  });

  test('R143 the kind of an entity never changes, by PUT or by partial update', async () => {
    const vm = await create('/compute/', [`Category: ${COMPUTE_KIND}`]);
    const storage = `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1.0\n`;
    for (const method of ['PUT', 'POST']) {
      const r = await s.request(method, vm, { headers: PLAIN, body: storage });
      assert.equal(r.status, 400, `${method}: ${r.body}`);
      assert.match(r.body, /holds .*#compute/);
    }
    const after = await s.request('GET', vm);
    assert.match(after.body, /^Category: compute; /m);
  });

  test('R144 no request changes an immutable attribute: id, state, state.message, interface', async () => {
    const net = await create('/network/', [`Category: ${NETWORK_KIND}`]);
    const vm = await create('/compute/', [
      `Category: ${COMPUTE_KIND}`,
      `Link: <${net}>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
    ]);
    const id = attribute((await s.request('GET', vm)).body, 'occi.core.id');
    for (const attr of ['occi.core.id="urn:uuid:00000000-0000-0000-0000-000000000000"', 'occi.compute.state="error"', 'occi.compute.state.message="forged"']) {
      const r = await s.request('POST', vm, { headers: PLAIN, body: `X-OCCI-Attribute: ${attr}\n` });
      assert.equal(r.status, 403, `${attr}: ${r.body}`);
      assert.match(r.body, /immutable/);
    }
    const body = (await s.request('GET', vm)).body;
    assert.equal(attribute(body, 'occi.core.id'), id);
    assert.notEqual(attribute(body, 'occi.compute.state.message'), '"forged"');
    const nic = pathOf(/self="([^"]+)"/.exec(body)![1]!);
    const r = await s.request('POST', nic, { headers: PLAIN, body: 'X-OCCI-Attribute: occi.networkinterface.interface="eth9"\n' });
    assert.equal(r.status, 403, r.body);
    assert.notEqual(attribute((await s.request('GET', nic)).body, 'occi.networkinterface.interface'), '"eth9"');
  });

  test('R146 a mixin holds no values: two computes with ssh_key keep their own keys', async () => {
    const keys = ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne one@example', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo two@example'];
    const vms: string[] = [];
    for (const key of keys) {
      vms.push(await create('/compute/', [`Category: ${COMPUTE_KIND}`, `Category: ${SSH_KEY}`, `X-OCCI-Attribute: occi.credentials.ssh.publickey="${key}"`]));
    }
    for (const [i, vm] of vms.entries()) {
      assert.equal(attribute((await s.request('GET', vm)).body, 'occi.credentials.ssh.publickey'), `"${keys[i]}"`);
    }
  });
});

describe('content negotiation (R6, R12, D8, D9; RFC 9110 §12.5.1)', () => {
  let vm: string;
  before(async () => {
    vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!);
  });
  const typeOf = async (path: string, accept: string): Promise<string> => {
    const r = await s.request('GET', path, { headers: { Accept: accept } });
    return `${r.status} ${String(r.headers['content-type']).split(';')[0]}`;
  };

  test('D9 uri-list first, another type next: listings in uri-list, everything else in the next type', async () => {
    assert.equal(await typeOf(vm, 'text/uri-list, text/plain'), '200 text/plain');
    assert.equal(await typeOf(vm, 'text/uri-list, application/occi+json'), '200 application/occi+json');
    assert.equal(await typeOf('/compute/', 'text/uri-list, text/plain'), '200 text/uri-list');
    assert.equal(await typeOf('/-/', 'text/uri-list, application/occi+json'), '200 application/occi+json');
    assert.equal(await typeOf('/-/', 'text/uri-list'), '400 text/plain', 'uri-list alone cannot render the query interface');
    assert.equal(await typeOf('/-/', 'text/uri-list, text/plain'), '200 text/plain', 'not served from a cached uri-list answer');
  });

  test('q=0 excludes a type a wildcard would admit; the most specific range decides', async () => {
    assert.equal(await typeOf(vm, 'text/plain;q=0, */*'), '200 application/occi+json');
    assert.equal(await typeOf(vm, 'application/occi+json;q=0, application/*'), '200 application/json');
    assert.equal(await typeOf(vm, '*/*;q=0'), '406 text/plain');
    assert.equal(await typeOf(vm, 'text/*;q=0.5, application/occi+json;q=0.4'), '200 text/plain');
    assert.equal(await typeOf(vm, 'text/occi;q=0.9, application/occi+json'), '200 application/occi+json');
    assert.equal(await typeOf(vm, '*/*'), '200 text/plain', 'D8');
  });
});

describe('text in headers and attribute values (D37, R129)', () => {
  let vm: string;
  before(async () => {
    vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!);
  });

  test('UTF-8 in text/occi request headers is read as UTF-8; bytes that are not UTF-8 are a 400', async () => {
    const utf8 = Buffer.from('occi.core.title="héllo Ωμέγα"', 'utf8').toString('latin1');
    const r = await s.request('POST', vm, { headers: { 'Content-Type': 'text/occi', 'X-OCCI-Attribute': utf8 } });
    assert.equal(r.status, 200, r.body);
    const json = await s.request('GET', vm, { headers: { Accept: 'application/occi+json' } });
    assert.equal(json.json().title, 'héllo Ωμέγα');
    const latin1 = 'occi.core.title="h\xe9llo"'; // one byte 0xE9: Latin-1, not UTF-8
    const bad = await s.request('POST', vm, { headers: { 'Content-Type': 'text/occi', 'X-OCCI-Attribute': latin1 } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /neither ASCII nor UTF-8/);
  });

  test('control characters other than tab and line ends are refused in string attributes', async () => {
    const r = await s.request('POST', vm, { headers: { 'Content-Type': 'application/occi+json' }, body: JSON.stringify({ title: 'a\u0000b\u0007c' }) });
    assert.equal(r.status, 400, r.body);
    assert.match(r.body, /control characters/);
    const ok = await s.request('POST', vm, { headers: { 'Content-Type': 'application/occi+json' }, body: JSON.stringify({ title: 'two\nlines\tand a tab' }) });
    assert.equal(ok.status, 200, ok.body);
  });
});

describe('filters name link ends by URL or by path (R112, D34)', () => {

  test('occi.core.source given as a path matches like the absolute URL', async () => {
    const net = pathOf((await s.request('POST', '/network/', { headers: PLAIN, body: `Category: ${NETWORK_KIND}\n` })).headers.location!);
    const link = `Link: <${net}>; rel="${INFRA}network"; category="${INFRA}networkinterface"\n`;
    const vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n${link}` })).headers.location!);
    await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n${link}` });
    const byPath = await s.request('GET', '/networkinterface/', { headers: { 'X-OCCI-Attribute': `occi.core.source="${vm}"` } });
    const byUrl = await s.request('GET', '/networkinterface/', { headers: { 'X-OCCI-Attribute': `occi.core.source="${s.url}${vm}"` } });
    assert.equal(byPath.status, 200);
    assert.equal(byPath.body.trim().split('\n').length, 1, byPath.body);
    assert.equal(byPath.body, byUrl.body);
  });
});

describe('user data is Base64 text (D19)', () => {

  test('text that is not Base64 is a 400 naming the attribute; Base64 with line breaks is taken', async () => {
    const USER_DATA = 'Category: user_data; scheme="http://schemas.ogf.org/occi/infrastructure/compute#"; class="mixin"';
    const bad = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n${USER_DATA}\nX-OCCI-Attribute: occi.compute.userdata="not base64!!"\n` });
    assert.equal(bad.status, 400, bad.body);
    assert.match(bad.body, /occi\.compute\.userdata/);
    const encoded = Buffer.from('#cloud-config\npackages: [nginx]\n').toString('base64').replace(/(.{20})/g, '$1\\n');
    const good = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n${USER_DATA}\nX-OCCI-Attribute: occi.compute.userdata="${encoded}"\n` });
    assert.equal(good.status, 201, good.body);
  });
});

describe('an entity takes no list of locations (§4.1)', () => {

  test('a POST or PUT at an entity whose body is only locations is a 400, not a silent no-op', async () => {
    const vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!);
    for (const method of ['POST', 'PUT']) {
      const r = await s.request(method, vm, { headers: { 'Content-Type': 'text/uri-list' }, body: 'X-OCCI-Attribute: occi.core.title="x"\n' });
      assert.equal(r.status, 400, `${method}: ${r.body}`);
      assert.match(r.body, /list of locations/);
    }
    assert.equal(attribute((await s.request('GET', vm)).body, 'occi.core.title'), undefined);
  });
});

describe('bodies are UTF-8; renderings never carry raw control characters (R119, R129)', () => {

  test('a body that is not UTF-8 is a 400 and creates nothing', async () => {
    const before = (await s.request('GET', '/compute/')).body;
    const body = Buffer.concat([Buffer.from(`Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="`), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"\n')]);
    const r = await s.request('POST', '/compute/', { headers: PLAIN, body });
    assert.equal(r.status, 400, r.body);
    assert.match(r.body, /not UTF-8/);
    assert.equal((await s.request('GET', '/compute/')).body, before);
  });
});

describe('error bodies quote little of the request', () => {

  test('a 900 KB unknown kind is refused with a short message', async () => {
    const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'A'.repeat(900_000) }) });
    assert.equal(r.status, 400);
    assert.ok(r.body.length < 2000, `${r.body.length} bytes`);
  });
});

describe('R56 renderings advertise only the actions that can be triggered now', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => {
    c.local.bootMs = 60_000;
  })));
  after(() => s.close());

  test('a compute that is still being built offers no action; a settled one offers its state\'s', async () => {
    const vm = pathOf((await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!);
    const json = (await s.request('GET', vm, { headers: { Accept: 'application/occi+json' } })).json();
    assert.equal(json.attributes['occi.compute.state'], 'inactive', 'R91: the 1.2 enum has no building state');
    assert.equal(json.attributes['occi.compute.state.message'], 'building');
    assert.deepEqual(json.actions ?? [], [], 'busy: every action would be a 409');
    const r = await s.request('POST', `${vm}?action=start`, { headers: PLAIN, body: 'Category: start; scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"; class="action"\n' });
    assert.equal(r.status, 409);
  });
});
