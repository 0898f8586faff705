// A connection asking again exactly what it asked last, when that was
// answered from the discovery cache (a client or a monitor polling GET /-/ on
// a keep-alive connection), is sent that answer again without its request
// being taken apart again: the same method, the same target and every header
// as sent, so everything the server reads of a request is the same. What may
// have changed since, the server checks again each time: shutdown and
// maintenance, the token, the rate limit, the catalogue. Taking a cached
// GET /-/ apart (target, Accept, OCCI version, credentials, route, filters,
// base URL, cache key) cost a tenth of its time over loopback.
//
// The note is the connection's and goes with it. It holds its answer weakly,
// and its catalogue by number: the discovery and catalogue caches alone bound
// what is kept.
// The headers it holds (the token among them) live as long as the connection,
// as the token's digest does (token-digest.ts); the token is compared in a
// time that does not tell where two differ.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Catalog } from '../operations/catalog.js';
import type { AuthRequest } from '../port/backend.js';
import type { Renderer } from '../rendering/document.js';
import type { Response } from './respond.js';
import { sameText } from './token-digest.js';

/** What a discovery answer was made for, besides the request itself. */
export interface Answered {
  /** The request's credentials as taken from its headers, with the token's digest. */
  auth: AuthRequest;
  /** The tenant the backend authenticated: the answer is its own. */
  tenant: string;
  renderer: Renderer;
  /** Its route template, for the access line and the metrics. */
  route: string;
  /** The catalogue the answer was rendered from: a newer one makes it stale. */
  catalog: Catalog;
  answer: Response;
}

/** A connection's last discovery answer, with the request it answered. */
export interface Repeat {
  readonly auth: AuthRequest;
  readonly tenant: string;
  readonly renderer: Renderer;
  readonly route: string;
  /** The answer, while `current` (the catalogue the server would answer from now) is the one it was made from. */
  answerFor(current: Catalog | undefined): Response | undefined;
}

/** Header names whose values are tokens (credentials.ts), lowercased. */
const SECRET_HEADERS = new Set(['x-auth-token', 'auth-token', 'authorization']);
/** Their lengths: other names are not lowercased to be looked up (a note is made for each discovery answer). */
const SECRET_LENGTHS = new Set([...SECRET_HEADERS].map((name) => name.length));

class Note implements Repeat {
  /** The catalogue's serial: a weak reference would cost each repeat a call out of JavaScript to hold it. */
  private readonly catalog: number;
  private readonly answer: WeakRef<Response>;
  /** Where in `raw` the values carrying a token are, in order. */
  private readonly secrets: number[] = [];

  constructor(
    readonly method: string,
    readonly url: string,
    readonly raw: readonly string[],
    a: Answered,
  ) {
    this.auth = a.auth;
    this.tenant = a.tenant;
    this.renderer = a.renderer;
    this.route = a.route;
    this.catalog = a.catalog.serial;
    this.answer = new WeakRef(a.answer);
    for (let i = 0; i + 1 < raw.length; i += 2) if (SECRET_LENGTHS.has(raw[i]!.length) && SECRET_HEADERS.has(raw[i]!.toLowerCase())) this.secrets.push(i + 1);
  }

  readonly auth: AuthRequest;
  readonly tenant: string;
  readonly renderer: Renderer;
  readonly route: string;

  answerFor(current: Catalog | undefined): Response | undefined {
    return current?.serial === this.catalog ? this.answer.deref() : undefined;
  }

  /** Whether `raw` holds the same headers, in the same order, as this note's request. */
  sameHeaders(raw: readonly string[]): boolean {
    const mine = this.raw;
    if (raw.length !== mine.length) return false;
    const secrets = this.secrets;
    let s = 0;
    for (let i = 0; i < raw.length; i++) {
      if (i === secrets[s]) {
        s++;
        if (!sameText(raw[i]!, mine[i]!)) return false;
      } else if (raw[i] !== mine[i]) return false;
    }
    return true;
  }
}

export class RepeatedRequests {
  private readonly notes = new WeakMap<Socket, Note>();

  /** Notes the discovery answer `req` was sent (in place of the one its connection had). */
  note(req: IncomingMessage, answered: Answered): void {
    this.notes.set(req.socket, new Note(req.method ?? 'GET', req.url ?? '', req.rawHeaders, answered));
  }

  /** What was noted for the last such request on `req`'s connection, when `req` asks exactly the same. */
  find(req: IncomingMessage): Repeat | undefined {
    const note = this.notes.get(req.socket);
    return note !== undefined && note.url === req.url && note.method === req.method && note.sameHeaders(req.rawHeaders) ? note : undefined;
  }
}
