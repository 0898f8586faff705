// An operation's result as an answer (stream.ts): paging links and a note
// beside a collection, a collection of entities written batch by batch with
// the writer's framing and the request id, HEAD with headers only, a failure
// before the first batch still an error answer and one after it a cut body.
import assert from 'node:assert/strict';
import http, { type ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { answer, writeEntities } from '../../src/http/stream.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { EntityView, Renderer } from '../../src/rendering/document.js';

const writer = { headers: { 'Content-Type': 'application/occi+json' }, entity: (v: EntityView) => `<${v.location}>`, end: () => '[end]' };
const renderer = { mediaType: 'application/occi+json', collectionWriter: () => writer, locations: (l: string[]) => ({ headers: { 'Content-Type': 'text/plain' }, body: l.join('\n') }) } as unknown as Renderer;
const at = { base: 'http://h', path: '/compute/', query: new URLSearchParams('category=compute'), requestId: 'rid-7', bodyless: false };

/** Batches of views; `closed` says whether the reader let them go (finally ran); `failAfter` throws after that many batches. */
function batches(lists: string[][], failAfter = Infinity): { iterable: AsyncIterable<EntityView[]>; closed: () => boolean } {
  let closed = false;
  async function* gen(): AsyncGenerator<EntityView[]> {
    try {
      for (let i = 0; i < lists.length; i++) {
        if (i >= failAfter) throw new Error('the cloud went away');
        yield lists[i]!.map((location) => ({ location }) as EntityView);
      }
    } finally {
      closed = true;
    }
  }
  return { iterable: gen(), closed: () => closed };
}

/** Runs `handler` for one request and returns what the client got (`complete` false for a cut body). */
async function exchange(method: string, handler: (res: ServerResponse) => Promise<void>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; complete: boolean }> {
  const server = http.createServer((_req, res) => void handler(res).catch(() => undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    return await new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, complete: res.complete }));
        res.on('error', () => resolve({ status: res.statusCode!, headers: res.headers, body, complete: false }));
        res.on('aborted', () => resolve({ status: res.statusCode!, headers: res.headers, body, complete: false }));
      });
      req.on('error', () => resolve({ status: 0, headers: {}, body: '', complete: false }));
      req.end();
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('a result as an answer', () => {
  test('a collection of locations: returned whole, with the paging links and the note beside it', async () => {
    const result = { type: 'collection', locations: ['http://h/compute/1'], paging: { page: 2, number: 1, more: true }, note: 'see the family' } as OcciResult;
    const r = await answer({} as ServerResponse, renderer, result, at);
    assert.equal(r?.status, 200);
    assert.equal(r?.rendered.body, 'http://h/compute/1');
    assert.equal(r?.rendered.headers['X-OCCI-Note'], 'see the family');
    assert.equal(
      r?.rendered.headers['Link'],
      '<http://h/compute/?category=compute&page=1&number=1>; rel="first", <http://h/compute/?category=compute&page=1&number=1>; rel="prev", <http://h/compute/?category=compute&page=3&number=1>; rel="next"',
    );
    const plain = await answer({} as ServerResponse, renderer, { type: 'collection', locations: [] } as OcciResult, at);
    assert.deepEqual(plain?.rendered.headers, { 'Content-Type': 'text/plain' }, 'no paging, no note: no headers of theirs');
  });

  test('a collection of entities is written batch by batch, framed by the writer, with the request id, paging and note', async () => {
    const { iterable, closed } = batches([['a', 'b'], [], ['c']]);
    const result = { type: 'entities', which: 'resource', batches: iterable, paging: { page: 1, number: 3, more: false, total: 3 }, note: 'n' } as unknown as OcciResult;
    let returned: unknown = 'not yet';
    const r = await exchange('GET', async (res) => {
      returned = await answer(res, renderer, result, at);
    });
    assert.equal(returned, undefined, 'nothing left for the server to send');
    assert.equal(r.status, 200);
    assert.equal(r.body, '<a><b><c>[end]');
    assert.ok(r.complete);
    assert.equal(r.headers['content-type'], 'application/occi+json');
    assert.equal(r.headers['x-request-id'], 'rid-7');
    assert.equal(r.headers['x-occi-note'], 'n');
    assert.equal(r.headers['x-total-count'], '3');
    assert.ok(closed());
  });

  test('HEAD: the headers only, no batch read', async () => {
    let returned = false;
    const iterable = { [Symbol.asyncIterator]: () => ({ next: async () => assert.fail('a batch was read'), return: async () => ((returned = true), { done: true, value: undefined }) }) };
    const result = { type: 'entities', which: 'resource', batches: iterable } as unknown as OcciResult;
    const r = await exchange('HEAD', (res) => answer(res, renderer, result, { ...at, bodyless: true }).then(() => undefined));
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
    assert.equal(r.headers['x-request-id'], 'rid-7');
    assert.equal(returned, true, 'the batches were let go');
  });

  test('a renderer that cannot write a collection of entities says so, before anything is sent', async () => {
    const bare = { mediaType: 'text/plain' } as Renderer;
    const result = { type: 'entities', which: 'resource', batches: batches([['a']]).iterable } as unknown as Extract<OcciResult, { type: 'entities' }>;
    let sent: boolean | undefined;
    let message = '';
    await exchange('GET', async (res) => {
      await writeEntities(res, bare, result, {}, false).catch((e: Error) => (message = e.message));
      sent = res.headersSent;
      res.end();
    });
    assert.equal(message, 'text/plain cannot write a collection of entities');
    assert.equal(sent, false);
  });

  test('a failure reading the first batch is thrown before anything is sent; a later one cuts the body short', async () => {
    const early = { type: 'entities', which: 'resource', batches: batches([['a']], 0).iterable } as unknown as Extract<OcciResult, { type: 'entities' }>;
    let sent: boolean | undefined;
    let failure = '';
    await exchange('GET', async (res) => {
      await writeEntities(res, renderer, early, {}, false).catch((e: Error) => (failure = e.message));
      sent = res.headersSent;
      res.end();
    });
    assert.equal(failure, 'the cloud went away');
    assert.equal(sent, false, 'an error answer can still be sent');
    const late = { type: 'entities', which: 'resource', batches: batches([['a'], ['b'], ['c']], 2).iterable } as unknown as Extract<OcciResult, { type: 'entities' }>;
    let thrown = '';
    const r = await exchange('GET', (res) => writeEntities(res, renderer, late, {}, false).catch((e: Error) => void (thrown = e.message)));
    assert.equal(thrown, 'the cloud went away');
    assert.equal(r.complete, false, 'never a complete-looking body');
    assert.ok(!r.body.includes('[end]'));
  });
});
