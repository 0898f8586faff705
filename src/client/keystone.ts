// The Keystone handshake (as rOCCI and ooi clients do it): a 401 carrying
// `WWW-Authenticate: Keystone uri='…'` names the identity service; the client
// gets a token there with the user's password or application credential and
// retries. Tokens are cached until shortly before they expire.
import { AuthError, ConnectionError, ProtocolError } from './errors.js';
import type { Exchange } from './types.js';

export interface KeystoneCredentials {
  /** Identity URL to use when the server's challenge names none (OS_AUTH_URL). */
  authUrl?: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
}

export interface CachedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Where tokens are kept between requests (and, for the command line, between runs). */
export interface TokenCache {
  get(key: string): CachedToken | undefined | Promise<CachedToken | undefined>;
  set(key: string, token: CachedToken): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

export class MemoryTokenCache implements TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  get(key: string): CachedToken | undefined {
    return this.tokens.get(key);
  }
  set(key: string, token: CachedToken): void {
    this.tokens.set(key, token);
  }
  delete(key: string): void {
    this.tokens.delete(key);
  }
}

/** A token is used until a minute before it expires. */
const MARGIN_MS = 60_000;

export function isFresh(t: CachedToken | undefined, now = Date.now()): t is CachedToken {
  return t !== undefined && t.expiresAt - MARGIN_MS > now;
}

/** The identity URL of a `Keystone uri='…'` (or uri="…") challenge, if the header is one. */
export function keystoneChallenge(header: string | null): string | undefined {
  if (!header) return undefined;
  const m = /keystone\s+uri\s*=\s*(?:'([^']*)'|"([^"]*)"|([^\s,]+))/i.exec(header);
  const uri = m?.[1] ?? m?.[2] ?? m?.[3];
  return uri === undefined || uri === '' ? undefined : uri;
}

/** `http://k:5000`, `http://k:5000/v3/` and `http://k:5000/v3` all give `http://k:5000/v3`. */
export function v3Base(url: string): string {
  const u = url.replace(/\/+$/, '');
  return /\/v3$/.test(u) ? u : `${u.replace(/\/v2\.0$/, '')}/v3`;
}

/** What identifies a token in the cache: never the password. */
export function cacheKey(authUrl: string, c: KeystoneCredentials): string {
  const who = c.applicationCredentialId ?? c.applicationCredentialName ?? c.userId ?? `${c.username ?? ''}@${c.userDomainId ?? c.userDomainName ?? ''}`;
  const scope = c.projectId ?? `${c.projectName ?? ''}@${c.projectDomainId ?? c.projectDomainName ?? ''}`;
  return `${v3Base(authUrl)} ${who} ${scope}`;
}

const domain = (id?: string, name?: string): Record<string, string> | undefined =>
  id !== undefined ? { id } : name !== undefined ? { name } : undefined;

/** The v3 POST /auth/tokens body for these credentials. */
export function tokenRequest(c: KeystoneCredentials): unknown {
  if (c.applicationCredentialSecret !== undefined) {
    const cred: Record<string, unknown> = { secret: c.applicationCredentialSecret };
    if (c.applicationCredentialId !== undefined) cred.id = c.applicationCredentialId;
    else {
      cred.name = c.applicationCredentialName;
      cred.user = c.userId !== undefined ? { id: c.userId } : { name: c.username, domain: domain(c.userDomainId, c.userDomainName ?? 'Default') };
    }
    return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
  }
  if (c.password === undefined || (c.username === undefined && c.userId === undefined)) {
    throw new AuthError(
      { status: 401, message: 'no Keystone credentials: give a user name and password (OS_USERNAME, OS_PASSWORD) or an application credential (OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET)', method: 'POST', url: 'keystone' },
    );
  }
  const user = c.userId !== undefined ? { id: c.userId, password: c.password } : { name: c.username, domain: domain(c.userDomainId, c.userDomainName ?? 'Default'), password: c.password };
  const auth: Record<string, unknown> = { identity: { methods: ['password'], password: { user } } };
  if (c.projectId !== undefined) auth.scope = { project: { id: c.projectId } };
  else if (c.projectName !== undefined) auth.scope = { project: { name: c.projectName, domain: domain(c.projectDomainId, c.projectDomainName ?? 'Default') } };
  return { auth };
}

/** Gets a new token from Keystone v3. */
export async function issueToken(
  fetchImpl: typeof fetch,
  authUrl: string,
  credentials: KeystoneCredentials,
  o: { timeoutMs: number; onExchange?: (e: Exchange) => void },
): Promise<CachedToken> {
  const url = `${v3Base(authUrl)}/auth/tokens`;
  const body = JSON.stringify(tokenRequest(credentials));
  const requestHeaders = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const started = Date.now();
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'POST', headers: requestHeaders, body, signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (e) {
    throw new ConnectionError(`cannot reach Keystone at ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  o.onExchange?.({
    method: 'POST',
    url,
    requestHeaders,
    requestBody: body,
    status: res.status,
    responseHeaders: Object.fromEntries(res.headers),
    responseBody: text,
    ms: Date.now() - started,
  });
  if (res.status === 401 || res.status === 403) {
    throw new AuthError({ status: res.status, message: 'Keystone refused the credentials; check the user name, password, project and domains', method: 'POST', url });
  }
  const token = res.headers.get('x-subject-token');
  if (!res.ok || !token) throw new ProtocolError(`Keystone at ${url} answered ${res.status} without a token`);
  let expiresAt = Date.now() + 3_600_000;
  try {
    const at = Date.parse((JSON.parse(text) as { token?: { expires_at?: string } }).token?.expires_at ?? '');
    if (Number.isFinite(at)) expiresAt = at;
  } catch {
    // a token without a readable expiry is kept for an hour
  }
  return { token, expiresAt };
}
