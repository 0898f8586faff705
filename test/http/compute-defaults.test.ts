// The compute.hostnamePattern and compute.defaultArchitecture settings on
// both backends: rendered only where the cloud says nothing of its own (the
// embedded cloud's title-derived host names and image architectures, and
// Synnefo's SNF:fqdn, win; so does a host name the client set), and usable
// in filters like any attribute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attribute, COMPUTE_KIND, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';
import { startStandin, type Standin } from '../synnefo/standin/index.js';
import type { Config } from '../../src/config/config.js';

const PLAIN = { 'Content-Type': 'text/plain', Accept: 'text/plain' };

async function create(s: TestServer, lines: string[], token?: string): Promise<string> {
  const r = await s.request('POST', '/compute/', { headers: PLAIN, body: [`Category: ${COMPUTE_KIND}`, ...lines].join('\n'), ...(token ? { token } : {}) });
  assert.equal(r.status, 201, r.body);
  return pathOf(r.headers.location!);
}

describe('compute defaults on the embedded cloud', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer((c) => {
      c.compute = { hostnamePattern: 'vm-{id}.cloud.example.org', defaultArchitecture: 'x86' };
    });
  });
  after(() => s.close());

  it('renders the pattern for a compute with no host name, and keeps the ones the cloud or the client gave', async () => {
    const bare = await create(s, []);
    const id = bare.split('/').pop()!;
    const got = await s.request('GET', bare, { headers: { Accept: 'text/plain' } });
    assert.equal(attribute(got.body, 'occi.compute.hostname'), `"vm-${id}.cloud.example.org"`);
    assert.equal(attribute(got.body, 'occi.compute.architecture'), '"x64"', "the image's architecture wins over the default");
    const titled = await s.request('GET', await create(s, ['X-OCCI-Attribute: occi.core.title="Web Front"']), { headers: { Accept: 'text/plain' } });
    assert.equal(attribute(titled.body, 'occi.compute.hostname'), '"web-front"');
    const named = await s.request('GET', await create(s, ['X-OCCI-Attribute: occi.compute.hostname="db.example.org"']), { headers: { Accept: 'text/plain' } });
    assert.equal(attribute(named.body, 'occi.compute.hostname'), '"db.example.org"');
    const filtered = await s.request('GET', '/compute/', { headers: { Accept: 'text/plain', 'X-OCCI-Attribute': `occi.compute.hostname="vm-${id}.cloud.example.org"` } });
    assert.deepEqual(locations(filtered.body).map(pathOf), [bare]);
  });
});

describe('compute defaults on Synnefo (stand-in)', () => {
  let s: TestServer;
  let standin: Standin;
  let fqdn: Standin;
  let withFqdn: TestServer;
  const on = (st: Standin) => (c: Config) => {
    c.backend = 'openstack';
    c.openstack = { ...c.openstack, keystoneUrl: st.identityUrl, dialect: 'synnefo' };
    c.compute = { hostnamePattern: 'snf-{id}.okeanos.example.org', defaultArchitecture: 'x64' };
  };
  before(async () => {
    // CYCLADES_SERVERS_FQDN unset: Cyclades answers SNF:fqdn null.
    standin = await startStandin({ release: '0.18', fqdnPattern: null });
    fqdn = await startStandin({ release: '0.18' });
    s = await startServer(on(standin));
    withFqdn = await startServer(on(fqdn));
  });
  after(async () => {
    await Promise.all([s.close(), withFqdn.close()]);
    await Promise.all([standin.close(), fqdn.close()]);
  });

  const lines = ['Category: Debian_Base; scheme=;', 'Category: C1R1024D20drbd; scheme=;'];

  it('renders the pattern where Cyclades has no SNF:fqdn, and the architecture images do not state', async () => {
    const path = await create(s, lines, 'alice-snf-token');
    const got = await s.request('GET', path, { headers: { Accept: 'text/plain' }, token: 'alice-snf-token' });
    assert.equal(attribute(got.body, 'occi.compute.hostname'), `"snf-${path.split('/').pop()}.okeanos.example.org"`);
    assert.equal(attribute(got.body, 'occi.compute.architecture'), '"x64"');
  });

  it("keeps Synnefo's SNF:fqdn where it has one", async () => {
    const path = await create(withFqdn, lines, 'alice-snf-token');
    const got = await withFqdn.request('GET', path, { headers: { Accept: 'text/plain' }, token: 'alice-snf-token' });
    assert.equal(attribute(got.body, 'occi.compute.hostname'), `"snf-${path.split('/').pop()}.vm.example.org"`);
  });
});
