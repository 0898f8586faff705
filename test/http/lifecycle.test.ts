// Server lifecycle: graceful shutdown finishes requests in flight and answers
// 503 to a request arriving on a kept-alive connection meanwhile; slow
// clients are cut off by the request timeout; OCCI/1.1 clients get 1.1 states.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { ALICE, attribute, COMPUTE_KIND, startServer } from '../helpers/server.js';
import { untilState as until } from '../helpers/wire.js';

function openRequest(port: number, head: string): { socket: net.Socket; reply: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(head);
  const reply = new Promise<string>((resolve) => {
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
  });
  return { socket, reply };
}

/** The fields of an answer's head, by lower-case name. */
const head = (text: string): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (const line of text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    fields[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return fields;
};

describe('server lifecycle', () => {
  test('SIGTERM-style shutdown lets a request in flight finish, then refuses new connections', async () => {
    const s = await startServer();
    const body = `Category: ${COMPUTE_KIND}\n`;
    const { socket, reply } = openRequest(
      s.port,
      `POST /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    await until(s, 'the request is in flight', (st) => st.inFlight === 1);
    const closing = s.close();
    await until(s, 'the server is draining', (st) => st.draining);
    socket.write(body);
    const text = await reply;
    assert.match(text, /^HTTP\/1\.1 201 /);
    await closing;
    await assert.rejects(
      new Promise((resolve, reject) => net.connect(s.port, '127.0.0.1').on('connect', resolve).on('error', reject)),
      /ECONNREFUSED/,
    );
  });

  test('a request arriving on a kept-alive connection after the shutdown began gets a 503 saying so, with Retry-After; the one in flight is served', async () => {
    const s = await startServer();
    const body = `Category: ${COMPUTE_KIND}\n`;
    // The first request is in flight (its handler waits for the body), so the connection is not idle
    // and the shutdown does not close it.
    const { socket, reply } = openRequest(
      s.port,
      `POST /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    try {
      await until(s, 'the first request is in flight', (st) => st.inFlight === 1);
      const closing = s.close();
      await until(s, 'the server is draining', (st) => st.draining);
      // The first request's body, and a second request on the same kept-alive connection.
      socket.write(`${body}GET /-/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nAccept: text/plain\r\n\r\n`);
      const [first, second, ...more] = (await reply).split(/(?=HTTP\/1\.1 \d{3} )/).filter((a) => a !== '');
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

  test('a client that never finishes its request is answered 408 after the request timeout', async () => {
    const s = await startServer((c) => {
      c.limits.requestTimeoutMs = 300;
      c.limits.headersTimeoutMs = 300;
    });
    try {
      // Without the request timeout no answer would come at all (the test's own timeout would end it): the 408
      // is the proof, with no clock in the assertion.
      const { reply } = openRequest(s.port, `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npartial`);
      const text = await reply;
      assert.match(text, /^HTTP\/1\.1 408 /);
    } finally {
      await s.close();
    }
  });

  test('after a 408 the server closes the socket even when the client keeps its side open (slowloris)', async () => {
    const s = await startServer((c) => {
      c.limits.requestTimeoutMs = 300;
      c.limits.headersTimeoutMs = 300;
    });
    try {
      const socket = net.connect({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      await new Promise((r) => socket.once('end', r));
      assert.match(text, /^HTTP\/1\.1 408 /);
      await new Promise((r) => setTimeout(r, 300));
      // The server's side is gone: writing into it is refused at once, so the socket closes.
      const closed = new Promise<boolean>((resolve) => {
        socket.on('error', () => undefined);
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 3000).unref();
      });
      socket.write('X-More: 1\r\n');
      setTimeout(() => socket.writable && socket.write('X-More: 2\r\n'), 100);
      assert.equal(await closed, true, 'the server no longer holds the socket');
      socket.destroy();
    } finally {
      await s.close();
    }
  });

  test('R91: a compute being built is inactive, its state message says building, for OCCI/1.2 and 1.1 clients alike', async () => {
    const s = await startServer((c) => {
      c.local.bootMs = 60_000;
    });
    try {
      const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` });
      const path = new URL(r.headers.location!).pathname;
      const now = await s.request('GET', path);
      assert.equal(attribute(now.body, 'occi.compute.state'), '"inactive"');
      assert.equal(attribute(now.body, 'occi.compute.state.message'), '"building"');
      const old = await s.request('GET', path, { headers: { 'User-Agent': 'rOCCI-cli/4.3 OCCI/1.1' } });
      assert.equal(attribute(old.body, 'occi.compute.state'), '"inactive"');
    } finally {
      await s.close();
    }
  });
});
