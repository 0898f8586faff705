// Writing a whole answer: status and every header in one writeHead, as a
// flat list, then the body. Headers set one at a time (setHeader) go through
// node's header map, a dictionary object lowercased and rebuilt on every
// answer, which cost a cached GET /-/ more than the handful of headers is
// worth; a flat list is written as it stands. An answer kept to be sent many
// times (discovery-cache.ts) keeps its own part of the list ready. Headers a
// request sets on its way (CORS, Allow, Connection: close) still apply: node
// merges them with the list. Request ids are made here too.
import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import { ACCEPT_HEADER } from '../rendering/negotiate.js';
import type { RequestLog } from './access-log.js';
import { SERVER_HEADER } from './listener.js';
import type { HeaderList, Response } from './respond.js';

/** Retry-After of a 503 or 429 that says nothing of its own (seconds). */
const DEFAULT_RETRY_AFTER = '30';

/** What every answer says of the server (R1). */
const SERVER_HEADERS: Record<string, string> = { Server: SERVER_HEADER, Accept: ACCEPT_HEADER };
/** The same as the start of a list, for an answer to anyone and for one to a tenant. */
const SERVER_LIST: HeaderList = ['Server', SERVER_HEADER, 'Accept', ACCEPT_HEADER];
const TENANT_LIST: HeaderList = [...SERVER_LIST, 'Cache-Control', 'no-store'];

/** How one request is being answered. */
export interface Reply {
  requestId: string;
  log: RequestLog;
  /** An answer for one tenant: never kept by a shared cache (Cache-Control: no-store). */
  tenant: boolean;
}

/** A rendering's headers, Content-Length of `bytes` last: the part of the list an answer keeps. */
export function headerList(headers: Record<string, string | string[]>, bytes: number): HeaderList {
  const list: HeaderList = [];
  for (const name in headers) list.push(name, headers[name]!);
  list.push('Content-Length', bytes);
  return list;
}

/** Sends a whole answer and notes its status for the access line (nothing when an answer is already under way). */
export function writeAnswer(res: ServerResponse, r: Response, reply: Reply): void {
  if (res.headersSent) return;
  reply.log.status = r.status;
  // Encoded once: measuring a string's UTF-8 length and then writing it would go over it twice.
  const body = r.bytes ?? Buffer.from(r.rendered.body);
  const start = reply.tenant ? TENANT_LIST : SERVER_LIST;
  let list: HeaderList;
  if (r.headerList) {
    // An answer sent many times. Not concat: with Content-Length a number among strings, V8 takes concat's
    // generic path, which cost a cached GET /-/ seven times what spreading does.
    list = [...start, ...r.headerList, 'X-Request-Id', reply.requestId];
  } else {
    list = [...start, ...headerList(r.rendered.headers, body.length)];
    if ((r.status === 503 || r.status === 429) && r.rendered.headers['Retry-After'] === undefined) list.push('Retry-After', DEFAULT_RETRY_AFTER);
    if (r.location) list.push('Location', r.location);
    list.push('X-Request-Id', reply.requestId);
  }
  res.writeHead(r.status, list as OutgoingHttpHeader[]);
  res.end(body);
}

/** For an answer written piece by piece (stream.ts), which sets its own headers: what every answer says. */
export function setServerHeaders(res: ServerResponse, reply: Reply): void {
  for (const name in SERVER_HEADERS) res.setHeader(name, SERVER_HEADERS[name]!);
  if (reply.tenant) res.setHeader('Cache-Control', 'no-store');
}

/**
 * A request id: UUID-shaped (what operators copy and grep for), unique: the first 25 hex digits are random,
 * the last 7 count requests; past 2^28 of them the random part is drawn again. A random UUID per request
 * cost a cached GET /-/ a tenth of a microsecond more, for randomness a request id does not need (the count
 * is kept a small integer, whose hex V8 writes fast). Ids are made ID_BLOCK at a time as one string, each
 * taken as a slice of it: an id joined from two pieces is a pair of strings until something flattens it,
 * and node's check of each header value did, in a call out of JavaScript, for every answer. (An id kept
 * keeps its whole block, 2.3 KB: ids live as long as their request.)
 */
const ID_COUNT_SPACE = 2 ** 28;
const ID_CHARS = 36;
const ID_BLOCK = 64;
let idPrefix = '';
let idCount = ID_COUNT_SPACE;
let idBlock = '';
let idTaken = ID_BLOCK;

export function nextRequestId(): string {
  if (idTaken === ID_BLOCK) {
    const parts: string[] = [];
    for (let i = 0; i < ID_BLOCK; i++) {
      if (++idCount >= ID_COUNT_SPACE) {
        idPrefix = randomUUID().slice(0, 29);
        idCount = 0;
      }
      parts.push(idPrefix, idCount.toString(16).padStart(7, '0'));
    }
    idBlock = parts.join('');
    idTaken = 0;
  }
  const at = idTaken++ * ID_CHARS;
  return idBlock.slice(at, at + ID_CHARS);
}
