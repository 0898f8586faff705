// Rules of the one HTTP client every cloud call goes through
// (clients/http.ts) that hand-planted mutants got past on the quick files
// (docs/testing.md): which failures are tried again, which statuses are
// answers, what is sent. On a stand-in for undici's dispatcher that records
// each request and answers from a script: no sockets, no timing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonHttp, type HttpRequest } from '../../src/backends/openstack/clients/http.js';
import type { Dispatcher } from '../../src/backends/openstack/clients/tls.js';
import { OcciError } from '../../src/errors.js';

type Sent = Parameters<Dispatcher['request']>[0];
type Reply = { status: number; body?: string; headers?: Record<string, string | string[]> } | Error;

/** A JsonHttp whose dispatcher answers `replies` in turn (the last one again once they run out). */
function scripted(...replies: Reply[]): { http: JsonHttp; sent: Sent[] } {
  const sent: Sent[] = [];
  const dispatcher: Dispatcher = {
    request: async (o) => {
      const r = replies[Math.min(sent.length, replies.length - 1)]!;
      sent.push(o);
      if (r instanceof Error) throw r;
      return { statusCode: r.status, headers: r.headers ?? {}, body: { text: async () => r.body ?? '' } };
    },
  };
  return { http: new JsonHttp({ timeoutMs: 5000, challenge: 'Keystone uri="http://k"', dispatcher: async () => dispatcher, retryDelayMs: 0 }), sent };
}

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
