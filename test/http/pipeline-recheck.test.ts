// The pipeline guard on fake sockets (a malformed request's 400 waits for
// the answers of the requests received whole before it, never for one still
// arriving, and no longer than its bound), and what makes the server look at
// a shared store again before a 404 or 400 (catalog-recheck.ts).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { knowsCategories, knownRoute } from '../../src/http/catalog-recheck.js';
import { PipelineGuard } from '../../src/http/connection-edges.js';
import type { Catalog } from '../../src/operations/catalog.js';
import { emptyPayload, type CategoryRef, type Payload } from '../../src/rendering/document.js';
import { eventually } from '../helpers/server.js';

/** A socket that notes pause() and destroy(). */
function fakeSocket(writable = true): Socket & { paused: boolean; destroyedByGuard: boolean } {
  const s = Object.assign(new EventEmitter(), { paused: false, destroyedByGuard: false, writable });
  return Object.assign(s, { pause: () => ((s.paused = true), s), destroy: () => ((s.destroyedByGuard = true), s) }) as unknown as Socket & { paused: boolean; destroyedByGuard: boolean };
}
const fakeRequest = (socket: Socket, complete: boolean): IncomingMessage => ({ socket, complete }) as unknown as IncomingMessage;
const fakeResponse = (): ServerResponse & EventEmitter => new EventEmitter() as ServerResponse & EventEmitter;

describe('the pipeline guard', () => {
  test('a socket with nothing waiting: the answer at once', () => {
    const guard = new PipelineGuard(60_000);
    let answered = 0;
    guard.afterEarlierAnswers(fakeSocket(), () => answered++);
    const socket = fakeSocket();
    guard.track(fakeRequest(socket, false), fakeResponse());
    guard.afterEarlierAnswers(socket, () => answered++);
    assert.equal(answered, 2, 'a request still arriving is not waited for');
    assert.equal(socket.paused, false);
  });

  test('a request received whole: the socket paused, the answer once its own is written; `closed` runs for each', () => {
    const guard = new PipelineGuard(60_000);
    const socket = fakeSocket();
    const res = fakeResponse();
    let closed = 0;
    guard.track(fakeRequest(socket, true), res, () => closed++);
    assert.equal(guard.receiving(socket), false);
    let answered = 0;
    guard.afterEarlierAnswers(socket, () => answered++);
    assert.equal(answered, 0);
    assert.equal(socket.paused, true);
    res.emit('close');
    assert.equal(answered, 1);
    assert.equal(closed, 1);
    assert.equal(socket.destroyedByGuard, false);
  });

  test('two whole requests: the answer after the second is written, not the first', () => {
    const guard = new PipelineGuard(60_000);
    const socket = fakeSocket();
    const [a, b] = [fakeResponse(), fakeResponse()];
    guard.track(fakeRequest(socket, true), a);
    guard.track(fakeRequest(socket, true), b);
    let answered = 0;
    guard.afterEarlierAnswers(socket, () => answered++);
    a.emit('close');
    assert.equal(answered, 0);
    b.emit('close');
    assert.equal(answered, 1);
  });

  test('a socket no longer writable when its turn comes is destroyed, not written to', () => {
    const guard = new PipelineGuard(60_000);
    const socket = fakeSocket(false);
    const res = fakeResponse();
    guard.track(fakeRequest(socket, true), res);
    let answered = 0;
    guard.afterEarlierAnswers(socket, () => answered++);
    res.emit('close');
    assert.equal(answered, 0);
    assert.equal(socket.destroyedByGuard, true);
  });

  test('answers that take longer than the bound: the socket is destroyed', async () => {
    const guard = new PipelineGuard(5);
    const socket = fakeSocket();
    guard.track(fakeRequest(socket, true), fakeResponse());
    guard.afterEarlierAnswers(socket, () => assert.fail('answered'));
    const keep = setInterval(() => {}, 1000); // the guard's timer does not hold the process open
    try {
      await eventually(async () => socket.destroyedByGuard, (d) => d);
    } finally {
      clearInterval(keep);
    }
  });

  test('receiving: a request on the socket still arriving, until its answer closes', () => {
    const guard = new PipelineGuard(60_000);
    const socket = fakeSocket();
    const res = fakeResponse();
    assert.equal(guard.receiving(socket), false);
    guard.track(fakeRequest(socket, false), res);
    assert.equal(guard.receiving(socket), true);
    assert.equal(guard.receiving(fakeSocket()), false, 'another socket');
    res.emit('close');
    assert.equal(guard.receiving(socket), false);
  });
});

describe('what sends the server back to the store', () => {
  const known = new Set(['compute', 'mytag']);
  const catalog = {
    resolve: (ref: CategoryRef) => {
      if (ref.term === 'twice') throw new Error('ambiguous');
      return known.has(ref.term) ? { term: ref.term } : undefined;
    },
    atLocation: (l: string) => (l === '/compute/' ? { class: 'kind' } : undefined),
    locations: () => [],
  } as unknown as Catalog;
  const payload = (categories: string[], entityCategories: string[] = []): Payload => ({
    ...emptyPayload(),
    categories: categories.map((term) => ({ scheme: '', term })),
    entities: entityCategories.length ? [{ categories: entityCategories.map((term) => ({ scheme: '', term })) } as Payload['entities'][number]] : [],
  });

  test('a payload naming only known categories, or an ambiguous one, is known; one unknown anywhere is not', () => {
    assert.equal(knowsCategories(catalog, emptyPayload()), true);
    assert.equal(knowsCategories(catalog, payload(['compute', 'mytag'])), true);
    assert.equal(knowsCategories(catalog, payload(['twice'])), true, 'ambiguous: answered as such, no second look');
    assert.equal(knowsCategories(catalog, payload(['compute', 'newtag'])), false);
    assert.equal(knowsCategories(catalog, payload([], ['compute'])), true);
    assert.equal(knowsCategories(catalog, payload(['compute'], ['newtag'])), false, 'an entity naming an unknown mixin');
  });

  test('a path the catalogue routes is known, with its route; one it does not is not', () => {
    assert.equal(knownRoute(catalog, '/-/')?.type, 'query');
    assert.equal(knownRoute(catalog, '/compute/')?.type, 'collection');
    assert.equal(knownRoute(catalog, '/newtag/'), undefined);
  });
});
