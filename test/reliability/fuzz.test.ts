// A short fuzz of the live server: a few thousand random, mutated and
// malformed requests (methods, paths with `..`, %2f, unicode and huge
// lengths, OCCI headers with quotes, backslashes, commas, semicolons, CR/LF
// and non-ASCII, bodies in every content type, deep JSON, limits). Whatever
// comes in: no 5xx (but R2's 501), no dropped connection, no token in any
// answer, /healthz stays up, and the server still works afterwards.
// The seed is fixed so a failure replays; RELIABILITY_SEED picks another.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedWorld } from '../../scripts/support/fixtures.js';
import { formatStats, runFuzz } from '../../scripts/support/fuzz-run.js';
import { ALICE, BOB, COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20240611);

describe('fuzz: random and malformed requests never break the server (R1, R2, R114, D17, D37)', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  test('4000 requests on 6 connections: no 5xx, no drop, no token in answers, healthy throughout', async () => {
    const paths = await seedWorld(s.url, ALICE, BOB);
    const stats = await runFuzz({
      port: s.port,
      seed: SEED,
      count: 4000,
      seconds: 20,
      connections: 6,
      healthEvery: 200,
      timeoutMs: 15_000,
      targets: { token: ALICE, otherToken: BOB, paths, base: s.url },
    });
    const report = formatStats(stats);
    assert.ok(stats.sent >= 1000, `too few requests sent in time:\n${report}`);
    assert.equal(stats.serverErrors, 0, report);
    assert.equal(stats.drops, 0, report);
    assert.equal(stats.leaks, 0, report);
    assert.deepEqual(stats.healthFailures, [], report);
    // Every family of request was exercised, and most were refused with a 4xx.
    for (const family of ['mutated-occi', 'json', 'random-request', 'text-body', 'uri-list', 'deep-or-big', 'limits', 'malformed-http']) {
      assert.ok((stats.byFamily.get(family) ?? 0) > 0, `no ${family} requests:\n${report}`);
    }
    assert.ok((stats.byStatus.get(400) ?? 0) > 0 && (stats.byStatus.get(201) ?? 0) > 0, report);
    // The server logged no failure of its own.
    assert.deepEqual(s.logs.filter((l) => l.includes('"request failed"')), []);
  });

  test('afterwards the server still discovers, creates and lists normally', async () => {
    assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
    assert.equal((await s.request('GET', '/-/')).status, 200);
    const created = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` });
    assert.equal(created.status, 201, created.body);
    const listed = await s.request('GET', '/compute/');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.includes(created.headers.location!), 'the new compute is listed');
  });
});
