// How the bridge validates a caller's token with Keystone: the rules that
// mutants of src/backends/openstack/clients/keystone.ts got past in the first
// Stryker run over clients/ (docs/testing.md). Version discovery, refusals and
// their words, rescoping, an unscoped token's single project, v2.0 (Astakos)
// answers, what is cached and forgotten. On a recording stand-in for the HTTP
// client; no Keystone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Identity } from '../../src/backends/openstack/clients/keystone.js';
import { metrics } from '../../src/metrics.js';
import { recordingHttp, refusal, type Answer, type Call } from './recording-http.js';

const inAnHour = (): string => new Date(Date.now() + 3_600_000).toISOString();
const v3 = { keystoneUrl: 'https://ks/v3', version: 'v3' as const, scopeToProject: true, cacheSize: 10 };
const v2 = { keystoneUrl: 'https://astakos/identity/v2.0', version: 'v2.0' as const, scopeToProject: true, cacheSize: 10 };
const token = (more: object = {}): Answer => ({ status: 200, body: { token: { expires_at: inAnHour(), project: { id: 'p1' }, user: { id: 'u1' }, ...more } } });

describe('openstack keystone rules: version discovery', () => {
  const discovering = (ids: (string | undefined)[]) =>
    recordingHttp((c: Call) =>
      c.url === 'https://ks'
        ? { status: 300, body: { versions: { values: ids.map((id) => (id === undefined ? {} : { id })) } } }
        : c.url.endsWith('/v2.0/tokens')
          ? { status: 200, body: { access: { token: { id: 'tok', expires: inAnHour(), tenant: { id: 't1' } }, user: { id: 'u1' } } } }
          : token(),
    );

  it('a Keystone offering only v2.0 is spoken to in v2.0; one offering v3 in v3', async () => {
    const only2 = discovering([undefined, 'v2.0']);
    assert.equal((await new Identity(only2.http, { ...v3, keystoneUrl: 'https://ks', version: 'auto' }).session('tok')).projectId, 't1');
    assert.deepEqual(only2.calls.map((c) => c.url), ['https://ks', 'https://ks/v2.0/tokens']);
    const both = discovering(['v2.0', 'v3.14']);
    await new Identity(both.http, { ...v3, keystoneUrl: 'https://ks', version: 'auto' }).session('tok');
    assert.deepEqual(both.calls.map((c) => c.url), ['https://ks', 'https://ks/v3/auth/tokens']);
  });

  it('a version is read from the URL only at its end: /v3-keystone or /v2.0-keystone is a root to discover', async () => {
    for (const root of ['https://cloud/v3-keystone', 'https://cloud/v2.0-keystone']) {
      const { http, calls } = recordingHttp((c: Call) => (c.url === root ? { status: 300, body: { versions: { values: [{ id: 'v3.14' }] } } } : token()));
      await new Identity(http, { ...v3, keystoneUrl: root, version: 'auto' }).session('tok');
      assert.deepEqual(calls.map((c) => c.url), [root, `${root}/v3/auth/tokens`], root);
    }
  });

  it('one offering neither is a 502 saying so', async () => {
    const e = await refusal(new Identity(discovering(['v5.0']).http, { ...v3, keystoneUrl: 'https://ks', version: 'auto' }).session('tok'));
    assert.equal(e.status, 502);
    assert.equal(e.message, 'keystone at https://ks offers neither identity v3 nor v2.0');
  });

  it("every request is made as keystone's, the name its errors and metrics carry", async () => {
    const { http, calls } = recordingHttp((c) =>
      c.url === 'https://ks'
        ? { status: 300, body: { versions: { values: [{ id: 'v3.14' }] } } }
        : c.url.endsWith('/v3/auth/projects')
          ? { status: 200, body: { projects: [{ id: 'p1' }] } }
          : c.method === 'POST'
            ? { ...token(), headers: { 'x-subject-token': 'scoped' } }
            : token({ project: undefined }),
    );
    await new Identity(http, { ...v3, keystoneUrl: 'https://ks', version: 'auto' }).session('tok');
    assert.deepEqual(calls.map((c) => `${c.service} ${c.method} ${c.url}`), [
      'keystone GET https://ks',
      'keystone GET https://ks/v3/auth/tokens',
      'keystone GET https://ks/v3/auth/projects',
      'keystone POST https://ks/v3/auth/tokens',
    ]);
  });
});

