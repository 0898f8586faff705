// The console's password sign-in against Keystone v3 and v2.0 as the fake
// world answers it (the token, its expiry, a refusal in words with the
// challenge, a sign-in answered without a token), and Glance's single-image
// read (found, unknown, malformed id).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Glance } from '../../src/backends/openstack/clients/glance.js';
import { JsonHttp } from '../../src/backends/openstack/clients/http.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { Backend, PasswordLogin } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, type FakeCloud } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, type World } from './fake-world.js';

describe('openstack: password sign-in and single images on the fake world', () => {
  let cloud: FakeCloud;
  let world: World;
  const signIns = () => cloud.requests.filter((r) => r.method === 'POST' && /tokens$/.test(r.path));
  const backendAt = (identityPath: '/v3' | '/v2.0'): Backend => openOpenStackBackend({ keystoneUrl: `${cloud.url}${identityPath}`, timeoutMs: 5000 });
  const DEMO: PasswordLogin = { username: 'demo', password: 'secret', project: 'p1' };

  before(async () => {
    world = freshWorld();
    cloud = await fakeCloud(fakeOpenStack(() => cloud.url, () => world));
  });
  beforeEach(() => {
    world = freshWorld();
    cloud.requests.length = 0;
  });
  after(() => cloud.close());

  for (const version of ['/v3', '/v2.0'] as const) {
    describe(`Keystone ${version}`, () => {
      test('a right password gives the token Keystone issued, expiring when Keystone says', async () => {
        const issued = await backendAt(version).issueToken!(DEMO);
        assert.deepEqual(issued, { token: 'tok', expiresAt: Date.parse('2030-01-01T00:00:00Z') });
        assert.equal(signIns().length, 1, 'the password goes to Keystone once');
      });

      test('a token without a readable expiry is offered for an hour', async () => {
        world.signIn.expires = undefined;
        const before = Date.now();
        const { expiresAt } = await backendAt(version).issueToken!(DEMO);
        assert.ok(expiresAt >= before + 3_600_000 && expiresAt <= Date.now() + 3_600_000, `expected about an hour from now, got ${new Date(expiresAt).toISOString()}`);
      });

      test('a wrong password is a 401 that names what to check, carries the challenge and never echoes the password', async () => {
        const backend = backendAt(version);
        const refusal = backend.issueToken!({ ...DEMO, password: 'wrong-secret' });
        await rejectsWith(refusal, 401, /user name, password or project; check them/);
        await refusal.catch((e: { message: string; headers: Record<string, string> }) => {
          assert.doesNotMatch(e.message, /wrong-secret/);
          assert.match(e.headers['WWW-Authenticate'] ?? '', /^Keystone uri='http:\/\/127\.0\.0\.1:\d+\/v(3|2\.0)'$/);
        });
      });

      test('a project the user is not in is refused like a wrong password', async () => {
        await rejectsWith(backendAt(version).issueToken!({ ...DEMO, project: 'elsewhere' }), 401, /project/);
      });

      test('a sign-in Keystone accepts without giving a token is a 502, not a session without one', async () => {
        world.signIn.answersWithoutToken = true;
        await rejectsWith(backendAt(version).issueToken!(DEMO), 502, /without a token/);
      });
    });
  }

  test('v3: the user and project are named in the login domain, Default when none is given', async () => {
    await backendAt('/v3').issueToken!(DEMO);
    world.signIn.domain = 'Users';
    await rejectsWith(backendAt('/v3').issueToken!(DEMO), 401);
    await backendAt('/v3').issueToken!({ ...DEMO, domain: 'Users' });
    const sent = signIns().map((r) => (r.body as { auth: { identity: { password: { user: { domain: unknown } } }; scope?: { project: { domain: unknown } } } }).auth);
    assert.deepEqual(
      sent.map((a) => [a.identity.password.user.domain, a.scope?.project.domain]),
      [[{ name: 'Default' }, { name: 'Default' }], [{ name: 'Default' }, { name: 'Default' }], [{ name: 'Users' }, { name: 'Users' }]],
    );
  });

  test('an unscoped sign-in (no project) asks Keystone for no scope, in v3 as in v2.0', async () => {
    const { project: _none, ...unscoped } = DEMO;
    await backendAt('/v3').issueToken!(unscoped);
    await backendAt('/v2.0').issueToken!(unscoped);
    const [v3, v2] = signIns().map((r) => (r.body as { auth: Record<string, unknown> }).auth);
    assert.equal(v3!.scope, undefined);
    assert.equal(v2!.tenantName, undefined);
    assert.deepEqual(v2!.passwordCredentials, { username: 'demo', password: 'secret' });
  });

  describe('Glance: one image', () => {
    const glance = (): Glance => new Glance(new JsonHttp({ timeoutMs: 5000, challenge: 'c' }), `${cloud.url}/image/v2`, 'tok');

    test('a known image is read as Glance answers it, unwrapped', async () => {
      const wanted = world.images[2]!;
      assert.deepEqual(await glance().getImage(String(wanted.id)), wanted);
      assert.deepEqual(cloud.requests.map((r) => r.path), [`/image/v2/images/${String(wanted.id)}`]);
    });

    test('an unknown image (404) and an id Glance cannot read (400) are both absent, not errors', async () => {
      assert.equal(await glance().getImage('00000000-0000-4000-8000-00000000dead'), undefined);
      assert.equal(await glance().getImage('not an id/..'), undefined);
      assert.equal(cloud.requests.at(-1)!.path, '/image/v2/images/not%20an%20id%2F..', 'the id is sent as one path segment');
    });
  });
});
