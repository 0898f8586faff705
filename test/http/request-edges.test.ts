// What the server reads of a request besides its target, stated on fake
// request streams so each rule has a quick test: the body limit declared and
// counted (413 naming it), UTF-8 bodies, a body that never comes, the
// renderings a Content-Type selects (R11, D10), the draining of a refused
// body and the request deadline (504).
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { filterPayload, parsePayload, readBody } from '../../src/http/body.js';
import { drainRefusedBody, settleRefusedBody } from '../../src/http/connection-edges.js';
import { Deadline } from '../../src/http/deadline.js';
import { INFRA } from '../helpers/server.js';
import { rejection } from '../helpers/bad-request.js';

/** A request stream with these headers; `complete` as node sets it once the body has ended. */
function fakeRequest(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  const req = new PassThrough() as unknown as PassThrough & IncomingMessage & { complete: boolean };
  Object.assign(req, { headers, complete: false });
  req.on('end', () => (req.complete = true));
  return req;
}

describe('reading a body', () => {
  test('a declared length over the limit is refused before a byte is read; exactly the limit is read', async () => {
    const e = await rejection(readBody(fakeRequest({ 'content-length': '11' }), 10));
    assert.equal(e.status, 413);
    assert.equal(e.message, 'request body larger than 10 bytes');
    const req = fakeRequest({ 'content-length': '10' });
    const body = readBody(req, 10);
    req.end('0123456789');
    assert.equal(await body, '0123456789');
  });

  test('bytes counted as they come: the limit across chunks, one byte past it is 413', async () => {
    const fits = fakeRequest();
    const ok = readBody(fits, 10);
    fits.write('01234');
    fits.end('56789');
    assert.equal(await ok, '0123456789');
    const over = fakeRequest();
    const refused = readBody(over, 10);
    over.write('01234');
    over.write('567890');
    over.end('more after the refusal is ignored');
    const e = await rejection(refused);
    assert.equal(e.status, 413);
    assert.equal(e.message, 'request body larger than 10 bytes');
  });

  test('an empty body is the empty string; UTF-8 split across chunks is read whole', async () => {
    const empty = fakeRequest();
    const p = readBody(empty, 10);
    empty.end();
    assert.equal(await p, '');
    const split = fakeRequest();
    const q = readBody(split, 10);
    const bytes = Buffer.from('é€', 'utf8');
    split.write(bytes.subarray(0, 1));
    split.end(bytes.subarray(1));
    assert.equal(await q, 'é€');
  });

  test('bytes that are not UTF-8 are a 400, not replaced', async () => {
    const req = fakeRequest();
    const p = readBody(req, 10);
    req.end(Buffer.from([0x41, 0xff, 0x42]));
    const e = await rejection(p);
    assert.equal(e.status, 400);
    assert.equal(e.message, 'the request body is not UTF-8 text');
  });

  test('a client gone before the end of its body: a 400 saying so, never a wait for ever', async () => {
    const GONE = 'the client closed the connection before sending the whole body';
    const gone = fakeRequest();
    const p = readBody(gone, 100);
    gone.write('part');
    gone.destroy();
    assert.deepEqual(await rejection(p).then((e) => [e.status, e.message]), [400, GONE]);
    const already = fakeRequest();
    already.destroy();
    await new Promise((r) => already.once('close', r)); // gone for good: no event will come again
    const settled = readBody(already, 100).then(
      () => 'read',
      (e: OcciError) => e.message,
    );
    const outcome = await Promise.race([settled, new Promise((r) => setTimeout(() => r('still waiting after 10 s'), 10_000).unref())]);
    assert.equal(outcome, GONE);
    const broken = fakeRequest();
    const b = readBody(broken, 100);
    broken.destroy(new Error('socket hang up'));
    assert.equal((await rejection(b)).message, 'could not read the request body: socket hang up');
  });
});

