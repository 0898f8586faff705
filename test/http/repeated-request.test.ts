// A keep-alive connection asking again exactly what it was last answered from
// the discovery cache gets that answer again (repeated-request.ts), but only
// while it is still the answer: each repeat is checked again for its token,
// the rate limit and the catalogue, and anything that differs in the request
// (a header, its order, the target, the method) is taken apart anew. Each
// test sends its requests on one connection, as a client polling GET /-/ does
// (the test helper's own requests each take a new one).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Config } from '../../src/config/config.js';
import { unauthorized } from '../../src/errors.js';
import { Catalog } from '../../src/operations/catalog.js';
import type { Backend } from '../../src/port/backend.js';
import { RepeatedRequests, type Answered } from '../../src/http/repeated-request.js';
import type { Response } from '../../src/http/respond.js';
import { textPlainRenderer } from '../../src/rendering/text/render.js';
import { ALICE, BOB, INFRA, startServer, type Reply, type TestServer } from '../helpers/server.js';

interface Answer extends Reply {
  /** Whether it came on the connection of the request before. */
  reused: boolean;
}

/** One keep-alive connection: requests go out one after another on the same socket. */
function connection(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text), reused: req.reusedSocket });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** The answer's headers but the time, the request's own id and those of its connection (kept alive or not). */
function comparable(r: Reply): Record<string, unknown> {
  const { date, 'x-request-id': id, connection: _c, 'keep-alive': _k, ...rest } = r.headers;
  assert.ok(date !== undefined && id !== undefined);
  return rest;
}

function sameAnswer(a: Reply, b: Reply, what: string): void {
  assert.equal(a.status, b.status, what);
  assert.deepEqual(comparable(a), comparable(b), what);
  // An error's body names the request's id.
  const [x, y] = [a, b].map((r) => r.body.split(String(r.headers['x-request-id'])).join('{id}'));
  assert.equal(x, y, what);
}

