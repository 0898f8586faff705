// Query interface, negotiation, versioning and authentication (R1–R38).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOB, CORE, INFRA, startServer, type TestServer } from '../helpers/server.js';

describe('query interface /-/', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  test('R1 R3 R5: Server names OCCI/1.2 and OCCI/1.1, Accept lists the media types, on errors too', async () => {
    for (const r of [await s.request('GET', '/-/'), await s.request('GET', '/nowhere'), await s.request('GET', '/-/', { token: null })]) {
      assert.match(String(r.headers.server), /^snf-occi\/\d+\.\d+\.\d+ OCCI\/1\.2 OCCI\/1\.1$/);
      assert.match(String(r.headers.accept), /application\/occi\+json/);
      assert.ok(r.headers['x-request-id']);
    }
  });

  test('R6: no Accept and */* answer text/plain', async () => {
    assert.match(String((await s.request('GET', '/-/')).headers['content-type']), /^text\/plain/);
    const star = await s.request('GET', '/-/', { headers: { Accept: '*/*' } });
    assert.match(String(star.headers['content-type']), /^text\/plain/);
  });

  test('R21 R23 R24 R25 R26: kinds carry rel and location; entity has none; flags and actions render', async () => {
    const body = (await s.request('GET', '/-/')).body;
    const line = (term: string): string => body.split('\n').find((l) => l.startsWith(`Category: ${term};`))!;
    assert.match(line('compute'), /rel="http:\/\/schemas\.ogf\.org\/occi\/core#resource"/);
    assert.match(line('compute'), /location="http:\/\/127\.0\.0\.1:\d+\/compute\/"/);
    assert.match(line('compute'), /occi\.compute\.state\{immutable\}/);
    assert.match(line('compute'), /actions="[^"]*compute\/action#start/);
    assert.match(line('storage'), /occi\.storage\.size\{required\}/);
    assert.match(line('resource'), /rel="http:\/\/schemas\.ogf\.org\/occi\/core#entity"/);
    assert.doesNotMatch(line('entity'), /location=/);
    assert.match(line('stop'), /class="action"; title="[^"]+"; attributes="method"/);
    assert.match(line('ipnetwork'), /class="mixin"/);
    assert.doesNotMatch(line('ipnetwork'), /rel=/, 'R22: applies is never rendered as rel');
    assert.match(line('Debian'), /rel="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#os_tpl"/);
    assert.match(line('C2R2048D20'), /rel="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#resource_tpl"/);
  });

  test('R19: the well-known path answers exactly like /-/', async () => {
    const a = await s.request('GET', '/-/');
    const b = await s.request('GET', '/.well-known/org/ogf/occi/-/');
    assert.equal(b.status, 200);
    assert.equal(b.body, a.body);
  });

  test('R7 R128: text/occi puts categories in headers and OK in the body', async () => {
    const r = await s.request('GET', '/-/', { headers: { Accept: 'text/occi' } });
    assert.equal(r.body, 'OK');
    assert.match(String(r.headers.category), /compute; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#"; class="kind"/);
  });

  test('R35 R36 R134 R135: JSON has kinds, mixins, actions with applies and depends', async () => {
    const r = await s.request('GET', '/-/', { headers: { Accept: 'application/occi+json' } });
    assert.equal(r.status, 200);
    const m = r.json();
    assert.ok(Array.isArray(m.kinds) && Array.isArray(m.mixins) && Array.isArray(m.actions));
    const compute = m.kinds.find((k: any) => k.term === 'compute');
    assert.equal(compute.parent, `${CORE}resource`);
    assert.equal(compute.attributes['occi.compute.cores'].type, 'number');
    const ipnetwork = m.mixins.find((x: any) => x.term === 'ipnetwork');
    assert.deepEqual(ipnetwork.applies, [`${INFRA}network`]);
    const debian = m.mixins.find((x: any) => x.term === 'Debian');
    assert.deepEqual(debian.depends, [`${INFRA}os_tpl`]);
    assert.ok(debian.location);
    const sshKey = m.mixins.find((x: any) => x.term === 'ssh_key');
    assert.deepEqual(sshKey.applies, [`${INFRA}compute`], 'R150');
  });

  test('R27 (1.1) and the 1.2 relation filter: a kind with its actions; to OCCI/1.1 clients that category only; empty scheme matches by term', async () => {
    const terms = (r: { body: string }): string[] => r.body.trim().split('\n').map((l) => l.split(';')[0]!);
    const compute = { Category: `compute; scheme="${INFRA}"; class="kind"` };
    const r = await s.request('GET', '/-/', { headers: compute });
    assert.deepEqual(terms(r), ['Category: compute', 'Category: start', 'Category: stop', 'Category: restart', 'Category: suspend', 'Category: save']);
    const old = await s.request('GET', '/-/', { headers: { ...compute, 'User-Agent': 'occi-compliance/1.0 OCCI/1.1' } });
    assert.deepEqual(terms(old), ['Category: compute'], 'R27: 1.1 returns only the named category');
    const byTerm = await s.request('GET', '/-/', { headers: { Category: 'Debian; scheme=;' } });
    assert.deepEqual(terms(byTerm), ['Category: Debian']);
    const none = await s.request('GET', '/-/', { headers: { Category: 'nothing; scheme="http://example.com/x#"' } });
    assert.equal(none.status, 200);
    assert.equal(none.body.trim(), '');
  });

  test('R13: text/uri-list on /-/ is 400; R12: an unsupported Accept is 406', async () => {
    assert.equal((await s.request('GET', '/-/', { headers: { Accept: 'text/uri-list' } })).status, 400);
    const r = await s.request('GET', '/-/', { headers: { Accept: 'image/png' } });
    assert.equal(r.status, 406);
    assert.match(r.body, /media type/);
  });

  test('Accept q-values pick the preferred type', async () => {
    const r = await s.request('GET', '/-/', { headers: { Accept: 'text/plain;q=0.5, application/occi+json;q=0.9' } });
    assert.match(String(r.headers['content-type']), /^application\/occi\+json/);
  });

  test('R2: a client asking for OCCI/1.9 gets 501', async () => {
    const r = await s.request('GET', '/-/', { headers: { 'User-Agent': 'client/1 OCCI/1.9' } });
    assert.equal(r.status, 501);
  });

  test('R34 R17: PUT on /-/ is 405 with Allow; OPTIONS lists the methods', async () => {
    const r = await s.request('PUT', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: '' });
    assert.equal(r.status, 405);
    assert.match(String(r.headers.allow), /GET/);
    const o = await s.request('OPTIONS', '/compute/');
    assert.equal(o.status, 200);
    assert.equal(o.headers.allow, 'GET, HEAD, POST, DELETE, OPTIONS');
  });

  test('R16: HEAD answers like GET without a body', async () => {
    const r = await s.request('HEAD', '/-/');
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
    assert.ok(Number(r.headers['content-length']) > 1000);
  });

  test('R149: no token → 401 with WWW-Authenticate; a bad token → 401', async () => {
    const r = await s.request('GET', '/-/', { token: null });
    assert.equal(r.status, 401);
    assert.ok(r.headers['www-authenticate']);
    assert.equal((await s.request('GET', '/-/', { token: 'nope-nope-nope' })).status, 401);
  });

  test('R28 R31 R32 R33: user mixin lifecycle', async () => {
    const def = 'prod; scheme="http://example.com/tags#"; class="mixin"; title="Production"; location="/tags/prod/"';
    const add = await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${def}\n` });
    assert.equal(add.status, 200, add.body);
    assert.match((await s.request('GET', '/-/')).body, /^Category: prod; scheme="http:\/\/example\.com\/tags#"; class="mixin"; title="Production"; location="http:\/\/127\.0\.0\.1:\d+\/tags\/prod\/"/m);
    // Bob does not see alice's tag.
    assert.doesNotMatch((await s.request('GET', '/-/', { token: BOB })).body, /Category: prod;/);
    // R30: the same again clashes.
    assert.equal((await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${def}\n` })).status, 409);
    // Tag a compute, then delete the mixin: the compute no longer carries it (R33).
    const c = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: compute; scheme="${INFRA}"; class="kind"\n` });
    assert.equal(c.status, 201, c.body);
    const tag = await s.request('POST', '/tags/prod/', { headers: { 'Content-Type': 'text/plain' }, body: `X-OCCI-Location: ${c.headers.location}\n` });
    assert.equal(tag.status, 200, tag.body);
    assert.match((await s.request('GET', new URL(c.headers.location!).pathname)).body, /^Category: prod;/m);
    const del = await s.request('DELETE', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: 'Category: prod; scheme="http://example.com/tags#"; class="mixin"\n' });
    assert.equal(del.status, 200, del.body);
    assert.doesNotMatch((await s.request('GET', '/-/')).body, /Category: prod;/);
    assert.doesNotMatch((await s.request('GET', new URL(c.headers.location!).pathname)).body, /Category: prod;/);
    assert.equal((await s.request('GET', '/tags/prod/')).status, 404);
    // R32: provider mixins cannot be deleted.
    const forbidden = await s.request('DELETE', '/-/', { headers: { Category: `os_tpl; scheme="${INFRA}"; class="mixin"`, 'Content-Type': 'text/occi' } });
    assert.equal(forbidden.status, 403);
  });

  test('R29 R38: a user mixin without location is 400; an OCCI scheme is refused', async () => {
    const noLoc = await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: 'Category: x; scheme="http://example.com/t#"; class="mixin"\n' });
    assert.equal(noLoc.status, 400);
    assert.match(noLoc.body, /location/);
    const reserved = await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: x; scheme="${INFRA}"; class="mixin"; location="/x/"\n` });
    assert.equal(reserved.status, 400);
  });

  test('user mixins can be defined in JSON', async () => {
    const body = JSON.stringify({ mixins: [{ term: 'blue', scheme: 'http://example.com/colors#', location: '/colors/blue/' }] });
    const r = await s.request('POST', '/-/', { headers: { 'Content-Type': 'application/occi+json' }, body });
    assert.equal(r.status, 200, r.body);
    const m = (await s.request('GET', '/-/', { headers: { Accept: 'application/occi+json' } })).json();
    assert.ok(m.mixins.some((x: any) => x.term === 'blue' && x.location.endsWith('/colors/blue/')));
  });

  test('GET /healthz needs no token', async () => {
    const r = await s.request('GET', '/healthz', { token: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { status: 'ok' });
  });

  test('tokens never appear in logs; every log line has a request id', async () => {
    await s.request('GET', '/-/');
    const lines = s.logs.filter((l) => l.includes('"msg":"request"'));
    assert.ok(lines.length > 0);
    for (const l of s.logs) {
      assert.ok(!l.includes('alice-token'), 'token leaked into a log line');
      assert.ok(!l.includes('bob-token'), 'token leaked into a log line');
    }
    for (const l of lines) assert.match(l, /"reqId":"[0-9a-f-]{36}"/);
  });
});

