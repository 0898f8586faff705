// The guards in front of the backend, on a clock the test turns: token
// buckets (take, wait, refill up to the burst, Retry-After rounded up to whole
// seconds, never below 1), the failed-authentication limit per address and
// the cache of refused tokens (auth-guard.ts), and CORS's exact headers.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { OcciError, unauthorized } from '../../src/errors.js';
import { AuthGuard } from '../../src/http/auth-guard.js';
import { Cors } from '../../src/http/cors.js';
import { TokenBuckets } from '../../src/http/rate-limit.js';
import type { AuthRequest, Backend, Credentials } from '../../src/port/backend.js';

describe('token buckets', () => {
  test('a full bucket of `burst` uses, then refused with the whole seconds until one comes back', () => {
    let now = 1000;
    const b = new TokenBuckets({ perSecond: 0.5, burst: 2, maxKeys: 10 }, () => now);
    assert.equal(b.enabled, true);
    assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 2, 'one use comes back in 2 s at half a use a second');
    now += 1000; // half a use back: still 1 s to go (rounded up)
    assert.equal(b.take('k'), 1);
    now += 1000; // the refusals took nothing: one whole use is back now
    assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 2);
  });

  test('a fast rate still says at least 1 s; a refill never passes the burst', () => {
    let now = 0;
    const b = new TokenBuckets({ perSecond: 1000, burst: 1, maxKeys: 10 }, () => now);
    assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 1, 'Retry-After is in whole seconds, never 0');
    now += 3_600_000;
    assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 1, 'an hour later, still one use: the burst is the most a bucket holds');
  });

  test('exactly one use refilled is enough; a hair less is not', () => {
    let now = 0;
    const b = new TokenBuckets({ perSecond: 1, burst: 1, maxKeys: 10 }, () => now);
    b.take('early');
    b.take('on-time');
    now = 999;
    assert.equal(b.take('early'), 1);
    now = 1000;
    assert.equal(b.take('on-time'), 0, 'a bucket of exactly 1 allows a use');
  });

  test('wait() counts no use, and an unknown key waits for nothing', () => {
    let now = 0;
    const b = new TokenBuckets({ perSecond: 0.1, burst: 1, maxKeys: 10 }, () => now);
    assert.equal(b.wait('k'), 0);
    assert.equal(b.size, 0, 'asking about a key keeps nothing');
    assert.equal(b.take('k'), 0);
    assert.equal(b.wait('k'), 10);
    assert.equal(b.wait('k'), 10, 'waiting took nothing');
    now = 5000;
    assert.equal(b.wait('k'), 5);
    now = 10_000;
    assert.equal(b.wait('k'), 0);
    assert.equal(b.take('k'), 0, 'and the use is there to take');
  });

  test('perSecond 0 is off: every use allowed, nothing kept', () => {
    const b = new TokenBuckets({ perSecond: 0, burst: 0, maxKeys: 10 }, () => 0);
    assert.equal(b.enabled, false);
    for (let i = 0; i < 5; i++) assert.equal(b.take('k'), 0);
    assert.equal(b.wait('k'), 0);
    assert.equal(b.size, 0);
  });
});

/** A backend that knows one good token, counts the times it is asked, and answers by `authenticate` or at once. */
function fakeBackend(withNow: boolean): { backend: Backend; asked: () => number } {
  let asked = 0;
  const answer = (req: AuthRequest): Credentials => {
    asked++;
    if (req.token === 'good') return { token: 'good', tenant: 't' } as Credentials;
    throw unauthorized('the token was refused', 'Keystone uri="http://k"');
  };
  const backend = { authenticate: async (req: AuthRequest) => answer(req) } as unknown as Backend;
  if (withNow) backend.authenticateNow = answer;
  return { backend, asked: () => asked };
}

const LIMIT = { perSecond: 0, burst: 1, maxClients: 100, failedAuthPerMinute: 6, failedAuthBurst: 2, failedAuthCacheMs: 5000 };

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    assert.ok(e instanceof OcciError, String(e));
    return e.status;
  }
}

