// Exit codes by class of failure (documented in docs/guide/occi.md), and the
// message that says what to do next.
import {
  AuthError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  EntityFailedError,
  LookupError,
  NotFoundError,
  OcciClientError,
  ProtocolError,
  ServerError,
  WaitTimeoutError,
} from '../../client/index.js';

export const EXIT = {
  ok: 0,
  /** Something unexpected: a bug to report. */
  unexpected: 1,
  /** Wrong flags, unknown or ambiguous names, a request the server called bad (400-class). */
  usage: 2,
  notFound: 3,
  conflict: 4,
  auth: 5,
  /** The server or the cloud failed: 5xx, unreachable, unreadable answer, an entity that went to error. */
  server: 6,
  /** A --wait deadline passed. */
  timeout: 7,
} as const;

/** A mistake in how the command was called. */
export class UsageError extends Error {}

export function classify(e: unknown): { code: number; message: string } {
  const m = e instanceof Error ? e.message : String(e);
  if (e instanceof UsageError || e instanceof LookupError || e instanceof BadRequestError) return { code: EXIT.usage, message: m };
  if (e instanceof NotFoundError) return { code: EXIT.notFound, message: `${m}\n  check the name with: occi list <kind>` };
  if (e instanceof ConflictError) return { code: EXIT.conflict, message: `${m}\n  it conflicts with what is there now: occi show <entity> tells its state and the actions it allows` };
  if (e instanceof AuthError) {
    return { code: EXIT.auth, message: `${m}\n  give a token (--token, OCCI_TOKEN), OpenStack credentials (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_AUTH_URL) or a cloud from clouds.yaml (--os-cloud)` };
  }
  if (e instanceof WaitTimeoutError) return { code: EXIT.timeout, message: `${m}\n  wait longer with --wait-timeout SECONDS, or check later with occi show` };
  if (e instanceof EntityFailedError) return { code: EXIT.server, message: m };
  if (e instanceof ConnectionError) return { code: EXIT.server, message: `${m}\n  is the endpoint right? give it with --endpoint or OCCI_ENDPOINT` };
  if (e instanceof ServerError || e instanceof ProtocolError || e instanceof OcciClientError) return { code: EXIT.server, message: m };
  if (e instanceof TypeError && /endpoint/.test(m)) return { code: EXIT.usage, message: m };
  return { code: EXIT.unexpected, message: e instanceof Error && e.stack ? e.stack : m };
}
