// Token validation against a fake Keystone (v3 and v2.0/Astakos) on an
// ephemeral port: self-validation, the cache, rescoping, version discovery
// and the 401 challenge; and endpoint selection from the catalog.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalogFromV2, catalogFromV3, findEndpoint, requireEndpoint, withVersion } from '../../src/backends/openstack/clients/catalog.js';
import { JsonHttp } from '../../src/backends/openstack/clients/http.js';
import { Identity } from '../../src/backends/openstack/clients/keystone.js';
import type { IdentityVersion } from '../../src/backends/openstack/options.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, json, type FakeCloud } from './fake-cloud.js';
import { fixture } from './fixtures.js';
import { authenticate } from '../synnefo/standin/astakos.js';
import { World } from '../synnefo/standin/world.js';

/** Astakos of Synnefo 0.19 as the stand-in answers (snf-astakos-app/astakos/api/tokens.py). */
const astakos = new World({ release: '0.19' });
const ALICE = astakos.users[0]!;

const CATALOG = [{ type: 'compute', endpoints: [{ interface: 'public', region_id: 'R1', url: 'http://nova/v2.1' }] }];
const later = (): string => new Date(Date.now() + 3600_000).toISOString();

/** A Keystone that knows token t1 (project p1), t2 (unscoped; member of p1 only) and scopes t1/t2 to p1 or p2. */
function keystone(req: Parameters<Parameters<typeof fakeCloud>[0]>[0], res: Parameters<Parameters<typeof fakeCloud>[0]>[1]): void {
  const subject = req.headers['x-subject-token'];
  const caller = req.headers['x-auth-token'];
  if (req.method === 'GET' && req.path === '/') {
    return json(res, 300, { versions: { values: [{ id: 'v3.14', status: 'stable' }] } });
  }
  if (req.method === 'GET' && req.path === '/v3/auth/tokens') {
    if (caller !== subject) return json(res, 403, {});
    if (subject === 't1') return json(res, 200, { token: { expires_at: later(), project: { id: 'p1' }, user: { id: 'u1' }, catalog: CATALOG } });
    if (subject === 't2') return json(res, 200, { token: { expires_at: later(), user: { id: 'u2' }, catalog: [] } });
    return json(res, 404, { error: { code: 404, message: 'Could not recognize Fernet token' } });
  }
  if (req.method === 'GET' && req.path === '/v3/auth/projects') {
    return json(res, 200, { projects: [{ id: 'p1', enabled: true }] });
  }
  if (req.method === 'POST' && req.path === '/v3/auth/tokens') {
    const auth = (req.body as { auth: { identity: { token: { id: string } }; scope: { project: { id: string } } } }).auth;
    const project = auth.scope.project.id;
    if (!['t1', 't2'].includes(auth.identity.token.id) || !['p1', 'p2'].includes(project)) return json(res, 401, {});
    return json(res, 201, { token: { expires_at: later(), project: { id: project }, user: { id: 'u1' }, catalog: CATALOG } }, {
      'X-Subject-Token': `${auth.identity.token.id}-${project}`,
    });
  }
  if (req.method === 'POST' && req.path === '/identity/v2.0/tokens') {
    const auth = (req.body as { auth: { token: { id: string } } }).auth;
    if (auth.token.id !== 'snf') return json(res, 401, { unauthorized: { message: 'Invalid token' } });
    return json(res, 200, authenticate(astakos, 'https://snf.example.org', { auth: { token: { id: ALICE.token } } }));
  }
  json(res, 404, {});
}

