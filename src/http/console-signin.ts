// GET /console/token says whether the server takes passwords (the OpenStack
// backend does); POST /console/token is the web console's password sign-in. A user name,
// password and project go to the configured Keystone through the backend; the
// token comes back as JSON for the page to keep in its session storage. The
// password is neither kept nor logged (the access log has method, path and
// status only). Attempts are limited per client address, failures or not, so
// the endpoint cannot be used to guess passwords at Keystone's expense.
import type { IncomingMessage } from 'node:http';
import { OcciError } from '../errors.js';
import type { Backend, PasswordLogin } from '../port/backend.js';
import { readBody } from './body.js';
import type { Response } from './respond.js';

const MAX_BODY = 4096;
const MAX_FIELD = 255;
/** Attempts per address per window, and how many addresses are remembered (memory stays bounded). */
const ATTEMPTS = 10;
const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

/** A fixed window per client address. */
export class SignInLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly attempts = ATTEMPTS,
    private readonly windowMs = WINDOW_MS,
    private readonly maxAddresses = MAX_ADDRESSES,
  ) {}

  /** Seconds to wait before the next attempt, or 0 when this one may go ahead. */
  take(address: string, now = Date.now()): number {
    let w = this.windows.get(address);
    if (!w || w.resetAt <= now) {
      if (!w && this.windows.size >= this.maxAddresses) {
        for (const [a, old] of this.windows) if (old.resetAt <= now) this.windows.delete(a);
        // Still full: every remembered address is busy, so newcomers wait out one window.
        if (this.windows.size >= this.maxAddresses) return Math.ceil(this.windowMs / 1000);
      }
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(address, w);
    }
    if (w.count >= this.attempts) return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    w.count++;
    return 0;
  }
}

function field(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new OcciError(400, `the sign-in needs a ${name}`);
    return undefined;
  }
  if (typeof v !== 'string') throw new OcciError(400, `${name} must be text`);
  if (v.length > MAX_FIELD) throw new OcciError(400, `${name} is longer than ${MAX_FIELD} characters`);
  return v;
}

function parseLogin(text: string): PasswordLogin {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OcciError(400, 'the sign-in body is not JSON; send {"username": …, "password": …, "project": …}');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new OcciError(400, 'the sign-in body must be a JSON object with username, password and project');
  const b = body as Record<string, unknown>;
  const project = field(b, 'project', false);
  const domain = field(b, 'domain', false);
  return {
    username: field(b, 'username', true) as string,
    password: field(b, 'password', true) as string,
    ...(project !== undefined ? { project } : {}),
    ...(domain !== undefined ? { domain } : {}),
  };
}

const json = (status: number, value: unknown): Response => ({ status, rendered: { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: JSON.stringify(value) } });

export async function consoleSignIn(req: IncomingMessage, backend: Backend, limiter: SignInLimiter): Promise<Response> {
  // GET says whether the page should offer the password form.
  if (req.method === 'GET' || req.method === 'HEAD') return json(200, { passwordSignIn: backend.issueToken !== undefined });
  if (req.method !== 'POST') throw new OcciError(405, 'sign in with POST and a JSON body {"username", "password", "project"}', { Allow: 'GET, POST' });
  if (!backend.issueToken) {
    throw new OcciError(404, "this server's cloud has no user names and passwords: sign in with a token (on the embedded cloud, `snf-occi token` prints it)");
  }
  const wait = limiter.take(req.socket.remoteAddress ?? 'unknown');
  if (wait > 0) throw new OcciError(429, `too many sign-in attempts from this address; try again in ${wait} s`, { 'Retry-After': String(wait) });
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new OcciError(415, 'send the sign-in as Content-Type: application/json');
  const login = parseLogin(await readBody(req, MAX_BODY));
  const issued = await backend.issueToken(login);
  return json(200, { token: issued.token, expiresAt: new Date(issued.expiresAt).toISOString() });
}
