// What the listener sets up and answers by itself, as an operator sees it:
// node checks request timeouts every quarter of the shorter of the request and
// header timeouts (at least every 50 ms), so a short limit is kept; a request
// that times out while its body is awaited is answered 408 saying so and
// logged by its handler with that status (R1: with our Server header); a
// malformed request and a CONNECT are logged as refused, with method and
// reason; a refusal the client does not read is cut off after a grace
// period (its socket destroyed, never held open); a port in use makes
// listen() fail with what to do.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { pino, type Logger } from 'pino';
import { defaults, type Config } from '../../src/config/config.js';
import { createListener, SERVER_HEADER } from '../../src/http/listener.js';
import { ALICE, eventually, startServer } from '../helpers/server.js';
import { jsonLines, raw } from '../helpers/wire.js';

function logged(): { logger: Logger; lines: Array<Record<string, any>> } {
  const { out, lines } = jsonLines();
  return { logger: pino({ level: 'info' }, out) as Logger, lines };
}

function config(change: (c: Config) => void = () => {}): Config {
  const c = defaults();
  c.port = 0;
  c.host = '127.0.0.1';
  change(c);
  return c;
}

test('request timeouts are checked every quarter of the shorter timeout, at least every 50 ms', async () => {
  const interval = (requestTimeoutMs: number, headersTimeoutMs: number): number => {
    const l = createListener(config((c) => Object.assign(c.limits, { requestTimeoutMs, headersTimeoutMs })), pino({ level: 'silent' }));
    return (l.server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval;
  };
  assert.equal(interval(60_000, 10_000), 2500);
  assert.equal(interval(4000, 4000), 1000);
  assert.equal(interval(1000, 600), 150);
  assert.equal(interval(100, 100), 50);
});

test('a request that times out while its body is awaited: 408 saying so, and its handler logs that status and reason', async () => {
  const s = await startServer((c) => {
    c.limits.requestTimeoutMs = 500;
    c.limits.headersTimeoutMs = 500;
  });
  try {
    const text = await raw(s.port, `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npartial`);
    const body = 'Request Timeout: the request took too long to arrive\n';
    assert.equal(
      text,
      `HTTP/1.1 408 Request Timeout\r\nServer: ${SERVER_HEADER}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    const line = await eventually(
      async () => s.logs.map((l) => JSON.parse(l)).find((l) => l.status === 408),
      (l) => l !== undefined,
    );
    assert.deepEqual([line.msg, line.method, line.route, line.status, line.error], ['request', 'POST', '/compute/', 408, 'the request took too long to arrive']);
  } finally {
    await s.close();
  }
});

test('a malformed request and a CONNECT are logged as refused, with method, status and reason', async () => {
  const { logger, lines } = logged();
  const listener = createListener(config(), logger);
  const { port } = await listener.listen();
  try {
    assert.match(await raw(port, 'NOT HTTP\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await raw(port, 'CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n'), /^HTTP\/1\.1 405 /);
    const refused = await eventually(
      async () => lines.filter((l) => l.msg === 'request refused').map(({ method, route, status, client, error }) => ({ method, route, status, client, error })),
      (l) => l.length >= 2,
    );
    assert.deepEqual(refused, [
      { method: '-', route: 'other', status: 400, client: '127.0.0.1', error: 'malformed request' },
      { method: 'CONNECT', route: 'other', status: 405, client: '127.0.0.1', error: 'CONNECT is not supported' },
    ]);
  } finally {
    await new Promise((r) => listener.server.close(r));
  }
});

test('a port in use: listen() fails saying so and what to do', async () => {
  const first = createListener(config(), pino({ level: 'silent' }));
  const { port } = await first.listen();
  try {
    const second = createListener(config((c) => (c.port = port)), pino({ level: 'silent' }));
    await assert.rejects(second.listen(), {
      message: `port ${port} on 127.0.0.1 is already in use by another program (another snf-occi?); choose another port with --port N (or SNF_OCCI_PORT), or --port 0 for any free one`,
    });
  } finally {
    await new Promise((r) => first.server.close(r));
  }
});

test('a refusal the client does not take is cut off: the socket is destroyed after a grace period, not held open', async () => {
  const listener = createListener(config(), pino({ level: 'silent' }));
  // A socket whose client reads nothing: what is written never leaves, so end() never calls back.
  const socket = Object.assign(new EventEmitter(), {
    writable: true,
    remoteAddress: '10.9.8.7',
    sent: '',
    destroyed: false,
    end(text: string, _flushed: () => void) {
      socket.sent += text;
    },
    destroy() {
      socket.destroyed = true;
    },
  });
  listener.server.emit('clientError', Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }), socket);
  assert.match(socket.sent, /^HTTP\/1\.1 400 Bad Request\r\n/);
  await eventually(async () => socket.destroyed, (d) => d);
});