describe('openstack: Keystone', () => {
  let ks: FakeCloud;
  const http = new JsonHttp({ timeoutMs: 2000, challenge: 'c' });
  const identity = (version: IdentityVersion, path = '', scopeToProject = true): Identity =>
    new Identity(http, { keystoneUrl: `${ks.url}${path}`, version, scopeToProject, cacheSize: 10 });
  before(async () => {
    ks = await fakeCloud(keystone);
  });
  after(() => ks.close());
  const calls = (method: string, path: string): number => ks.requests.filter((r) => r.method === method && r.path === path).length;

  it('validates a token with itself as subject, reads the catalog, and caches the session', async () => {
    const id = identity('v3', '/v3');
    const before = calls('GET', '/v3/auth/tokens');
    const s = await id.session('t1');
    assert.equal(s.token, 't1');
    assert.equal(s.projectId, 'p1');
    assert.equal(s.userId, 'u1');
    assert.ok(s.expiresAt > Date.now());
    assert.deepEqual(s.catalog, [{ type: 'compute', interface: 'public', region: 'R1', url: 'http://nova/v2.1' }]);
    await Promise.all([id.session('t1'), id.session('t1')]);
    assert.equal(calls('GET', '/v3/auth/tokens') - before, 1, 'validated once');
  });

  it('rejects an unknown token with 401 and the challenge naming Keystone (R149)', async () => {
    const id = identity('v3');
    assert.equal(id.challenge, `Keystone uri='${ks.url}'`);
    await assert.rejects(id.session('nope'), (e: unknown) => {
      assert.equal((e as { status: number }).status, 401);
      assert.equal((e as { headers: Record<string, string> }).headers['WWW-Authenticate'], `Keystone uri='${ks.url}'`);
      return true;
    });
  });

  it('rescopes to a requested project, and refuses a project the token cannot reach with 403', async () => {
    const id = identity('v3');
    const s = await id.session('t1', 'p2');
    assert.equal(s.token, 't1-p2');
    assert.equal(s.projectId, 'p2');
    assert.equal((await id.session('t1', 'p1')).token, 't1', 'already scoped there: no rescope');
    await rejectsWith(id.session('t1', 'p3'), 403, /not authorised for project 'p3'/);
  });

  it("scopes an unscoped token to the caller's only project", async () => {
    const s = await identity('v3').session('t2');
    assert.equal(s.token, 't2-p1');
    assert.equal(s.projectId, 'p1');
  });

  it('discovers v3 on the root when the version is auto', async () => {
    const s = await identity('auto').session('t1');
    assert.equal(s.projectId, 'p1');
    assert.ok(calls('GET', '/') >= 1);
  });

  it("speaks v2.0 to Synnefo's Astakos and normalises its catalog", async () => {
    const id = identity('auto', '/identity/v2.0', false);
    const s = await id.session('snf', 'some-project');
    assert.equal(s.projectId, ALICE.uuid);
    assert.equal(s.token, ALICE.token);
    assert.deepEqual(s.projects, ALICE.projects, 'Astakos 0.17+ lists the user’s projects');
    const sent = ks.requests.filter((r) => r.path === '/identity/v2.0/tokens').at(-1)!.body;
    assert.deepEqual(sent, { auth: { token: { id: 'snf' } } }, 'a Synnefo project is not a tenant');
    const where = { region: undefined, interface: 'public' as const };
    assert.equal(findEndpoint(s.catalog, 'compute', where), 'https://snf.example.org/cyclades/compute/v2.0');
    // 0.19 registers volume, network and image without their version; the versionId is appended.
    assert.equal(findEndpoint(s.catalog, 'blockStorage', where), 'https://snf.example.org/cyclades/volume/v2.0');
    assert.equal(findEndpoint(s.catalog, 'network', where), 'https://snf.example.org/cyclades/network/v2.0');
    assert.equal(findEndpoint(s.catalog, 'image', where), 'https://snf.example.org/cyclades/image/v1.0');
    await rejectsWith(id.session('bad'), 401);
  });
});

describe('openstack: catalog', () => {
  const v3 = catalogFromV3(fixture<{ token: { catalog: Parameters<typeof catalogFromV3>[0] } }>('token-v3.json').token.catalog);

  it('selects endpoints by type, interface and region', () => {
    const pub = { region: 'RegionOne', interface: 'public' as const };
    assert.equal(findEndpoint(v3, 'compute', pub), 'http://127.0.0.1:8774/v2.1');
    assert.match(findEndpoint(v3, 'blockStorage', pub)!, /^http:\/\/127\.0\.0\.1:8776\/v3\/[0-9a-f]{32}$/);
    assert.equal(findEndpoint(v3, 'image', { region: undefined, interface: 'internal' }), 'http://127.0.0.1:9292');
    assert.equal(findEndpoint(v3, 'compute', { region: 'Elsewhere', interface: 'public' }), undefined);
    assert.throws(() => requireEndpoint(v3, 'compute', { region: 'Elsewhere', interface: 'public' }), /no compute endpoint \(public interface, region Elsewhere\)/);
  });

  it('reads v2.0 endpoints per interface and adds missing API versions', () => {
    const v2 = catalogFromV2([{ type: 'network', endpoints: [{ region: 'R', publicURL: 'http://n', internalURL: 'http://n-int' }] }]);
    assert.deepEqual(v2.map((e) => `${e.interface} ${e.url}`), ['public http://n', 'internal http://n-int']);
    assert.equal(withVersion('http://127.0.0.1:9696', 'v2.0'), 'http://127.0.0.1:9696/v2.0');
    assert.equal(withVersion('https://x/cyclades/network/v2.0', 'v2.0'), 'https://x/cyclades/network/v2.0');
    assert.equal(withVersion('http://127.0.0.1:9292', 'v2'), 'http://127.0.0.1:9292/v2');
    const versioned = catalogFromV2([
      { type: 'volume', endpoints: [{ versionId: 'v2.0', publicURL: 'https://x/cyclades/volume' }] },
      { type: 'compute', endpoints: [{ versionId: 'v2.0', publicURL: 'https://x/cyclades/compute/v2.0/' }] },
      { type: 'image', endpoints: [{ versionId: 'v2', publicURL: 'https://x:9292/v2/' }] },
    ]);
    const pub = { region: undefined, interface: 'public' as const };
    assert.equal(findEndpoint(versioned, 'blockStorage', pub), 'https://x/cyclades/volume/v2.0', 'an unversioned endpoint gets its versionId');
    assert.equal(findEndpoint(versioned, 'compute', pub), 'https://x/cyclades/compute/v2.0', 'a versioned one is left alone');
    assert.equal(findEndpoint(versioned, 'image', pub), 'https://x:9292/v2');
  });
});
