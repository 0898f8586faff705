// Clients that go away in the middle of a request: every handler still
// finishes (and logs), none waits forever for a body that will never come.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { readBody } from '../../src/http/body.js';
import { OcciError } from '../../src/errors.js';
import { ALICE, COMPUTE_KIND, eventually, startServer, type TestServer } from '../helpers/server.js';

/** A stand-in for an IncomingMessage: a stream with headers. */
function fakeRequest(headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage;
}

/** Settles like `p`, or rejects if it takes longer than `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('aborted requests', () => {
  test('reading the body of a request already aborted (e.g. during authentication) fails at once with 400', async () => {
    const req = fakeRequest({ 'content-length': '10' });
    req.destroy();
    await new Promise((r) => setImmediate(r));
    await assert.rejects(within(readBody(req, 1024), 1000), (e: unknown) => e instanceof OcciError && e.status === 400);
  });

  test('a body cut short by a close without an error fails with 400 instead of waiting forever', async () => {
    const req = fakeRequest({ 'content-length': '10' });
    const reading = readBody(req, 1024);
    (req as unknown as PassThrough).write('abc');
    req.destroy();
    await assert.rejects(within(reading, 1000), (e: unknown) => e instanceof OcciError && e.status === 400);
  });

  test('a complete body is still read whole', async () => {
    const req = fakeRequest({ 'content-length': '6' });
    const reading = readBody(req, 1024);
    (req as unknown as PassThrough).end('abcdef');
    assert.equal(await within(reading, 1000), 'abcdef');
  });

  describe('against a live server', () => {
    let s: TestServer;
    before(async () => (s = await startServer()));
    after(() => s.close());

    test('40 clients that hang up halfway through their body: every handler ends and logs, the server stays healthy', async () => {
      const body = `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="never finished"\n`;
      const hangups = Array.from(
        { length: 40 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = net.connect(s.port, '127.0.0.1', () => {
              socket.write(`POST /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`);
              socket.write(body.slice(0, 10 + i));
              // Hang up at different moments: at once, or after the server has started on the request.
              setTimeout(() => socket.destroy(), i % 4);
            });
            socket.on('close', () => resolve());
            socket.on('error', () => undefined);
          }),
      );
      await Promise.all(hangups);
      const logged = (): number => s.logs.filter((l) => l.includes('"method":"POST"') && l.includes('"path":"/compute/"')).length;
      await eventually(async () => logged(), (n) => n >= 40);
      assert.equal(logged(), 40, 'every aborted request was finished and logged');
      assert.equal((await s.request('GET', '/compute/')).body, '', 'nothing was created from a partial body');
      assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
    });
  });
});
