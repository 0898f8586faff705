// A JSON collection is written as it is read (issue 7): while a listing is
// under way the server answers others, /healthz included; a client that goes
// away stops the listing; a failure half-way cuts the response short, never a
// complete-looking body. The backend is held at its second page of records by
// a gate, so "under way" is a state the test controls, not a timing.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Backend, Credentials, ListQuery } from '../../src/port/backend.js';
import { ALICE, eventually, INFRA, locations, startServer, type TestServer } from '../helpers/server.js';

const COUNT = 600;

class Gate {
  private waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  /** Records pages asked for so far. */
  pages = 0;
  held = false;

  /** Holds the second page of records until opened. */
  wrap = (b: Backend): Backend =>
    Object.assign(Object.create(b) as Backend, {
      list: async (c: Credentials, q: ListQuery) => {
        if (q.detail === 'records' && q.page?.limit !== undefined && q.page.offset === undefined) {
          this.pages++;
          if (this.pages === 2) {
            this.held = true;
            await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
          }
        }
        return b.list(c, q);
      },
    });

  open(): void {
    this.waiting.splice(0).forEach((w) => w.resolve());
  }

  fail(): void {
    this.waiting.splice(0).forEach((w) => w.reject(new Error('the cloud went away')));
  }

  reset(): void {
    this.pages = 0;
    this.held = false;
  }
}

interface Listing {
  firstChunk: Promise<void>;
  done: Promise<{ body: string; complete: boolean }>;
  ended: () => boolean;
  req: http.ClientRequest;
}

/** GET /compute/ in JSON, body collected; `complete` tells an ended response from a cut one. */
function listing(port: number): Listing {
  let ended = false;
  let first!: () => void;
  const firstChunk = new Promise<void>((r) => (first = r));
  let req!: http.ClientRequest;
  const done = new Promise<{ body: string; complete: boolean }>((resolve) => {
    req = http.get({ host: '127.0.0.1', port, path: '/compute/', headers: { 'X-Auth-Token': ALICE, Accept: 'application/occi+json' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
        first();
      });
      res.on('end', () => {
        ended = true;
        resolve({ body, complete: res.complete });
      });
      res.on('error', () => resolve({ body, complete: false }));
      res.on('aborted', () => resolve({ body, complete: false }));
    });
    req.on('error', () => resolve({ body: '', complete: false }));
  });
  return { firstChunk, done, ended: () => ended, req };
}

describe('JSON collections are streamed', { timeout: 60_000 }, () => {
  let s: TestServer;
  const gate = new Gate();
  let all: string[] = [];

  before(async () => {
    s = await startServer(() => {}, { backend: gate.wrap });
    for (let i = 0; i < COUNT; i += 100) {
      const resources = Array.from({ length: 100 }, (_, j) => ({ kind: `${INFRA}compute`, title: `s-${i + j}` }));
      const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'application/occi+json' }, body: JSON.stringify({ resources }) });
      assert.equal(r.status, 201, r.body);
    }
    all = locations((await s.request('GET', '/compute/')).body).map((u) => `urn:uuid:${u.split('/').pop()}`);
  });
  after(() => s.close());

  test('other requests and /healthz are answered while a listing is still being written', async () => {
    gate.reset();
    const l = listing(s.port);
    await l.firstChunk;
    assert.equal(await eventually(async () => gate.held, (held) => held), true, 'the listing reached its second page');
    const health = await s.request('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    const other = await s.request('GET', '/compute/?page=1&number=3');
    assert.equal(locations(other.body).length, 3);
    assert.equal(l.ended(), false, 'the listing is still under way');
    gate.open();
    const { body, complete } = await l.done;
    assert.ok(complete);
    const ids = (JSON.parse(body) as { resources: Array<{ id: string }> }).resources.map((r) => r.id);
    assert.deepEqual(ids, all, 'every member once, in order');
  });

  test('a client that goes away stops the listing', async () => {
    gate.reset();
    const l = listing(s.port);
    await l.firstChunk;
    assert.equal(await eventually(async () => gate.held, (held) => held), true, 'the listing reached its second page');
    l.req.destroy();
    await l.done;
    const before = s.logs.length;
    gate.open();
    const logged = await eventually(async () => s.logs.slice(before).some((line) => line.includes('"path":"/compute/"')), (seen) => seen);
    assert.equal(logged, true, `the listing ended: ${s.logs.slice(before).join('')}`);
    assert.equal(gate.pages, 2, 'no page was read after the client left');
  });

  test('a failure half-way cuts the response short and is logged; the server goes on', async () => {
    gate.reset();
    const l = listing(s.port);
    await l.firstChunk;
    assert.equal(await eventually(async () => gate.held, (held) => held), true, 'the listing reached its second page');
    const before = s.logs.length;
    gate.fail();
    const { body, complete } = await l.done;
    assert.equal(complete, false, 'an incomplete chunked body, not a well-formed one');
    assert.throws(() => JSON.parse(body));
    const logged = await eventually(async () => s.logs.slice(before).find((line) => line.includes('the cloud went away')), (seen) => seen !== undefined);
    const line = JSON.parse(logged!);
    // The client got a 200 cut short, and no error message: the line says so, with the cause.
    assert.deepEqual([line.msg, line.status, line.error, line.err?.message], ['request failed', 200, undefined, 'the cloud went away'], logged);
    assert.equal((await s.request('GET', '/healthz', { token: null })).status, 200);
  });
});