describe('openstack keystone rules: v3', () => {
  it('a token Keystone does not know is a 401 saying so', async () => {
    const e = await refusal(new Identity(recordingHttp(() => ({ status: 404 })).http, v3).session('tok'));
    assert.equal(e.status, 401);
    assert.equal(e.message, 'the token was not accepted by Keystone');
  });

  it('a rescope is a token method for the project; a 404 is a 401, an answer without a token a 502', async () => {
    const rescoping = (answer: Answer) =>
      recordingHttp((c) => (c.method === 'POST' ? answer : token({ project: { id: 'p1' } })));
    const ok = rescoping({ ...token({ project: { id: 'p2' } }), headers: { 'x-subject-token': 'scoped' } });
    assert.equal((await new Identity(ok.http, v3).session('tok', 'p2')).projectId, 'p2');
    assert.deepEqual((ok.calls[1]!.body as { auth: unknown }).auth, { identity: { methods: ['token'], token: { id: 'tok' } }, scope: { project: { id: 'p2' } } });
    const gone = await refusal(new Identity(rescoping({ status: 404 }).http, v3).session('tok', 'p2'));
    assert.deepEqual([gone.status, gone.message], [401, 'the token was not accepted by Keystone']);
    const bare = await refusal(new Identity(rescoping(token()).http, v3).session('tok', 'p2'));
    assert.deepEqual([bare.status, bare.message], [502, 'keystone answered a rescope without a token']);
    const noProject = await refusal(new Identity(rescoping({ ...token({ project: undefined }), headers: { 'x-subject-token': 's' } }).http, v3).session('tok', 'p2'));
    assert.deepEqual([noProject.status, noProject.message], [502, 'keystone returned a token without a project']);
  });

  it("an unscoped token is scoped to the user's one enabled project with an id", async () => {
    const { http, calls } = recordingHttp((c) =>
      c.url.endsWith('/v3/auth/projects')
        ? { status: 200, body: { projects: [{ id: 'p2', enabled: false }, {}, { id: 'p1' }] } }
        : c.method === 'POST'
          ? { ...token(), headers: { 'x-subject-token': 'scoped' } }
          : token({ project: undefined }),
    );
    assert.equal((await new Identity(http, v3).session('tok')).projectId, 'p1');
    assert.deepEqual((calls.at(-1)!.body as { auth: { scope: unknown } }).auth.scope, { project: { id: 'p1' } });
  });

  it('a token without a user has an empty user id; one without an expiry is still cached', async () => {
    const { http, calls } = recordingHttp(() => token({ user: undefined, expires_at: undefined }));
    const identity = new Identity(http, v3);
    assert.equal((await identity.session('tok')).userId, '');
    await identity.session('tok');
    assert.equal(calls.length, 1);
  });
});

describe('openstack keystone rules: v2.0 (Astakos)', () => {
  it('a refused token is a 401 naming the project asked for, if any', async () => {
    const refused = recordingHttp(() => ({ status: 401 })).http;
    assert.equal((await refusal(new Identity(refused, v2).session('tok'))).message, 'the token was not accepted by Keystone');
    const e = await refusal(new Identity(refused, v2).session('tok', 'p9'));
    assert.deepEqual([e.status, e.message], [401, "the token for project 'p9' was not accepted by Keystone"]);
  });

  it('an answer without a tenant or a user is a 502; the user’s projects are the strings listed', async () => {
    const none = recordingHttp(() => ({ status: 200, body: { access: { token: { id: 'tok', expires: inAnHour() } } } })).http;
    assert.equal((await refusal(new Identity(none, v2).session('tok'))).message, 'keystone v2.0 answered without a tenant or user id');
    const listed = recordingHttp(() => ({ status: 200, body: { access: { token: { id: 'tok', expires: inAnHour() }, user: { id: 'u1', projects: ['p1', 5, null, 'p2'] } } } }));
    assert.deepEqual((await new Identity(listed.http, v2).session('tok')).projects, ['p1', 'p2']);
    assert.deepEqual(listed.calls.map((c) => `${c.service} ${c.method} ${c.url}`), ['keystone POST https://astakos/identity/v2.0/tokens']);
  });
});

describe('openstack keystone rules: the session cache', () => {
  it("forgetting one token keeps the others' sessions; close() forgets all", async () => {
    const { http, calls } = recordingHttp(() => token());
    const identity = new Identity(http, v3);
    await identity.session('tok-a');
    await identity.session('tok-b');
    identity.forget('tok-a');
    await identity.session('tok-b');
    assert.equal(calls.length, 2, 'tok-b still cached');
    identity.close();
    await identity.session('tok-b');
    assert.equal(calls.length, 3, 'validated again after close()');
  });

  it('lookups are counted in /metrics as the identity cache', async () => {
    await metrics.enable();
    const read = async (): Promise<number> => Number(/^snf_occi_cache_misses_total\{cache="identity"\} (\d+)/m.exec((await metrics.render()).body)?.[1] ?? 0);
    const before = await read();
    await new Identity(recordingHttp(() => token()).http, v3).session('tok-m');
    assert.equal(await read(), before + 1);
  });
});
