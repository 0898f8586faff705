// Rules of the OpenStack clients that survivors of the first Stryker run over
// src/backends/openstack/clients/ were still getting past after the earlier
// planting (docs/testing.md, issue 14).
//
// tls.ts: the connections to the cloud are made by the undici Agent that Node
// bundles, found as the global dispatcher after a data: fetch. When what is
// there is not such an Agent (an object without `request`, a function),
// the backend says so in its own words instead of failing later on a
// TypeError. Each case loads tls.js afresh (a query in its URL) so its cached
// lookup starts empty, with the global dispatcher set to a stand-in and put
// back afterwards. No sockets opened. (A null one is not tried: Node's fetch
// then fails first, on an assertion of its own, before the check is reached.)
//
// keystone.ts, nova.ts, cinder.ts: the statuses each call takes as answers
// (accept) and the values it keeps out of error messages (secrets), which the
// recording stand-in of the earlier tests does not apply: here the real
// JsonHttp on a scripted dispatcher (no sockets) applies them.
//
// http.ts: how long a cloud call took, as reported to /metrics and the debug
// log, and the pause before a GET is tried again (on a mocked clock).
import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
import { onCloudCall, type CloudCall } from '../../src/cloud-calls.js';
import { JsonHttp } from '../../src/backends/openstack/clients/http.js';
import { Identity } from '../../src/backends/openstack/clients/keystone.js';
import { negotiateMicroversion, Nova } from '../../src/backends/openstack/clients/nova.js';
import { volumeMicroversion } from '../../src/backends/openstack/clients/cinder.js';
import { OcciError } from '../../src/errors.js';
import { scriptedHttp, type Reply } from './scripted-http.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const MISSING = 'the connections to the cloud need the undici Agent bundled with Node; it was not found';
type Tls = typeof import('../../src/backends/openstack/clients/tls.js');

let fresh = 0;
/** tls.js loaded anew, with the global dispatcher `stand` while it looks it up. */
async function lookUpWith(stand: unknown): Promise<Tls> {
  await fetch('data:,'); // Node installs its own Agent first, so the stand-in below is what a lookup finds
  const g = globalThis as Record<symbol, unknown>;
  const saved = g[GLOBAL_DISPATCHER];
  g[GLOBAL_DISPATCHER] = stand;
  restore = () => void (g[GLOBAL_DISPATCHER] = saved);
  return (await import(`../../src/backends/openstack/clients/tls.js?case=${++fresh}`)) as Tls;
}
let restore = (): void => undefined;

describe("openstack connections: Node's bundled undici Agent", () => {
  afterEach(() => restore());

  test('a global dispatcher without a request method is not the Agent the calls need: neither the lookup nor the cloud\'s Agent is made', async () => {
    const tls = await lookUpWith({ dispatch: () => true });
    await assert.rejects(tls.globalDispatcher(), { message: MISSING });
    await assert.rejects(tls.cloudDispatcher({ insecure: false })(), { message: MISSING });
  });

  test('a function in its place, even one with a request method, is not the Agent either', async () => {
    const stand = Object.assign(() => undefined, { request: async () => ({ statusCode: 200, headers: {}, body: { text: async () => '' } }) });
    const tls = await lookUpWith(stand);
    await assert.rejects(tls.globalDispatcher(), { message: MISSING });
  });

  test("Node's own Agent is found, and the cloud's Agent is made from its class", async () => {
    const tls = (await import(`../../src/backends/openstack/clients/tls.js?case=${++fresh}`)) as Tls;
    const found = await tls.globalDispatcher();
    assert.equal(typeof found.request, 'function');
    assert.equal(found, (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER]);
    const d = tls.cloudDispatcher({ insecure: false });
    const agent = await d();
    assert.equal(agent.constructor, found.constructor);
    await d.close();
  });
});

/** The real JsonHttp answering `replies` in turn, behind Keystone v2.0's challenge. */
const scripted = (o: { retryDelayMs?: number }, ...replies: Reply[]) => scriptedHttp({ challenge: 'Keystone uri="https://keystone/v2.0"', ...o }, ...replies);

const astakos = (http: JsonHttp): Identity => new Identity(http, { keystoneUrl: 'https://astakos/identity/v2.0', version: 'v2.0', scopeToProject: false, cacheSize: 10 });

