// Tenants on the OpenStack backend, against a fake OpenStack with two
// projects: the cloud's own quota errors (Nova 403, Neutron 409 OverQuota,
// Cinder 413 overLimit) reach the OCCI client as 403s naming the quota; and
// no cache or store lets one project see or use another's user mixins,
// whatever X-Project-Id a client sends. Needs no real cloud.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { COMPUTE_KIND, INFRA } from '../helpers/server.js';
import { occiOnFakeCloud } from './fake-backend.js';
import { json, type Recorded } from './fake-cloud.js';
import { fixture } from './fixtures.js';

const TOKENS: Record<string, string> = { 'tok-a-0123456789abcdef0123456789': 'pa', 'tok-b-0123456789abcdef0123456789': 'pb' };
const [TA, TB] = Object.keys(TOKENS) as [string, string];
const PLAIN = { 'Content-Type': 'text/plain' };

const NOVA_QUOTA = { forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' } };
const NEUTRON_QUOTA = { NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['network'].", detail: '' } };
const CINDER_QUOTA = { overLimit: { code: 413, message: "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.", retryAfter: '0' } };

function openstack(url: () => string) {
  return (req: Recorded, res: ServerResponse): void => {
    const path = req.path.split('?')[0]!;
    const catalog = (project: string) => [
      { type: 'compute', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/compute/v2.1` }] },
      { type: 'image', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/image` }] },
      { type: 'network', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/network` }] },
      { type: 'block-storage', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/volume/v3/${project}` }] },
    ];
    const token = (project: string) => ({ token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: project }, user: { id: `u-${project}` }, catalog: catalog(project) } });
    if (path === '/v3/auth/tokens' && req.method === 'GET') {
      const project = TOKENS[String(req.headers['x-subject-token'])];
      return project ? json(res, 200, token(project)) : json(res, 404, { error: { message: 'token not found' } });
    }
    if (path === '/v3/auth/tokens' && req.method === 'POST') {
      const auth = (req.body as { auth: { identity: { token: { id: string } }; scope: { project: { id: string } } } }).auth;
      const own = TOKENS[auth.identity.token.id];
      if (own !== auth.scope.project.id) return json(res, 401, { error: { message: 'not authorized for that project' } });
      return json(res, 201, token(own), { 'X-Subject-Token': auth.identity.token.id });
    }
    if (path === '/compute/v2.1/') return json(res, 200, { version: { version: '2.93', min_version: '2.1' } });
    if (path === '/compute/v2.1/flavors/detail') return json(res, 200, fixture('flavors.json'));
    if (path === '/image/v2/images') return json(res, 200, fixture('images.json'));
    if (path === '/compute/v2.1/servers' && req.method === 'POST') return json(res, 403, NOVA_QUOTA);
    if (path === '/network/v2.0/networks' && req.method === 'POST') return json(res, 409, NEUTRON_QUOTA);
    if (/^\/volume\/v3\/p[ab]\/volumes$/.test(path) && req.method === 'POST') return json(res, 413, CINDER_QUOTA);
    if (/^\/volume\/v3\/p[ab]\/types$/.test(path)) return json(res, 200, { volume_types: [{ id: 't1', name: 'lvm' }] });
    json(res, 404, { itemNotFound: { message: `no ${req.method} ${path}` } });
  };
}

describe('openstack tenants on a fake cloud', () => {
  const f = occiOnFakeCloud(openstack, 2000);

  test("the cloud's quota errors name the quota, for computes, networks and storage: 403, or 413 where the cloud said 413 (Cinder)", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/compute/', `Category: ${COMPUTE_KIND}\nCategory: tiny; scheme=""\nCategory: m1.nano; scheme=""\n`, /over the cloud's quota for instances: Quota exceeded for instances: Requested 1, but already used 10 of 10 instances/],
      ['/network/', `Category: network; scheme="${INFRA}"; class="kind"\n`, /over the cloud's quota for network: Quota exceeded for resources: \['network'\]/],
      ['/storage/', `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n`, /over the cloud's quota for volumes: VolumeLimitExceeded/],
    ];
    for (const [path, body, message] of cases) {
      const r = await f.server.request('POST', path, { token: TA, headers: PLAIN, body });
      assert.equal(r.status, path === '/storage/' ? 413 : 403, `${path}: ${r.body}`);
      assert.match(r.body, message);
      assert.match(r.body, /ask the cloud's administrators to raise the project's quota/);
    }
  });

  test("a project never sees nor uses another project's user mixin, whatever X-Project-Id says", async () => {
    const def = 'Category: secret-a; scheme="http://example.com/a#"; class="mixin"; location="/secret-a/"\n';
    assert.equal((await f.server.request('POST', '/-/', { token: TA, headers: PLAIN, body: def })).status, 200);
    assert.match((await f.server.request('GET', '/-/', { token: TA })).body, /secret-a/);
    // Warm every cache for project a under many headers, then ask as project b.
    for (let i = 0; i < 20; i++) {
      await f.server.request('GET', '/-/', { token: TA, headers: { 'X-Project-Id': 'pa', Host: `h${i}.example.org` } });
      assert.equal((await f.server.request('GET', '/-/', { token: TA, headers: { 'X-Project-Id': `other-${i}` } })).status, 403, 'a project the token may not use');
    }
    const variants: Array<Record<string, string>> = [{}, { 'X-Project-Id': 'pb' }, { Host: 'h1.example.org' }];
    for (const headers of variants) {
      const seen = await f.server.request('GET', '/-/', { token: TB, headers });
      assert.equal(seen.status, 200, seen.body);
      assert.doesNotMatch(seen.body, /secret-a/, `project b sees a's mixin with ${JSON.stringify(headers)}`);
    }
    const borrowed = await f.server.request('GET', '/-/', { token: TB, headers: { 'X-Project-Id': 'pa' } });
    assert.equal(borrowed.status, 403, 'b cannot pass for project a');
    assert.doesNotMatch(borrowed.body, /secret-a/);
    const use = await f.server.request('POST', '/compute/', { token: TB, headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nCategory: secret-a; scheme="http://example.com/a#"; class="mixin"\n` });
    assert.equal(use.status, 400, use.body);
    assert.match(use.body, /unknown category/);
    assert.equal((await f.server.request('GET', '/secret-a/', { token: TB })).status, 404);
    const metrics = (await f.server.request('GET', '/metrics', { token: null })).body;
    assert.match(metrics, /snf_occi_cache_entries\{cache="catalog"\} 2\n/, 'one catalogue per project, not per header');
  });
});
