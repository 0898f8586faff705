// The server's own rules over HTTP, each at its edge: what Accept and
// User-Agent allow (R12, R2), errors as the client reads them (a message cut
// at 1,000 characters, an unexpected error as a 500 that names only the
// request id, a full disk as a 503 that /readyz repeats), the base URL taken
// from Host only when it is a host name, OPTIONS and Allow, HEAD, CORS
// preflights refused, maintenance (R148) and the request id in answer and log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import type { AuthRequest, Backend } from '../../src/port/backend.js';
import { ACCEPT_HEADER } from '../../src/rendering/negotiate.js';
import { COMPUTE_KIND, eventually, locations, startServer, type TestServer } from '../helpers/server.js';

/** Tokens that make authentication fail as the test needs: `long-N` a 400 of N characters, `crash` a TypeError, `disk-full` SQLite's SQLITE_FULL. */
function failing(token: string | undefined): void {
  const long = /^long-(\d+)$/.exec(token ?? '');
  if (long) throw new OcciError(400, 'm'.repeat(Number(long[1])));
  if (token === 'crash') throw new TypeError('a bug in the server');
  if (token === 'disk-full') throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

function withFailures(b: Backend): Backend {
  const now = b.authenticateNow?.bind(b);
  const later = b.authenticate.bind(b);
  b.authenticateNow = (req: AuthRequest) => (failing(req.token), now?.(req));
  b.authenticate = async (req: AuthRequest) => (failing(req.token), later(req));
  return b;
}

const JSON_ACCEPT = { Accept: 'application/occi+json' };
const errorOf = (body: string): { status: number; message: string; request_id: string } => JSON.parse(body).error;

describe('the server rules', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.cors.origins = ['https://app.example.org']), { backend: withFailures })));
  after(() => s.close());

  test('R12: an Accept the server cannot satisfy is a 406 listing what it serves', async () => {
    const r = await s.request('GET', '/-/', { headers: { Accept: 'application/xml' } });
    assert.equal(r.status, 406);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    assert.equal(r.body.split('\n')[0], `none of the media types in Accept is served; ask for one of ${ACCEPT_HEADER}`);
  });

  test('R2: a User-Agent naming OCCI above 1.2 is a 501 over HTTP', async () => {
    const r = await s.request('GET', '/-/', { headers: { ...JSON_ACCEPT, 'User-Agent': 'client OCCI/2.0' } });
    assert.equal(r.status, 501);
    assert.match(r.body, /^OCCI\/2\.0 is not implemented; this server speaks OCCI\/1\.2 and OCCI\/1\.1/, 'in text: the version is read before Accept');
  });

  test('an error message of 1,000 characters is sent whole; a longer one is cut there with an ellipsis', async () => {
    const whole = await s.request('GET', '/-/', { token: 'long-1000', headers: JSON_ACCEPT });
    assert.equal(whole.status, 400);
    assert.equal(errorOf(whole.body).message, 'm'.repeat(1000));
    const cut = await s.request('GET', '/-/', { token: 'long-1001', headers: JSON_ACCEPT });
    assert.equal(errorOf(cut.body).message, `${'m'.repeat(1000)}…`);
  });

  test('an unexpected error is a 500 naming only the request id, which the error line in the log carries with the stack', async () => {
    const r = await s.request('GET', '/-/', { token: 'crash', headers: JSON_ACCEPT });
    assert.equal(r.status, 500);
    const e = errorOf(r.body);
    assert.deepEqual(e, { status: 500, message: 'internal error; the request id identifies it in the server log', request_id: r.headers['x-request-id'] });
    assert.ok(!r.body.includes('a bug in the server'), 'the cause stays in the log');
    const line = await eventually(
      async () => s.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === e.request_id),
      (l) => l !== undefined,
    );
    assert.equal(line.level, 50);
    assert.equal(line.msg, 'request failed');
    assert.equal(line.status, 500);
    assert.match(line.err.stack, /a bug in the server/);
  });

  test('a write the disk refused is a 503 with Retry-After: 60, and /readyz says so', async () => {
    const r = await s.request('GET', '/-/', { token: 'disk-full', headers: JSON_ACCEPT });
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '60');
    assert.equal(errorOf(r.body).message, "the server's disk is full, so nothing can be created or changed now; reads still work; send the request again once the operator has fixed it");
    const ready = await s.request('GET', '/readyz', { token: null });
    assert.equal(ready.status, 503);
    assert.ok(JSON.parse(ready.body).reasons.some((x: string) => x.startsWith("the server's disk is full")), ready.body);
  });

  test('the base URL comes from Host when it is a host name (with a port, or an IPv6 literal) of at most 260 characters', async () => {
    const base = async (host: string): Promise<string> => {
      const r = await s.request('GET', '/-/', { headers: { Host: host, Accept: 'text/plain' } });
      assert.equal(r.status, 200);
      return /location="(https?:\/\/[^/"]*)\/compute\/"/.exec(r.body)![1]!;
    };
    const own = `http://127.0.0.1:${s.port}`;
    assert.equal(await base('occi.example.org:8080'), 'http://occi.example.org:8080');
    assert.equal(await base('[::1]:8443'), 'http://[::1]:8443');
    assert.equal(await base('[2001:db8::7]'), 'http://[2001:db8::7]', 'an IPv6 literal without a port');
    const name260 = `${'a'.repeat(63)}.`.repeat(4).slice(0, 256) + '.org';
    assert.equal(name260.length, 260);
    assert.equal(await base(name260), `http://${name260}`);
    assert.equal(await base(`a${name260}`), own, 'one character more: the server\'s own address');
    for (const bad of ['evil.example.org/x', 'a b', 'host:123456', 'x"y', '[zz]', 'x[::1]', '[::1]x', '[::1]:80x', '[::1]:123456']) assert.equal(await base(bad), own, bad);
    assert.equal(await base('occi.example.org:8080'), 'http://occi.example.org:8080', 'a name seen before: the same base');
  });

  test('OPTIONS: 200 with the methods of the path in Allow, an empty text body', async () => {
    for (const [path, allow] of [
      ['/-/', 'GET, HEAD, POST, DELETE, OPTIONS'],
      ['/compute/', 'GET, HEAD, POST, DELETE, OPTIONS'],
      ['/resource/', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const r = await s.request('OPTIONS', path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.allow, allow, path);
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(r.body, '');
    }
    const wrong = await s.request('PUT', '/compute/', { headers: JSON_ACCEPT });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'GET, HEAD, POST, DELETE, OPTIONS');
  });

  test('HEAD: the headers of GET, no body, and nothing done, on the query interface, a collection and an entity', async () => {
    const before = await s.request('GET', '/compute/', { headers: { Accept: 'text/plain' } });
    const entity = locations(before.body)[0] ?? locations((await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` })).body)[0]!;
    for (const path of ['/-/', '/compute/', new URL(entity).pathname]) {
      const get = await s.request('GET', path, { headers: { Accept: 'text/plain' } });
      const head = await s.request('HEAD', path, { headers: { Accept: 'text/plain' } });
      assert.equal(head.status, 200, path);
      assert.equal(head.body, '');
      assert.equal(head.headers['content-type'], get.headers['content-type']);
      // An entity's rendering may change between the two (a compute booting): its length is compared only where nothing moves.
      if (!path.startsWith('/compute/') || path === '/compute/') assert.equal(head.headers['content-length'], get.headers['content-length'], path);
      else assert.match(String(head.headers['content-length']), /^[1-9]\d*$/, path);
    }
    assert.equal((await s.request('GET', '/compute/', { headers: { Accept: 'text/plain' } })).body, (await s.request('GET', '/compute/', { headers: { Accept: 'text/plain' } })).body);
    assert.deepEqual(locations((await s.request('GET', '/compute/')).body).sort(), [...new Set([...locations(before.body), entity])].sort(), 'HEAD made nothing');
  });

  test('a preflight from an origin not listed is a 403 with no body and no CORS grant', async () => {
    const r = await s.request('OPTIONS', '/compute/', { token: null, headers: { Origin: 'https://other.example.org', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(r.status, 403);
    assert.equal(r.body, '');
    assert.equal(r.headers.vary, 'Origin');
    assert.equal(r.headers['access-control-allow-methods'], undefined);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    const line = await eventually(async () => s.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === r.headers['x-request-id']), (l) => l !== undefined);
    assert.deepEqual([line.route, line.status], ['preflight', 403]);
  });

  test('every answer has its own request id, the one its access line carries, with route, status and tenant', async () => {
    const a = await s.request('GET', '/compute/');
    const b = await s.request('GET', '/compute/');
    assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
    assert.equal(a.headers['cache-control'], 'no-store', "a tenant's answer is never kept by a shared cache");
    const line = await eventually(
      async () => s.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === a.headers['x-request-id']),
      (l) => l !== undefined,
    );
    assert.deepEqual([line.msg, line.method, line.path, line.route, line.status, line.tenant], ['request', 'GET', '/compute/', '/compute/', 200, 'alice']);
  });
});

describe('R148: maintenance', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.maintenance = true))));
  after(() => s.close());

  test("a tenant's request is a 503 saying so, with a Retry-After; /healthz still answers and /readyz says why", async () => {
    const r = await s.request('GET', '/-/', { headers: JSON_ACCEPT });
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '30');
    assert.equal(errorOf(r.body).message, 'the server is in maintenance; try again later');
    assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
    const ready = await s.request('GET', '/readyz', { token: null });
    assert.equal(ready.status, 503);
    assert.ok(JSON.parse(ready.body).reasons.includes('the server is in maintenance (setting maintenance)'));
  });
});

describe('publicUrl', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.publicUrl = 'https://occi.example.org/cloud'))));
  after(() => s.close());

  test('every location is under publicUrl, whatever Host the request names', async () => {
    const r = await s.request('GET', '/-/', { headers: { Host: 'other.example.org', Accept: 'text/plain' } });
    assert.match(r.body, /location="https:\/\/occi\.example\.org\/cloud\/compute\/"/);
    assert.ok(!r.body.includes('other.example.org'));
  });
});
