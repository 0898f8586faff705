// A collection of whole entities (JSON) is written as the operation produces
// it, batch by batch: memory holds one batch, not the collection, and the
// event loop turns between batches, so other requests (and /healthz) are
// served while a large listing is under way. The client's pace sets ours.
import type { ServerResponse } from 'node:http';
import type { OcciResult } from '../operations/result.js';
import type { Renderer } from '../rendering/document.js';
import { pagingHeaders } from './paging.js';
import { respond, type Response } from './respond.js';

type Entities = Extract<OcciResult, { type: 'entities' }>;

/** Text gathered before it is written (characters; about as many bytes). */
const WRITE_CHARS = 64 * 1024;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves once the client has taken what was written, or has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export interface Answering {
  /** The server's base URL, the request's path and query: where the pages are. */
  base: string;
  path: string;
  query: URLSearchParams;
  requestId: string;
  /** HEAD: headers only. */
  bodyless: boolean;
}

/**
 * An operation's result as a response: paging headers on collections; a
 * collection of entities is written here as it comes (undefined is returned),
 * anything else is returned whole for the server to send.
 */
export async function answer(res: ServerResponse, renderer: Renderer, result: OcciResult, a: Answering): Promise<Response | undefined> {
  const collection = result.type === 'collection' || result.type === 'entities';
  const headers = collection ? pagingHeaders(a.base, a.path, a.query, result.paging) : {};
  // A note for people (where a family's members are) travels beside the rendering, which has no place for it.
  if (collection && result.note) headers['X-OCCI-Note'] = result.note;
  if (result.type === 'entities') {
    await writeEntities(res, renderer, result, { ...headers, 'X-Request-Id': a.requestId }, a.bodyless);
    return undefined;
  }
  const response = respond(renderer, result);
  Object.assign(response.rendered.headers, headers);
  return response;
}

/**
 * Writes the collection with `headers` added. The first batch is read before
 * anything is sent, so a failure to read the collection is still an error
 * response; a failure later cuts the response short (the client sees an
 * incomplete chunked body) and is thrown for the log.
 */
export async function writeEntities(res: ServerResponse, renderer: Renderer, result: Entities, headers: Record<string, string>, bodyless: boolean): Promise<void> {
  const writer = renderer.collectionWriter?.(result.which);
  if (!writer) throw new Error(`${renderer.mediaType} cannot write a collection of entities`);
  const batches = result.batches[Symbol.asyncIterator]();
  let next = bodyless ? undefined : await batches.next();
  res.statusCode = 200;
  for (const [name, value] of Object.entries({ ...writer.headers, ...headers })) res.setHeader(name, value);
  if (!next) {
    await batches.return?.();
    res.end();
    return;
  }
  try {
    let text = '';
    while (!next.done) {
      if (res.destroyed) {
        await batches.return?.();
        return;
      }
      for (const view of next.value) text += writer.entity(view);
      // Fewer, larger writes: each one costs a system call and the socket's own work.
      if (text.length >= WRITE_CHARS) {
        const full = !res.write(text);
        text = '';
        if (full) await drained(res);
      }
      await turn();
      next = await batches.next();
    }
    res.end(text + writer.end());
  } catch (err) {
    res.destroy();
    throw err;
  }
}
