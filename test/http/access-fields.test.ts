// What the access line and the request metric say of an answer, field by
// field: the level by status (5xx warn, an unexpected error at error with its
// stack), the user agent cut at 200 characters, the token masked in the
// path and in the message, the duration to two decimals, the fields a
// request lacks, and the histogram's labels (method, route template, status).
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { before, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { logRefusal, logRequest } from '../../src/http/access-log.js';
import { metrics } from '../../src/metrics.js';

/** A pino logger at `level` writing to a list of parsed lines. */
function logger(level = 'info', options: Record<string, unknown> = {}): { log: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level, ...options }, out) as Logger, lines };
}

const flushed = (): Promise<void> => new Promise((r) => setImmediate(r));
const request = (headers: Record<string, string> = {}, url = '/compute/', method: string | undefined = 'GET'): IncomingMessage =>
  ({ method, url, headers }) as unknown as IncomingMessage;

before(() => metrics.render()); // turns metrics on: logRequest counts into them

test('levels: below 500 info, 5xx warn, an unexpected error at error with its stack; a level that is off writes nothing', async () => {
  for (const [status, level] of [
    [499, 30],
    [500, 40],
    [503, 40],
  ] as const) {
    const { log, lines } = logger();
    logRequest(log, request(), 'r', { status }, 1, { client: 'c' });
    await flushed();
    assert.equal(lines[0]?.level, level, `status ${status}`);
    assert.equal(lines[0]?.msg, 'request');
  }
  const { log, lines } = logger();
  logRequest(log, request(), 'r', { status: 500, message: 'internal error', err: new Error('boom') }, 1, { client: 'c' });
  await flushed();
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.level, 50);
  assert.equal(lines[0]!.msg, 'request failed');
  assert.equal(lines[0]!.err.message, 'boom');
  assert.match(lines[0]!.err.stack, /boom/);
  assert.equal(lines[0]!.tenant, undefined, 'no undefined field written');
  assert.ok(!('tenant' in lines[0]!));
  const warnOnly = logger('warn');
  logRequest(warnOnly.log, request(), 'r', { status: 404 }, 1, { client: 'c' });
  logRequest(warnOnly.log, request(), 'r', { status: 502 }, 1, { client: 'c' });
  const errorOnly = logger('error');
  logRequest(errorOnly.log, request(), 'r', { status: 503 }, 1, { client: 'c' });
  logRequest(errorOnly.log, request(), 'r', { status: 500, err: new Error('x') }, 1, { client: 'c' });
  await flushed();
  assert.deepEqual(
    warnOnly.lines.map((l) => l.status),
    [502],
  );
  assert.deepEqual(
    errorOnly.lines.map((l) => l.msg),
    ['request failed'],
  );
});

test('the user agent: 200 characters kept whole, a longer one cut there with an ellipsis', async () => {
  const { log, lines } = logger();
  logRequest(log, request({ 'user-agent': 'a'.repeat(200) }), 'r', { status: 200 }, 1, { client: 'c' });
  logRequest(log, request({ 'user-agent': 'b'.repeat(201) }), 'r', { status: 200 }, 1, { client: 'c' });
  await flushed();
  assert.equal(lines[0]!.agent, 'a'.repeat(200));
  assert.equal(lines[1]!.agent, `${'b'.repeat(200)}…`);
});

test('the token is never logged: masked in the path and in the message sent (8 characters or more)', async () => {
  const token = 'tok-12345678';
  const { log, lines } = logger();
  logRequest(log, request({}, `/compute/${token}?x=${token}`), 'r', { status: 404, message: `nothing at /compute/${token} (${token})` }, 1, { client: 'c', token });
  logRequest(log, request(), 'r', { status: 400, message: 'short abc here' }, 1, { client: 'c', token: 'abc' });
  logRequest(log, request(), 'r', { status: 400, message: 'no token at all' }, 1, { client: 'c' });
  logRequest(log, request(), 'r', { status: 401, message: 'refused 8chars!! here' }, 1, { client: 'c', token: '8chars!!' });
  await flushed();
  assert.equal(lines[0]!.path, '/compute/***?x=***');
  assert.equal(lines[0]!.error, 'nothing at /compute/*** (***)');
  assert.equal(lines[1]!.error, 'short abc here', 'a token too short to be one is not masked');
  assert.equal(lines[2]!.error, 'no token at all');
  assert.equal(lines[3]!.error, 'refused *** here', 'a token of exactly 8 characters is masked');
  const empty = logger();
  logRequest(empty.log, request(), 'r', { status: 400, message: '' }, 1, { client: 'c', token });
  await flushed();
  assert.equal(empty.lines[0]!.error, '', 'an empty message is still written');
});

