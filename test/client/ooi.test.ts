// The client library against an OCCI 1.1 text-only server in ooi's manner
// (recorded exchanges in fixtures/ooi): 200 creates with X-OCCI-Location,
// absolute locations under a /occi1.1/ path prefix, bare-UUID ids, links
// without categories, 204 actions and deletes; and the Keystone handshake.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Endpoint, MemoryTokenCache, OcciClient, stateOf } from '../../src/client/index.js';
import { startOoiFake, type OoiFake } from './ooi-fake.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const keystone = { username: 'demo', password: 'secret', projectName: 'demo' };

describe('client library against ooi-style OCCI 1.1 answers', () => {
  let fake: OoiFake;
  let client: OcciClient;
  const cache = new MemoryTokenCache();
  before(async () => {
    fake = await startOoiFake();
    // The endpoint without its trailing slash: the prefix must still hold.
    client = new OcciClient({ endpoint: fake.endpoint.replace(/\/$/, ''), auth: { keystone }, tokenCache: cache });
  });
  after(() => fake.close());

  test('a path prefix is kept for root-relative locations', () => {
    const e = new Endpoint(fake.endpoint.replace(/\/$/, ''));
    assert.equal(e.queryInterface, `${fake.origin}/occi1.1/-/`);
    assert.equal(e.resolve('/compute/1'), `${fake.origin}/occi1.1/compute/1`);
    assert.equal(e.resolve('/occi1.1/compute/1'), `${fake.origin}/occi1.1/compute/1`);
    assert.equal(e.resolve('compute/1'), `${fake.origin}/occi1.1/compute/1`);
  });

  test('discovery through the Keystone handshake: text/plain, absolute locations, templates by title', async () => {
    const d = await client.discover();
    assert.equal(fake.tokensIssued, 1, 'one token from Keystone after the 401');
    assert.equal(d.rendering, 'text', 'a text-only server is spoken to in text/plain');
    assert.equal(d.kind('compute').location, `${fake.origin}/occi1.1/compute/`);
    assert.equal(d.kind('networkinterface').location, `${fake.origin}/occi1.1/networklink/`);
    assert.equal(d.osTemplate('cirros-0.6.2-x86_64').term, '6f1c8e2a-0d3b-4c55-9a71-3e2b1d9f4a10');
    assert.equal(d.resourceTemplate('m1.nano').term, '42', '"Flavor: m1.nano" matches by a word of its title');
    assert.equal(d.attributes(`${INFRA}storage`).find((a) => a.name === 'occi.storage.size')?.required, true);
  });

  test('create answered 200 + X-OCCI-Location, wait, list, link (a bare URL answer), unlink, actions (204), delete (204)', async () => {
    const d = await client.discover();
    const vm = await client.create({ kind: 'compute', mixins: [d.osTemplate('cirros-0.6.2-x86_64').id, d.resourceTemplate('m1.nano').id], attributes: { 'occi.core.title': 'vm1' } });
    assert.match(vm.location, new RegExp(`^${fake.origin}/occi1\\.1/compute/[0-9a-f-]{36}$`));
    assert.match(vm.id, /^[0-9a-f-]{36}$/, 'a bare UUID id');
    const posted = fake.posts.find((p) => p.path === '/occi1.1/compute/');
    assert.match(posted?.contentType ?? '', /^text\/plain/);
    assert.match(posted?.body ?? '', /Category: 6f1c8e2a-0d3b-4c55-9a71-3e2b1d9f4a10; scheme="http:\/\/schemas\.openstack\.org\/template\/os#"; class="mixin"/);
    const active = await client.waitFor(vm.location, { intervalMs: 10, timeoutMs: 5000 });
    assert.equal(stateOf(active).state, 'active');
    assert.deepEqual(active.actions.map((a) => a.slice(a.indexOf('#') + 1)), ['stop', 'restart', 'suspend']);

    const listed = await client.listAll('compute');
    assert.deepEqual(listed.map((e) => e.title), ['vm1'], 'a text listing is read member by member');
    assert.deepEqual(await client.listAll('storage'), [], 'an empty collection may be a 204');

    const vol = await client.create({ kind: 'storage', attributes: { 'occi.core.title': 'vol1', 'occi.storage.size': 1 } });
    assert.equal(vol.attributes['occi.storage.size'], 1);
    const link = await client.link(vm.location, vol.location);
    assert.equal(link.location, `${fake.origin}/occi1.1/storagelink/${vm.id}_${vol.id}`);
    assert.equal(link.target, vol.location);
    assert.equal(link.source, vm.location);
    const withLink = await client.get(vm.location);
    assert.equal(withLink.links.length, 1);
    assert.equal(withLink.links[0]?.kind, `${INFRA}storagelink`, 'a link without category gets its kind from the target');
    assert.equal(withLink.links[0]?.target, vol.location);
    assert.equal(withLink.links[0]?.attributes['occi.storagelink.deviceid'], '/dev/vdb');
    await client.unlink(link.location);
    assert.equal((await client.get(vm.location)).links.length, 0);

    const stopped = await client.trigger(vm.location, 'stop', { method: 'graceful' });
    assert.deepEqual(stopped, {}, 'a 204 action answer carries nothing');
    assert.match(fake.posts.at(-1)?.body ?? '', /Category: stop; scheme="http:\/\/schemas\.ogf\.org\/occi\/infrastructure\/compute\/action#"; class="action"\nX-OCCI-Attribute: method="graceful"/);

    await client.delete(vm.location);
    await client.delete(vol.location);
    await client.waitGone(vm.location, { intervalMs: 10, timeoutMs: 5000 });
    assert.equal(fake.tokensIssued, 1, 'the token was cached for every later request');
  });

  test('a second client with the same token cache asks Keystone nothing and meets no 401', async () => {
    const before401 = fake.unauthorized;
    const other = new OcciClient({ endpoint: fake.endpoint, auth: { keystone: { ...keystone, authUrl: `${fake.origin}/identity/v3` } }, tokenCache: cache });
    await other.discover();
    assert.equal(fake.tokensIssued, 1);
    assert.equal(fake.unauthorized, before401);
  });

  test('wrong Keystone credentials are an AuthError naming what to check', async () => {
    const wrong = new OcciClient({ endpoint: fake.endpoint, auth: { keystone: { ...keystone, password: 'nope' } } });
    await assert.rejects(wrong.discover(), (e: unknown) => e instanceof Error && 'status' in e && e.status === 401 && /Keystone refused the credentials/.test(e.message));
  });
});
