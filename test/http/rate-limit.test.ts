// Per-token rate limiting: a token bucket per token (kept under a hash of it,
// in a bounded LRU); past it, 429 with Retry-After. Other tokens, /healthz
// and /metrics are not affected.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultRateLimit } from '../../src/config/tenant-limits.js';
import { OcciError } from '../../src/errors.js';
import { RateLimiter } from '../../src/http/rate-limit.js';
import { ALICE, BOB, startServer, type TestServer } from '../helpers/server.js';

function refusal(f: () => void): OcciError {
  try {
    f();
  } catch (e) {
    if (e instanceof OcciError) return e;
    throw e;
  }
  assert.fail('expected a 429');
}

describe('rate limiter', () => {
  test('a burst, then one request per 1/perSecond; Retry-After in whole seconds', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, maxClients: 10 }, () => now);
    for (let i = 0; i < 3; i++) limiter.take('token-a');
    const e = refusal(() => limiter.take('token-a'));
    assert.equal(e.status, 429);
    assert.equal(e.headers['Retry-After'], '1');
    assert.match(e.message, /at most 2 a second \(bursts of 3\).*rateLimit\.perSecond/);
    assert.ok(!e.message.includes('token-a'), 'the token is never in the message');
    limiter.take('token-b'); // another token has its own bucket
    now += 500;
    limiter.take('token-a'); // half a second gives one request back
    assert.equal(refusal(() => limiter.take('token-a')).status, 429);
    now += 10_000;
    for (let i = 0; i < 3; i++) limiter.take('token-a'); // refilled, never past the burst
    assert.equal(refusal(() => limiter.take('token-a')).status, 429);
  });

  test('a slow rate gives a longer Retry-After', () => {
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1, maxClients: 10 }, () => 0);
    limiter.take('t');
    assert.equal(refusal(() => limiter.take('t')).headers['Retry-After'], '10');
  });

  test('memory is bounded: at most maxClients buckets', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxClients: 50 }, () => 0);
    for (let i = 0; i < 1000; i++) limiter.take(`token-${i}`);
    assert.equal(limiter.size, 50);
  });

  test('perSecond 0 turns it off; the default lets a normal client through', () => {
    const off = new RateLimiter({ perSecond: 0, burst: 1, maxClients: 1 }, () => 0);
    for (let i = 0; i < 1000; i++) off.take('t');
    const d = defaultRateLimit();
    assert.ok(d.perSecond >= 50 && d.burst >= 200, 'a script of a few hundred quick calls is never refused');
    const limiter = new RateLimiter(d, () => 0);
    for (let i = 0; i < d.burst; i++) limiter.take('t');
  });
});

describe('rate limiting over HTTP', () => {
  let s: TestServer;
  // One request back every 100 s: the test never waits long enough for one to come back, however slow the machine.
  before(async () => (s = await startServer((c) => (c.rateLimit = { ...c.rateLimit, perSecond: 0.01, burst: 3, maxClients: 100 }))));
  after(() => s.close());

  test('past the burst: 429 with Retry-After; other tokens and /healthz still answered', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await s.request('GET', '/-/')).status, 200);
    const r = await s.request('GET', '/-/');
    assert.equal(r.status, 429, r.body);
    const wait = Number(r.headers['retry-after']);
    assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 100, `Retry-After ${r.headers['retry-after']}`);
    assert.match(r.body, /too many requests with this token/);
    assert.ok(!r.body.includes(ALICE));
    assert.equal((await s.request('GET', '/-/', { token: BOB })).status, 200);
    assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
    assert.equal((await s.request('GET', '/-/', { token: 'not-a-valid-token' })).status, 401, 'a bad token is refused as such');
  });
});
