// The original snf-occi's documented curl walk-through, verbatim (with empty
// schemes, as our copy of the docs has them) and with the full schemes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attribute, eventually, INFRA, startServer, type TestServer } from '../helpers/server.js';

describe('the original curl requests', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  const auth = (): Record<string, string> => ({ 'Auth-Token': 'alice-token-0123456789abcdef0123456789' });

  test('GET /-/ with Auth-Token lists the model (R18)', async () => {
    const r = await s.request('GET', '/-/', { headers: auth(), token: null });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(r.body, /^Category: compute; scheme="http:\/\/schemas.ogf.org\/occi\/infrastructure#"; class="kind"/m);
    assert.match(r.body, /^Category: C2R2048D20; scheme="[^"]+"; class="mixin"/m);
    assert.match(r.body, /^Category: Debian; scheme="[^"]+"; class="mixin"/m);
  });

  for (const [label, kindScheme, tplScheme] of [
    ['empty schemes', 'scheme=;', 'scheme=;'],
    ['full schemes', `scheme="${INFRA}";`, `scheme="${INFRA}";`],
  ] as const) {
    test(`create, retrieve and delete a compute with ${label}`, async () => {
      const created = await s.request('POST', '/compute/', {
        token: null,
        headers: {
          Category: [`compute; ${kindScheme}  class="kind";`, `C2R2048D20; ${tplScheme} `, `Debian; ${tplScheme}`],
          'X-OCCI-Attribute': 'occi.core.title = newVM',
          'Auth-Token': 'alice-token-0123456789abcdef0123456789',
          'Content-type': 'text/occi',
        },
      });
      assert.equal(created.status, 201, created.body);
      const location = created.headers.location!;
      assert.match(location, /^http:\/\/127\.0\.0\.1:\d+\/compute\/[0-9a-f-]{36}$/);
      const id = location.split('/').pop()!;

      const got = await eventually(
        () => s.request('GET', `/compute/${id}`, { headers: auth(), token: null }),
        (r) => attribute(r.body, 'occi.compute.state') === '"active"',
      );
      assert.equal(got.status, 200);
      assert.equal(attribute(got.body, 'occi.core.title'), '"newVM"');
      assert.equal(attribute(got.body, 'occi.compute.cores'), '2');
      assert.equal(attribute(got.body, 'occi.compute.memory'), '2.0');
      assert.equal(attribute(got.body, 'occi.compute.state'), '"active"');
      assert.match(got.body, /^Category: C2R2048D20; /m);
      assert.match(got.body, /^Category: Debian; /m);

      const deleted = await s.request('DELETE', `/compute/${id}`, { headers: auth(), token: null });
      assert.equal(deleted.status, 200);
      const gone = await s.request('GET', `/compute/${id}`, { headers: auth(), token: null });
      assert.equal(gone.status, 404);
    });
  }
});
