// Method × path before any operation runs (dispatch.ts: 405 with Allow, what
// ?action= takes, locations where an entity is expected), and what the
// listener answers by itself: 503 while starting, 405 to CONNECT, a
// malformed request's 400 word for word, a connection the client resets
// (destroyed, nothing answered or logged), and why a port cannot be bound.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { defaults } from '../../src/config/config.js';
import { dispatch, type Call } from '../../src/http/dispatch.js';
import { bindFailure, createListener, SERVER_HEADER } from '../../src/http/listener.js';
import type { Route } from '../../src/http/router.js';
import type { OcciContext } from '../../src/operations/context.js';
import { emptyPayload, type Payload } from '../../src/rendering/document.js';
import { COMPUTE_KIND, locations, startServer, type TestServer } from '../helpers/server.js';
import { rejection } from '../helpers/bad-request.js';
import { raw } from '../helpers/wire.js';

const ctx = { allowNamespaceDelete: false } as OcciContext;
const ENTITY = { type: 'entity', loc: { kind: 'compute', id: 'x' } } as unknown as Route;
const call = (method: string, route: Route, query = '', payload: Payload = emptyPayload()): Call => ({ method, route, query: new URLSearchParams(query), headers: {}, payload });
const listed = (...urls: string[]): Payload => ({ ...emptyPayload(), locations: urls, empty: false });

describe('dispatch, before any operation', () => {
  test('a method the path does not take: 405 naming the allowed ones, in Allow too', async () => {
    const e = await rejection(dispatch(ctx, call('PUT', { type: 'collection', owner: { type: 'path', path: '/a/' } })));
    assert.equal(e.status, 405);
    assert.equal(e.message, 'method not allowed here; allowed: GET, HEAD, OPTIONS');
    assert.deepEqual(e.headers, { Allow: 'GET, HEAD, OPTIONS' });
    assert.equal((await rejection(dispatch(ctx, call('PATCH', ENTITY)))).status, 405);
  });

  test('?action= takes a term of 1 to 128 characters, and only with POST', async () => {
    for (const bad of ['', '-start', 'st art', 'a'.repeat(129), 'é']) {
      const e = await rejection(dispatch(ctx, call('POST', ENTITY, `action=${encodeURIComponent(bad)}`)));
      assert.deepEqual([e.status, e.message], [400, '?action= needs an action term'], JSON.stringify(bad));
    }
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
      const e = await rejection(dispatch(ctx, call(method, ENTITY, 'action=start')));
      assert.deepEqual([e.status, e.message], [400, '?action= is only meaningful with POST'], method);
    }
    const e = await rejection(dispatch(ctx, call('POST', { type: 'query' }, 'action=start')));
    assert.deepEqual([e.status, e.headers], [405, { Allow: 'GET, HEAD, POST, DELETE, OPTIONS' }], 'no action on the query interface');
  });

  test('an entity is not updated with a list of locations, nor a kind tagged through', async () => {
    for (const method of ['POST', 'PUT']) {
      const e = await rejection(dispatch(ctx, call(method, ENTITY, '', listed('http://h/compute/1'))));
      assert.equal(e.status, 400, method);
      assert.equal(e.message, 'an entity is updated with Category, Link and X-OCCI-Attribute; a list of locations (X-OCCI-Location, text/uri-list) is for mixin and kind collections');
    }
    const kind = { type: 'collection', owner: { type: 'kind', kind: {} } } as unknown as Route;
    const e = await rejection(dispatch(ctx, call('POST', kind, '', listed('http://h/compute/1'))));
    assert.deepEqual([e.status, e.message], [400, 'POST to a kind location creates an entity; to tag entities, POST their locations to a mixin location']);
  });
});

describe('dispatch over HTTP: locations next to an action or a delete are not a misplaced list', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  test('DELETE of an entity and POST ?action= carrying X-OCCI-Location go ahead', async () => {
    const made = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` });
    assert.equal(made.status, 201, made.body);
    const path = new URL(locations(made.body)[0]!).pathname;
    const stop = `stop; scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"; class="action"`;
    const act = await s.request('POST', `${path}?action=stop`, { headers: { Category: stop, 'X-OCCI-Location': `${s.url}${path}` } });
    assert.ok(act.status === 200 || act.status === 409, `the action was tried: ${act.status} ${act.body}`);
    const gone = await s.request('DELETE', path, { headers: { 'X-OCCI-Location': `${s.url}${path}` } });
    assert.equal(gone.status, 200, gone.body);
    assert.equal((await s.request('GET', path)).status, 404);
  });
});

