// Token validation against Keystone v3, or v2.0 (Keystone of old, Synnefo's
// Astakos), with project rescoping and a bounded cache keyed by a hash of the
// token. The caller's token is used for its own validation (Keystone allows
// self-validation), so the bridge holds no service credentials.
import { quickDigest } from '../../../digest.js';
import { OcciError, forbidden, unauthorized } from '../../../errors.js';
import { BoundedCache, CACHE_MAX_BYTES } from '../caches/cache.js';
import { catalogFromV2, catalogFromV3, type Endpoint } from './catalog.js';
import { joinUrl, type JsonHttp } from './http.js';
import { passwordToken } from './keystone-login.js';
import type { IssuedToken, PasswordLogin } from '../../../port/backend.js';
import type { IdentityVersion } from '../options.js';

export interface Session {
  /** The token to send to the services: the caller's, or the one rescoped from it. */
  token: string;
  projectId: string;
  userId: string;
  /** Epoch ms. */
  expiresAt: number;
  catalog: Endpoint[];
  /** The projects the user is a member of, where identity says (Astakos 0.17+ `user.projects`). */
  projects?: string[];
}

export interface IdentityOptions {
  keystoneUrl: string;
  version: IdentityVersion;
  /** Whether a requested project rescopes the token (false for Synnefo, whose projects are quota holders). */
  scopeToProject: boolean;
  cacheSize: number;
}

/** Sessions are re-validated at least this often, so revocations take effect. */
const MAX_SESSION_MS = 10 * 60_000;

interface V3Token {
  expires_at?: string;
  project?: { id?: string };
  user?: { id?: string };
  catalog?: Parameters<typeof catalogFromV3>[0];
}

interface V2Access {
  access?: {
    token?: { id?: string; expires?: string; tenant?: { id?: string } };
    user?: { id?: string; projects?: unknown };
    serviceCatalog?: Parameters<typeof catalogFromV2>[0];
  };
}

export class Identity {
  readonly challenge: string;
  private readonly root: string;
  private readonly cache: BoundedCache<Session>;
  private detected: Promise<'v3' | 'v2.0'> | undefined;

  constructor(
    private readonly http: JsonHttp,
    private readonly o: IdentityOptions,
  ) {
    this.challenge = keystoneChallenge(o.keystoneUrl);
    this.root = o.keystoneUrl.replace(/\/(v3|v2\.0)\/?$/, '');
    this.cache = new BoundedCache(o.cacheSize, Date.now, CACHE_MAX_BYTES, 'identity');
  }

  /** The validated session for a token, scoped to `project` when asked; `digest` is quickDigest(token) when the caller has it. */
  async session(token: string, project?: string, digest?: string): Promise<Session> {
    const wanted = this.o.scopeToProject ? project : undefined;
    const key = `${digest ?? quickDigest(token)}|${wanted ?? ''}`;
    const ttl = (s: Session): number => Math.min(s.expiresAt - Date.now() - 5_000, MAX_SESSION_MS);
    return this.cache.getOrLoad(key, () => this.validate(token, wanted), ttl);
  }

  /** A token for a user name and password (the console's sign-in). */
  async issue(login: PasswordLogin): Promise<IssuedToken> {
    return passwordToken(this.http, this.root, await this.version(), login, this.challenge);
  }

  /** Why the identity service cannot be reached, or undefined when it answers. */
  async unreachable(): Promise<string | undefined> {
    try {
      await this.http.request('keystone', { method: 'GET', url: this.root, accept: [300, 401, 403, 404] });
      return undefined;
    } catch (err) {
      return `the identity service at ${this.root} does not answer as it should: ${(err as Error).message}`;
    }
  }

  forget(token: string): void {
    this.cache.deletePrefix(`${quickDigest(token)}|`);
  }

  close(): void {
    this.cache.clear();
  }

  private async validate(token: string, project: string | undefined): Promise<Session> {
    const version = await this.version();
    return version === 'v3' ? this.validateV3(token, project) : this.validateV2(token, project);
  }

  private version(): Promise<'v3' | 'v2.0'> {
    if (this.o.version !== 'auto') return Promise.resolve(this.o.version);
    if (/\/v3\/?$/.test(this.o.keystoneUrl)) return Promise.resolve('v3');
    if (/\/v2\.0\/?$/.test(this.o.keystoneUrl)) return Promise.resolve('v2.0');
    this.detected ??= this.discover().catch((err: unknown) => {
      this.detected = undefined;
      throw err;
    });
    return this.detected;
  }

