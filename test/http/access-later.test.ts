// An access line is made when its batch is written (log.ts lineBatch,
// LineLater): a request only notes what its line will say. The lines must be
// pino's own lines, in the order the requests came, among the server's other
// lines; a line that needs the request's token (a query, the token in its
// path or user agent, a path percent-encoded, an error message) is made at
// once and keeps its place too, and the token is masked wherever it was.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { pino, type Logger } from 'pino';
import { logRequest } from '../../src/http/access-log.js';
import { lineBatch, type LineOutput } from '../../src/log.js';
import { textLines } from '../helpers/wire.js';

const TOKEN = 'tok-0123456789abcdef-later';
const request = (url: string, agent = 'occi/1'): IncomingMessage => ({ method: 'GET', url, headers: { 'user-agent': agent } }) as unknown as IncomingMessage;
const withoutTime = (line: string): string => line.replace(/"time":\d+,/, '');

/** A pino logger over a lineBatch, and what the batch handed over, line by line. */
function batched(): { logger: Logger; later: string[]; handOver: () => void; made: () => number } {
  const written: string[] = [];
  const batch = lineBatch((text) => written.push(...text.split('\n').filter(Boolean)));
  let made = 0;
  const counting: LineOutput = {
    write: batch.write,
    writeLater: (line) =>
      batch.writeLater({
        chars: line.chars,
        text: () => {
          made++;
          return line.text();
        },
      }),
  };
  return { logger: pino({ level: 'info', base: { service: 'snf-occi' } }, counting), later: written, handOver: batch.handOver, made: () => made };
}

test('lines made when their batch is written are the lines made at once, in order, among the logger\'s other lines', async () => {
  const b = batched();
  const now = textLines();
  // pino's own lines: a mixin keeps logRequest off its hand-made lines.
  const atOnce = pino({ level: 'info', base: { service: 'snf-occi' }, mixin: () => ({}) }, now.out);
  const short = 'abcdefghijkl'; // a token not token-like (no digit): masked in a query only as the request's own
  const rows: Array<[string, IncomingMessage, Parameters<typeof logRequest>[3], { client: string; token?: string }]> = [
    ['r0', request('/-/'), { status: 200, route: '/-/', tenant: 'alice' }, { client: '10.0.0.1', token: TOKEN }],
    ['r1', request('/-/'), { status: 200, route: '/-/', tenant: 'alice' }, { client: '10.0.0.1', token: TOKEN }],
    ['r2', request(`/compute/${TOKEN}`), { status: 404, route: 'other', tenant: 'alice' }, { client: '10.0.0.1', token: TOKEN }],
    ['r3', request('/compute/?x=1'), { status: 200, route: '/compute/', tenant: 'alice' }, { client: '10.0.0.1', token: TOKEN }],
    ['r4', request('/-/', 'other "agent"'), { status: 409, route: '/-/', tenant: 'bob', message: `busy ${TOKEN}` }, { client: '10.0.0.2', token: TOKEN }],
    ['r5', request('/-/', 'other "agent"'), { status: 503, route: '/-/', tenant: 'bob' }, { client: '10.0.0.2', token: TOKEN }],
    ['r6', request('/compute/'), { status: 200, route: '/compute/' }, { client: '10.0.0.2' }],
    ['r7', request('/compute/?q=abcdefghijk%6C'), { status: 200, route: '/compute/' }, { client: '10.0.0.3', token: short }],
    ['r8', request('/compute/abcdefghijk%6C'), { status: 404, route: 'other' }, { client: '10.0.0.3', token: short }],
    ['r9', request('/-/', `agent ${TOKEN}`), { status: 200, route: '/-/' }, { client: '10.0.0.3', token: TOKEN }],
    ['r10', request('/-/'), { status: 200, route: '/-/' }, { client: '10.0.0.3', token: TOKEN }],
  ];
  for (const [i, [id, req, log, who]] of rows.entries()) {
    logRequest(b.logger, req, id, { ...log }, i + 0.5, who);
    logRequest(atOnce, req, id, { ...log }, i + 0.5, who);
    if (i === 1) {
      b.logger.warn({ n: 1 }, 'something else');
      atOnce.warn({ n: 1 }, 'something else');
    }
  }
  // Lines 0, 1, 5, 6 and 10 wait to be made; 2, 3, 7 and 8 (the token, a query, a percent-encoded path),
  // 4 (a message) and 9 (the token in the user agent) were made at once.
  assert.equal(b.made(), 0, 'nothing made before the hand-over');
  assert.equal(b.later.length, 0, 'nothing written before the hand-over');
  b.handOver();
  assert.equal(b.made(), 5);
  await new Promise((r) => setImmediate(r));
  assert.equal(b.later.length, rows.length + 1);
  assert.deepEqual(b.later.map(withoutTime), now.lines.map(withoutTime));
  assert.ok(!b.later.join('\n').includes(TOKEN), 'the token is masked wherever it was');
  const path = (id: string): string => (b.later.map((l) => JSON.parse(l) as { reqId?: string; path: string; agent: string }).find((l) => l.reqId === id)!).path;
  assert.equal(path('r7'), '/compute/?q=***', 'a query value that is the token once decoded');
  assert.equal(path('r8'), '/compute/***', 'the token percent-encoded in the path');
  assert.match(b.later.find((l) => l.includes('"reqId":"r9"'))!, /"agent":"agent \*\*\*"/);
  assert.match(b.later[2]!, /"msg":"something else"/, 'the other line keeps its place');
});