describe('openstack clients: what each call takes as an answer, and what it never repeats', () => {
  test("keystone v2.0: a token it answers 401 or 404 to is 'not accepted' (401 with the challenge), not a failure of Keystone's", async () => {
    for (const status of [401, 404]) {
      const { http } = scripted({}, { status, body: '{"error":{"message":"The request you have made requires authentication.","code":401}}' });
      const e = await astakos(http).session('tok-1').then(
        () => assert.fail('accepted'),
        (err: OcciError) => err,
      );
      assert.equal(e.status, 401);
      assert.equal(e.message, 'the token was not accepted by Keystone');
    }
  });

  test('keystone v2.0: the token sent in the body never shows in the error of a refusal that repeats it', async () => {
    const { http, sent } = scripted({}, { status: 400, body: '{"error":{"message":"malformed token tok-secret-7 in request","code":400}}' });
    const e = await astakos(http).session('tok-secret-7').then(
      () => assert.fail('accepted'),
      (err: OcciError) => err,
    );
    assert.equal(sent[0]!.body?.includes('tok-secret-7'), true, 'the token went in the body, not as X-Auth-Token');
    assert.equal(e.status, 400);
    assert.doesNotMatch(e.message, /tok-secret-7/);
  });

  test("nova: deleting a metadata item the server no longer has (404) is done, not a failure", async () => {
    const { http, sent } = scripted({}, { status: 404, body: '{"itemNotFound":{"message":"Metadata item was not found","code":404}}' });
    await new Nova(http, 'http://nova/v2.1', 'tok', '2.90').deleteMetadata('s1', 'occi.core.summary');
    assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), ['DELETE /v2.1/servers/s1/metadata/occi.core.summary']);
  });

  test("nova and cinder: a version document answered 300 (Multiple Choices) is read, not refused", async () => {
    const nova = scripted({}, { status: 300, body: '{"version":{"id":"v2.1","version":"2.93","min_version":"2.1"}}' });
    assert.equal(await negotiateMicroversion(nova.http, 'http://nova/v2.1', 'tok'), '2.90');
    const cinder = scripted({}, { status: 300, body: '{"versions":[{"id":"v3.0","version":"3.70","status":"CURRENT"}]}' });
    assert.equal(await volumeMicroversion(cinder.http, 'http://cinder/v3/p1', 'tok'), '3.70');
    assert.deepEqual(cinder.sent.map((r) => `${r.method} ${r.path}`), ['GET /v3/']);
  });
});

describe('openstack HTTP client: how long a call took, and the pause before a retry', () => {
  afterEach(() => mock.timers.reset());

  test('a cloud call is reported with the time it took, answered or not (never more than the whole request took)', async () => {
    const calls: CloudCall[] = [];
    const stop = onCloudCall((c) => calls.push(c));
    try {
      const { http } = scripted({ retryDelayMs: 0 }, new Error('socket hang up'), { status: 200, body: '{}' });
      const t0 = performance.now();
      await http.request('nova', { method: 'GET', url: 'http://nova/v2.1/servers' });
      const took = performance.now() - t0;
      assert.deepEqual(calls.map((c) => c.outcome), ['unreachable', 'ok']);
      for (const c of calls) assert.ok(c.ms >= 0 && c.ms <= took, `${c.outcome}: ${c.ms} ms reported of ${took} ms`);
    } finally {
      stop();
    }
  });

  test('a GET the cloud failed with 500 is tried again after 100 ms when no pause is configured', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { http, sent } = scripted({}, { status: 500, body: '{}' }, { status: 200, body: '{"ok":true}' });
    const answer = http.request('nova', { method: 'GET', url: 'http://nova/v2.1/servers' });
    await until(() => sent.length === 1);
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    mock.timers.tick(99);
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
    assert.equal(sent.length, 1, 'not before 100 ms');
    mock.timers.tick(1);
    assert.deepEqual((await answer).body, { ok: true });
    assert.equal(sent.length, 2);
  });
});

/** Waits, turn by turn of the event loop, until `done` holds (fails after 1,000 turns). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !done(); i++) await new Promise<void>((r) => setImmediate(r));
  assert.ok(done(), 'never happened');
}
