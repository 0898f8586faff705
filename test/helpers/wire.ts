// For the HTTP tests that go below the client: raw bytes sent to the server
// and everything it answers until it closes, the server's own state polled
// until a condition holds, and log lines parsed as pino writes them.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import type { TestServer } from './server.js';

/** Sends raw bytes and reads until the server closes. */
export function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', (e) => (out ? resolve(out) : reject(e)));
  });
}

/** Waits until the server's state passes `check`; fails saying what it last was. */
export async function untilState(s: TestServer, what: string, check: (st: { inFlight: number; draining: boolean }) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const st = s.app.occi.stats();
    if (check(st)) return;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(st)} after 10 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A destination for a pino logger: each line it writes, as written, in `lines`. */
export function textLines(): { out: Writable; lines: string[] } {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { out, lines };
}

/** A destination for a pino logger: each line it writes, parsed, in `lines`. */
export function jsonLines(): { out: Writable; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { out, lines };
}
