// A token the cloud's services stop taking (revoked, or expired early) must not
// stay trusted: a 401 from any service drops the session the bridge cached for
// it, so the next request asks Keystone again rather than using the remembered
// session until its cache time runs out (backend.ts, run()). On the fake world,
// whose Nova the test makes answer 401 once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { Backend } from '../../src/port/backend.js';
import { fakeCloud, type FakeCloud } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, SERVER_ID } from './fake-world.js';

describe('openstack: a 401 from a service', () => {
  let cloud: FakeCloud;
  let backend: Backend;
  let novaRefuses = false;
  const validations = (): number => cloud.requests.filter((r) => r.method === 'GET' && r.path === '/v3/auth/tokens').length;

  before(async () => {
    const world = freshWorld();
    const openstack = fakeOpenStack(() => cloud.url, () => world);
    cloud = await fakeCloud((req, res) => {
      if (novaRefuses && req.path.startsWith('/compute/v2.1/servers')) {
        novaRefuses = false;
        res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Keystone uri="x"' });
        res.end(JSON.stringify({ error: { code: 401, message: 'The request you have made requires authentication.' } }));
        return;
      }
      openstack(req, res);
    });
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 5000 });
  });
  after(async () => {
    await backend.close?.();
    await cloud.close();
  });

  test('drops the cached session: the next request has the token validated again', async () => {
    const c = await backend.authenticate({ token: 'tok' });
    await backend.get(c, 'compute', SERVER_ID);
    await backend.get(c, 'compute', SERVER_ID);
    const before = validations();
    assert.ok(before >= 1, 'the token was validated once');
    novaRefuses = true;
    await assert.rejects(backend.get(c, 'compute', SERVER_ID), (e: Error & { status?: number }) => e.status === 401);
    assert.equal(validations(), before, 'the refused request itself used the cached session');
    await backend.get(c, 'compute', SERVER_ID);
    assert.equal(validations(), before + 1, 'the request after the 401 asked Keystone again');
  });
});
