// A keep-alive connection asking again exactly what it was last answered from
// the discovery cache gets that answer again (repeated-request.ts), but only
// while it is still the answer: each repeat is checked again for its token,
// the rate limit and the catalogue, and anything that differs in the request
// (a header, its order, the target, the method) is taken apart anew. Each
// test sends its requests on one connection, as a client polling GET /-/ does
// (the test helper's own requests each take a new one).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Config } from '../../src/config/config.js';
import { unauthorized } from '../../src/errors.js';
import { Catalog } from '../../src/operations/catalog.js';
import type { Backend } from '../../src/port/backend.js';
import { MAX_NOTED_CHARS, RepeatedRequests, sameHeaders, tokenValuesIn, type Answered } from '../../src/http/repeated-request.js';
import type { Response } from '../../src/http/respond.js';
import { textPlainRenderer } from '../../src/rendering/text/render.js';
import { ALICE, BOB, INFRA, startServer, type Reply, type TestServer } from '../helpers/server.js';
import { untilState } from '../helpers/wire.js';

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
const REPEAT_MISSES = 'snf_occi_cache_misses_total{cache="repeat"}';
const CATALOG_HITS = 'snf_occi_cache_hits_total{cache="catalog"}';

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
        const missed = await counted(s, REPEAT_MISSES);
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
        assert.equal((await counted(s, REPEAT_MISSES)) - missed, 2, `${what}: the first request of each connection not`);
        c.close();
      }
    }
  });

  test('is refused once its token is revoked, with its CORS headers, and answered again once it is not', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, Accept: 'application/occi+json', Origin: 'https://console.example' };
    assert.equal((await c.send('GET', '/-/', headers)).status, 200);
    revoked.on = true;
    const refused = await c.send('GET', '/-/', headers);
    assert.ok(refused.reused);
    assert.equal(refused.status, 401);
    assert.match(String(refused.headers['content-type']), /json/, 'in the rendering asked for');
    assert.equal(refused.headers['cache-control'], 'no-store');
    assert.ok(refused.headers['www-authenticate']);
    assert.equal(refused.headers['access-control-allow-origin'], 'https://console.example', 'a page can read why');
    revoked.on = false;
    assert.equal((await c.send('GET', '/-/', headers)).status, 200);
    c.close();
  });

  test('shows a mixin defined since, whichever connection defined it, counting one catalogue lookup', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, Accept: 'text/plain' };
    const before = await c.send('GET', '/-/', headers);
    // Defined on the same connection, between two repeats.
    const defined = await c.send('POST', '/-/', { ...headers, 'Content-Type': 'text/occi', Category: 'repeat-one; scheme="http://example.org/repeat#"; class="mixin"; location="/repeat-one/"' });
    assert.equal(defined.status, 200, defined.body);
    const after1 = await c.send('GET', '/-/', headers);
    assert.doesNotMatch(before.body, /repeat-one/);
    assert.match(after1.body, /repeat-one; scheme="http:\/\/example.org\/repeat#"/);
    // Then on another connection, whose GET makes the new catalogue: the repeat finds it current, but not the
    // answer it noted, and is answered anew from that same catalogue.
    assert.equal((await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/occi', Category: 'repeat-two; scheme="http://example.org/repeat#"; class="mixin"; location="/repeat-two/"' } })).status, 200);
    const fresh = await s.request('GET', '/-/', { headers: { Accept: 'text/plain' } });
    const lookups = await counted(s, CATALOG_HITS);
    const after2 = await c.send('GET', '/-/', headers);
    assert.equal((await counted(s, CATALOG_HITS)) - lookups, 1, 'the catalogue looked up once');
    assert.ok(after2.reused);
    assert.match(after2.body, /repeat-two/);
    sameAnswer(after2, fresh, 'the answer of a new connection');
    c.close();
  });

  test('answers whatever differs as a new request: token, Accept, Host, User-Agent, a filter, the order of headers', async () => {
    const c = connection(s.port);
    const alice = { 'X-Auth-Token': ALICE, Accept: 'text/plain' };
    const origin = { ...alice, Origin: 'https://console.example' };
    // A proxy may carry several clients' requests on one connection. Each: its headers, what it is, and
    // whether it repeats exactly the last request answered from the discovery cache on this connection.
    const variants: Array<[Record<string, string>, string, boolean]> = [
      [alice, 'alice', false],
      [alice, 'alice again', true],
      [{ 'X-Auth-Token': BOB, Accept: 'text/plain' }, 'bob', false],
      [alice, 'alice after bob', false],
      [{ 'X-Auth-Token': `${ALICE.slice(0, -1)}x`, Accept: 'text/plain' }, 'a token one character off', false],
      [alice, 'alice after a refusal', true],
      [{ 'X-Auth-Token': ALICE, Accept: 'application/occi+json' }, 'another Accept', false],
      [{ ...alice, Host: 'occi.example:8443' }, 'another Host', false],
      [{ ...alice, 'User-Agent': 'client OCCI/1.1' }, 'another User-Agent', false],
      [{ ...alice, Category: `compute; scheme="${INFRA}"; class="kind"` }, 'a filter', false],
      [{ Accept: 'text/plain', 'X-Auth-Token': ALICE }, 'the same headers in another order', false],
      [origin, 'an Origin', false],
      [origin, 'an Origin again', true],
    ];
    for (const [headers, what, repeat] of variants) {
      const { 'X-Auth-Token': token, ...rest } = headers;
      const before = await counted(s, REPEATS);
      const got = await c.send('GET', '/-/', headers);
      assert.equal((await counted(s, REPEATS)) - before, repeat ? 1 : 0, `${what}: ${repeat ? '' : 'not '}answered as a repeat`);
      assert.ok(got.reused || what === 'alice', what);
      sameAnswer(got, await s.request('GET', '/-/', { token, headers: rest }), what);
      if (headers === origin) assert.equal(got.headers['access-control-allow-origin'], 'https://console.example', `${what}: its CORS headers`);
    }
    const before = await counted(s, REPEATS);
    assert.equal((await c.send('GET', '/-/?', origin)).status, 200);
    assert.equal((await counted(s, REPEATS)) - before, 0, 'another target');
    c.close();
  });

  test('is logged like any other request, the token masked where the client put it', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, 'User-Agent': `repeat-logged/1.0 ${ALICE}` };
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(String((await c.send('GET', '/-/', headers)).headers['x-request-id']));
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
      assert.doesNotMatch(JSON.stringify(l), new RegExp(ALICE));
      assert.deepEqual([l.method, l.path, l.route, l.status, l.tenant, l.agent, l.msg], ['GET', '/-/', '/-/', 200, 'alice', 'repeat-logged/1.0 ***', 'request']);
    }
    c.close();
  });
});