test('every field: request id, method, route, status, duration to two decimals, tenant, client', async () => {
  const { log, lines } = logger();
  logRequest(log, request({}, '/compute/1', 'DELETE'), 'rid-9', { status: 204, route: '/compute/{id}', tenant: 'alice' }, 12.3456, { client: '10.0.0.9' });
  logRequest(log, request({}, '/x', undefined), 'rid-10', {}, 0.004, { client: 'c' });
  await flushed();
  const { time, pid, hostname, ...fields } = lines[0]!;
  assert.deepEqual(fields, { level: 30, reqId: 'rid-9', method: 'DELETE', path: '/compute/1', route: '/compute/{id}', status: 204, ms: 12.35, tenant: 'alice', client: '10.0.0.9', msg: 'request' });
  assert.equal(typeof time, 'number');
  assert.equal(typeof pid, 'number');
  assert.equal(typeof hostname, 'string');
  assert.deepEqual(
    [lines[1]!.method, lines[1]!.route, lines[1]!.status, lines[1]!.ms],
    ['GET', 'other', 0, 0],
    'a request without method, route or status: GET, "other", 0',
  );
});

test('strings that need escaping are written as JSON would (quotes, backslashes, control and non-ASCII characters)', async () => {
  const { log, lines } = logger('info', { base: undefined });
  const odd = 'a"b\\c\u0001é\u2028';
  logRequest(log, request({ 'user-agent': odd }, `/compute/${encodeURIComponent(odd)}`), odd, { status: 400, route: odd, tenant: odd, message: odd }, 1, { client: odd });
  await flushed();
  const l = lines[0]!;
  for (const k of ['reqId', 'route', 'tenant', 'client', 'agent', 'error']) assert.equal(l[k], odd, k);
});

test('the request histogram counts every answer under method, route template and status, logged or not', async () => {
  const off = logger('silent');
  logRequest(off.log, request({}, '/x', 'PATCH'), 'r', { status: 418, route: '/unit/{id}' }, 1, { client: 'c' });
  logRequest(off.log, request({}, '/x', 'PATCH'), 'r', { status: 418, route: '/unit/{id}' }, 1, { client: 'c' });
  logRefusal(off.log, { remoteAddress: '10.1.1.1' } as Socket, 431, 'headers too large', 'PATCH');
  const { body } = await metrics.render();
  const count = (labels: string): string | undefined => body.split('\n').find((l) => l.startsWith(`snf_occi_http_request_duration_seconds_count{${labels}}`));
  assert.equal(count('method="PATCH",route="/unit/{id}",status="418"'), 'snf_occi_http_request_duration_seconds_count{method="PATCH",route="/unit/{id}",status="418"} 2');
  assert.equal(count('method="PATCH",route="other",status="431"'), 'snf_occi_http_request_duration_seconds_count{method="PATCH",route="other",status="431"} 1');
});

test('a request node:http refused by itself: its line names method, status, client and reason', async () => {
  const { log, lines } = logger();
  logRefusal(log, { remoteAddress: '10.1.1.1' } as Socket, 400, 'malformed request');
  await flushed();
  const { time, pid, hostname, ...fields } = lines[0]!;
  assert.deepEqual(fields, { level: 30, method: '-', route: 'other', status: 400, client: '10.1.1.1', error: 'malformed request', msg: 'request refused' });
});