describe('failed authentication, per client address', () => {
  test('a refused token is refused again from memory until failedAuthCacheMs passes, per project', async () => {
    let now = 0;
    const { backend, asked } = fakeBackend(false);
    const guard = new AuthGuard(backend, { ...LIMIT, failedAuthBurst: 100 }, () => now);
    assert.equal(await status(guard.authenticate({ token: 'bad' }, 'a1')), 401);
    assert.equal(asked(), 1);
    now = 4999;
    assert.equal(await status(guard.authenticate({ token: 'bad' }, 'a1')), 401);
    assert.equal(asked(), 1, 'remembered');
    assert.equal(await status(guard.authenticate({ token: 'bad', project: 'p' }, 'a1')), 401);
    assert.equal(asked(), 2, 'another project is another question');
    now = 5000;
    assert.equal(await status(guard.authenticate({ token: 'bad' }, 'a1')), 401);
    assert.equal(asked(), 3, 'forgotten once its time is up');
    assert.deepEqual(guard.usage, { addresses: 1, refusedTokens: 2 });
  });

  test('failedAuthCacheMs 0 asks the backend every time', async () => {
    const { backend, asked } = fakeBackend(false);
    const guard = new AuthGuard(backend, { ...LIMIT, failedAuthBurst: 100, failedAuthCacheMs: 0 }, () => 0);
    for (let i = 0; i < 3; i++) assert.equal(await status(guard.authenticate({ token: 'bad' }, 'a1')), 401);
    assert.equal(asked(), 3);
    assert.equal(guard.usage.refusedTokens, 0);
  });

  test('past failedAuthBurst failures an address gets 429 with Retry-After, whatever it sends; others do not', async () => {
    let now = 0;
    const { backend, asked } = fakeBackend(false);
    const guard = new AuthGuard(backend, LIMIT, () => now);
    assert.equal(await status(guard.authenticate({ token: 'bad-1' }, 'a1')), 401);
    assert.equal(await status(guard.authenticate({ token: 'bad-2' }, 'a1')), 401);
    const refused = await guard.authenticate({ token: 'good' }, 'a1').then(
      () => assert.fail('accepted'),
      (e: OcciError) => e,
    );
    assert.equal(refused.status, 429);
    assert.equal(refused.message, 'too many failed authentications from this address: at most 6 a minute; retry after 10 s with a valid token');
    assert.deepEqual(refused.headers, { 'Retry-After': '10' });
    assert.equal(asked(), 2, 'the 429 did not ask the backend');
    assert.equal(await status(guard.authenticate({ token: 'good' }, 'a2')), 200, 'another address is not held back');
    now = 10_000;
    assert.equal(await status(guard.authenticate({ token: 'good' }, 'a1')), 200, 'one failure back after 60/6 s');
  });

  test('a remembered refusal counts as a failure of the address', async () => {
    const { backend } = fakeBackend(false);
    const guard = new AuthGuard(backend, LIMIT, () => 0);
    assert.equal(await status(guard.authenticate({ token: 'bad' }, 'a1')), 401);
    assert.equal(await status(guard.authenticate({ token: 'bad' }, 'a1')), 401);
    assert.equal(await status(guard.authenticate({ token: 'good' }, 'a1')), 429);
  });

  test('no token: the backend answers (a 401 that costs nothing), not counted against the address', async () => {
    const { backend, asked } = fakeBackend(false);
    const guard = new AuthGuard(backend, { ...LIMIT, failedAuthBurst: 1 }, () => 0);
    for (const token of [undefined, '', undefined]) assert.equal(await status(guard.authenticate({ token }, 'a1')), 401);
    assert.equal(asked(), 3);
    assert.equal(guard.usage.addresses, 0);
    assert.equal(await status(guard.authenticate({ token: 'good' }, 'a1')), 200);
  });

  test('errors other than 401 are passed on and not counted', async () => {
    const backend = { authenticate: async () => Promise.reject(new OcciError(503, 'keystone down')) } as unknown as Backend;
    const guard = new AuthGuard(backend, { ...LIMIT, failedAuthBurst: 1 }, () => 0);
    for (let i = 0; i < 3; i++) assert.equal(await status(guard.authenticate({ token: 't' }, 'a1')), 503);
    assert.deepEqual(guard.usage, { addresses: 0, refusedTokens: 0 });
  });

  test('known(): the answer at once when the backend has it, refusing and counting as authenticate does', () => {
    const { backend, asked } = fakeBackend(true);
    const guard = new AuthGuard(backend, LIMIT, () => 0);
    assert.equal(guard.known({ token: 'good' }, 'a1')?.tenant, 't');
    assert.equal(guard.known({ token: '' }, 'a1'), undefined, 'no token: left to authenticate');
    assert.equal(guard.known({ token: undefined }, 'a1'), undefined);
    assert.throws(() => guard.known({ token: 'bad' }, 'a1'), (e: unknown) => e instanceof OcciError && e.status === 401);
    assert.throws(() => guard.known({ token: 'bad' }, 'a1'), (e: unknown) => e instanceof OcciError && e.status === 401);
    assert.equal(asked(), 2, 'the second refusal came from memory');
    assert.throws(() => guard.known({ token: 'good' }, 'a1'), (e: unknown) => e instanceof OcciError && e.status === 429);
    const { backend: slow } = fakeBackend(false);
    assert.equal(new AuthGuard(slow, LIMIT, () => 0).known({ token: 'good' }, 'a1'), undefined, 'a backend without authenticateNow');
  });
});