describe('repeats and the rate limit', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer((c) => Object.assign(c.rateLimit, { perSecond: 1, burst: 3 }));
  });
  after(() => s.close());

  test('each repeat takes its turn: past the burst, 429 with Retry-After, logged under no route', async () => {
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': ALICE, Accept: 'text/plain', 'User-Agent': 'repeat-limited' };
    const answers = [];
    // One turn a second comes back: ten requests outrun it however slow the machine.
    for (let i = 0; i < 10; i++) answers.push(await c.send('GET', '/-/', headers));
    assert.deepEqual(
      answers.slice(0, 3).map((a) => a.status),
      [200, 200, 200],
    );
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length > 0, 'some refused');
    for (const a of limited) assert.ok(Number(a.headers['retry-after']) >= 1);
    const logged = s.logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('repeat-limited'))
      .map((l) => JSON.parse(l) as { status: number; route: string });
    assert.deepEqual(
      logged.filter((l) => l.status === 429).map((l) => l.route),
      limited.map(() => 'other'),
      'as the full path logs a refusal before its route',
    );
    c.close();
  });

  test('a repeat answered anew takes one turn, not one as a repeat and one more as a new request', async () => {
    // Bob's turns: the test before took alice's.
    const c = connection(s.port);
    const headers = { 'X-Auth-Token': BOB, Accept: 'text/plain' };
    assert.equal((await c.send('GET', '/-/', headers)).status, 200);
    // A mixin defined on another connection: the repeat's answer is stale, and it is answered anew.
    const defined = await s.request('POST', '/-/', { token: BOB, headers: { 'Content-Type': 'text/occi', Category: 'limited; scheme="http://example.org/repeat#"; class="mixin"; location="/limited/"' } });
    assert.equal(defined.status, 200);
    const anew = await c.send('GET', '/-/', headers);
    assert.equal(anew.status, 200, 'the third of a burst of three');
    assert.match(anew.body, /limited/);
    c.close();
  });
});

