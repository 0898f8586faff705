// What the server adds to answers and to their access lines, case by case:
// the console's files keep their own caching (no tenant's no-store, no HSTS
// over plain HTTP) and are logged under the route `console`; a request refused
// before it is routed is logged under `other` (a bounded set of routes, never
// the raw path); /metrics is answered without a token; the access line of a
// collection written piece by piece has its status and a duration no longer
// than the client waited (its headers: streamed-headers); an error found
// before the body is read is answered while the body is still coming, the
// connection kept (only a 413 waits to drain the body first).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { eventually, startServer, type TestServer } from '../helpers/server.js';

describe('what the server adds to answers and access lines', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.cors.origins = ['https://app.example.org']))));
  after(() => s.close());

  const lineOf = (requestId: string | string[] | undefined): Promise<Record<string, any>> =>
    eventually(
      async () => s.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === requestId),
      (l) => l !== undefined,
    );

  test("the console's page keeps its own caching, has no HSTS over plain HTTP, and is logged under the route console", async () => {
    const r = await s.request('GET', '/console/', { token: null });
    assert.equal(r.status, 200, r.body.slice(0, 200));
    assert.equal(r.headers['cache-control'], 'no-cache', 'not a tenant\'s answer: no no-store added');
    assert.equal(r.headers['strict-transport-security'], undefined, 'HSTS only over TLS');
    const line = await lineOf(r.headers['x-request-id']);
    assert.deepEqual([line.route, line.status], ['console', 200]);
  });

  test('/metrics is one of the paths for operators: answered without a token, logged under its own route', async () => {
    const r = await s.request('GET', '/metrics', { token: null });
    assert.equal(r.status, 200, r.body.slice(0, 200));
    assert.match(r.body, /^# HELP snf_occi_/m);
    const line = await lineOf(r.headers['x-request-id']);
    assert.deepEqual([line.route, line.status], ['/metrics', 200]);
  });

  test('a CORS preflight is no tenant\'s answer: no Cache-Control', async () => {
    const r = await s.request('OPTIONS', '/compute/', { token: null, headers: { Origin: 'https://app.example.org', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers['cache-control'], undefined);
  });

  test('a request refused before it is routed is logged under the route other, not its path', async () => {
    const r = await s.request('GET', '/compute/0123-not-routed-yet', { token: null });
    assert.equal(r.status, 401);
    const line = await lineOf(r.headers['x-request-id']);
    assert.deepEqual([line.route, line.status, line.path], ['other', 401, '/compute/0123-not-routed-yet']);
  });

  test('a collection written piece by piece: its access line has its status and a duration within the wait', async () => {
    await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: 'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\n' });
    const started = performance.now();
    const r = await s.request('GET', '/compute/', { headers: { Accept: 'application/occi+json' } });
    const waited = performance.now() - started;
    assert.equal(r.status, 200);
    const line = await lineOf(r.headers['x-request-id']);
    assert.equal(line.status, 200);
    assert.ok(line.ms >= 0 && line.ms <= waited + 0.01, `the server's ${line.ms} ms are within the ${waited} ms the client waited`);
  });

  test('an error found before the body is read is answered while the body is still on its way, on a connection kept open', async () => {
    const socket = net.connect(s.port, '127.0.0.1');
    socket.on('error', () => undefined);
    try {
      const head = new Promise<string>((resolve) => {
        let out = '';
        socket.on('data', (d) => {
          out += d.toString();
          if (out.includes('\r\n\r\n')) resolve(out.slice(0, out.indexOf('\r\n\r\n')));
        });
        socket.on('close', () => resolve(out));
      });
      // No token: a 401, known before the body is read. Only part of the body is sent, and the rest never:
      // only a 413 waits for the body (to drain it), and one that never comes would end the connection.
      socket.write('POST /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nCategory: comp');
      let timer: NodeJS.Timeout | undefined;
      const text = await Promise.race([head, new Promise<string>((r) => (timer = setTimeout(() => r('no answer within 30 s'), 30_000)))]);
      clearTimeout(timer);
      assert.match(text, /^HTTP\/1\.1 401 /, text);
      assert.match(text, /\r\nConnection: keep-alive(\r\n|$)/, text);
    } finally {
      socket.destroy();
    }
  });
});
