// How an answer is made, part by part: the status and rendering of each
// result (D1: text lists a created entity's location, JSON gives it whole;
// R39: Location), the headers every answer carries (R1: Server and Accept;
// no-store for a tenant's; a default Retry-After on 503 and 429; the request
// id), the methods each sort of path takes (D16) and its route template, and
// the operators' paths (/healthz, /readyz, /metrics).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaults } from '../../src/config/config.js';
import { Health } from '../../src/http/health.js';
import { SERVER_HEADER } from '../../src/http/listener.js';
import { nextRequestId, writeAnswer, type Reply } from '../../src/http/reply.js';
import { respond, type Response } from '../../src/http/respond.js';
import { allowedMethods, routeTemplate, type Route } from '../../src/http/router.js';
import { COMPUTE, LINK, RESOURCE } from '../../src/model/infrastructure.js';
import type { Backend } from '../../src/port/backend.js';
import type { EntityView, Renderer } from '../../src/rendering/document.js';
import { ACCEPT_HEADER } from '../../src/rendering/negotiate.js';
import { eventually } from '../helpers/server.js';

/** A renderer that says which of its methods made the rendering. */
function fakeRenderer(mediaType: string): Renderer {
  const made = (what: string) => (arg?: unknown, which?: unknown) => ({ headers: {}, body: JSON.stringify([what, arg ?? null, which ?? null]) });
  return { mediaType, entity: made('entity'), locations: made('locations'), collection: made('collection'), categories: made('categories'), ok: made('ok') } as unknown as Renderer;
}
const view = (location: string): EntityView => ({ location }) as EntityView;

describe('D1, R39: the status and rendering of each result', () => {
  const text = fakeRenderer('text/plain');
  const json = fakeRenderer('application/occi+json');

  test('created: 201 with Location of the first; text lists the locations, JSON gives one entity whole or a mixed collection', () => {
    const one = { type: 'created', views: [view('http://h/compute/1')] } as const;
    const two = { type: 'created', views: [view('http://h/compute/1'), view('http://h/compute/2')] } as const;
    assert.deepEqual(respond(text, one as never), { status: 201, rendered: { headers: {}, body: '["locations",["http://h/compute/1"],null]' }, location: 'http://h/compute/1' });
    assert.equal(respond(json, one as never).rendered.body, '["entity",{"location":"http://h/compute/1"},null]');
    assert.equal(respond(json, two as never).rendered.body, '["collection",[{"location":"http://h/compute/1"},{"location":"http://h/compute/2"}],"mixed"]');
    assert.equal(respond(json, two as never).location, 'http://h/compute/1');
    assert.equal(respond(fakeRenderer('text/occi'), two as never).rendered.body, '["locations",["http://h/compute/1","http://h/compute/2"],null]');
  });

  test('entity, collection, categories and ok: 200 with their own rendering', () => {
    assert.deepEqual(respond(text, { type: 'entity', view: view('x') } as never), { status: 200, rendered: { headers: {}, body: '["entity",{"location":"x"},null]' } });
    assert.equal(respond(json, { type: 'collection', locations: ['a'] } as never).rendered.body, '["locations",["a"],null]');
    assert.equal(respond(text, { type: 'categories', list: [] } as never).rendered.body, '["categories",[],null]');
    assert.deepEqual(respond(text, { type: 'ok' }), { status: 200, rendered: { headers: {}, body: '["ok",null,null]' } });
  });
});

/** Serves one answer made by writeAnswer, and returns what a client reads of it. */
async function served(r: Response, reply: Partial<Reply> = {}): Promise<{ status: number; headers: string[]; body: string }> {
  const server = http.createServer((_req, res) => writeAnswer(res, r, { requestId: 'rid-1', log: {}, tenant: false, ...reply }));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as { port: number };
    return await new Promise((ok, fail) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => ok({ status: res.statusCode!, headers: res.rawHeaders.filter((_, i) => i % 2 === 0), body }));
        })
        .on('error', fail);
    });
  } finally {
    server.close();
  }
}