describe('repeated requests and the server', () => {
  test('none is answered as such once the server is shutting down', async () => {
    const gate = { on: false, open: () => {} };
    const gated = new Promise<void>((resolve) => (gate.open = resolve));
    // GET /compute/ waits for the gate while it is on: the connection stays busy through the shutdown.
    const waiting = (b: Backend): Backend =>
      new Proxy(b, {
        get: (target, key) => {
          const value = Reflect.get(target, key);
          if (key !== 'list') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: unknown[]) => {
            if (gate.on) await gated;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const s = await startServer(undefined, { backend: waiting });
    const socket = net.connect(s.port, '127.0.0.1');
    const read = answers(socket);
    const discovery = `GET /-/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\nAccept: text/plain\r\n\r\n`;
    socket.write(discovery);
    assert.equal((await read()).status, 200);
    gate.on = true;
    socket.write(`GET /compute/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${ALICE}\r\n\r\n`);
    await untilState(s, 'the listing in flight', (st) => st.inFlight === 1);
    const shutdown = s.app.occi.shutdown();
    socket.write(discovery);
    await untilState(s, 'the repeat arrived', (st) => st.inFlight === 2);
    gate.open();
    assert.equal((await read()).status, 200, 'the listing');
    const refused = await read();
    assert.equal(refused.status, 503);
    assert.match(refused.body, /shutting down/);
    await shutdown;
    socket.destroy();
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  test('a backend that cannot answer at once has every request taken apart', async () => {
    // As the OpenStack backend: no authenticateNow, no providerMixinsNow.
    const waitingAlways = (b: Backend): Backend =>
      new Proxy(b, { get: (target, key) => (key === 'authenticateNow' || key === 'providerMixinsNow' ? undefined : Reflect.get(target, key)) });
    const s = await startServer(undefined, { backend: waitingAlways });
    const c = connection(s.port);
    try {
      const headers = { 'X-Auth-Token': ALICE, Accept: 'text/plain' };
      // The metrics are the process's: other servers of this file counted before.
      const [hits, misses] = [await counted(s, REPEATS), await counted(s, REPEAT_MISSES)];
      const first = await c.send('GET', '/-/', headers);
      for (let i = 0; i < 3; i++) sameAnswer(await c.send('GET', '/-/', headers), first, 'each the same answer');
      assert.deepEqual([(await counted(s, REPEATS)) - hits, (await counted(s, REPEAT_MISSES)) - misses], [0, 0], 'nothing noted, nothing counted');
    } finally {
      c.close();
      await s.close();
    }
  });
});

/** The answers read from a raw socket, one at a time (Content-Length bodies). */
function answers(socket: net.Socket): () => Promise<{ status: number; body: string }> {
  let buffered = Buffer.alloc(0);
  let wake: () => void = () => {};
  socket.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    wake();
  });
  return async () => {
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = buffered.subarray(0, end).toString();
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length >= end + 4 + length) {
          const body = buffered.subarray(end + 4, end + 4 + length).toString();
          buffered = buffered.subarray(end + 4 + length);
          return { status: Number(head.split(' ')[1]), body };
        }
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

describe('RepeatedRequests', () => {
  const catalog = new Catalog([], []);
  const answer: Response = { status: 200, rendered: { headers: {}, body: 'the answer' } };
  const answered: Answered = { auth: { token: ALICE }, renderer: textPlainRenderer, route: '/-/', catalog, answer };
  const socket = {};
  const request = (rawHeaders: string[], url = '/-/', method = 'GET', on: object = socket) => ({ socket: on, url, method, rawHeaders }) as unknown as http.IncomingMessage;
  const raw = ['Host', '127.0.0.1:8888', 'X-Auth-Token', ALICE, 'Accept', 'text/plain'];

  test('finds the note only for the same method, target and headers on the same connection', () => {
    const repeats = new RepeatedRequests();
    assert.equal(repeats.find(request(raw)), undefined, 'nothing noted yet');
    repeats.note(request(raw), answered);
    assert.equal(repeats.find(request([...raw]))?.answerFor(catalog), answer);
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

  test('a token in any of the headers that carry one: another token is another request', () => {
    for (const name of ['X-Auth-Token', 'auth-token', 'Authorization']) {
      const repeats = new RepeatedRequests();
      const mine = ['Host', 'h', name, `Bearer ${ALICE}`];
      repeats.note(request(mine), answered);
      assert.ok(repeats.find(request([...mine])), name);
      assert.equal(repeats.find(request(['Host', 'h', name, `Bearer ${ALICE.slice(0, -1)}?`])), undefined, name);
    }
  });

  test('finds the values that carry a token, whatever the case of their names', () => {
    const cases: Array<[string[], number[]]> = [
      [['X-Auth-Token', 't', 'Accept', 'a'], [1]],
      [['Host', 'h', 'x-auth-token', 't'], [3]],
      [['AUTH-TOKEN', 't', 'authorization', 'Bearer t', 'Accept', 'a'], [1, 3]],
      // Names of a token header's length that are not one.
      [['User-Agent', 'u', 'Content-Type', 'c', 'X-Project-Id', 'p', 'Accept-Ranges', 'r'], []],
      [['Auth-Token2', 't', 'X-Auth-Token', 't'], [3]],
      [['X-Auth-Token'], []],
      [[], []],
    ];
    for (const [raw, at] of cases) assert.deepEqual(tokenValuesIn(raw), at, raw.join(' '));
  });

  test('compares the values that carry a token with the comparison made for secrets, and only those', () => {
    const raw = ['Host', 'h', 'X-Auth-Token', ALICE, 'Accept', 'a', 'Authorization', `Bearer ${ALICE}`];
    const compared: string[] = [];
    const counting = (x: string, y: string): boolean => {
      compared.push(x);
      return x === y;
    };
    const secrets = tokenValuesIn(raw);
    assert.equal(sameHeaders([...raw], raw, secrets, counting), true);
    assert.deepEqual(compared, [ALICE, `Bearer ${ALICE}`], 'each token once, nothing else');
    compared.length = 0;
    assert.equal(sameHeaders(raw.map((v) => (v === ALICE ? 'forged' : v)), raw, secrets, counting), false);
    assert.deepEqual(compared, ['forged'], 'a token that differs: the request differs');
    compared.length = 0;
    assert.equal(sameHeaders(raw.map((v) => (v === 'a' ? 'b' : v)), raw, secrets, counting), false);
    assert.deepEqual(compared, [ALICE], 'another value: compared as a string');
    assert.equal(sameHeaders(raw.slice(0, 6), raw, secrets, counting), false, 'fewer headers');
    assert.equal(sameHeaders(['Host', 'h'], ['Host', 'h'], [], counting), true);
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
    repeats.note(request(json), { ...answered, route: 'the other' });
    assert.equal(repeats.find(request(raw)), undefined);
    assert.equal(repeats.find(request(json))?.route, 'the other');
  });

  test(`a request of more than ${MAX_NOTED_CHARS} characters is not noted, and the note before it is forgotten`, () => {
    const repeats = new RepeatedRequests();
    repeats.note(request(raw), answered);
    const filler = MAX_NOTED_CHARS - raw.join('').length - '/-/'.length - 'X-Padding'.length;
    const largest = [...raw, 'X-Padding', 'p'.repeat(filler)];
    repeats.note(request(largest), answered);
    assert.ok(repeats.find(request(largest)), 'at the limit');
    const larger = [...raw, 'X-Padding', 'p'.repeat(filler + 1)];
    repeats.note(request(larger), answered);
    assert.equal(repeats.find(request(larger)), undefined, 'past it');
    assert.equal(repeats.find(request(largest)), undefined, 'the note before');
    assert.equal(repeats.find(request(raw)), undefined);
  });
});
