// Two edges of a connection that only a real socket reaches:
// - a request that arrives on a kept-alive connection once the server has
//   begun to shut down is answered 503 (with Retry-After), not served: the
//   server is closing the backend and the store under it;
// - a client that resets its connection makes node report a client error on a
//   socket that can no longer be written: it is destroyed, with no answer and
//   no "malformed request" in the log, since the client sent nothing wrong.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { defaults } from '../../src/config/config.js';
import { createListener } from '../../src/http/listener.js';
import { ALICE, COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

/** Waits until the server's state passes `check`; fails saying what it last was. */
async function until(s: TestServer, what: string, check: (st: { inFlight: number; draining: boolean }) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const st = s.app.occi.stats();
    if (check(st)) return;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(st)} after 10 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The answers on a raw connection, split at each status line, once the server has closed it. */
function answers(socket: net.Socket): Promise<string[]> {
  return new Promise((resolve) => {
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out.split(/(?=HTTP\/1\.1 \d{3} )/)));
  });
}

const head = (text: string): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (const line of text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    fields[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return fields;
};

describe('a kept-alive connection while the server shuts down', () => {
  test('a request arriving on it after the shutdown began gets a 503 saying so, with Retry-After; the one in flight is served', async () => {
    const s = await startServer();
    const socket = net.connect(s.port, '127.0.0.1');
    const replies = answers(socket);
    try {
      const body = `Category: ${COMPUTE_KIND}\n`;
      // The first request is in flight (its handler waits for the body), so the connection is not idle
      // and the shutdown does not close it.
      socket.write(
        `POST /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      await until(s, 'the first request is in flight', (st) => st.inFlight === 1);
      const closing = s.close();
      await until(s, 'the server is draining', (st) => st.draining);
      // The first request's body, and a second request on the same kept-alive connection.
      socket.write(`${body}GET /-/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nAccept: text/plain\r\n\r\n`);
      const [first, second, ...more] = (await replies).filter((a) => a !== '');
      await closing;
      assert.match(first ?? '', /^HTTP\/1\.1 201 /, 'the request in flight is finished');
      assert.match(second ?? '', /^HTTP\/1\.1 503 Service Unavailable\r\n/, `the request after the shutdown began: ${second}`);
      assert.deepEqual(more, [], 'nothing more on the connection');
      const fields = head(second!);
      assert.equal(fields['retry-after'], '30');
      assert.equal(fields['content-type'], 'text/plain; charset=utf-8');
      assert.match(fields['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
      assert.match(fields['server'] ?? '', /^snf-occi\//);
      assert.equal(second!.slice(second!.indexOf('\r\n\r\n') + 4), `the server is shutting down\nrequest-id: ${fields['x-request-id']}\n`);
      assert.ok(
        s.logs.some((l) => /"status":503/.test(l) && /the server is shutting down/.test(l)),
        'the access log names the refusal',
      );
    } finally {
      socket.destroy();
    }
  });
});

describe('a client error on a socket that can no longer be written', () => {
  test('a connection the client resets (idle, or kept alive after an answer) is destroyed: no answer, nothing logged as refused', async () => {
    const config = defaults();
    config.port = 0;
    config.host = '127.0.0.1';
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const listener = createListener(config, pino({ level: 'info' }, sink) as Logger);
    listener.serve((_req: IncomingMessage, res: ServerResponse) => res.end('answered\n'));
    const { port } = await listener.listen();
    try {
      for (const before of ['nothing', 'an answered request']) {
        // Added after the listener's own: runs once it has dealt with the error.
        const seen = new Promise<{ code: string | undefined; writable: boolean }>((resolve) =>
          listener.server.once('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => resolve({ code: err.code, writable: socket.writable })),
        );
        const arrived = new Promise((resolve) => listener.server.once('connection', resolve));
        const client = net.connect(port, '127.0.0.1');
        await new Promise((r) => client.once('connect', r));
        await arrived;
        if (before !== 'nothing') {
          const answer = new Promise<string>((r) => client.once('data', (d) => r(String(d))));
          client.write('GET /-/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
          assert.match(await answer, /^HTTP\/1\.1 200 [^]*\r\n\r\nanswered\n$/, 'the first request is answered and the connection kept');
        }
        // A reset (RST), as a client that crashed or gave up sends: node reports it as a client error.
        client.resetAndDestroy();
        assert.deepEqual(await seen, { code: 'ECONNRESET', writable: false }, `reset after ${before}`);
        assert.deepEqual(
          lines.filter((l) => /request refused|malformed/.test(l)),
          [],
          `a reset after ${before} is not a malformed request: nothing is answered or logged as refused`,
        );
      }
    } finally {
      await new Promise((r) => listener.server.close(r));
    }
  });
});