describe('R1: the headers of every answer', () => {
  test('Server, Accept, the rendering headers, Content-Length of the UTF-8 body, Location, X-Request-Id; the status noted for the log', async () => {
    const log: Reply['log'] = {};
    const r = await served({ status: 201, rendered: { headers: { 'Content-Type': 'text/plain' }, body: 'é\n' }, location: 'http://h/compute/1' }, { log });
    assert.equal(r.status, 201);
    assert.equal(r.body, 'é\n');
    assert.deepEqual(r.headers.slice(0, 6), ['Server', 'Accept', 'Content-Type', 'Content-Length', 'Location', 'X-Request-Id']);
    assert.equal(log.status, 201);
    const whole = await new Promise<http.IncomingMessage>((ok) => {
      const server = http.createServer((_q, res) => writeAnswer(res, { status: 200, rendered: { headers: {}, body: 'é' } }, { requestId: 'rid-2', log: {}, tenant: true }));
      server.listen(0, '127.0.0.1', () =>
        http.get({ host: '127.0.0.1', port: (server.address() as { port: number }).port, agent: false }, (res) => {
          res.resume();
          res.on('end', () => server.close());
          ok(res);
        }),
      );
    });
    assert.equal(whole.headers.server, SERVER_HEADER);
    assert.equal(whole.headers.accept, ACCEPT_HEADER);
    assert.equal(whole.headers['content-length'], '2', 'bytes, not characters');
    assert.equal(whole.headers['x-request-id'], 'rid-2');
    assert.equal(whole.headers['cache-control'], 'no-store', "a tenant's answer is never kept by a shared cache");
  });

  test('no Cache-Control for an answer that is no tenant\'s; Retry-After: 30 on a 503 or 429 without one of its own', async () => {
    assert.ok(!(await served({ status: 200, rendered: { headers: {}, body: '' } })).headers.includes('Cache-Control'));
    for (const status of [503, 429]) {
      const r = await served({ status, rendered: { headers: {}, body: 'busy' } });
      assert.ok(r.headers.includes('Retry-After'), `${status}`);
    }
    const own = await new Promise<string | undefined>((ok) => {
      const server = http.createServer((_q, res) => writeAnswer(res, { status: 503, rendered: { headers: { 'Retry-After': '60' }, body: '' } }, { requestId: 'r', log: {}, tenant: false }));
      server.listen(0, '127.0.0.1', () =>
        http.get({ host: '127.0.0.1', port: (server.address() as { port: number }).port, agent: false }, (res) => {
          res.resume();
          res.on('end', () => server.close());
          ok(String(res.headers['retry-after']));
        }),
      );
    });
    assert.equal(own, '60');
    assert.ok(!(await served({ status: 500, rendered: { headers: {}, body: '' } })).headers.includes('Retry-After'));
    assert.ok(!(await served({ status: 404, rendered: { headers: {}, body: '' } })).headers.includes('Retry-After'));
  });

  test('an answer already under way is left alone: nothing written twice, no error', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('streamed');
      const log: Reply['log'] = {};
      writeAnswer(res, { status: 500, rendered: { headers: {}, body: 'late error' } }, { requestId: 'r', log, tenant: false });
      res.end(log.status === undefined ? '' : ' (status noted)');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const body = await new Promise<string>((ok, fail) =>
        http.get({ host: '127.0.0.1', port: (server.address() as { port: number }).port, agent: false }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => ok(`${res.statusCode} ${b}`));
        }).on('error', fail),
      );
      assert.equal(body, '200 streamed');
    } finally {
      server.close();
    }
  });

  test('an answer kept whole (bytes and its header list) is sent as kept', async () => {
    const r = await served({ status: 200, rendered: { headers: {}, body: 'ignored' }, bytes: Buffer.from('kept'), headerList: ['Content-Type', 'text/plain', 'Content-Length', 4] });
    assert.equal(r.body, 'kept');
    assert.deepEqual(r.headers.slice(0, 5), ['Server', 'Accept', 'Content-Type', 'Content-Length', 'X-Request-Id']);
  });

  test('request ids: UUID-shaped, each one new, counting in its last seven hex digits', () => {
    const a = nextRequestId();
    const b = nextRequestId();
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
    assert.equal(a.slice(0, 29), b.slice(0, 29));
    assert.equal(parseInt(b.slice(29), 16), parseInt(a.slice(29), 16) + 1);
    // Made 64 at a time: across several blocks, still one more each time, and each the same shape.
    const many = Array.from({ length: 200 }, () => nextRequestId());
    assert.equal(new Set(many).size, 200);
    for (let i = 0; i < many.length; i++) {
      assert.match(many[i]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (i > 0) assert.equal(parseInt(many[i]!.slice(29), 16), parseInt(many[i - 1]!.slice(29), 16) + 1, `id ${i}`);
    }
  });
});

