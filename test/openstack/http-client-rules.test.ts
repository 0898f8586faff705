// Rules of the one HTTP client every cloud call goes through
// (clients/http.ts) that hand-planted mutants got past on the quick files
// (docs/testing.md): which failures are tried again, which statuses are
// answers, what is sent. On a stand-in for undici's dispatcher that records
// each request and answers from a script: no sockets, no timing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { joinUrl, query, type HttpRequest } from '../../src/backends/openstack/clients/http.js';
import { OcciError } from '../../src/errors.js';
import { scriptedHttp, type Reply } from './scripted-http.js';

/** A JsonHttp answering `replies` in turn, retrying at once. */
const scripted = (...replies: Reply[]) => scriptedHttp({ retryDelayMs: 0 }, ...replies);

const refused = (): Error => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8774'), { code: 'ECONNREFUSED' }) });
const post: HttpRequest = { method: 'POST', url: 'http://nova/v2.1/servers', token: 'tok', body: { server: {} } };

describe('openstack HTTP client', () => {
  test('R147: a POST whose connection was refused never reached the cloud, so it is sent once more', async () => {
    const { http, sent } = scripted(refused(), { status: 202, body: '{"server":{"id":"s1"}}' });
    const res = await http.request<{ server: { id: string } }>('nova', post);
    assert.equal(res.body?.server.id, 's1');
    assert.equal(sent.length, 2);
  });

  test('R147: a POST is not sent a third time, nor again after an answer of 500', async () => {
    const twice = scripted(refused(), refused(), { status: 202 });
    await assert.rejects(twice.http.request('nova', post), (e: OcciError) => e instanceof OcciError);
    assert.equal(twice.sent.length, 2);
    const failed = scripted({ status: 500, body: '{"computeFault":{"message":"boom"}}' }, { status: 202 });
    await assert.rejects(failed.http.request('nova', post), (e: OcciError) => e instanceof OcciError && e.status >= 500);
    assert.equal(failed.sent.length, 1);
  });

  test('a 300 is no answer: redirects are not followed, and 2xx ends at 299', async () => {
    const { http } = scripted({ status: 300, body: '{"choices":[]}' });
    await assert.rejects(http.request('nova', { method: 'GET', url: 'http://nova/v2.1/' }), (e: OcciError) => e instanceof OcciError);
    const ok = scripted({ status: 299, body: '{"a":1}' });
    assert.deepEqual((await ok.http.request('nova', { method: 'GET', url: 'http://nova/v2.1/' })).body, { a: 1 });
  });

  test('a status the caller accepts (404 of a lookup) is an answer; one it does not is a failure', async () => {
    const { http } = scripted({ status: 404, body: '{"itemNotFound":{"message":"gone"}}' });
    assert.equal((await http.request('nova', { method: 'DELETE', url: 'http://nova/v2.1/servers/s1', accept: [404] })).status, 404);
    await assert.rejects(http.request('nova', { method: 'DELETE', url: 'http://nova/v2.1/servers/s1' }), (e: OcciError) => e.status === 404);
  });

  test('R149: a cloud error that echoes the token or a secret sent in the body says neither', async () => {
    const { http } = scripted({ status: 400, body: '{"badRequest":{"message":"bad token tok-1234567890 or secret s3cr3t-xyz"}}' });
    await assert.rejects(
      http.request('keystone', { method: 'POST', url: 'http://k/v3/auth/tokens', token: 'tok-1234567890', secrets: ['s3cr3t-xyz'], body: {} }),
      (e: OcciError) => e instanceof OcciError && !e.message.includes('tok-1234567890') && !e.message.includes('s3cr3t-xyz'),
    );
  });
});

// The rules survivors of the first Stryker run over clients/ got past (docs/testing.md).
describe('openstack HTTP client: what is sent and how answers are read', () => {
  test('a GET answered 500 is tried once more; a POST is not', async () => {
    const get = scripted({ status: 500, body: '{}' }, { status: 200, body: '{"ok":true}' });
    assert.deepEqual((await get.http.request('nova', { method: 'GET', url: 'http://nova/v2.1/servers' })).body, { ok: true });
    assert.equal(get.sent.length, 2);
    const postOnce = scripted({ status: 500, body: '{}' }, { status: 202 });
    await assert.rejects(postOnce.http.request('nova', post), (e: OcciError) => e.status === 502);
    assert.equal(postOnce.sent.length, 1);
  });

  test('every request asks for JSON; only a request with a body says it sends JSON', async () => {
    const { http, sent } = scripted({ status: 200, body: '{}' });
    await http.request('nova', { method: 'GET', url: 'http://nova/v2.1/servers', token: 'tok' });
    await http.request('nova', post);
    assert.deepEqual(sent[0]!.headers, { Accept: 'application/json', 'X-Auth-Token': 'tok' });
    assert.equal((sent[1]!.headers as Record<string, string>)['Content-Type'], 'application/json');
    assert.equal(sent[1]!.body, '{"server":{}}');
  });

  test("the caller's token is masked in the cloud's error message", async () => {
    const { http } = scripted({ status: 400, body: '{"badRequest":{"message":"token tok-1234567890 is malformed"}}' });
    await assert.rejects(http.request('nova', { method: 'GET', url: 'http://nova/v2.1/servers', token: 'tok-1234567890' }), (e: OcciError) => e.status === 400 && e.message === 'token *** is malformed');
  });

  test('a 2xx body of blanks is no body; a 2xx body that is not JSON is a 502; an accepted non-2xx one is no body', async () => {
    assert.equal((await scripted({ status: 200, body: '  \n' }).http.request('nova', { method: 'GET', url: 'http://nova/v2.1/' })).body, undefined);
    await assert.rejects(scripted({ status: 200, body: '<html>' }).http.request('nova', { method: 'GET', url: 'http://nova/v2.1/' }), (e: OcciError) => e.status === 502 && e.message === 'nova sent a body that is not JSON (HTTP 200)');
    for (const status of [300, 404]) {
      const res = await scripted({ status, body: '<html>moved</html>' }).http.request('nova', { method: 'GET', url: 'http://nova/v2.1/', accept: [status] });
      assert.deepEqual([res.status, res.body], [status, undefined]);
    }
  });

  test('joinUrl keeps one slash between base and path; an empty query adds no question mark', () => {
    assert.equal(joinUrl('https://cloud/compute//', '//servers'), 'https://cloud/compute/servers');
    assert.equal(joinUrl('https://cloud/compute', 'servers'), 'https://cloud/compute/servers');
    assert.equal(query({}), '');
    assert.equal(query({ limit: undefined }), '');
    assert.equal(query({ limit: 2 }), '?limit=2');
  });
});
