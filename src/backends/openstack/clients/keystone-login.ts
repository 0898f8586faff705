// The console's password sign-in: a user name and password (and project)
// exchanged with Keystone for a token, v3 or v2.0. The password goes to
// Keystone once and nowhere else: it is never kept, logged or put in a message.
import { OcciError, unauthorized } from '../../../errors.js';
import type { IssuedToken, PasswordLogin } from '../../../port/backend.js';
import { joinUrl, type JsonHttp } from './http.js';

const REFUSED = 'Keystone refused the user name, password or project; check them (and the domain, when it is not Default) and try again';

function expiry(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  // A token without a readable expiry is offered for an hour; the server re-validates it on every use anyway.
  return Number.isFinite(ms) ? ms : Date.now() + 3_600_000;
}

export async function passwordToken(http: JsonHttp, root: string, version: 'v3' | 'v2.0', login: PasswordLogin, challenge: string): Promise<IssuedToken> {
  const domain = { name: login.domain ?? 'Default' };
  const secrets = [login.password];
  if (version === 'v3') {
    const auth: Record<string, unknown> = { identity: { methods: ['password'], password: { user: { name: login.username, domain, password: login.password } } } };
    if (login.project !== undefined) auth.scope = { project: { name: login.project, domain } };
    const res = await http.request<{ token?: { expires_at?: string } }>('keystone', {
      method: 'POST',
      url: joinUrl(root, 'v3/auth/tokens'),
      body: { auth },
      accept: [400, 401, 403, 404],
      secrets,
    });
    if (res.status !== 201 && res.status !== 200) throw unauthorized(REFUSED, challenge);
    const token = res.headers.get('x-subject-token');
    if (!token) throw new OcciError(502, 'keystone answered a sign-in without a token');
    return { token, expiresAt: expiry(res.body?.token?.expires_at) };
  }
  const auth: Record<string, unknown> = { passwordCredentials: { username: login.username, password: login.password } };
  if (login.project !== undefined) auth.tenantName = login.project;
  const res = await http.request<{ access?: { token?: { id?: string; expires?: string } } }>('keystone', {
    method: 'POST',
    url: joinUrl(root, 'v2.0/tokens'),
    body: { auth },
    accept: [400, 401, 403, 404],
    secrets,
  });
  const t = res.body?.access?.token;
  if (res.status !== 200) throw unauthorized(REFUSED, challenge);
  if (!t?.id) throw new OcciError(502, 'keystone v2.0 answered a sign-in without a token');
  return { token: t.id, expiresAt: expiry(t.expires) };
}