describe('D16: the methods each sort of path takes, and its route template', () => {
  const kind = (k: typeof COMPUTE): Route => ({ type: 'collection', owner: { type: 'kind', kind: k } });
  test('methods', () => {
    assert.deepEqual(allowedMethods({ type: 'query' }, false), ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS']);
    assert.deepEqual(allowedMethods({ type: 'entity' } as Route, false), ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']);
    assert.deepEqual(allowedMethods(kind(COMPUTE), false), ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS']);
    assert.deepEqual(allowedMethods(kind(RESOURCE), true), ['GET', 'HEAD', 'OPTIONS'], 'resource is a read-only union');
    assert.deepEqual(allowedMethods(kind(LINK), true), ['GET', 'HEAD', 'OPTIONS'], 'link is a read-only union');
    assert.deepEqual(allowedMethods({ type: 'collection', owner: { type: 'mixin' } } as Route, false), ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']);
    assert.deepEqual(allowedMethods({ type: 'collection', owner: { type: 'path', path: '/a/' } }, false), ['GET', 'HEAD', 'OPTIONS']);
    assert.deepEqual(allowedMethods({ type: 'collection', owner: { type: 'path', path: '/a/' } }, true), ['GET', 'HEAD', 'DELETE', 'OPTIONS']);
  });

  test('route templates: a bounded set whatever the path', () => {
    assert.equal(routeTemplate({ type: 'query' }, '/-/'), '/-/');
    assert.equal(routeTemplate({ type: 'query' }, '/.well-known/org/ogf/occi/-/'), '/.well-known/org/ogf/occi/-/');
    assert.equal(routeTemplate({ type: 'entity', loc: { kind: 'compute' } } as Route, '/compute/abc'), '/compute/{id}');
    assert.equal(routeTemplate(kind(COMPUTE), '/compute/'), '/compute/');
    assert.equal(routeTemplate(kind({ ...COMPUTE, location: undefined } as typeof COMPUTE), '/x/'), '/{kind}/');
    assert.equal(routeTemplate({ type: 'collection', owner: { type: 'mixin' } } as Route, '/my/tag/'), '/{mixin}/');
    assert.equal(routeTemplate({ type: 'collection', owner: { type: 'path', path: '/a/b/' } }, '/a/b/'), '/{path}/');
  });
});

describe("the operators' paths", () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-health-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function health(o: { dataDir?: string; backendReason?: string | Error; storeReason?: string; draining?: boolean; maintenance?: boolean; metrics?: boolean; metricsToken?: string } = {}): Health {
    const config = defaults();
    config.dataDir = o.dataDir ?? dir;
    config.health.checkIntervalMs = 1500;
    config.maintenance = o.maintenance ?? false;
    config.metrics = o.metrics ?? true;
    config.metricsToken = o.metricsToken;
    const reason = o.backendReason;
    const backend = { readiness: async () => (reason instanceof Error ? Promise.reject(reason) : reason) } as unknown as Backend;
    return new Health(config, backend, { readiness: async () => o.storeReason }, () => ({ draining: o.draining ?? false }), () => []);
  }
  const req = (authorization?: string): http.IncomingMessage => ({ headers: authorization ? { authorization } : {} }) as http.IncomingMessage;
  const ready = async (h: Health): Promise<{ status: number; headers: Record<string, string>; body: string }> => {
    h.start();
    try {
      return (await eventually(() => h.answer('/readyz', req()), (a) => !a!.body.includes('first health check')))!;
    } finally {
      h.stop();
    }
  };

  test('/healthz is 200 while the process serves; other paths are not health paths', async () => {
    assert.deepEqual(await health({ draining: true }).answer('/healthz', req()), { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: '{"status":"ok"}' });
    assert.equal(await health().answer('/-/', req()), undefined);
  });

  test('/readyz: 503 until the first check, with Retry-After of the check interval in whole seconds; then 200', async () => {
    const h = health();
    const first = await h.answer('/readyz', req());
    assert.deepEqual(first, {
      status: 503,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '2' },
      body: '{"status":"not ready","reasons":["the first health check has not finished yet"]}',
    });
    assert.deepEqual(await ready(h), { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: '{"status":"ready"}' });
  });

  test('/readyz names every reason: shutting down, maintenance, the store, the cloud, a check that threw, an unwritable data directory', async () => {
    const r = await ready(health({ draining: true, maintenance: true, storeReason: 'the store is unreachable', backendReason: 'Keystone is unreachable' }));
    assert.equal(r.status, 503);
    assert.deepEqual(JSON.parse(r.body).reasons, ['the server is shutting down', 'the server is in maintenance (setting maintenance)', 'the store is unreachable', 'Keystone is unreachable']);
    assert.deepEqual(JSON.parse((await ready(health({ backendReason: new Error('probe failed') }))).body).reasons, ['probe failed']);
    const missing = join(dir, 'missing');
    const reasons = JSON.parse((await ready(health({ dataDir: missing }))).body).reasons as string[];
    assert.equal(reasons.length, 1);
    assert.ok(reasons[0]!.startsWith(`the data directory ${missing} cannot be written (ENOENT: `), reasons[0]);
  });

  test('a write the disk refused makes the server not ready, with its message', async () => {
    const h = health();
    await ready(h);
    h.noteStorageFailure("the server's disk is full");
    const r = await h.answer('/readyz', req());
    assert.deepEqual(JSON.parse(r!.body).reasons, ["the server's disk is full"]);
  });

  test('/metrics: 404 when off; with metricsToken only its bearer token, in any case of "Bearer"', async () => {
    const off = await health({ metrics: false }).answer('/metrics', req());
    assert.deepEqual(off, { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: 'Not Found: metrics are off on this server (setting metrics)\n' });
    const h = health({ metricsToken: 'secret-1' });
    for (const auth of [undefined, 'Bearer secret-2', 'Bearer secret-12', 'Basic secret-1', 'Bearer ', 'secret-1', 'xBearer secret-1', 'Token Bearer secret-1']) {
      const r = await h.answer('/metrics', req(auth));
      assert.deepEqual(r, {
        status: 401,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="snf-occi metrics"' },
        body: 'Unauthorized: /metrics needs the token of the setting metricsToken, as Authorization: Bearer <token>\n',
      }, String(auth));
    }
    for (const auth of ['Bearer secret-1', 'bearer  secret-1 ']) assert.equal((await h.answer('/metrics', req(auth)))?.status, 200, auth);
    const open = await health().answer('/metrics', req());
    assert.equal(open?.status, 200);
    assert.match(open!.headers['Content-Type']!, /^text\/plain/);
    assert.equal(open!.headers['Cache-Control'], 'no-store', 'figures of the moment are never cached');
    assert.match(open!.body, /snf_occi_http_request_duration_seconds/);
  });
});