test('a batch is handed over once its lines reach 32 KiB, a line not yet made counting for the length it gives, or 100 ms after its first line', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const handed: string[] = [];
  const batch = lineBatch((text) => handed.push(text));
  batch.writeLater({ chars: 300, text: () => 'a\n' });
  batch.write('b\n');
  t.mock.timers.tick(99);
  assert.equal(handed.length, 0);
  t.mock.timers.tick(1);
  assert.deepEqual(handed, ['a\nb\n']);
  // 109 lines not yet made of 300 characters each (as they say) stay; the 110th hands the batch over.
  for (let i = 0; i < 109; i++) batch.writeLater({ chars: 300, text: () => `${i}\n` });
  assert.equal(handed.length, 1);
  batch.writeLater({ chars: 300, text: () => 'last\n' });
  assert.equal(handed.length, 2);
  assert.equal(handed[1], `${Array.from({ length: 109 }, (_, i) => `${i}\n`).join('')}last\n`, 'the batch, whole and alone');
  t.mock.timers.tick(100);
  batch.handOver();
  assert.equal(handed.length, 2, 'nothing left to hand over: no empty write');
  // Exactly 32 KiB hands over at once.
  batch.write(`${'x'.repeat(32 * 1024 - 1)}\n`);
  assert.equal(handed.length, 3);
});

test('an access line not yet made counts for its path and user agent: four with paths of 8,000 characters fill a batch, three with user agents of 3,000 characters as well', () => {
  const b = batched();
  const long = request(`/compute/${'a'.repeat(8_000)}`);
  for (let i = 0; i < 3; i++) logRequest(b.logger, long, `long-${i}`, { status: 404, route: 'other' }, 1, { client: '10.0.0.1' });
  // A 404 with no message is made later; three of them stay gathered.
  assert.equal(b.later.length, 0);
  logRequest(b.logger, long, 'long-3', { status: 404, route: 'other' }, 1, { client: '10.0.0.1' });
  assert.equal(b.later.length, 4, 'handed over once they pass 32 KiB');
  assert.deepEqual(
    b.later.map((l) => (JSON.parse(l) as { reqId: string }).reqId),
    ['long-0', 'long-1', 'long-2', 'long-3'],
  );
  // 3 × (250 + 8,009) is under 32 KiB; with 3,000 characters of user agent each, over.
  const c = batched();
  const agent = request(`/compute/${'a'.repeat(8_000)}`, 'u'.repeat(3_000));
  for (let i = 0; i < 3; i++) logRequest(c.logger, agent, `agent-${i}`, { status: 404, route: 'other' }, 1, { client: '10.0.0.1' });
  assert.equal(c.later.length, 3);
});

test('a line that cannot be made loses neither its batch nor the server: the others are written, and a line says what failed', () => {
  const handed: string[] = [];
  const batch = lineBatch((text) => handed.push(text));
  batch.write('before\n');
  batch.writeLater({
    chars: 10,
    text: () => {
      throw new Error('planted');
    },
  });
  batch.write('after\n');
  assert.doesNotThrow(() => batch.handOver());
  const lines = handed.join('').split('\n').filter(Boolean);
  assert.equal(lines.length, 3);
  assert.equal(lines[0], 'before');
  assert.equal(lines[2], 'after');
  assert.deepEqual(JSON.parse(lines[1]!), { level: 50, time: (JSON.parse(lines[1]!) as { time: number }).time, service: 'snf-occi', msg: 'a log line could not be made', error: 'planted' });
});
