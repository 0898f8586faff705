// The edges of a connection where an answer used to be lost: a request
// followed on the same connection by a malformed one gets its own answer
// before the 400 (so a client never retries work that was done), and a body
// refused for its size gets its 413 even from a client that sends the whole
// body, with Connection: close, before it reads anything (Python's urllib).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ALICE, COMPUTE_KIND, locations, startServer, type TestServer } from '../helpers/server.js';

/** Writes `parts` in order, each once the socket has taken the one before, and only then reads: what comes back, or how it broke. */
function sendAllThenRead(port: number, parts: Array<string | Buffer>): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.pause(); // read nothing until everything is sent
    socket.on('error', (e) => (error ??= e.message));
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), ...(error ? { error } : {}) }));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('connect', async () => {
      for (const part of parts) {
        const ok = await new Promise<boolean>((r) => socket.write(part, (e) => r(!e)));
        if (!ok) return; // 'error' and 'close' follow
      }
      socket.resume();
    });
  });
}

describe('connection edges', () => {
  let s: TestServer;
  // The default body limit (1 MiB); refused bodies of 8 MiB, more than loopback sockets buffer.
  before(async () => (s = await startServer()));
  after(() => s.close());

  test('a request pipelined before a malformed one gets its own answer, then the 400; it ran once', async () => {
    const body = `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="pipelined-once"\n`;
    const create =
      `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const list = `GET /-/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\n\r\n`;
    const { text } = await sendAllThenRead(s.port, [create + list + 'NOT AN HTTP REQUEST\r\n\r\n']);
    const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [201, 200, 400], `three answers in order, got: ${text.slice(0, 600)}`);
    const listed = await s.request('GET', '/compute/', { headers: { 'X-OCCI-Attribute': 'occi.core.title="pipelined-once"' } });
    assert.equal(locations(listed.body).length, 1, 'created exactly once');
  });

  test('413 reaches a client that sends its whole body with Connection: close before reading', async () => {
    const size = 8 * 1024 * 1024; // 8 × the limit, within what the server drains
    const head = `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n`;
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const { text, error } = await sendAllThenRead(s.port, [head, ...Array.from({ length: size / chunk.length }, () => chunk)]);
    assert.equal(error, undefined, `the connection broke under the client: ${error}`);
    assert.match(text, /^HTTP\/1\.1 413 /);
    assert.match(text, /larger than 1048576 bytes/);
  });

  test("Python's urllib reads the 413 of a body over the limit", async (t) => {
    const run = promisify(execFile);
    const python = await run('python3', ['--version']).catch(() => undefined);
    if (!python) return t.skip('python3 is not installed: the raw-socket test above covers the same case');
    const script = [
      'import urllib.request, urllib.error, sys',
      `req = urllib.request.Request("${s.url}/compute/", data=b"x" * (8 * 1024 * 1024), headers={"X-Auth-Token": "${ALICE}", "Content-Type": "text/plain"})`,
      'try:',
      '    urllib.request.urlopen(req)',
      '    print("no error")',
      'except urllib.error.HTTPError as e:',
      '    print(e.code, e.read().decode()[:200])',
      'except Exception as e:',
      '    print("broken:", type(e).__name__, e)',
    ].join('\n');
    // Asynchronously: the server answering it runs in this process.
    const r = await run('python3', ['-c', script], { encoding: 'utf8', timeout: 20_000 });
    assert.match(r.stdout, /^413 .*larger than 1048576 bytes/, `urllib saw: ${r.stdout}${r.stderr}`);
  });

  test('a body too large to drain still gets its 413, and the connection is closed', async () => {
    const head = `POST /compute/ HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n`;
    const socket = net.connect(s.port, '127.0.0.1', () => socket.write(head + 'x'.repeat(1000)));
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', () => undefined);
    await new Promise((r) => socket.on('close', r));
    assert.match(text, /^HTTP\/1\.1 413 /);
    assert.match(text.split('\r\n\r\n')[0]!, /Connection: close/i);
  });
});
