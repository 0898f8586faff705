// Which failures of the shared database are the database being away, slow or
// full — a 503 for the client, with the reason and when to try again — and
// which are ours (anything else: a 500 with the stack in the log). Clients are
// told what happened, never where the database is; operators get the
// target in the logs, /readyz and at start.
import { OcciError } from '../../errors.js';

export type Trouble = 'unreachable' | 'slow' | 'full' | 'read-only' | 'refused';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT']);
const TERMINATED = /^Connection terminated|not queryable|Connection ended|Client was closed/;
const TIMED_OUT = /^(Query read timeout|timeout exceeded when trying to connect)/;

/** What kind of trouble with the database `err` is; undefined when it is not one (a bug, a constraint). */
export function trouble(err: unknown): Trouble | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (NETWORK.has(code) || TERMINATED.test(message)) return 'unreachable';
  if (TIMED_OUT.test(message)) return 'slow';
  // SQLSTATE classes: 08 connection, 57P01-03 shut down / starting, 57014 cancelled (statement timeout),
  // 55P03 lock not available, 25P03 idle in transaction too long, 53 insufficient resources,
  // 25006 read-only transaction (a standby after a fail-over), 28 authorization.
  if (code.startsWith('08') || /^57P0[123]$/.test(code)) return 'unreachable';
  if (code === '57014' || code === '55P03' || code === '25P03') return 'slow';
  if (code.startsWith('53')) return 'full';
  if (code === '25006') return 'read-only';
  if (code.startsWith('28')) return 'refused';
  return undefined;
}

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_S = 5;

const FOR_CLIENTS: Record<Trouble, string> = {
  unreachable: "this service's database cannot be reached just now",
  slow: "this service's database did not answer in time",
  full: "this service's database is out of room or connections",
  'read-only': "this service's database takes no writes just now (a fail-over under way?)",
  refused: "this service's database refused its credentials",
};

/** The 503 a request gets for a database in trouble; undefined for any other error. */
export function unavailableFor(err: unknown): OcciError | undefined {
  if (err instanceof OcciError) return undefined;
  const t = trouble(err);
  if (t === undefined) return undefined;
  return new OcciError(503, `${FOR_CLIENTS[t]}, so user mixins and tags can be neither read nor changed; nothing was changed by this request; try again in a few seconds`, {
    'Retry-After': String(RETRY_AFTER_S),
  });
}

/** The cause, for operators: the driver's code and message (they never hold the password). */
export function causeOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** A start-up failure, saying what to change. */
export function startFailure(target: string, err: unknown): Error {
  const e = err as { code?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  let advice = 'start it, or correct store.url (or PGHOST, PGPORT …)';
  if (code === '3D000') advice = 'create the database (createdb, as its owner), or name another in store.url';
  else if (code.startsWith('28')) advice = 'correct the user or password (in store.url, PGPASSWORD or ~/.pgpass), or pg_hba.conf on the database server';
  else if (code === '42501') advice = "grant the user the right to create tables in the database's schema, or run the first start as its owner";
  return new Error(`the shared store (${target}) cannot be used: ${causeOf(err)}; ${advice}`);
}