describe('a DELETE carries a body', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  test('DELETE of a kind collection with a body listing one member deletes that one only', async () => {
    const make = async (): Promise<string> => locations((await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` })).body)[0]!;
    const [one, two] = [await make(), await make()];
    const r = await s.request('DELETE', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `X-OCCI-Location: ${one}\n` });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(locations((await s.request('GET', '/compute/')).body), [two], 'the body was read: only the listed one went');
  });
});

describe('what the listener answers by itself', () => {
  const config = defaults();
  config.port = 0;
  const listener = createListener(config, pino({ level: 'silent' }));
  let port = 0;
  before(async () => (port = (await listener.listen()).port));
  after(() => new Promise<void>((r) => listener.server.close(() => r())));

  test('before the server is ready: 503 with Retry-After: 1, saying it is starting', async () => {
    const text = await raw(port, 'GET /-/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const [head, body] = text.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(head!, /\r\nRetry-After: 1\r\n/);
    assert.ok(head!.includes(`\r\nServer: ${SERVER_HEADER}\r\n`));
    assert.match(head!, /\r\nContent-Type: text\/plain; charset=utf-8\r\n/);
    assert.equal(body, 'Service Unavailable: the server is starting; try again in a moment\n');
  });

  test('CONNECT: 405 with Allow, and the connection closed', async () => {
    const text = await raw(port, 'CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n');
    const body = 'Method Not Allowed: CONNECT is not supported\n';
    assert.equal(
      text,
      `HTTP/1.1 405 Method Not Allowed\r\nServer: ${SERVER_HEADER}\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  test('a malformed request: 400 saying so, with our Server header, and the connection closed', async () => {
    const body = 'Bad Request: malformed request\n';
    assert.equal(
      await raw(port, 'NOT HTTP\r\n\r\n'),
      `HTTP/1.1 400 Bad Request\r\nServer: ${SERVER_HEADER}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  test('headers over maxHeaderBytes: 431 naming the limit', async () => {
    const text = await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(config.limits.maxHeaderBytes + 10)}\r\n\r\n`);
    assert.match(text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.ok(text.endsWith(`\r\n\r\nRequest Header Fields Too Large: request headers larger than ${config.limits.maxHeaderBytes} bytes\n`), text);
  });
});

describe('a client error on a socket that can no longer be written', () => {
  test('a connection the client resets (idle, or kept alive after an answer) is destroyed: no answer, nothing logged as refused', async () => {
    const config = defaults();
    config.port = 0;
    config.host = '127.0.0.1';
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const listener = createListener(config, pino({ level: 'info' }, sink) as Logger);
    listener.serve((_req: IncomingMessage, res: ServerResponse) => res.end('answered\n'));
    const { port } = await listener.listen();
    try {
      for (const before of ['nothing', 'an answered request']) {
        // Added after the listener's own: runs once it has dealt with the error.
        const seen = new Promise<{ code: string | undefined; writable: boolean }>((resolve) =>
          listener.server.once('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => resolve({ code: err.code, writable: socket.writable })),
        );
        const arrived = new Promise((resolve) => listener.server.once('connection', resolve));
        const client = net.connect(port, '127.0.0.1');
        await new Promise((r) => client.once('connect', r));
        await arrived;
        if (before !== 'nothing') {
          const answer = new Promise<string>((r) => client.once('data', (d) => r(String(d))));
          client.write('GET /-/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
          assert.match(await answer, /^HTTP\/1\.1 200 [^]*\r\n\r\nanswered\n$/, 'the first request is answered and the connection kept');
        }
        // A reset (RST), as a client that crashed or gave up sends: node reports it as a client error.
        client.resetAndDestroy();
        assert.deepEqual(await seen, { code: 'ECONNRESET', writable: false }, `reset after ${before}`);
        assert.deepEqual(
          lines.filter((l) => /request refused|malformed/.test(l)),
          [],
          `a reset after ${before} is not a malformed request: nothing is answered or logged as refused`,
        );
      }
    } finally {
      await new Promise((r) => listener.server.close(r));
    }
  });
});

test('why a port cannot be bound, and what to do', () => {
  const at = { port: 8080, host: 'occi.local' };
  const why = (code: string): string => bindFailure(Object.assign(new Error(`listen ${code}`), { code }), at);
  assert.equal(why('EADDRINUSE'), 'port 8080 on occi.local is already in use by another program (another snf-occi?); choose another port with --port N (or SNF_OCCI_PORT), or --port 0 for any free one');
  assert.equal(why('EACCES'), 'port 8080 on occi.local needs privileges this user does not have (ports below 1024 are reserved); choose a port of 1024 or more with --port, and put a proxy in front');
  assert.equal(why('EADDRNOTAVAIL'), 'occi.local is not an address of this machine; choose one with --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface)');
  for (const code of ['ENOTFOUND', 'EAI_AGAIN']) assert.equal(why(code), 'the host name occi.local cannot be resolved; give an address with --host, such as 127.0.0.1 or 0.0.0.0');
  assert.equal(why('EMFILE'), 'cannot listen on port 8080 on occi.local: listen EMFILE');
});