  /** Version discovery on the identity root: v3 when offered, else v2.0. */
  private async discover(): Promise<'v3' | 'v2.0'> {
    const res = await this.http.request<{ versions?: { values?: { id?: string }[] } }>('keystone', {
      method: 'GET',
      url: this.root,
      accept: [300],
    });
    const ids = (res.body?.versions?.values ?? []).map((v) => v.id ?? '');
    if (ids.some((id) => id.startsWith('v3'))) return 'v3';
    if (ids.some((id) => id.startsWith('v2'))) return 'v2.0';
    throw new OcciError(502, `keystone at ${this.root} offers neither identity v3 nor v2.0`);
  }

  private rejected(what: string): OcciError {
    return unauthorized(`${what} was not accepted by Keystone`, this.challenge);
  }

  private async validateV3(token: string, project: string | undefined): Promise<Session> {
    const res = await this.http.request<{ token?: V3Token }>('keystone', {
      method: 'GET',
      url: joinUrl(this.root, 'v3/auth/tokens'),
      token,
      headers: { 'X-Subject-Token': token },
      accept: [401, 404],
    });
    if (res.status !== 200 || !res.body?.token) throw this.rejected('the token');
    const t = res.body.token;
    const current = t.project?.id;
    if (project !== undefined && project !== current) return this.rescopeV3(token, project);
    if (current === undefined) {
      const only = await this.onlyProject(token);
      if (only === undefined) {
        throw this.rejected('an unscoped token (choose a project with X-Project-Id)');
      }
      return this.rescopeV3(token, only);
    }
    return sessionFromV3(token, t);
  }

  private async rescopeV3(token: string, project: string): Promise<Session> {
    const res = await this.http.request<{ token?: V3Token }>('keystone', {
      method: 'POST',
      url: joinUrl(this.root, 'v3/auth/tokens'),
      body: { auth: { identity: { methods: ['token'], token: { id: token } }, scope: { project: { id: project } } } },
      accept: [401, 404],
      secrets: [token],
    });
    const scoped = res.headers.get('x-subject-token');
    if (res.status === 404) throw this.rejected('the token');
    if (res.status === 401) throw forbidden(`the token is not authorised for project '${project}'`);
    if (!scoped || !res.body?.token) throw new OcciError(502, 'keystone answered a rescope without a token');
    return sessionFromV3(scoped, res.body.token);
  }

  /** The caller's single project, when an unscoped token leaves no doubt. */
  private async onlyProject(token: string): Promise<string | undefined> {
    const res = await this.http.request<{ projects?: { id?: string; enabled?: boolean }[] }>('keystone', {
      method: 'GET',
      url: joinUrl(this.root, 'v3/auth/projects'),
      token,
    });
    const projects = (res.body?.projects ?? []).filter((p) => p.enabled !== false && p.id);
    return projects.length === 1 ? projects[0]!.id : undefined;
  }

  private async validateV2(token: string, project: string | undefined): Promise<Session> {
    const auth: Record<string, unknown> = { token: { id: token } };
    if (project !== undefined) auth.tenantId = project;
    const res = await this.http.request<V2Access>('keystone', {
      method: 'POST',
      url: joinUrl(this.root, 'v2.0/tokens'),
      body: { auth },
      accept: [401, 404],
      secrets: [token],
    });
    const a = res.body?.access;
    if (res.status !== 200 || !a?.token) {
      throw project === undefined ? this.rejected('the token') : this.rejected(`the token for project '${project}'`);
    }
    const tenant = a.token.tenant?.id ?? a.user?.id;
    if (!tenant) throw new OcciError(502, 'keystone v2.0 answered without a tenant or user id');
    return {
      token: a.token.id ?? token,
      projectId: tenant,
      userId: a.user?.id ?? tenant,
      expiresAt: expiry(a.token.expires),
      catalog: catalogFromV2(a.serviceCatalog),
      ...(Array.isArray(a.user?.projects) ? { projects: a.user.projects.filter((p): p is string => typeof p === 'string') } : {}),
    };
  }
}

/** The WWW-Authenticate value of 401 answers: where to get a token. */
export function keystoneChallenge(keystoneUrl: string): string {
  return `Keystone uri='${keystoneUrl}'`;
}

function sessionFromV3(token: string, t: V3Token): Session {
  const projectId = t.project?.id;
  if (!projectId) throw new OcciError(502, 'keystone returned a token without a project');
  return {
    token,
    projectId,
    userId: t.user?.id ?? '',
    expiresAt: expiry(t.expires_at),
    catalog: catalogFromV3(t.catalog),
  };
}

/** Token expiry in epoch ms; tokens without one are re-validated after the session cap. */
function expiry(iso: string | undefined): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) ? ms : Date.now() + MAX_SESSION_MS;
}