describe('R11, D10: the rendering a Content-Type selects', () => {
  const kind = `Category: compute; scheme="${INFRA}"; class="kind"`;

  test('text/plain and text/occi+plain read the body; text/occi reads the headers', () => {
    for (const type of ['text/plain', 'text/occi+plain; charset=utf-8']) {
      assert.equal(parsePayload(type, `${kind}\n`, {}).categories[0]?.term, 'compute', type);
    }
    assert.equal(parsePayload('text/occi', '', { category: kind.slice('Category: '.length) }).categories[0]?.term, 'compute');
    assert.equal(parsePayload('text/occi', ' OK \n', {}).empty, true, 'a body of "OK" is allowed');
  });

  test('text/occi with a body is a 400 saying the body was ignored and what to send instead', () => {
    assert.throws(
      () => parsePayload('text/occi', `${kind}\n`, {}),
      (e: unknown) =>
        e instanceof OcciError &&
        e.status === 400 &&
        e.message ===
          'the request body was ignored: with Content-Type text/occi the rendering travels in HTTP headers (Category, Link, X-OCCI-Attribute, X-OCCI-Location); send the body with Content-Type text/plain instead',
    );
  });

  test('JSON and uri-list read the body; a blank body falls back to the headers', () => {
    const json = JSON.stringify({ kind: `${INFRA}compute`, attributes: { 'occi.core.title': 'j' } });
    for (const type of ['application/occi+json', 'application/json']) {
      assert.equal(parsePayload(type, json, {}).entities[0]?.attributes['occi.core.title'], 'j', type);
      assert.equal(parsePayload(type, ' \n', { 'x-occi-location': 'http://h/compute/1' }).locations[0], 'http://h/compute/1', type);
    }
    assert.deepEqual(parsePayload('text/uri-list', 'http://h/compute/1\n', {}).locations, ['http://h/compute/1']);
    assert.deepEqual(parsePayload('text/uri-list', '', { 'x-occi-location': 'http://h/compute/2' }).locations, ['http://h/compute/2']);
  });

  test('without a Content-Type: JSON when it starts with { or [, else text; blank is the headers', () => {
    const json = JSON.stringify({ kind: `${INFRA}compute` });
    assert.equal(parsePayload(undefined, `  ${json}`, {}).entities.length, 1);
    assert.deepEqual(parsePayload(undefined, '  ["http://h/compute/1"]', {}).locations, ['http://h/compute/1']);
    assert.equal(parsePayload(undefined, `${kind}\n`, {}).categories[0]?.term, 'compute');
    assert.equal(parsePayload(undefined, '   ', { category: kind.slice('Category: '.length) }).categories[0]?.term, 'compute');
    assert.equal(parsePayload(undefined, '', {}).empty, true);
  });

  test('any other Content-Type is a 415 naming the ones spoken', () => {
    assert.throws(
      () => parsePayload('application/xml', '<x/>', {}),
      (e: unknown) =>
        e instanceof OcciError &&
        e.status === 415 &&
        e.message === 'Content-Type application/xml is not supported; send text/plain, text/occi, text/uri-list or application/occi+json',
    );
  });

  test('a filter comes from any one of the OCCI headers; none is no filter', () => {
    assert.equal(filterPayload({}).empty, true);
    assert.equal(filterPayload({ 'user-agent': 'x' }).empty, true);
    assert.equal(filterPayload({ category: 'compute' }).categories[0]?.term, 'compute');
    assert.equal(filterPayload({ 'x-occi-category': 'network' }).categories[0]?.term, 'network');
    assert.deepEqual(filterPayload({ 'x-occi-attribute': 'occi.core.title="t"' }).attributes, { 'occi.core.title': 't' });
    assert.deepEqual(filterPayload({ 'x-occi-location': 'http://h/compute/1' }).locations, ['http://h/compute/1']);
  });
});

