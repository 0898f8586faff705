// Mixin collections: associate, replace, dissociate (R95–R103).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOB, COMPUTE_KIND, eventually, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };

describe('mixin collections', () => {
  let s: TestServer;
  let a: string;
  let b: string;
  before(async () => {
    s = await startServer();
    const def = 'Category: team; scheme="http://example.com/tags#"; class="mixin"; location="/tags/team/"\n';
    assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: def })).status, 200);
    const mk = async () => (await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!;
    a = await mk();
    b = await mk();
  });
  after(() => s.close());

  const members = async () => locations((await s.request('GET', '/tags/team/')).body);

  test('R95 R96 R100: POST associates; the mixin collection lists the entity', async () => {
    const r = await s.request('POST', '/tags/team/', { headers: PLAIN, body: `X-OCCI-Location: ${a}\n` });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(locations(r.body), [a]);
    assert.deepEqual(await members(), [a]);
    assert.match((await s.request('GET', pathOf(a))).body, /^Category: team; scheme="http:\/\/example\.com\/tags#"; class="mixin"/m);
  });

  test('R101: one unknown URL changes nothing and is 404', async () => {
    const r = await s.request('POST', '/tags/team/', { headers: PLAIN, body: `X-OCCI-Location: ${b}\nX-OCCI-Location: /compute/00000000-0000-4000-8000-00000000dead\n` });
    assert.equal(r.status, 404);
    assert.deepEqual(await members(), [a]);
  });

  test('R97: PUT makes the membership exactly the list', async () => {
    const r = await s.request('PUT', '/tags/team/', { headers: { 'Content-Type': 'text/uri-list' }, body: `${b}\n` });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(await members(), [b]);
  });

  test('R98 D20: DELETE with a list untags those; without one, all; entities remain', async () => {
    await s.request('PUT', '/tags/team/', { headers: PLAIN, body: `X-OCCI-Location: ${a}\nX-OCCI-Location: ${b}\n` });
    assert.equal((await s.request('DELETE', '/tags/team/', { headers: { 'Content-Type': 'text/occi', 'X-OCCI-Location': a } })).status, 200);
    assert.deepEqual(await members(), [b]);
    assert.equal((await s.request('DELETE', '/tags/team/')).status, 200);
    assert.deepEqual(await members(), []);
    assert.equal((await s.request('GET', pathOf(a))).status, 200);
  });

  test('tenants cannot tag what is not theirs', async () => {
    const def = 'Category: mine; scheme="http://example.com/bob#"; class="mixin"; location="/bob/mine/"\n';
    assert.equal((await s.request('POST', '/-/', { token: BOB, headers: PLAIN, body: def })).status, 200);
    const r = await s.request('POST', '/bob/mine/', { token: BOB, headers: PLAIN, body: `X-OCCI-Location: ${a}\n` });
    assert.equal(r.status, 404);
  });

  test('R102: a provider mixin that does not apply is refused', async () => {
    const r = await s.request('POST', '/mixin/ipnetwork/', { headers: PLAIN, body: `X-OCCI-Location: ${a}\n` });
    assert.equal(r.status, 403);
  });

  test('associating a resource_tpl through its location resizes the compute', async () => {
    const r = await s.request('POST', '/templates/resource/C4R8192D80/', { headers: PLAIN, body: `X-OCCI-Location: ${a}\n` });
    assert.equal(r.status, 200, r.body);
    const body = (await s.request('GET', pathOf(a))).body;
    assert.match(body, /^Category: C4R8192D80;/m);
    assert.match(body, /occi\.compute\.memory=8\.0/);
  });
});

describe('user mixin definitions keep names and locations the provider owns (R28, R30, R38, §4.2)', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());
  const define = (body: string, json = false) =>
    s.request('POST', '/-/', { headers: { 'Content-Type': json ? 'application/occi+json' : 'text/plain' }, body });

  test('terms and schemes follow the grammar in every rendering', async () => {
    const bad: Array<[string, RegExp]> = [
      [JSON.stringify({ mixins: [{ term: 'a b', scheme: 'http://example.org/tags#', location: '/tags/ab/' }] }), /invalid term/],
      [JSON.stringify({ mixins: [{ term: 'evil', scheme: 'http://e.org/x"; class="kind#', location: '/tags/evil/' }] }), /absolute URI/],
      [JSON.stringify({ mixins: [{ term: 'nouri', scheme: 'not a uri#', location: '/tags/nouri/' }] }), /absolute URI/],
      [JSON.stringify({ mixins: [{ term: 'nohash', scheme: 'http://example.org/tags', location: '/tags/nohash/' }] }), /ending with '#'/],
    ];
    for (const [body, message] of bad) {
      const r = await define(body, true);
      assert.equal(r.status, 400, `${body} → ${r.status} ${r.body}`);
      assert.match(r.body, message);
    }
    const discovery = (await s.request('GET', '/-/')).body;
    assert.ok(!/Category: (a b|evil|nouri|nohash);/.test(discovery));
  });

  test("the provider's schemes and mixin paths are not for user mixins; nor are percent-encoded locations", async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['Category: Fedora; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"; location="/tags/fedora/"', 400, /reserved for this provider/],
      ['Category: key; scheme="http://schemas.openstack.org/instance/credentials#"; class="mixin"; location="/tags/key/"', 400, /reserved for this provider/],
      ['Category: NewImg; scheme="http://example.com/t#"; class="mixin"; location="/templates/os/NewImg/"', 409, /reserved for this provider/],
      ['Category: z; scheme="http://example.com/t#"; class="mixin"; location="/availability_zone/z/"', 409, /reserved for this provider/],
      ['Category: t1; scheme="http://example.com/t#"; class="mixin"; location="/tags/a%20b/"', 400, /not a valid path/],
    ];
    for (const [def, status, message] of cases) {
      const r = await define(`${def}\n`);
      assert.equal(r.status, status, `${def} → ${r.status} ${r.body}`);
      assert.match(r.body, message);
    }
  });

  test('save with an empty name still gives a valid, usable template term', async () => {
    const vm = (await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="web"\n` })).headers.location!;
    const saved = await eventually(
      () =>
        s.request('POST', `${pathOf(vm)}?action=save`, {
          headers: { 'Content-Type': 'text/plain' },
          body: 'Category: save; scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"; class="action"\nX-OCCI-Attribute: name=""\n',
        }),
      (r) => r.status !== 409,
    );
    assert.equal(saved.status, 200, saved.body);
    const term = /^Category: ([^;]*);/m.exec(saved.body)?.[1];
    assert.match(term ?? '', /^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
    assert.ok(!/^Category: ;/m.test((await s.request('GET', '/-/')).body), 'no template with an empty term');
  });
});