/** A counter of /metrics, 0 when absent. */
async function counted(s: TestServer, line: string): Promise<number> {
  const text = (await s.request('GET', '/metrics', { token: null })).body;
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

const REPEATS = 'snf_occi_cache_hits_total{cache="repeat"}';

describe('a request repeated on its connection', () => {
  const revoked = { on: false };
  let s: TestServer;
  before(async () => {
    // While `revoked.on`, alice's token is refused, as a cloud refuses a token revoked a moment ago.
    const revoking = (b: Backend): Backend =>
      new Proxy(b, {
        get: (target, key) => {
          const value = Reflect.get(target, key);
          if (key !== 'authenticateNow' && key !== 'authenticate') return typeof value === 'function' ? value.bind(target) : value;
          return (req: { token?: string }) => {
            if (revoked.on && req.token === ALICE) {
              const refusal = unauthorized('invalid token', 'Keystone uri="http://keystone.invalid"');
              if (key === 'authenticateNow') throw refusal;
              return Promise.reject(refusal);
            }
            return (value as (r: unknown) => unknown).call(target, req);
          };
        },
      });
    // A refused token is otherwise refused again for a while without asking the backend (auth-guard.ts).
    const config = (c: Config): void => {
      c.cors.origins = ['https://console.example'];
      c.rateLimit.failedAuthCacheMs = 0;
    };
    s = await startServer(config, { backend: revoking });
  });
  after(() => s.close());
  afterEach(() => {
    revoked.on = false;
  });

  test('gets the answer it got, in every rendering, for GET and HEAD, each with its own request id', async () => {
    for (const accept of ['text/plain', 'text/occi', 'application/occi+json', 'application/json', '*/*']) {
      for (const method of ['GET', 'HEAD']) {
        const c = connection(s.port);
        const headers = { 'X-Auth-Token': ALICE, Accept: accept };
        const before = await counted(s, REPEATS);
        const first = await c.send(method, '/-/', headers);
        const again = [await c.send(method, '/-/', headers), await c.send(method, '/-/', headers)];
        const fresh = await s.request(method, '/-/', { headers: { Accept: accept } });
        const what = `${method} /-/ Accept: ${accept}`;
        assert.equal(first.status, 200, what);
        for (const a of again) {
          assert.ok(a.reused, `${what}: on the same connection`);
          sameAnswer(a, first, what);
          assert.notEqual(a.headers['x-request-id'], first.headers['x-request-id']);
        }
        sameAnswer(fresh, first, what);
        assert.equal((await counted(s, REPEATS)) - before, 2, `${what}: both repeats answered as such`);
        c.close();
      }
    }
  });

  test('is refused once its token is revoked, and answered again once it is not', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, Accept: 'application/occi+json' };
    assert.equal((await c.send('GET', '/-/', headers)).status, 200);
    revoked.on = true;
    const refused = await c.send('GET', '/-/', headers);
    assert.ok(refused.reused);
    assert.equal(refused.status, 401);
    assert.match(String(refused.headers['content-type']), /json/, 'in the rendering asked for');
    assert.equal(refused.headers['cache-control'], 'no-store');
    assert.ok(refused.headers['www-authenticate']);
    revoked.on = false;
    assert.equal((await c.send('GET', '/-/', headers)).status, 200);
    c.close();
  });

  test('shows a mixin defined since, whichever connection defined it', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, Accept: 'text/plain' };
    const before = await c.send('GET', '/-/', headers);
    // Defined on the same connection, between two repeats.
    const defined = await c.send('POST', '/-/', { ...headers, 'Content-Type': 'text/occi', Category: 'repeat-one; scheme="http://example.org/repeat#"; class="mixin"; location="/repeat-one/"' });
    assert.equal(defined.status, 200, defined.body);
    const after1 = await c.send('GET', '/-/', headers);
    assert.doesNotMatch(before.body, /repeat-one/);
    assert.match(after1.body, /repeat-one; scheme="http:\/\/example.org\/repeat#"/);
    // Then on another connection.
    assert.equal((await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/occi', Category: 'repeat-two; scheme="http://example.org/repeat#"; class="mixin"; location="/repeat-two/"' } })).status, 200);
    const after2 = await c.send('GET', '/-/', headers);
    assert.ok(after2.reused);
    assert.match(after2.body, /repeat-two/);
    sameAnswer(after2, await s.request('GET', '/-/', { headers: { Accept: 'text/plain' } }), 'the answer of a new connection');
    c.close();
  });

  test('answers whatever differs as a new request: token, Accept, Host, User-Agent, a filter, the order of headers', async () => {
    const c = connection(s.port);
    const alice = { 'X-Auth-Token': ALICE, Accept: 'text/plain' };
    // A proxy may carry several clients' requests on one connection.
    const variants: Array<[Record<string, string>, string]> = [
      [alice, 'alice'],
      [{ 'X-Auth-Token': BOB, Accept: 'text/plain' }, 'bob'],
      [alice, 'alice again'],
      [{ 'X-Auth-Token': `${ALICE.slice(0, -1)}x`, Accept: 'text/plain' }, 'a token one character off'],
      [{ 'X-Auth-Token': ALICE, Accept: 'application/occi+json' }, 'another Accept'],
      [{ ...alice, Host: 'occi.example:8443' }, 'another Host'],
      [{ ...alice, 'User-Agent': 'client OCCI/1.1' }, 'another User-Agent'],
      [{ ...alice, Category: `compute; scheme="${INFRA}"; class="kind"` }, 'a filter'],
      [{ Accept: 'text/plain', 'X-Auth-Token': ALICE }, 'the same headers in another order'],
      [{ ...alice, Origin: 'https://console.example' }, 'an Origin'],
      [{ ...alice, Origin: 'https://console.example' }, 'an Origin again'],
    ];
    for (const [headers, what] of variants) {
      const { 'X-Auth-Token': token, ...rest } = headers;
      const got = await c.send('GET', '/-/', headers);
      assert.ok(got.reused || what === 'alice', what);
      sameAnswer(got, await s.request('GET', '/-/', { token, headers: rest }), what);
    }
    const cors = await c.send('GET', '/-/', { ...alice, Origin: 'https://console.example' });
    assert.equal(cors.headers['access-control-allow-origin'], 'https://console.example', 'CORS headers on a repeat');
    assert.equal((await c.send('GET', '/-/?', alice)).status, 200, 'another target');
    c.close();
  });

  test('is logged like any other request', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, 'User-Agent': 'repeat-logged/1.0' };
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(String((await c.send('GET', '/-/', headers)).headers['x-request-id']));
    await new Promise((r) => setTimeout(r, 150)); // a batch of lines is written within 100 ms
    const lines = s.logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('repeat-logged'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => l.reqId),
      ids,
    );
    for (const l of lines) {
      assert.equal(l.token, undefined);
      assert.doesNotMatch(JSON.stringify(l), new RegExp(ALICE));
      assert.deepEqual([l.method, l.path, l.route, l.status, l.tenant, l.msg], ['GET', '/-/', '/-/', 200, 'alice', 'request']);
    }
    c.close();
  });
});