describe('a refused body, drained before its answer', () => {
  const bounds = { maxBytes: 10, maxMs: 60_000 };
  const recorder = (): { res: ServerResponse; headers: Record<string, string> } => {
    const headers: Record<string, string> = {};
    return { res: { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as ServerResponse, headers };
  };

  test('read to its end within the bounds: the connection may stay open', async () => {
    const req = fakeRequest();
    const { res, headers } = recorder();
    const settled = settleRefusedBody(req, res, bounds);
    req.write('0123456789');
    req.end();
    await settled;
    assert.deepEqual(headers, {});
  });

  test('one byte past maxBytes, or a declared length past it: Connection: close', async () => {
    const req = fakeRequest();
    const { res, headers } = recorder();
    const settled = settleRefusedBody(req, res, bounds);
    req.write('01234567890');
    await settled;
    assert.deepEqual(headers, { Connection: 'close' });
    assert.equal(await drainRefusedBody(fakeRequest({ 'content-length': '11' }), bounds), false);
    const declared = fakeRequest({ 'content-length': '10' });
    const drained = drainRefusedBody(declared, bounds);
    declared.end('0123456789');
    assert.equal(await drained, true, 'a declared length of exactly maxBytes is drained');
  });

  test('a body already read, or a request already gone, waits for nothing', async () => {
    const done = fakeRequest();
    done.resume();
    done.end();
    await new Promise((r) => done.once('end', r));
    assert.equal(await drainRefusedBody(done, bounds), true);
    const gone = fakeRequest();
    gone.destroy();
    assert.equal(await drainRefusedBody(gone, bounds), false);
  });

  test('a client that stops sending: false once maxMs passes; one that hangs up mid-body: false', async () => {
    assert.equal(await drainRefusedBody(fakeRequest(), { maxBytes: 10, maxMs: 1 }), false);
    const req = fakeRequest();
    const p = drainRefusedBody(req, bounds);
    req.write('012');
    req.destroy();
    assert.equal(await p, false);
  });
});

describe('the request deadline', () => {
  // The sweeper's timer does not hold the process open (a server does): this one does, while these tests wait.
  let keepAlive: NodeJS.Timeout;
  before(() => (keepAlive = setInterval(() => {}, 1000)));
  after(() => clearInterval(keepAlive));

  test('work done in time is its answer; past the deadline the race under way and any later one fail with 504', async () => {
    const quick = new Deadline(60_000);
    assert.equal(await quick.race(Promise.resolve('done')), 'done');
    quick.clear();
    const slow = new Deadline(5);
    const e = await rejection(slow.race(new Promise(() => {})));
    assert.equal(e.status, 504);
    assert.equal(e.message, 'the request took longer than 5 ms');
    assert.equal((await rejection(slow.race(Promise.resolve(1)))).status, 504, 'a later race fails at once');
  });

  test('the time counts from the start given: a request already past its time fails its first race', async () => {
    const late = new Deadline(1000, performance.now() - 2000);
    assert.equal((await rejection(late.race(new Promise(() => {})))).message, 'the request took longer than 1000 ms');
  });

  test('a cleared deadline never fails; the others in flight still do', async () => {
    const a = new Deadline(1);
    const b = new Deadline(1);
    const c = new Deadline(1);
    const settled = b.race(new Promise(() => {})).then(
      () => 'resolved',
      () => 'failed',
    );
    a.clear();
    c.clear();
    const outcome = await Promise.race([settled, new Promise((r) => setTimeout(() => r('b never expired'), 30_000).unref())]);
    assert.equal(outcome, 'failed', 'b, between two cleared deadlines, still expired');
    assert.equal(await a.race(Promise.resolve('a')), 'a', 'a cleared deadline lets its work answer');
  });
  test('a deadline cleared between two others leaves the list whole: clearing the next one takes it out too', async () => {
    const a = new Deadline(1);
    const b = new Deadline(60_000);
    const c = new Deadline(60_000);
    b.clear();
    a.clear();
    // Made after a with the same time: once it has expired, a sweep has passed a's time too.
    const sentinel = new Deadline(1);
    assert.equal((await rejection(sentinel.race(new Promise(() => {})))).status, 504);
    assert.equal(await a.race(Promise.resolve('a')), 'a', 'a, cleared, was not expired by the sweep');
    c.clear();
  });
});
