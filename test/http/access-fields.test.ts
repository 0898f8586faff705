// What the access line and the request metric say of an answer, field by
// field: the level by status (5xx warn, an unexpected error at error with its
// stack), the user agent cut at 200 characters, the token masked in the
// path and in the message, the duration to two decimals, the fields a
// request lacks, and the histogram's labels (method, route template, status);
// the client address behind a trusted proxy, and a storage failure as the 503
// the client reads.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { clientAddress, logRefusal, logRequest } from '../../src/http/access-log.js';
import { storageFailure } from '../../src/http/storage-failure.js';
import { OcciError } from '../../src/errors.js';
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

describe('storage failures', () => {
  const coded = (code: string): Error => Object.assign(new Error('x'), { code });

  test('a disk full, read-only or failing is a 503 saying which, with Retry-After: 60', () => {
    const cases = [
      ['SQLITE_FULL', "the server's disk is full, so nothing can be created or changed now"],
      ['EROFS', "the server's data directory is read-only, so nothing can be created or changed now"],
      ['SQLITE_IOERR_WRITE', 'the server could not write to its disk (input/output error)'],
    ] as const;
    for (const [code, what] of cases) {
      const e = storageFailure(coded(code));
      assert.equal(e?.status, 503, code);
      assert.equal(e?.message, `${what}; reads still work; send the request again once the operator has fixed it`);
      assert.deepEqual(e?.headers, { 'Retry-After': '60' });
    }
  });

  test('any other error is not a storage failure, nor an OcciError carrying such a code', () => {
    assert.equal(storageFailure(coded('ECONNRESET')), undefined);
    assert.equal(storageFailure(new Error('plain')), undefined);
    assert.equal(storageFailure(Object.assign(new OcciError(409, 'c'), { code: 'SQLITE_FULL' })), undefined);
  });
});

describe('the client address', () => {
  const at = (headers: Record<string, string | string[]>, remote?: string): IncomingMessage =>
    ({ headers, socket: { remoteAddress: remote } as Socket }) as unknown as IncomingMessage;

  test("the socket's address unless the proxy is trusted; then the last X-Forwarded-For entry, at most 64 characters", () => {
    const req = at({ 'x-forwarded-for': '1.1.1.1, 2.2.2.2 ' }, '10.0.0.1');
    assert.equal(clientAddress(req, false), '10.0.0.1');
    assert.equal(clientAddress(req, true), '2.2.2.2');
    assert.equal(clientAddress(at({ 'x-forwarded-for': ['1.1.1.1', '3.3.3.3'] }, '10.0.0.1'), true), '3.3.3.3');
    assert.equal(clientAddress(at({ 'x-forwarded-for': 'a'.repeat(100) }), true), 'a'.repeat(64));
    assert.equal(clientAddress(at({ 'x-forwarded-for': '1.1.1.1, ' }, '10.0.0.1'), true), '10.0.0.1', 'an empty last entry: the socket');
    assert.equal(clientAddress(at({}, '10.0.0.1'), true), '10.0.0.1');
    assert.equal(clientAddress(at({}), false), 'unknown');
  });
});
