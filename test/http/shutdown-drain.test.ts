// Graceful shutdown with more than one request in flight, and with one that
// never ends: the shutdown waits until every request in flight has its answer
// (the first one answered does not end the wait), and no longer than
// shutdownGraceMs, after which the connections still open are closed and the
// shutdown completes. Requests are held in flight by sending their headers
// and not yet their body; waits poll the server's state with a deadline.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { ALICE, COMPUTE_KIND, startServer } from '../helpers/server.js';
import { untilState as until } from '../helpers/wire.js';

const BODY = `Category: ${COMPUTE_KIND}\n`;

/** A POST whose headers are sent and whose body is not: its handler waits for the body. */
function heldPost(port: number): { socket: net.Socket; reply: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`POST /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n`);
  const reply = new Promise<string>((resolve) => {
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
  });
  return { socket, reply };
}

/** `work`'s value, or a failure naming `what` once `ms` have passed (generous: the machine may be loaded). */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

test('with two requests in flight the shutdown waits for both: the first answered does not end the wait', async () => {
  const s = await startServer();
  const one = heldPost(s.port);
  const two = heldPost(s.port);
  try {
    await until(s, 'both requests in flight', (st) => st.inFlight === 2);
    const closing = s.close();
    await until(s, 'the server is draining', (st) => st.draining);
    one.socket.write(BODY);
    assert.match(await one.reply, /^HTTP\/1\.1 201 /, 'the first request is answered');
    assert.ok(!two.socket.destroyed && two.socket.readyState === 'open', 'the second connection is still open');
    two.socket.write(BODY);
    assert.match(await two.reply, /^HTTP\/1\.1 201 /, 'the second request in flight is answered too, after the first');
    await within(closing, 10_000, 'the shutdown, once both are answered');
  } finally {
    one.socket.destroy();
    two.socket.destroy();
  }
});

test('a request still in flight after shutdownGraceMs is cut off, and the shutdown completes', async () => {
  const s = await startServer((c) => {
    c.shutdownGraceMs = 300;
    c.limits.requestTimeoutMs = 120_000;
    c.limits.headersTimeoutMs = 120_000;
  });
  const held = heldPost(s.port);
  try {
    await until(s, 'the request in flight', (st) => st.inFlight === 1);
    await within(s.close(), 10_000, 'the shutdown with a request whose body never comes');
    assert.equal(await within(held.reply, 10_000, 'the connection closed by the shutdown'), '', 'closed with no answer: its request never arrived whole');
  } finally {
    held.socket.destroy();
  }
});