describe('a repeated request and the rate limit', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer((c) => Object.assign(c.rateLimit, { perSecond: 1, burst: 3 }));
  });
  after(() => s.close());

  test('each repeat takes its turn: past the burst, 429 with Retry-After', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, Accept: 'text/plain' };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await c.send('GET', '/-/', headers)).status);
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    const limited = await c.send('GET', '/-/', headers);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    c.close();
  });
});

describe('RepeatedRequests', () => {
  const catalog = new Catalog([], []);
  const answer: Response = { status: 200, rendered: { headers: {}, body: 'the answer' } };
  const answered: Answered = { auth: { token: ALICE }, tenant: 'alice', renderer: textPlainRenderer, route: '/-/', catalog, answer };
  const socket = {};
  const request = (rawHeaders: string[], url = '/-/', method = 'GET', on: object = socket) => ({ socket: on, url, method, rawHeaders }) as unknown as http.IncomingMessage;
  const raw = ['Host', '127.0.0.1:8888', 'X-Auth-Token', ALICE, 'Accept', 'text/plain'];

  test('finds the note only for the same method, target and headers on the same connection', () => {
    const repeats = new RepeatedRequests();
    assert.equal(repeats.find(request(raw)), undefined, 'nothing noted yet');
    repeats.note(request(raw), answered);
    assert.equal(repeats.find(request([...raw]))?.tenant, 'alice');
    const misses: Array<[string, http.IncomingMessage]> = [
      ['another connection', request(raw, '/-/', 'GET', {})],
      ['another target', request(raw, '/-/?x=1')],
      ['another method', request(raw, '/-/', 'HEAD')],
      ['a header more', request([...raw, 'Origin', 'https://a.example'])],
      ['a header less', request(raw.slice(0, 4))],
      ['another value', request(raw.map((v) => (v === 'text/plain' ? 'text/occi' : v)))],
      ['another name', request(raw.map((v) => (v === 'Accept' ? 'accept' : v)))],
      ['another token, its first character', request(raw.map((v) => (v === ALICE ? `x${ALICE.slice(1)}` : v)))],
      ['another token, its last character', request(raw.map((v) => (v === ALICE ? `${ALICE.slice(0, -1)}x` : v)))],
      ['a shorter token', request(raw.map((v) => (v === ALICE ? ALICE.slice(1) : v)))],
    ];
    for (const [what, req] of misses) assert.equal(repeats.find(req), undefined, what);
  });

  test('a token in any of the headers that carry one is compared whole', () => {
    for (const name of ['X-Auth-Token', 'auth-token', 'Authorization']) {
      const repeats = new RepeatedRequests();
      const mine = ['Host', 'h', name, `Bearer ${ALICE}`];
      repeats.note(request(mine), answered);
      assert.ok(repeats.find(request([...mine])), name);
      assert.equal(repeats.find(request(['Host', 'h', name, `Bearer ${ALICE.slice(0, -1)}?`])), undefined, name);
    }
  });

  test('gives its answer only for the catalogue it was made from', () => {
    const repeats = new RepeatedRequests();
    repeats.note(request(raw), answered);
    const note = repeats.find(request(raw))!;
    assert.equal(note.answerFor(catalog), answer);
    assert.equal(note.answerFor(new Catalog([], [])), undefined, 'a newer catalogue, the same but for its making');
    assert.equal(note.answerFor(undefined), undefined, 'none at hand');
  });

  test('a new note for a connection takes the place of the one before', () => {
    const repeats = new RepeatedRequests();
    repeats.note(request(raw), answered);
    const json = ['Host', '127.0.0.1:8888', 'X-Auth-Token', ALICE, 'Accept', 'application/json'];
    repeats.note(request(json), { ...answered, tenant: 'other' });
    assert.equal(repeats.find(request(raw)), undefined);
    assert.equal(repeats.find(request(json))?.tenant, 'other');
  });
});
