// The digest of a request's token (digest.ts): what the rate limiter and the
// backends' memos of known tokens are keyed by, so that no raw token is ever
// a map key. A connection remembers the last token it carried with that
// token's digest: a client's requests on one keep-alive connection hash their
// token once, where each request hashed it once or twice (a cached GET /-/
// spent about a twentieth of its CPU there). The token remembered lives as
// long as the connection, as node's own copy of its headers does, and is
// compared in a time that does not tell where two tokens differ.
import type { Socket } from 'node:net';
import { quickDigest, sameText } from '../digest.js';

interface Remembered {
  token: string;
  digest: string;
}

const lastOf = new WeakMap<Socket, Remembered>();

/** quickDigest(token), hashed once per token a connection carries in a row. */
export function tokenDigest(socket: Socket, token: string): string {
  const last = lastOf.get(socket);
  if (last !== undefined && sameText(last.token, token)) return last.digest;
  const digest = quickDigest(token);
  lastOf.set(socket, { token, digest });
  return digest;
}
