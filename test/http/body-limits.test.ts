// The body limit (limits.maxBodyBytes) holds however the body comes: with a
// declared Content-Length or chunked with none, in one piece or many. A body
// of exactly the limit is read; one byte more is a 413 naming the limit.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ALICE, COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

const LIMIT = 4096;

/** A text/plain compute rendering of exactly `bytes` bytes (a summary pads it). */
function bodyOf(bytes: number): string {
  const head = `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.summary="`;
  const tail = '"\n';
  const body = head + 's'.repeat(bytes - head.length - tail.length) + tail;
  assert.equal(Buffer.byteLength(body), bytes);
  return body;
}

/** Sends a request over a fresh connection (closed after the answer) and returns the whole answer. */
function exchange(port: number, head: string, pieces: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      for (const p of pieces) socket.write(p);
    });
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', (e) => (out ? resolve(out) : reject(e)));
  });
}

const HEAD = `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nConnection: close\r\n`;

/** The body in chunks of `size` bytes, with the chunked framing. */
function chunked(body: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i += size) {
    const piece = body.slice(i, i + size);
    out.push(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
  }
  out.push('0\r\n\r\n');
  return out;
}

const statusOf = (answer: string): string => answer.split('\r\n')[0]!;

describe('the body limit, declared and chunked', () => {
  let s: TestServer;
  before(async () => (s = await startServer((c) => (c.limits.maxBodyBytes = LIMIT))));
  after(() => s.close());

  test('a declared body of exactly the limit is read; one byte more is 413', async () => {
    const fits = bodyOf(LIMIT);
    assert.equal(statusOf(await exchange(s.port, `${HEAD}Content-Length: ${LIMIT}\r\n\r\n`, [fits])), 'HTTP/1.1 201 Created');
    const over = bodyOf(LIMIT + 1);
    const answer = await exchange(s.port, `${HEAD}Content-Length: ${LIMIT + 1}\r\n\r\n`, [over]);
    assert.equal(statusOf(answer), 'HTTP/1.1 413 Payload Too Large');
    assert.match(answer, /request body larger than 4096 bytes/);
  });

  test('a chunked body of exactly the limit is read; one byte more is 413, in one chunk or many', async () => {
    for (const size of [LIMIT + 1, 1000, 7]) {
      assert.equal(statusOf(await exchange(s.port, `${HEAD}Transfer-Encoding: chunked\r\n\r\n`, chunked(bodyOf(LIMIT), size))), 'HTTP/1.1 201 Created', `chunks of ${size}`);
      const answer = await exchange(s.port, `${HEAD}Transfer-Encoding: chunked\r\n\r\n`, chunked(bodyOf(LIMIT + 1), size));
      assert.equal(statusOf(answer), 'HTTP/1.1 413 Payload Too Large', `chunks of ${size}`);
      assert.match(answer, /request body larger than 4096 bytes/);
    }
  });

  test('a chunked body far over the limit is refused without being read to its end', async () => {
    // 64 times the limit in 1 KiB chunks: the answer comes, and no compute was made of it.
    const before = (await s.request('GET', '/compute/')).body;
    const answer = await exchange(s.port, `${HEAD}Transfer-Encoding: chunked\r\n\r\n`, chunked(bodyOf(LIMIT * 64), 1024));
    assert.equal(statusOf(answer), 'HTTP/1.1 413 Payload Too Large');
    assert.equal((await s.request('GET', '/compute/')).body, before, 'no compute was made of it');
  });
});