describe('operator endpoints', () => {
  test('GET /metrics times requests by method, route template and status, without a token', async () => {
    const s = await startServer();
    try {
      await s.request('GET', '/-/');
      await s.request('GET', '/-/', { token: null });
      const r = await s.request('GET', '/metrics', { token: null });
      assert.equal(r.status, 200);
      assert.match(r.body, /^# TYPE snf_occi_http_request_duration_seconds histogram$/m);
      assert.match(r.body, /^snf_occi_http_request_duration_seconds_count\{method="GET",route="\/-\/",status="200"\} \d+$/m);
      assert.match(r.body, /^snf_occi_http_request_duration_seconds_count\{method="GET",route="other",status="401"\} \d+$/m);
      assert.ok(!r.body.includes('alice-token'));
    } finally {
      await s.close();
    }
  });
});

describe('authentication forms and maintenance', () => {
  test('R149: Authorization Bearer, and Basic with the token as password, are accepted', async () => {
    const s = await startServer();
    try {
      const bearer = await s.request('GET', '/-/', { token: null, headers: { Authorization: 'Bearer alice-token-0123456789abcdef0123456789' } });
      assert.equal(bearer.status, 200);
      const basic = await s.request('GET', '/-/', { token: null, headers: { Authorization: `Basic ${Buffer.from('alice:alice-token-0123456789abcdef0123456789').toString('base64')}` } });
      assert.equal(basic.status, 200);
      const wrong = await s.request('GET', '/-/', { token: null, headers: { Authorization: `Basic ${Buffer.from('alice:nope-nope-nope').toString('base64')}` } });
      assert.equal(wrong.status, 401);
    } finally {
      await s.close();
    }
  });

  test('R148: in maintenance the server answers 503 at the root and everywhere else', async () => {
    const s = await startServer((c) => (c.maintenance = true));
    try {
      for (const path of ['/', '/-/', '/compute/']) assert.equal((await s.request('GET', path)).status, 503, path);
      assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
    } finally {
      await s.close();
    }
  });
});
