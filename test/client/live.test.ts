// The client library against a live snf-occi on the embedded cloud: every
// operation, in JSON and in text/plain (and the text/occi headers rendering).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthError, ConflictError, EntityFailedError, LookupError, NotFoundError, OcciClient, stateOf, type Entity } from '../../src/client/index.js';
import { ALICE, startServer, type TestServer } from '../helpers/server.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

for (const rendering of ['json', 'text', 'occi'] as const) {
  describe(`client library on the embedded cloud (${rendering})`, () => {
    let server: TestServer;
    let client: OcciClient;
    before(async () => {
      server = await startServer((c) => {
        c.local.failingImages = ['CentOS'];
      });
      client = new OcciClient({ endpoint: server.url, auth: { token: ALICE }, rendering });
    });
    after(() => server.close());

    test('discovery: kinds, actions, templates and attribute definitions', async () => {
      const d = await client.discover();
      assert.equal(d.rendering, rendering);
      assert.equal(d.kind('compute').location, `${server.url}/compute/`);
      assert.deepEqual(d.family(`${INFRA}os_tpl`).map((m) => m.term).sort(), ['CentOS', 'Debian', 'Ubuntu']);
      assert.equal(d.resourceTemplate('C2R2048D20').term, 'C2R2048D20');
      assert.equal(d.attributeName('title', `${INFRA}compute`), 'occi.core.title');
      assert.equal(d.attributeName('cores', `${INFRA}compute`), 'occi.compute.cores');
      assert.equal(d.attributeName('state', `${INFRA}compute`), 'occi.compute.state');
      const size = d.attributes(`${INFRA}storage`).find((a) => a.name === 'occi.storage.size');
      assert.equal(size?.required, true);
      assert.equal(d.attributes(`${INFRA}compute`).find((a) => a.name === 'occi.compute.state')?.mutable, false);
      assert.equal(d.action('stop', `${INFRA}compute`).id, 'http://schemas.ogf.org/occi/infrastructure/compute/action#stop');
      assert.throws(() => d.osTemplate('Debain'), (e: unknown) => e instanceof LookupError && /did you mean Debian/.test(e.message));
    });

    test('a compute: create from templates, wait, get, list, filter, update, actions, delete', async () => {
      const d = await client.discover();
      const made = await client.create({
        kind: 'compute',
        mixins: [d.osTemplate('Debian').id, d.resourceTemplate('C2R2048D20').id],
        attributes: { 'occi.core.title': `web-${rendering}`, 'occi.core.summary': 'front, "quoted"; odd' },
      });
      assert.match(made.location, new RegExp(`^${server.url}/compute/`));
      assert.equal(made.title, `web-${rendering}`);
      assert.equal(made.summary, 'front, "quoted"; odd');
      const states: string[] = [];
      const active = await client.waitFor(made.location, { state: 'active', intervalMs: 20, timeoutMs: 10_000, onProgress: (p) => p.state && states.push(p.state) });
      assert.equal(stateOf(active).state, 'active');
      assert.ok(states.length >= 1);
      assert.equal(active.attributes['occi.compute.cores'], 2);
      assert.ok(active.actions.some((a) => a.endsWith('#stop')), 'stop is offered on an active compute');
      assert.ok(!active.actions.some((a) => a.endsWith('#start')), 'start is not offered on an active compute');

      const all = await client.listAll('compute');
      assert.ok(all.some((e) => e.location === made.location));
      const filtered = await client.listAll('compute', { attributes: { 'occi.core.title': `web-${rendering}` } });
      assert.deepEqual(filtered.map((e) => e.location), [made.location]);
      assert.deepEqual(await client.listAll('compute', { attributes: { 'occi.core.title': 'nobody' } }), []);

      const renamed = await client.update(made.location, { attributes: { 'occi.core.title': 'renamed' } });
      assert.equal(renamed.title, 'renamed');

      await client.trigger(made.location, 'stop', { method: 'graceful' });
      const stopped = await client.waitFor(made.location, { state: 'inactive', intervalMs: 20, timeoutMs: 10_000 });
      assert.equal(stateOf(stopped).state, 'inactive');
      await assert.rejects(client.trigger(stopped, 'suspend'), (e: unknown) => e instanceof ConflictError && e.status === 409);
      await assert.rejects(client.trigger(stopped, 'fly'), (e: unknown) => e instanceof LookupError && /choices: start/.test(e.message));
      await client.trigger(made.location, 'start');
      await client.waitFor(made.location, { intervalMs: 20, timeoutMs: 10_000 });

      await client.delete(made.location);
      await client.waitGone(made.location, { intervalMs: 20, timeoutMs: 10_000 });
      await assert.rejects(client.get(made.location), (e: unknown) => e instanceof NotFoundError && e.status === 404);
    });

    test('storage and links: create a volume, attach it, network interface, detach, paging', async () => {
      const vm = await client.create({ kind: 'compute', attributes: { 'occi.core.title': 'linked' }, links: [{ kind: `${INFRA}networkinterface`, target: '/network/public', targetKind: `${INFRA}network` }] });
      const ready = await client.waitFor(vm.location, { intervalMs: 20, timeoutMs: 10_000 });
      assert.equal(ready.links.length, 1);
      assert.equal(ready.links[0]?.target, `${server.url}/network/public`);
      assert.equal(ready.links[0]?.kind, `${INFRA}networkinterface`);
      assert.match(String(ready.links[0]?.attributes['occi.networkinterface.address']), /^203\.0\.113\./);
      const vol = await client.create({ kind: 'storage', attributes: { 'occi.core.title': 'data', 'occi.storage.size': 2 } });
      assert.equal(vol.attributes['occi.storage.size'], 2);
      const link = await client.link(vm.location, vol.location, { attributes: { 'occi.storagelink.deviceid': '/dev/vdc' } });
      assert.equal(link.kind, `${INFRA}storagelink`);
      assert.equal(link.source, vm.location);
      assert.equal(link.target, vol.location);
      assert.match(link.location, new RegExp(`^${server.url}/storagelink/`));
      const withLink = await client.get(vm.location);
      assert.ok(withLink.links.some((l) => l.location === link.location));
      await client.unlink(link.location);
      assert.ok(!(await client.get(vm.location)).links.some((l) => l.location === link.location));

      const net = await client.create({ kind: 'network', mixins: [`${INFRA.replace('#', '/network#')}ipnetwork`], attributes: { 'occi.core.title': 'lan', 'occi.network.address': '10.9.0.0/24' } });
      assert.equal(net.attributes['occi.network.address'], '10.9.0.0/24');

      for (let i = 0; i < 3; i++) await client.create({ kind: 'storage', attributes: { 'occi.storage.size': 1, 'occi.core.title': `paged-${i}` } });
      const paged = await client.listAll('storage', { number: 2 });
      assert.equal(paged.length, 4, 'every volume, read two at a time');
      const first = await client.list('storage', { page: 1, number: 2 });
      assert.equal(first.entities.length + first.locations.length, 2);
      for (const e of [vm, vol, net]) await client.delete(e.location);
    });

    test('user mixins: define, tag, list the mixin collection, untag, delete', async () => {
      const tag = await client.defineMixin({ term: `prod${rendering}`, title: 'Production' });
      assert.equal(tag.title, 'Production');
      const vol = await client.create({ kind: 'storage', attributes: { 'occi.storage.size': 1 } });
      await client.tag(tag.term, [vol.location]);
      assert.ok((await client.get(vol.location)).mixins.includes(tag.id));
      assert.deepEqual((await client.listAll(tag.term)).map((e: Entity) => e.location), [vol.location]);
      await client.untag(tag.term, [vol.location]);
      assert.ok(!(await client.get(vol.location)).mixins.includes(tag.id));
      await client.deleteMixin(tag.id);
      await assert.rejects(async () => (await client.discover()).mixin(tag.id), LookupError);
      await client.delete(vol.location);
    });

    test('a compute whose boot fails ends the wait with EntityFailedError; save makes an OS template', async () => {
      const d = await client.discover();
      const bad = await client.create({ kind: 'compute', mixins: [d.osTemplate('CentOS').id] });
      await assert.rejects(client.waitFor(bad.location, { intervalMs: 20, timeoutMs: 10_000 }), (e: unknown) => e instanceof EntityFailedError && e.state === 'error' && /boot failed/.test(e.message));
      await client.delete(bad.location);
      const good = await client.create({ kind: 'compute' });
      await client.waitFor(good.location, { intervalMs: 20, timeoutMs: 10_000 });
      const saved = await client.trigger(good.location, 'save', { name: `snap${rendering}` });
      assert.equal(saved.mixin?.term, `snap${rendering}`);
      assert.equal((await client.discover()).osTemplate(`snap${rendering}`).term, `snap${rendering}`);
      await client.delete(good.location);
    });

    test('full update (PUT) and HTTP basic authentication', async () => {
      const vol = await client.create({ kind: 'storage', attributes: { 'occi.storage.size': 1, 'occi.core.title': 'before', 'occi.core.summary': 'goes away' } });
      await client.waitFor(vol.location, { state: 'online', intervalMs: 20, timeoutMs: 10_000 });
      const replaced = await client.replace(vol.location, { kind: `${INFRA}storage`, attributes: { 'occi.storage.size': 3, 'occi.core.title': 'after' } });
      assert.equal(replaced.title, 'after');
      assert.equal(replaced.summary, undefined, 'what a PUT leaves out is removed');
      assert.equal(replaced.attributes['occi.storage.size'], 3);
      const basic = new OcciClient({ endpoint: server.url, auth: { basic: { username: 'alice', password: ALICE } }, rendering });
      assert.equal((await basic.get(vol.location)).title, 'after');
      await client.delete(vol.location);
    });

    test('errors are typed and carry the server message', async () => {
      const anonymous = new OcciClient({ endpoint: server.url, rendering });
      await assert.rejects(anonymous.discover(), (e: unknown) => e instanceof AuthError && e.status === 401 && /token/.test(e.serverMessage));
      await assert.rejects(client.create({ kind: 'storage' }), (e: unknown) => e instanceof Error && 'status' in e && e.status === 400 && /occi\.storage\.size/.test(e.message));
    });
  });
}
