// A connection asking again exactly what it asked last, when that was
// answered from the discovery cache (a client or a monitor polling GET /-/ on
// a keep-alive connection), is sent that answer again without its request
// being taken apart again: the same method, the same target and every header
// as sent, so everything the server reads of a request is the same. What may
// have changed since, the server checks again each time (server.ts): shutdown,
// the token, the rate limit, the catalogue. Taking a cached GET /-/ apart
// (target, Accept, OCCI version, credentials, route, filters, base URL, cache
// key) cost a tenth of its time over loopback.
//
// The note is the connection's and goes with it. It holds its answer weakly
// and its catalogue by number, so the discovery and catalogue caches alone
// bound those; what it holds of the request itself (its target and headers,
// the token among them, as the token's digest is kept, token-digest.ts) is
// bounded by MAX_NOTED_CHARS. The token is compared in a time that does not
// tell where two differ.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { sameText } from '../digest.js';
import { metrics } from '../metrics.js';
import type { Catalog } from '../operations/catalog.js';
import type { AuthRequest } from '../port/backend.js';
import type { Renderer } from '../rendering/document.js';
import { TOKEN_HEADERS } from './credentials.js';
import type { Response } from './respond.js';

/** What a discovery answer was made for, besides the request itself. */
export interface Answered {
  /** The request's credentials as taken from its headers, with the token's digest. */
  auth: AuthRequest;
  renderer: Renderer;
  /** Its route template, for the access line and the metrics. */
  route: string;
  /**
   * The catalogue it was rendered from. Catalogues are made per tenant, so the one the server would answer
   * from now being this one also says the token is still the same tenant's.
   */
  catalog: Catalog;
  answer: Response;
}

/** A connection's last discovery answer, with the request it answered. */
export interface Repeat {
  readonly auth: AuthRequest;
  readonly renderer: Renderer;
  readonly route: string;
  /** The answer, while `current` (the catalogue the server would answer from now) is the one it was made from. */
  answerFor(current: Catalog | undefined): Response | undefined;
}

/**
 * Longest request noted, target and headers (characters): a client polling sends far less, and a connection
 * with larger headers keeps no more than node held while it read them.
 */
export const MAX_NOTED_CHARS = 4096;

const SECRET_HEADERS = new Set<string>(TOKEN_HEADERS);
/** Their lengths: other names are not lowercased to be looked up (a note is made for each discovery answer). */
const SECRET_LENGTHS = new Set(TOKEN_HEADERS.map((name) => name.length));

class Note implements Repeat {
  readonly auth: AuthRequest;
  readonly renderer: Renderer;
  readonly route: string;
  /** The catalogue's serial: a weak reference would cost each repeat a call out of JavaScript to hold it. */
  private readonly catalog: number;
  private readonly answer: WeakRef<Response>;
  /** Where in `raw` the values carrying a token are, in order. */
  private readonly secrets: readonly number[];

  constructor(
    readonly method: string,
    readonly url: string,
    readonly raw: readonly string[],
    a: Answered,
  ) {
    this.auth = a.auth;
    this.renderer = a.renderer;
    this.route = a.route;
    this.catalog = a.catalog.serial;
    this.answer = new WeakRef(a.answer);
    this.secrets = tokenValuesIn(raw);
  }

  answerFor(current: Catalog | undefined): Response | undefined {
    return current?.serial === this.catalog ? this.answer.deref() : undefined;
  }

  /** Whether `raw` holds the same headers, in the same order, as this note's request. */
  sameHeaders(raw: readonly string[]): boolean {
    return sameHeaders(raw, this.raw, this.secrets);
  }
}

/** Where in a raw header list (names and values, alternating) the values carrying a token are, in order. */
export function tokenValuesIn(raw: readonly string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (SECRET_LENGTHS.has(raw[i]!.length) && SECRET_HEADERS.has(raw[i]!.toLowerCase())) at.push(i + 1);
  return at;
}

/**
 * Whether two raw header lists are the same, in the same order; the values at `secrets` (ascending) are
 * compared with `sameSecret`, which takes as long wherever two differ, the others as strings.
 */
export function sameHeaders(a: readonly string[], b: readonly string[], secrets: readonly number[], sameSecret: (x: string, y: string) => boolean = sameText): boolean {
  if (a.length !== b.length) return false;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (i === secrets[s]) {
      s++;
      if (!sameSecret(a[i]!, b[i]!)) return false;
    } else if (a[i] !== b[i]) return false;
  }
  return true;
}

export class RepeatedRequests {
  private readonly notes = new WeakMap<Socket, Note>();

  /**
   * Notes the discovery answer `req` was sent, in place of what its connection had (forgotten when `req` is
   * too large to keep). Counted as a discovery request not answered as a repeat.
   */
  note(req: IncomingMessage, answered: Answered): void {
    metrics.cacheLookup('repeat', false);
    const url = req.url ?? '';
    const raw = req.rawHeaders;
    let chars = url.length;
    for (let i = 0; i < raw.length; i++) chars += raw[i]!.length;
    if (chars > MAX_NOTED_CHARS) this.notes.delete(req.socket);
    else this.notes.set(req.socket, new Note(req.method ?? 'GET', url, raw, answered));
  }

  /** What was noted for the last such request on `req`'s connection, when `req` asks exactly the same. */
  find(req: IncomingMessage): Repeat | undefined {
    const note = this.notes.get(req.socket);
    return note !== undefined && note.url === req.url && note.method === req.method && note.sameHeaders(req.rawHeaders) ? note : undefined;
  }
}
