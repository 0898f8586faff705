// How a collection of entities is paced as it is written (stream.ts): text
// goes out in pieces of 64 KiB, so memory holds about one batch whatever the
// size of the collection; a full socket is waited for before the next batch is
// read, and a client that goes away meanwhile ends the listing; the event loop
// turns between batches, so other requests are served; nothing is left
// listening on the response once a wait is over. A response stand-in records
// each write and each batch read, in order: no timing, only the order of events.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { writeEntities } from '../../src/http/stream.js';
import type { OcciResult } from '../../src/operations/result.js';
import type { EntityView, Renderer } from '../../src/rendering/document.js';

const KIB64 = 64 * 1024;

/** A response that records what is done to it; `full` makes write() report a full socket. */
class Recorder extends EventEmitter {
  events: string[] = [];
  full = false;
  destroyed = false;
  statusCode = 0;
  setHeader(): void {}
  write(text: string): boolean {
    this.events.push(`write ${text.length}`);
    return !this.full;
  }
  end(text = ''): void {
    this.events.push(`end ${text.length}`);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** Each view renders as its location: a batch of one view `n` characters long renders as n characters. */
const renderer = { mediaType: 'application/occi+json', collectionWriter: () => ({ headers: {}, entity: (v: EntityView) => v.location, end: () => '' }) } as unknown as Renderer;

/** Batches of one view each, of the given lengths; each read is recorded as `read i`, and `at` runs as batch i is read. */
function entities(res: Recorder, lengths: number[], at: (i: number) => void = () => {}): { result: Extract<OcciResult, { type: 'entities' }>; released: () => boolean } {
  let released = false;
  async function* gen(): AsyncGenerator<EntityView[]> {
    try {
      for (let i = 0; i < lengths.length; i++) {
        res.events.push(`read ${i}`);
        at(i);
        yield [{ location: 'x'.repeat(lengths[i]!) } as EntityView];
      }
    } finally {
      released = true;
    }
  }
  return { result: { type: 'entities', which: 'resource', batches: gen() } as unknown as Extract<OcciResult, { type: 'entities' }>, released: () => released };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** `work`, or a failure naming what was seen, when it has not settled after many turns of the event loop. */
async function settled<T>(work: Promise<T>, res: Recorder): Promise<T> {
  let done = false;
  const watched = work.finally(() => (done = true));
  for (let i = 0; i < 10_000 && !done; i++) await turns(1);
  if (!done) assert.fail(`the listing never finished; events: ${res.events.join(', ')}`);
  return watched;
}

const write = (res: Recorder, lengths: number[]): Promise<void> => writeEntities(res as unknown as ServerResponse, renderer, entities(res, lengths).result, {}, false);

test('text is written once 64 KiB have gathered, not before and not later: memory holds about one batch', async () => {
  const res = new Recorder();
  await settled(write(res, [KIB64 / 2, KIB64 / 2, KIB64 - 1, 1, 10]), res);
  assert.deepEqual(res.events, ['read 0', 'read 1', `write ${KIB64}`, 'read 2', 'read 3', `write ${KIB64}`, 'read 4', 'end 10']);
});

test('a batch of 64 KiB or more is written before the next one is read', async () => {
  const res = new Recorder();
  await settled(write(res, [KIB64 + 5, KIB64 * 2, 3]), res);
  assert.deepEqual(res.events, ['read 0', `write ${KIB64 + 5}`, 'read 1', `write ${KIB64 * 2}`, 'read 2', 'end 3']);
});

test('a full socket is waited for: the next batch is read only once it drains; no listener is left behind', async () => {
  const res = new Recorder();
  res.full = true;
  const before = [res.listenerCount('drain'), res.listenerCount('close')];
  const listing = write(res, [KIB64, 1]);
  for (let i = 0; i < 10_000 && !res.events.includes(`write ${KIB64}`); i++) await turns(1);
  await turns(50);
  assert.deepEqual(res.events, ['read 0', `write ${KIB64}`], 'nothing more is read while the socket is full');
  res.emit('drain');
  await settled(listing, res);
  assert.deepEqual(res.events, ['read 0', `write ${KIB64}`, 'read 1', 'end 1']);
  assert.deepEqual([res.listenerCount('drain'), res.listenerCount('close')], before, "the wait's listeners are taken off once it is over");
});

test('a client that goes away while the socket is full ends the listing, and its batches are let go', async () => {
  const res = new Recorder();
  res.full = true;
  const { result, released } = entities(res, [KIB64, 1, 1]);
  const listing = writeEntities(res as unknown as ServerResponse, renderer, result, {}, false);
  for (let i = 0; i < 10_000 && !res.events.includes(`write ${KIB64}`); i++) await turns(1);
  res.destroyed = true;
  res.emit('close');
  await settled(listing, res);
  assert.ok(!res.events.some((e) => e.startsWith('end')), `no end written to a client gone: ${res.events.join(', ')}`);
  assert.ok(released(), 'the batches were let go');
});

test('the event loop turns between two batches: work queued while one batch is written runs before the next is read', async () => {
  const res = new Recorder();
  const ran: boolean[] = [];
  const seen: boolean[] = [];
  const { result } = entities(res, [1, 1, 1, 1], (i) => {
    if (i > 0) seen.push(ran[i - 1]!);
    ran[i] = false;
    setImmediate(() => (ran[i] = true));
  });
  await settled(writeEntities(res as unknown as ServerResponse, renderer, result, {}, false), res);
  assert.deepEqual(seen, [true, true, true]);
});
