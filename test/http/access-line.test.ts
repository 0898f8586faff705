// The access line is written without pino's own serialization when the
// logger does nothing of its own to a line (access-log.ts): it must be the
// line pino would have written, field for field, and a logger that does
// something of its own (here a mixin) must still get its line from pino.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { pino } from 'pino';
import { textLines } from '../helpers/wire.js';
import { logRequest, timeOncePerMillisecond } from '../../src/http/access-log.js';

const request = {
  method: 'GET',
  url: '/compute/?category=compute&X-Auth-Token=abc',
  headers: { 'user-agent': 'curl/8 "quoted" \u00e9\u2028 OCCI/1.2' },
} as unknown as IncomingMessage;

const without = (line: Record<string, unknown>): Record<string, unknown> => {
  const { time, ...rest } = line;
  assert.equal(typeof time, 'number', 'pino writes the time as epoch milliseconds');
  return rest;
};

test('the access line is what pino writes, for a plain logger (fields, order, escaping)', async () => {
  const fast = textLines();
  const logger = pino({ level: 'info', base: { service: 'snf-occi' } }, fast.out);
  logRequest(logger, request, 'rid-1', { status: 404, route: '/{path}/', tenant: 'alice', message: 'nothing at "/x" \n' }, 1.234567, { client: '127.0.0.1' });
  const slow = textLines();
  const reference = pino({ level: 'info', base: { service: 'snf-occi' } }, slow.out);
  reference.info(
    { reqId: 'rid-1', method: 'GET', path: '/compute/?category=compute&X-Auth-Token=***', route: '/{path}/', status: 404, ms: 1.23, tenant: 'alice', client: '127.0.0.1', agent: request.headers['user-agent'], error: 'nothing at "/x" \n' },
    'request',
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(fast.lines.length, 1);
  assert.deepEqual(Object.keys(JSON.parse(fast.lines[0]!)), Object.keys(JSON.parse(slow.lines[0]!)), 'the same fields in the same order');
  assert.deepEqual(without(JSON.parse(fast.lines[0]!)), without(JSON.parse(slow.lines[0]!)));
  assert.match(fast.lines[0]!, /^\{"level":30,"time":\d+,"service":"snf-occi","reqId":"rid-1",/);
});

test('fields a request lacks (tenant, agent, error) are left out, as pino leaves out undefined', async () => {
  const bare = { method: 'HEAD', url: '/-/', headers: {} } as unknown as IncomingMessage;
  const fast = textLines();
  logRequest(pino({ level: 'info', base: { service: 'snf-occi' } }, fast.out), bare, 'rid-4', { status: 200, route: '/-/' }, 0.1, { client: '::ffff:127.0.0.1' });
  const slow = textLines();
  pino({ level: 'info', base: { service: 'snf-occi' } }, slow.out).info({ reqId: 'rid-4', method: 'HEAD', path: '/-/', route: '/-/', status: 200, ms: 0.1, client: '::ffff:127.0.0.1' }, 'request');
  await new Promise((r) => setImmediate(r));
  assert.equal(fast.lines[0]!.replace(/"time":\d+/, ''), slow.lines[0]!.replace(/"time":\d+/, ''));
});

test('a logger that adds to each line (a mixin) still gets the access line from pino', async () => {
  const { out, lines } = textLines();
  const logger = pino({ level: 'info', mixin: () => ({ node: 'n1' }) }, out);
  logRequest(logger, request, 'rid-2', { status: 200, route: '/-/' }, 0.5, { client: '::1' });
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(line.node, 'n1', 'the mixin ran');
  assert.equal(line.reqId, 'rid-2');
  assert.equal(line.msg, 'request');
});

test('a line at a level that is off is not written', async () => {
  const { out, lines } = textLines();
  const logger = pino({ level: 'warn' }, out);
  logRequest(logger, request, 'rid-3', { status: 200, route: '/-/' }, 0.5, { client: '::1' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(lines, []);
});

test('lines one after another from the same logger, at info and at warn (a 5xx), are each what pino writes', async () => {
  // The plain logger's parts (level, bindings, message) are read from pino once, at its first line.
  const fast = textLines();
  const slow = textLines();
  const logger = pino({ level: 'info', base: { service: 'snf-occi', node: 'n1' } }, fast.out);
  const reference = pino({ level: 'info', base: { service: 'snf-occi', node: 'n1' } }, slow.out);
  const bare = { method: 'GET', url: '/-/', headers: {} } as unknown as IncomingMessage;
  const rows: Array<[number, number]> = [
    [200, 0.25],
    [503, 12],
    [404, 1e-7],
    [200, 123456.78],
  ];
  for (const [i, [status, ms]] of rows.entries()) {
    logRequest(logger, bare, `rid-${i}`, { status, route: '/-/' }, ms, { client: '::1' });
    const level = status >= 500 ? 'warn' : 'info';
    reference[level]({ reqId: `rid-${i}`, method: 'GET', path: '/-/', route: '/-/', status, ms: Math.round(ms * 100) / 100, client: '::1' }, 'request');
  }
  await new Promise((r) => setImmediate(r));
  assert.equal(fast.lines.length, rows.length);
  assert.deepEqual(
    fast.lines.map((l) => l.replace(/"time":\d+/, '')),
    slow.lines.map((l) => l.replace(/"time":\d+/, '')),
  );
  assert.match(fast.lines[1]!, /^\{"level":40,/, 'a 5xx is logged at warn');
});

test("each line carries the time it was written: the wall clock's milliseconds, read once a second and counted on by the monotonic clock", () => {
  let mono = 5_000.25; // performance.now()
  let wall = 1_796_000_000_000; // Date.now()
  let wallReads = 0;
  const time = timeOncePerMillisecond(pino.stdTimeFunctions.epochTime, () => mono, () => (wallReads++, wall));
  const at = (): number => Number(time().slice(',"time":'.length));
  assert.equal(time(), pino.stdTimeFunctions.epochTime().replace(/\d+$/, String(wall)), "pino's own text");
  mono += 0.5; // the same millisecond
  assert.equal(at(), 1_796_000_000_000);
  mono += 0.5;
  assert.equal(at(), 1_796_000_000_001);
  mono += 998;
  wall += 999;
  assert.equal(at(), 1_796_000_000_999);
  assert.equal(wallReads, 1, 'the wall clock is read once a second');
  // The wall clock set back by a minute: followed within a second.
  mono += 1.25;
  wall = 1_795_999_940_000;
  assert.equal(at(), 1_795_999_940_000);
  assert.equal(wallReads, 2);
  mono += 3;
  assert.equal(at(), 1_795_999_940_003);
});

test("Date.now() leaves out its millisecond's fraction: the offset least behind is kept, so the time catches up with it", () => {
  // The true time is the monotonic clock + 1,000,000 ms; Date.now() is its floor.
  let mono = 0.9;
  const time = timeOncePerMillisecond(pino.stdTimeFunctions.epochTime, () => mono, () => Math.floor(mono + 1_000_000));
  const at = (): number => Number(time().slice(',"time":'.length));
  assert.equal(at(), 1_000_000); // offset read 999,999.1: 0.9 ms behind
  mono = 1001.1;
  assert.equal(at(), 1_001_001); // a second on: offset read 999,999.9, kept
  mono = 2001.99;
  assert.equal(at(), 1_002_001); // offset read 999,999.01: further behind, not kept
  mono = 2002.5;
  assert.equal(at(), Math.floor(mono + 1_000_000), 'not a millisecond behind, as the offset read last would be');
});

test('through a logger, the time of each line is the wall clock at most a millisecond behind', async () => {
  const out = textLines();
  const logger = pino({ level: 'info', base: { service: 'snf-occi' } }, out.out);
  const before = Date.now();
  for (let i = 0; i < 50; i++) logRequest(logger, request, `rid-${i}`, { status: 200, route: '/-/' }, 0.1, { client: '127.0.0.1' });
  const after = Date.now();
  await new Promise((r) => setImmediate(r));
  for (const line of out.lines) {
    const { time } = JSON.parse(line) as { time: number };
    assert.ok(time >= before - 1 && time <= after, `${time} within ${before - 1}…${after}`);
  }
});

test('a logger configured with another time format keeps it in its access lines', async () => {
  const fast = textLines();
  const logger = pino({ level: 'info', base: { service: 'snf-occi' }, timestamp: pino.stdTimeFunctions.isoTime }, fast.out);
  logRequest(logger, request, 'rid-iso', { status: 200, route: '/-/' }, 0.1, { client: '127.0.0.1' });
  await new Promise((r) => setImmediate(r));
  assert.match(fast.lines[0]!, /^\{"level":30,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","service":"snf-occi","reqId":"rid-iso",/);
});

test('every string field is escaped as pino escapes it, whichever field holds the quote, backslash or control character', async () => {
  const odd = 'a"b\\c\u0001d\u00e9\ud800';
  const strange = { method: `GET${odd}`, url: `/x${odd}`, headers: { 'user-agent': `ua${odd}` } } as unknown as IncomingMessage;
  const fast = textLines();
  logRequest(pino({ level: 'info', base: { service: 'snf-occi' } }, fast.out), strange, `rid${odd}`, { status: 400, route: `r${odd}`, tenant: `t${odd}`, message: `m${odd}` }, 2, { client: `c${odd}` });
  const slow = textLines();
  pino({ level: 'info', base: { service: 'snf-occi' } }, slow.out).info(
    { reqId: `rid${odd}`, method: `GET${odd}`, path: `/x${odd}`, route: `r${odd}`, status: 400, ms: 2, tenant: `t${odd}`, client: `c${odd}`, agent: `ua${odd}`, error: `m${odd}` },
    'request',
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(fast.lines[0]!.replace(/"time":\d+/, ''), slow.lines[0]!.replace(/"time":\d+/, ''));
});
