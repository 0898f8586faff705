// Credentials of a real OpenStack for the integration tests, from the usual
// OS_* variables (an openrc file): demo from OS_*, the second project from
// OS_ALT_* or the openrc file named by SNF_OCCI_ALT_OPENRC. Tokens come from
// a Keystone v3 password authentication, done here, not by the backend.
import { readFileSync } from 'node:fs';

export interface OsAccount {
  authUrl: string;
  username: string;
  password: string;
  project: string;
  userDomain: string;
  projectDomain: string;
}

export const SKIP_MESSAGE = '# SKIPPED: OpenStack integration tests (no OS_AUTH_URL)';

function account(env: Record<string, string | undefined>, prefix: string): OsAccount | undefined {
  const get = (k: string): string | undefined => env[`${prefix}${k}`];
  const authUrl = get('AUTH_URL') ?? env.OS_AUTH_URL;
  const username = get('USERNAME');
  const password = get('PASSWORD');
  const project = get('PROJECT_NAME');
  if (!authUrl || !username || !password || !project) return undefined;
  return {
    authUrl: authUrl.replace(/\/+$/, ''),
    username,
    password,
    project,
    userDomain: get('USER_DOMAIN_NAME') ?? env.OS_USER_DOMAIN_NAME ?? 'Default',
    projectDomain: get('PROJECT_DOMAIN_NAME') ?? env.OS_PROJECT_DOMAIN_NAME ?? 'Default',
  };
}

/** `export NAME=value` lines of an openrc file. */
export function parseOpenrc(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export function primaryAccount(): OsAccount | undefined {
  return account(process.env, 'OS_');
}

export function altAccount(): OsAccount | undefined {
  const fromEnv = account(process.env, 'OS_ALT_');
  if (fromEnv) return fromEnv;
  const file = process.env.SNF_OCCI_ALT_OPENRC ?? '/var/lib/openstack-lite/alt_demo-openrc';
  try {
    return account(parseOpenrc(readFileSync(file, 'utf8')), 'OS_');
  } catch {
    return undefined;
  }
}

export interface Token {
  token: string;
  projectId: string;
  /** Public endpoints by service type. */
  endpoints: Record<string, string>;
}

export async function passwordToken(a: OsAccount): Promise<Token> {
  const base = a.authUrl.endsWith('/v3') ? a.authUrl : `${a.authUrl}/v3`;
  const res = await fetch(`${base}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: a.username, domain: { name: a.userDomain }, password: a.password } } },
        scope: { project: { name: a.project, domain: { name: a.projectDomain } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`password authentication of ${a.username} failed: HTTP ${res.status}`);
  const body = (await res.json()) as {
    token: { project: { id: string }; catalog: { type: string; endpoints: { interface: string; url: string }[] }[] };
  };
  const endpoints: Record<string, string> = {};
  for (const s of body.token.catalog) {
    const pub = s.endpoints.find((e) => e.interface === 'public');
    if (pub) endpoints[s.type] = pub.url.replace(/\/+$/, '');
  }
  return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id, endpoints };
}

/** A small REST helper for checks straight against the cloud (never the CLI). */
export async function osGet<T>(t: Token, url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers: { 'X-Auth-Token': t.token, Accept: 'application/json', ...headers } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function osSend(t: Token, method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'X-Auth-Token': t.token, 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}
