// Fault tests of the JSON client against a local server on an ephemeral
// port: slow answers, 5xx, garbage bodies, cut connections and refused
// connections each give the right OcciError within the timeout.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { JsonHttp } from '../../src/backends/openstack/clients/http.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, json, type FakeCloud } from './fake-cloud.js';

/** Long enough that a healthy answer of the loopback fake, on a starved CPU (load 16), is not taken for a slow cloud. */
const TIMEOUT = 1000;
const http = new JsonHttp({ timeoutMs: TIMEOUT, challenge: "Keystone uri='http://k'", retryDelayMs: 10 });

describe('openstack: HTTP client faults', () => {
  let cloud: FakeCloud;
  before(async () => {
    cloud = await fakeCloud((req, res) => {
      const path = req.path;
      // Never answered (closed with the fake cloud): a 504 can only come from our own timeout.
      if (path === '/slow') return;
      else if (path === '/half') {
        // Headers and the start of a body, then nothing: the timeout must cover the body too.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
        res.write('{"servers": [');
      } else if (path === '/moved') {
        res.writeHead(302, { Location: '/elsewhere' });
        res.end();
      } else if (path === '/subject') {
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': 'gAAAA-scoped', 'Set-Cookie': ['a=1', 'b=2'] });
        res.end('{}');
      } else if (path === '/500') json(res, 500, { computeFault: { message: 'kaput' } });
      else if (path === '/garbage') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"servers": [');
      } else if (path === '/cut') res.socket?.destroy();
      else if (path === '/flaky') {
        const n = cloud.requests.filter((r) => r.path === '/flaky').length;
        if (n === 1) json(res, 503, {});
        else json(res, 200, { ok: true });
      } else if (path === '/neutron404') json(res, 404, { NeutronError: { type: 'NetworkNotFound', message: 'Network x could not be found.', detail: '' } });
      else if (path === '/unauthorized') json(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
      else if (path === '/echo') json(res, 200, { token: req.headers['x-auth-token'], type: req.headers['content-type'], body: req.body });
      else if (path === '/empty') {
        res.writeHead(204);
        res.end();
      } else json(res, 404, {});
    });
  });
  after(() => cloud.close());

  const count = (path: string): number => cloud.requests.filter((r) => r.path === path).length;

  it('answers 504 when the cloud is slower than the timeout, without waiting for it, and does not retry', async () => {
    await rejectsWith(http.request('nova', { method: 'GET', url: `${cloud.url}/slow` }), 504, new RegExp(`nova did not answer within ${TIMEOUT} ms`));
    // A retry would have been sent before the promise settled; one more
    // exchange with the fake cloud lets it have arrived, by order not by time.
    await http.request('nova', { method: 'GET', url: `${cloud.url}/empty` });
    assert.equal(count('/slow'), 1, 'a timeout is not retried');
  });

  it('answers 504 when the body stops coming after the headers, within the same timeout', async () => {
    await rejectsWith(http.request('cinder', { method: 'GET', url: `${cloud.url}/half` }), 504, new RegExp(`cinder did not answer within ${TIMEOUT} ms`));
    assert.equal(count('/half'), 1, 'a timeout is not retried');
  });

  it('follows no redirect: a 302 is a failure naming the status, and its target is never asked', async () => {
    await rejectsWith(http.request('nova', { method: 'GET', url: `${cloud.url}/moved` }), 502, /nova failed \(HTTP 302\)/);
    assert.equal(count('/elsewhere'), 0);
  });

  it("reads the answer's headers by name in any case, repeated ones joined", async () => {
    const res = await http.request('keystone', { method: 'POST', url: `${cloud.url}/subject`, body: {} });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-subject-token'), 'gAAAA-scoped');
    assert.equal(res.headers.get('X-Subject-Token'), 'gAAAA-scoped');
    assert.equal(res.headers.get('set-cookie'), 'a=1, b=2');
    assert.equal(res.headers.get('x-missing'), null);
  });

  it('retries a GET once on 5xx, then answers 502 with the cloud message', async () => {
    await rejectsWith(http.request('nova', { method: 'GET', url: `${cloud.url}/500` }), 502, /nova failed \(HTTP 500\): kaput/);
    assert.equal(count('/500'), 2);
    assert.deepEqual((await http.request('nova', { method: 'GET', url: `${cloud.url}/flaky` })).body, { ok: true });
  });

  it('never retries a POST that reached the cloud', async () => {
    const before = count('/500');
    await rejectsWith(http.request('nova', { method: 'POST', url: `${cloud.url}/500`, body: {} }), 502);
    assert.equal(count('/500') - before, 1);
  });

  it('answers 502 for a garbage body and for a cut connection', async () => {
    await rejectsWith(http.request('glance', { method: 'GET', url: `${cloud.url}/garbage` }), 502, /glance sent a body that is not JSON/);
    await rejectsWith(http.request('cinder', { method: 'GET', url: `${cloud.url}/cut` }), 502, /cinder broke the connection/);
    assert.equal(count('/cut'), 2, 'a GET is retried once after a network error');
  });

  it('answers 503 when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    // 503 and the reason, not the timeout's 504: the refusal is answered at once.
    await rejectsWith(http.request('neutron', { method: 'POST', url: `http://127.0.0.1:${port}/x`, body: {} }), 503, /neutron is unreachable \(ECONNREFUSED\)/);
  });

  it('passes a Neutron 404 through with its message, and a 401 as 401 with the challenge', async () => {
    await rejectsWith(http.request('neutron', { method: 'GET', url: `${cloud.url}/neutron404` }), 404, /^Network x could not be found\.$/);
    await assert.rejects(http.request('nova', { method: 'GET', url: `${cloud.url}/unauthorized`, token: 'tok-12345678' }), (e: unknown) => {
      assert.equal((e as { status: number }).status, 401);
      assert.equal((e as { headers: Record<string, string> }).headers['WWW-Authenticate'], "Keystone uri='http://k'");
      assert.doesNotMatch((e as Error).message, /tok-12345678/);
      return true;
    });
  });

  it('sends the token and JSON, and accepts statuses the caller expects', async () => {
    const res = await http.request<{ token: string; type: string; body: unknown }>('nova', {
      method: 'POST',
      url: `${cloud.url}/echo`,
      token: 'tok-abc',
      body: { a: 1 },
    });
    assert.deepEqual(res.body, { token: 'tok-abc', type: 'application/json', body: { a: 1 } });
    assert.equal((await http.request('nova', { method: 'DELETE', url: `${cloud.url}/empty` })).body, undefined);
    const missing = await http.request('nova', { method: 'GET', url: `${cloud.url}/nothing`, accept: [404] });
    assert.equal(missing.status, 404);
  });
});
