// A cached GET /-/ is answered without waiting when the backend knows the
// token and its provider mixins at once (authenticateNow, providerMixinsNow:
// the embedded cloud does). That path must answer exactly what the waiting
// path answers — status, headers, body, in every rendering and for errors —
// and still refuse bad and revoked tokens, rate-limit, log the request and
// count it in /metrics.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Backend } from '../../src/port/backend.js';
import { ALICE, BOB, startServer, type Reply, type RequestOptions, type TestServer } from '../helpers/server.js';

/**
 * The backend, its calls counted by method name; while `waiting.on`, it cannot answer without waiting (as the
 * OpenStack backend may not), so the server takes the waiting path.
 */
function spied(calls: Map<string, number>, waiting: { on: boolean }) {
  return (b: Backend): Backend =>
    new Proxy(b, {
      get: (target, key) => {
        if (waiting.on && (key === 'authenticateNow' || key === 'providerMixinsNow')) return undefined;
        const value = Reflect.get(target, key);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
}

/** Headers that differ between any two answers (the time, the request's own id). */
function comparable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { date, 'x-request-id': id, ...rest } = headers;
  assert.match(String(id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID-shaped request id');
  assert.ok(date);
  return rest;
}

function sameAnswer(fast: Reply, slow: Reply, what: string): void {
  assert.equal(fast.status, slow.status, what);
  assert.deepEqual(comparable(fast.headers), comparable(slow.headers), what);
  // An error body names the request's id.
  const [a, b] = [fast, slow].map((r) => r.body.split(String(r.headers['x-request-id'])).join('{id}')) as [string, string];
  const at = [...a].findIndex((c, i) => c !== b[i]);
  assert.ok(a === b, `${what}: the bodies differ from character ${at}: ${a.slice(at, at + 80)} | ${b.slice(at, at + 80)}`);
}

describe('a cached GET /-/ without waiting', () => {
  const calls = new Map<string, number>();
  const waiting = { on: false };
  let s: TestServer;
  before(async () => {
    s = await startServer(undefined, { backend: spied(calls, waiting) });
  });
  after(() => s.close());

  /** The request answered twice: without waiting, then by the waiting path. */
  async function both(method: string, path: string, options: RequestOptions): Promise<[Reply, Reply]> {
    waiting.on = false;
    const fast = await s.request(method, path, options);
    waiting.on = true;
    const slow = await s.request(method, path, options);
    waiting.on = false;
    return [fast, slow];
  }

  test('answers what the waiting path answers, in every rendering, for GET and HEAD, and for errors', async () => {
    const cases: Array<[string, string, Record<string, string>, string | null]> = [];
    for (const accept of ['text/plain', 'text/occi', 'application/occi+json', 'application/json', 'text/uri-list, text/plain', '*/*']) {
      cases.push(['GET', '/-/', { Accept: accept }, ALICE], ['HEAD', '/-/', { Accept: accept }, ALICE]);
    }
    cases.push(
      ['GET', '/.well-known/org/ogf/occi/-/', {}, BOB],
      ['GET', '/-/', { Accept: 'image/png' }, ALICE], // 406
      ['GET', '/-/', { 'User-Agent': 'client OCCI/2.0' }, ALICE], // 501
      ['GET', '/-/', { 'User-Agent': 'client OCCI/1.1' }, ALICE],
      ['GET', '/-/', {}, 'not-a-token-0123456789abcdefghijklmnopq'], // 401
      ['GET', '/-/', {}, null], // 401, no token
      ['GET', '/-/', { Category: 'compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"' }, ALICE], // filtered: not cached
      ['OPTIONS', '/-/', {}, ALICE],
    );
    for (const [method, path, headers, token] of cases) {
      // Twice: the first may make the cached answer, the second is served from it.
      for (let i = 0; i < 2; i++) {
        const what = `${method} ${path} ${JSON.stringify(headers)} ${token === null ? 'no token' : token.slice(0, 8)} (#${i + 1})`;
        const before = new Map(calls);
        const [fast, slow] = await both(method, path, { headers, token });
        sameAnswer(fast, slow, what);
        if (fast.status < 400) {
          const more = (name: string): number => (calls.get(name) ?? 0) - (before.get(name) ?? 0);
          assert.equal(more('authenticateNow'), 1, `${what}: asked once without waiting`);
          assert.equal(more('authenticate'), 1, `${what}: and once waiting`);
        }
      }
    }
  });

  test('logs each request and counts it in /metrics, with the id the client was given', async () => {
    const count = async (): Promise<number> => {
      const m = await s.request('GET', '/metrics', { token: null });
      return Number(/^snf_occi_http_request_duration_seconds_count\{method="GET",route="\/-\/",status="200"\} (\d+)$/m.exec(m.body)?.[1] ?? 0);
    };
    const before = await count();
    const r = await s.request('GET', '/-/');
    assert.equal(r.status, 200);
    assert.equal(await count(), before + 1);
    const id = String(r.headers['x-request-id']);
    const line = s.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === id);
    assert.ok(line, `an access line for ${id}`);
    assert.deepEqual([line.method, line.path, line.route, line.status, line.tenant, line.msg], ['GET', '/-/', '/-/', 200, 'alice', 'request']);
  });
});

describe('without waiting, still', () => {
  test('refuses a token revoked since it was last seen', async () => {
    const s = await startServer();
    try {
      assert.equal((await s.request('GET', '/-/', { token: BOB })).status, 200);
      // What a start with a new token list does (the embedded cloud's token store).
      const tokens = (s.app.backend as unknown as { tokens: { replaceAll(g: Array<{ token: string; tenant: string }>): void } }).tokens;
      tokens.replaceAll([{ token: ALICE, tenant: 'alice' }]);
      const refused = await s.request('GET', '/-/', { token: BOB });
      assert.equal(refused.status, 401, refused.body);
      assert.match(String(refused.headers['www-authenticate']), /\S/);
      assert.equal((await s.request('GET', '/-/', { token: ALICE })).status, 200);
    } finally {
      await s.close();
    }
  });

  test('limits the rate per token (429 with Retry-After), and logs it', async () => {
    const s = await startServer((c) => {
      c.rateLimit.perSecond = 0.001;
      c.rateLimit.burst = 2;
    });
    try {
      assert.equal((await s.request('GET', '/-/')).status, 200);
      assert.equal((await s.request('GET', '/-/')).status, 200);
      const limited = await s.request('GET', '/-/');
      assert.equal(limited.status, 429, limited.body);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal(limited.headers['cache-control'], 'no-store');
      const line = s.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === limited.headers['x-request-id']);
      assert.equal(line?.status, 429);
      assert.equal((await s.request('GET', '/-/', { token: BOB })).status, 200, 'another token has its own bucket');
    } finally {
      await s.close();
    }
  });
});
