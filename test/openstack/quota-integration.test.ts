// The cloud's own quotas on a real OpenStack (openstack-lite): a project of
// its own, made with the admin account, whose quotas for instances, networks
// and volumes are 0; creating each through snf-occi answers 403 naming the
// quota in the cloud's words. The project is deleted afterwards. Runs with
// OS_AUTH_URL set and an admin openrc (SNF_OCCI_ADMIN_OPENRC, or
// openstack-lite's /var/lib/openstack-lite/admin-openrc).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { COMPUTE_KIND, INFRA, type TestServer } from '../helpers/server.js';
import { startOnOpenStack } from './occi-server.js';
import { parseOpenrc, passwordToken, primaryAccount, SKIP_MESSAGE, type OsAccount, type Token } from './os-env.js';

const demo = primaryAccount();
const PLAIN = { 'Content-Type': 'text/plain' };

function adminAccount(): OsAccount | undefined {
  try {
    const e = parseOpenrc(readFileSync(process.env.SNF_OCCI_ADMIN_OPENRC ?? '/var/lib/openstack-lite/admin-openrc', 'utf8'));
    if (!e.OS_AUTH_URL || !e.OS_USERNAME || !e.OS_PASSWORD || !e.OS_PROJECT_NAME) return undefined;
    return { authUrl: e.OS_AUTH_URL, username: e.OS_USERNAME, password: e.OS_PASSWORD, project: e.OS_PROJECT_NAME, userDomain: e.OS_USER_DOMAIN_NAME ?? 'Default', projectDomain: e.OS_PROJECT_DOMAIN_NAME ?? 'Default' };
  } catch {
    return undefined;
  }
}

const admin = adminAccount();

async function call(t: Token, method: string, url: string, body?: unknown): Promise<unknown> {
  const r = await fetch(url, { method, headers: { 'X-Auth-Token': t.token, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

if (!demo || !admin) {
  it('OpenStack quotas', (t) => t.skip(demo ? '# SKIPPED: no admin openrc to make a project with quotas of 0' : SKIP_MESSAGE));
} else {
  describe("the cloud's quotas on a real OpenStack", () => {
    const name = `snf-occi-quota-${Date.now().toString(36)}`;
    let adminTok: Token;
    let identity: string;
    let projectId: string | undefined;
    let s: TestServer;
    let tok: Token;

    before(async () => {
      adminTok = await passwordToken(admin);
      identity = adminTok.endpoints.identity!.replace(/\/v3$/, '');
      const made = (await call(adminTok, 'POST', `${identity}/v3/projects`, { project: { name, domain_id: 'default' } })) as { project: { id: string } };
      projectId = made.project.id;
      const users = (await call(adminTok, 'GET', `${identity}/v3/users?name=${encodeURIComponent(demo.username)}`)) as { users: { id: string }[] };
      const roles = (await call(adminTok, 'GET', `${identity}/v3/roles`)) as { roles: { id: string; name: string }[] };
      const member = roles.roles.find((r) => r.name === 'member') ?? roles.roles.find((r) => r.name === '_member_');
      await call(adminTok, 'PUT', `${identity}/v3/projects/${projectId}/users/${users.users[0]!.id}/roles/${member!.id}`);
      await call(adminTok, 'PUT', `${adminTok.endpoints.compute}/os-quota-sets/${projectId}`, { quota_set: { instances: 0 } });
      await call(adminTok, 'PUT', `${adminTok.endpoints.network}/v2.0/quotas/${projectId}`, { quota: { network: 0 } });
      await call(adminTok, 'PUT', `${adminTok.endpoints.volumev3}/os-quota-sets/${projectId}`, { quota_set: { volumes: 0 } });
      tok = await passwordToken({ ...demo, project: name });
      s = await startOnOpenStack(demo);
    });

    after(async () => {
      await s?.close();
      if (projectId) await call(adminTok, 'DELETE', `${identity}/v3/projects/${projectId}`).catch(() => undefined);
    });

    it('creating past each quota answers 403 naming it (413 for Cinder, which said 413), and makes nothing', async () => {
      const cases: Array<[string, string, RegExp]> = [
        ['/compute/', `Category: ${COMPUTE_KIND}\nCategory: tiny; scheme=""\nCategory: m1.nano; scheme=""\n`, /over the cloud's quota for instances: Quota exceeded for instances/],
        ['/network/', `Category: network; scheme="${INFRA}"; class="kind"\n`, /over the cloud's quota for network: Quota exceeded for resources: \['network'\]/],
        ['/storage/', `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n`, /over the cloud's quota for volumes: VolumeLimitExceeded/],
      ];
      for (const [path, body, message] of cases) {
        const r = await s.request('POST', path, { token: tok.token, headers: PLAIN, body });
        assert.equal(r.status, path === '/storage/' ? 413 : 403, `${path}: ${r.body}`);
        assert.match(r.body, message);
        assert.match(r.body, /ask the cloud's administrators to raise the project's quota/);
      }
      const servers = (await call(tok, 'GET', `${tok.endpoints.compute}/servers`)) as { servers: unknown[] };
      const volumes = (await call(tok, 'GET', `${tok.endpoints.volumev3}/volumes`)) as { volumes: unknown[] };
      assert.deepEqual([servers.servers.length, volumes.volumes.length], [0, 0], 'nothing was made');
    });
  });
}
