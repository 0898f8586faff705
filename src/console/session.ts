// Signing in and out. The token lives in this tab's session storage only and
// travels in the X-Auth-Token header (never a cookie, so other sites cannot
// make the browser use it). A password sign-in asks snf-occi's
// /console/token, which asks the cloud's Keystone; the password is not kept.
import { AuthError, OcciClient, type Exchange } from '../client/index.js';

const KEY = 'snf-occi.console.token';

export function savedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

export function makeClient(token: string, onExchange: (e: Exchange) => void): OcciClient {
  return new OcciClient({
    endpoint: location.origin,
    rendering: 'json',
    auth: { token },
    userAgent: 'snf-occi-console OCCI/1.2',
    timeoutMs: 60_000,
    onExchange,
  });
}

/** Checks a token by reading the query interface; answers the client or throws the server's refusal. */
export async function signInWithToken(token: string, onExchange: (e: Exchange) => void): Promise<OcciClient> {
  const client = makeClient(token, onExchange);
  await client.discover();
  saveToken(token);
  return client;
}

/** Whether the server takes passwords (its cloud has a Keystone). */
export async function keystoneOffered(): Promise<boolean> {
  try {
    const res = await fetch(`${location.origin}/console/token`, { headers: { Accept: 'application/json' } });
    return res.ok && (await res.json() as { passwordSignIn?: unknown }).passwordSignIn === true;
  } catch {
    return false;
  }
}

export interface PasswordLogin {
  username: string;
  password: string;
  project: string;
  domain: string;
}

/** Trades a user name and password for a token through the server. */
export async function passwordToken(login: PasswordLogin): Promise<string> {
  const body = JSON.stringify({
    username: login.username,
    password: login.password,
    ...(login.project ? { project: login.project } : {}),
    ...(login.domain ? { domain: login.domain } : {}),
  });
  const res = await fetch(`${location.origin}/console/token`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body });
  const text = await res.text();
  if (!res.ok) {
    const message = text.split('\n').filter((l) => !l.startsWith('request-id:')).join(' ').trim();
    throw new AuthError({ status: res.status, message: message || res.statusText, method: 'POST', url: '/console/token' });
  }
  const token = (JSON.parse(text) as { token?: unknown }).token;
  if (typeof token !== 'string') throw new Error('the server answered the sign-in without a token');
  return token;
}