/** A response that records the headers set on it. */
function recorder(): { res: ServerResponse; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as ServerResponse;
  return { res, headers };
}
const req = (method: string, headers: Record<string, string>): IncomingMessage => ({ method, headers }) as unknown as IncomingMessage;

describe('CORS', () => {
  test('off without origins: no headers, no preflight', () => {
    const cors = new Cors([]);
    const { res, headers } = recorder();
    assert.equal(cors.enabled, false);
    assert.equal(cors.decorate(req('GET', { origin: 'https://a' }), res), false);
    assert.deepEqual(headers, {});
    assert.equal(cors.isPreflight(req('OPTIONS', { 'access-control-request-method': 'POST' })), false);
  });

  test('a listed origin gets itself back and the headers a page reads; Vary: Origin always', () => {
    const cors = new Cors(['https://a']);
    const { res, headers } = recorder();
    assert.equal(cors.decorate(req('GET', { origin: 'https://a' }), res), true);
    assert.deepEqual(headers, {
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://a',
      'Access-Control-Expose-Headers': 'Location, X-OCCI-Location, Category, Link, X-OCCI-Attribute, X-OCCI-Error, X-OCCI-Note, X-Request-Id, Retry-After, WWW-Authenticate, Server, Allow',
    });
    for (const origin of ['https://b', undefined]) {
      const other = recorder();
      assert.equal(cors.decorate(req('GET', origin ? { origin } : {}), other.res), false);
      assert.deepEqual(other.headers, { Vary: 'Origin' }, `origin ${origin}`);
    }
  });

  test('"*" allows any origin, answered with "*"', () => {
    const cors = new Cors(['*']);
    const { res, headers } = recorder();
    assert.equal(cors.decorate(req('GET', { origin: 'https://z' }), res), true);
    assert.equal(headers['Access-Control-Allow-Origin'], '*');
    assert.equal(cors.decorate(req('GET', {}), recorder().res), false, 'no Origin, no CORS answer');
  });

  test('a preflight is an OPTIONS with Access-Control-Request-Method; its headers allow every method and header read', () => {
    const cors = new Cors(['https://a']);
    assert.equal(cors.isPreflight(req('OPTIONS', { 'access-control-request-method': 'DELETE' })), true);
    assert.equal(cors.isPreflight(req('OPTIONS', {})), false);
    assert.equal(cors.isPreflight(req('GET', { 'access-control-request-method': 'DELETE' })), false);
    assert.deepEqual(cors.preflightHeaders(), {
      'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers':
        'Authorization, X-Auth-Token, Auth-Token, X-Project-Id, X-Snf-Project, Content-Type, Accept, Category, X-OCCI-Category, X-OCCI-Attribute, X-OCCI-Location, Link, User-Agent',
      'Access-Control-Max-Age': '600',
    });
  });
});
