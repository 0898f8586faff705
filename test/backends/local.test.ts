// The embedded cloud: the backend contract on an in-memory cloud with a fake
// clock, then what only the embedded cloud does (tokens, persistence, flavors,
// save, the public network, addresses, rollback, timing).
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Attributes, Credentials, LinkSpec, ResourceRecord } from '../../src/port/backend.js';
import type { Mixin } from '../../src/model/category.js';
import { initialToken, openLocalCloud } from '../../src/backends/local/index.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { isOsTemplate } from '../../src/model/templates.js';
import { backendContract, linkFrom, rejectsWith, stateOf } from './contract.js';
import { change, computeAction, harness, nic, spec, storageAction, tempDir, template, TOKENS } from './local-harness.js';

backendContract('local (in memory, fake clock)', async () => {
  const h = await harness();
  return { backend: h.cloud, alice: h.alice, bob: h.bob, settle: async () => h.advance(60_000) };
});

describe('local cloud: tokens', () => {
  it('writes a demo token to <dataDir>/token with mode 0600 on a fresh data dir', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const cloud = openLocalCloud({ dataDir: dir });
    try {
      const token = initialToken(dir);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
      assert.equal(statSync(join(dir, 'token')).mode & 0o777, 0o600);
      assert.equal((await cloud.authenticate({ token })).tenant, 'demo');
      assert.ok(statSync(join(dir, 'cloud.sqlite')).isFile());
    } finally {
      await cloud.close();
    }
    // Configured tokens are then the only valid ones: the demo token is revoked and its file removed.
    const again = openLocalCloud({ dataDir: dir, tokens: TOKENS });
    try {
      assert.equal((await again.authenticate({ token: 'bob-secret-0123456789abcdef0123456789' })).tenant, 'bob');
      assert.ok(!existsSync(join(dir, 'token')), 'the demo token file is removed');
    } finally {
      await again.close();
    }
  });

  it('adds configured tokens idempotently and refuses unknown ones (R149)', async () => {
    const h = await harness({ tokens: [...TOKENS, ...TOKENS] });
    assert.equal(h.alice.tenant, 'alice');
    assert.equal(h.alice.token, 'alice-secret-0123456789abcdef01234567');
    await rejectsWith(h.cloud.authenticate({ token: 'alice-secret-0123456789abcdef01234567x' }), 401, /invalid token/);
    await rejectsWith(h.cloud.authenticate({ token: undefined }), 401, /missing token/);
    await h.cloud.close();
  });

  it('initialToken throws a clear error when the data dir has no token file', () => {
    assert.throws(() => initialToken(tempDir()), /no demo token at .*token/);
  });
});

describe('local cloud: persistence', () => {
  it('keeps everything across close and reopen, and transitions still resolve', async () => {
    const dir = tempDir();
    const clock = { t: 1_700_000_000_000 };
    const first = await harness({ memory: false }, { dir, clock });
    const net = await first.cloud.createResource(first.alice, spec('network', { 'occi.network.address': '10.9.0.0/24' }, [I.IPNETWORK]));
    const vol = await first.cloud.createResource(first.alice, spec('storage', { 'occi.storage.size': 4 }));
    const vm = await first.cloud.createResource(first.alice, spec('compute', { 'occi.core.title': 'kept' }, [], [nic(net.id)]));
    first.advance(5000);
    await first.cloud.action(first.alice, 'compute', vm.id, computeAction('stop'), {});
    await rejectsWith(first.cloud.action(first.alice, 'compute', vm.id, computeAction('save'), { name: 'kept-image' }), 409, /busy/);
    await first.cloud.close();

    first.advance(5000);
    const second = await harness({ memory: false }, { dir, clock });
    try {
      const got = (await second.cloud.get(second.alice, 'compute', vm.id)) as ResourceRecord;
      assert.equal(got.attributes['occi.core.title'], 'kept');
      assert.equal(stateOf(got), 'inactive', 'the stop begun before closing has completed');
      assert.equal(got.links.length, 1);
      assert.equal(got.links[0]!.attributes['occi.networkinterface.address'], '10.9.0.2');
      assert.equal(stateOf(await second.cloud.get(second.alice, 'storage', vol.id)), 'online');
      assert.ok(await second.cloud.get(second.alice, 'network', net.id));
      // save runs from active only (spec §2.2 diagram): start the compute again first.
      await rejectsWith(second.cloud.action(second.alice, 'compute', vm.id, computeAction('save'), { name: 'kept-image' }), 409, /inactive/);
      await second.cloud.action(second.alice, 'compute', vm.id, computeAction('start'), {});
      second.advance(5000);
      const { mixin } = await second.cloud.action(second.alice, 'compute', vm.id, computeAction('save'), { name: 'kept-image' });
      assert.equal(mixin?.term, 'kept-image');
    } finally {
      await second.cloud.close();
    }
    const third = await harness({ memory: false }, { dir, clock });
    try {
      assert.ok((await third.cloud.providerMixins(third.alice)).os.some((m) => m.term === 'kept-image'), 'saved images persist');
    } finally {
      await third.cloud.close();
    }
  });
});

describe('local cloud: templates and flavors', () => {
  it('seeds the Synnefo flavors and images, and builds the mixins once', async () => {
    const h = await harness();
    const t = await h.cloud.providerMixins(h.alice);
    assert.deepEqual(
      t.resource.map((m) => m.term),
      ['C1R1024D10', 'C1R2048D20', 'C2R2048D20', 'C2R4096D40', 'C4R4096D40', 'C4R8192D80', 'C8R16384D160'],
    );
    assert.deepEqual(t.os.map((m) => m.term), ['Debian', 'Ubuntu', 'CentOS']);
    assert.equal(t.os[0]!.title, 'Debian 12 bookworm');
    assert.deepEqual(t.other, []);
    assert.equal(await h.cloud.providerMixins(h.alice), t, 'cached');
    await h.cloud.close();
  });

  it('uses the default templates for a compute created with the kind alone (§2.8)', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    assert.ok(vm.mixins.includes(typeId(await template(h, 'Debian'))));
    assert.ok(vm.mixins.includes(typeId(await template(h, 'C1R1024D10'))));
    assert.equal(vm.attributes['occi.compute.cores'], 1);
    assert.equal(vm.attributes['occi.compute.memory'], 1.0);
    assert.equal(vm.attributes['occi.compute.architecture'], 'x64');
    await h.cloud.close();
    const custom = await harness({ defaultOsTemplate: 'Ubuntu', defaultResourceTemplate: 'C2R2048D20' });
    const other = await custom.cloud.createResource(custom.alice, spec('compute'));
    assert.ok(other.mixins.includes(typeId(await template(custom, 'Ubuntu'))));
    assert.equal(other.attributes['occi.compute.cores'], 2);
    await custom.cloud.close();
    assert.throws(() => openLocalCloud({ dataDir: tempDir(), memory: true, defaultOsTemplate: 'Windows' }), /Windows/);
  });

  it('fits the smallest flavor to client cores/memory, and the resource_tpl wins over them (D14)', async () => {
    const h = await harness();
    const fit = async (attributes: Attributes, mixins: Mixin[] = []) =>
      (await h.cloud.createResource(h.alice, spec('compute', attributes, mixins))).mixins.find((m) => m.includes('resource_tpl#'));
    assert.match((await fit({ 'occi.compute.cores': 2, 'occi.compute.memory': 3 }))!, /#C2R4096D40$/);
    assert.match((await fit({ 'occi.compute.memory': 0.5 }))!, /#C1R1024D10$/);
    assert.match((await fit({ 'occi.compute.cores': 4 }))!, /#C4R4096D40$/);
    assert.match((await fit({ 'occi.compute.cores': 8 }, [await template(h, 'C1R2048D20')]))!, /#C1R2048D20$/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.cores': 64 })), 400, /occi\.compute\.cores/);
    await h.cloud.close();
  });

  it('resizes by a new resource_tpl or by cores/memory, refuses an os_tpl swap (R69, R70, D18) and key changes (D19)', async () => {
    const h = await harness();
    const small = await template(h, 'C1R1024D10');
    const big = await template(h, 'C4R8192D80');
    const vm = await h.cloud.createResource(
      h.alice,
      spec('compute', { 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAA alice' }, [small, I.SSH_KEY]),
    );
    const resized = await h.cloud.update(h.alice, 'compute', vm.id, change({}, [big]));
    assert.equal(resized.attributes['occi.compute.cores'], 4);
    assert.equal(resized.attributes['occi.compute.memory'], 8);
    assert.equal(resized.mixins.filter((m) => m.includes('resource_tpl#')).length, 1, 'R69: exactly one resource_tpl');
    const fitted = await h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.compute.cores': 8 }));
    assert.equal(fitted.attributes['occi.compute.memory'], 16, 'memory kept at least as it was');
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({}, [await template(h, 'Ubuntu')])), 400, /OS template/);
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.credentials.ssh.publickey': 'ssh-rsa other' })), 403);
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.compute.userdata': 'aGk=' })), 403);
    const put = await h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.credentials.ssh.publickey': null, 'occi.compute.hostname': null }));
    assert.equal(put.attributes['occi.credentials.ssh.publickey'], 'ssh-ed25519 AAAA alice', 'a PUT leaving the key out keeps it');
    assert.ok(put.mixins.includes(typeId(I.SSH_KEY)));
    const got = (await h.cloud.get(h.alice, 'compute', vm.id))!;
    assert.deepEqual(got.mixins.filter((m) => m.includes('os_tpl#')), [typeId(await template(h, 'Debian'))], 'R70: one os_tpl, unchanged');
    await h.cloud.close();
  });

  it('saves a compute as a new OS template visible to its tenant only (R86)', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'web server' }));
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), {}), 409, /building/);
    h.advance(3000);
    const first = await h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), { name: 'golden' });
    assert.ok(first.mixin && isOsTemplate(first.mixin));
    assert.equal(first.mixin.term, 'golden');
    assert.equal(first.entity?.attributes['occi.compute.state.message'], 'saving as golden');
    h.advance(1000);
    assert.equal((await h.cloud.get(h.alice, 'compute', vm.id))?.attributes['occi.compute.state.message'], 'running');
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), { name: 'golden' }), 409, /golden/);
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), { name: 'Debian' }), 409);
    const named = async () => (await h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), { name: 'not a term!' })).mixin?.term;
    assert.equal(await named(), 'web_server-snapshot-1');
    h.advance(1000);
    assert.equal(await named(), 'web_server-snapshot-2');
    const aliceOs = (await h.cloud.providerMixins(h.alice)).os.map((m) => m.term);
    const bobOs = (await h.cloud.providerMixins(h.bob)).os.map((m) => m.term);
    assert.deepEqual(aliceOs, ['Debian', 'Ubuntu', 'CentOS', 'golden', 'web_server-snapshot-1', 'web_server-snapshot-2']);
    assert.deepEqual(bobOs, ['Debian', 'Ubuntu', 'CentOS']);
    const fromImage = await h.cloud.createResource(h.alice, spec('compute', {}, [first.mixin]));
    assert.ok(fromImage.mixins.includes(typeId(first.mixin)));
    await rejectsWith(h.cloud.createResource(h.bob, spec('compute', {}, [first.mixin])), 400, /unknown OS template/);
    await h.cloud.close();
  });
});

describe('local cloud: networks and addresses', () => {
  it('shares the public network with every tenant, read-only (403)', async () => {
    const h = await harness();
    const [pub] = (await h.cloud.list(h.alice, { kind: 'network', detail: 'records' })).items;
    assert.equal(pub?.id, 'public', 'a well-known id: /network/public');
    assert.equal(pub?.attributes['occi.core.title'], 'public');
    assert.equal(pub?.attributes['occi.network.address'], '203.0.113.0/24');
    assert.equal(pub?.attributes['occi.network.gateway'], '203.0.113.1');
    assert.equal((await h.cloud.list(h.bob, { kind: 'network', detail: 'records' })).items[0]?.id, pub!.id);
    await rejectsWith(h.cloud.delete(h.bob, 'network', pub!.id), 403);
    await rejectsWith(h.cloud.update(h.alice, 'network', pub!.id, change({ 'occi.core.title': 'mine' })), 403);
    await rejectsWith(h.cloud.action(h.alice, 'network', pub!.id, I.NETWORK_DOWN, {}), 403);
    const a = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(pub!.id)]));
    const b = await h.cloud.createResource(h.bob, spec('compute', {}, [], [nic(pub!.id)]));
    assert.equal(a.links[0]?.attributes['occi.networkinterface.address'], '203.0.113.2');
    assert.equal(b.links[0]?.attributes['occi.networkinterface.address'], '203.0.113.3');
    assert.deepEqual(
      (await h.cloud.list(h.bob, { kind: 'networkinterface', detail: 'records' })).items.map((l) => l.id),
      [b.links[0]!.id],
      "bob does not see alice's interface on the shared network",
    );
    await h.cloud.close();
  });

  it('validates CIDR and gateway, naming the attribute (400)', async () => {
    const h = await harness();
    const net = (attributes: Attributes) => h.cloud.createResource(h.alice, spec('network', attributes, [I.IPNETWORK]));
    await rejectsWith(net({ 'occi.network.address': '10.0.0.0/33' }), 400, /occi\.network\.address/);
    await rejectsWith(net({ 'occi.network.address': '10.0.0.300/24' }), 400, /occi\.network\.address/);
    await rejectsWith(net({ 'occi.network.address': '10.0.0.5/24' }), 400, /host bits/);
    await rejectsWith(net({ 'occi.network.address': '10.0.0.0/24', 'occi.network.gateway': 'gw' }), 400, /occi\.network\.gateway/);
    await rejectsWith(net({ 'occi.network.address': '10.0.0.0/24', 'occi.network.gateway': '10.0.1.1' }), 400, /occi\.network\.gateway/);
    const v6 = await net({ 'occi.network.address': '2001:DB8:0:0::/64' });
    assert.equal(v6.attributes['occi.network.address'], '2001:db8::/64');
    assert.equal(v6.attributes['occi.network.gateway'], '2001:db8::1');
    assert.equal(v6.attributes['occi.network.allocation'], 'dynamic');
    const plain = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.vlan': 12 }));
    assert.deepEqual(plain.mixins, []);
    assert.equal(plain.attributes['occi.network.vlan'], 12);
    await h.cloud.close();
  });

  it('allocates the next free address, honours free static ones, and frees them with the link', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '192.168.7.0/29' }, [I.IPNETWORK]));
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const link = (attributes: Attributes = {}) =>
      h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id, attributes));
    const first = await link();
    assert.equal(first.attributes['occi.networkinterface.address'], '192.168.7.2', '.1 is the gateway');
    assert.equal(first.attributes['occi.networkinterface.gateway'], '192.168.7.1');
    assert.equal(first.attributes['occi.networkinterface.allocation'], 'dynamic');
    assert.equal(first.attributes['occi.networkinterface.interface'], 'eth0');
    assert.match(String(first.attributes['occi.networkinterface.mac']), /^52:54:00(:[0-9a-f]{2}){3}$/);
    assert.ok(first.mixins.includes(typeId(I.IPNETWORKINTERFACE)));
    const fixed = await link({ 'occi.networkinterface.address': '192.168.7.5/29', 'occi.networkinterface.mac': '52:54:00:AA:BB:CC' });
    assert.equal(fixed.attributes['occi.networkinterface.address'], '192.168.7.5');
    assert.equal(fixed.attributes['occi.networkinterface.allocation'], 'static');
    assert.equal(fixed.attributes['occi.networkinterface.mac'], '52:54:00:aa:bb:cc');
    assert.equal(fixed.attributes['occi.networkinterface.interface'], 'eth1');
    await rejectsWith(link({ 'occi.networkinterface.address': '192.168.7.5' }), 409, /in use/);
    await rejectsWith(link({ 'occi.networkinterface.address': '192.168.7.1' }), 409, /in use/);
    await rejectsWith(link({ 'occi.networkinterface.address': '192.168.8.5' }), 400, /occi\.networkinterface\.address/);
    await rejectsWith(link({ 'occi.networkinterface.address': '192.168.7.7' }), 400, /host address/);
    await rejectsWith(link({ 'occi.networkinterface.mac': '52:54:00:aa:bb:cc' }), 409, /mac/);
    const rest = [await link(), await link(), await link()].map((l) => l.attributes['occi.networkinterface.address']);
    assert.deepEqual(rest, ['192.168.7.3', '192.168.7.4', '192.168.7.6']);
    await rejectsWith(link(), 409, /no free address/);
    await h.cloud.delete(h.alice, 'networkinterface', first.id);
    assert.equal((await link()).attributes['occi.networkinterface.address'], '192.168.7.2', 'released and reused');
    await rejectsWith(h.cloud.delete(h.alice, 'network', net.id), 409, /in use/);
    await rejectsWith(h.cloud.update(h.alice, 'network', net.id, change({ 'occi.network.address': '10.0.0.0/24' })), 409, /in use/);
    await h.cloud.delete(h.alice, 'compute', vm.id);
    const moved = await h.cloud.update(h.alice, 'network', net.id, change({ 'occi.network.address': '10.0.0.0/24' }));
    assert.equal(moved.attributes['occi.network.gateway'], '10.0.0.1', 'a new range gets its default gateway');
    await h.cloud.delete(h.alice, 'network', net.id);
    await h.cloud.close();
  });

  it("keeps MACs unique per network, so no tenant learns another's (as in Neutron)", async () => {
    const h = await harness();
    const mac = '52:54:00:0a:0b:0c';
    const own = async (c: Credentials) => {
      const net = await h.cloud.createResource(c, spec('network', { 'occi.network.address': '10.9.0.0/24' }, [I.IPNETWORK]));
      const vm = await h.cloud.createResource(c, spec('compute'));
      return { net, vm };
    };
    const a = await own(h.alice);
    const b = await own(h.bob);
    await h.cloud.createLink(h.alice, linkFrom(a.vm.id, 'networkinterface', a.net.id, { 'occi.networkinterface.mac': mac }));
    const bobs = await h.cloud.createLink(h.bob, linkFrom(b.vm.id, 'networkinterface', b.net.id, { 'occi.networkinterface.mac': mac }));
    assert.equal(bobs.attributes['occi.networkinterface.mac'], mac, "alice's MAC on her network says nothing to bob");
    await rejectsWith(h.cloud.createLink(h.bob, linkFrom(b.vm.id, 'networkinterface', b.net.id, { 'occi.networkinterface.mac': mac })), 409, /in use on network/);
    await h.cloud.close();
  });
});

describe('local cloud: schema upgrades', () => {
  it('upgrades a version-1 data dir in place, keeping its interfaces', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { MIGRATIONS, migrate } = await import('../../src/backends/local/migrations.js');
    const db = new Database(':memory:');
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1)');
    MIGRATIONS[0]!(db);
    const net = (db.prepare('SELECT id FROM networks').get() as { id: string }).id;
    const image = (db.prepare('SELECT id FROM images LIMIT 1').get() as { id: string }).id;
    const flavor = (db.prepare('SELECT id FROM flavors LIMIT 1').get() as { id: string }).id;
    db.prepare(`INSERT INTO computes (id, tenant, image_id, flavor_id, state, created_at) VALUES ('c1', 't', ?, ?, 'active', 0)`).run(image, flavor);
    db.prepare(`INSERT INTO network_interfaces (id, tenant, compute_id, network_id, interface, mac, created_at) VALUES ('n1', 't', 'c1', ?, 'eth0', '52:54:00:00:00:01', 0)`).run(net);
    migrate(db);
    assert.equal((db.prepare('SELECT version FROM schema_version').get() as { version: number }).version, MIGRATIONS.length);
    assert.equal((db.prepare('SELECT mac FROM network_interfaces WHERE id = ?').get('n1') as { mac: string }).mac, '52:54:00:00:00:01');
    db.close();
  });
});

describe('local cloud: storage', () => {
  it('attaches a volume to one compute, names devices, and refuses deleting it while attached', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const other = await h.cloud.createResource(h.alice, spec('compute'));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 10 }));
    const vol2 = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 10 }));
    const attach = (computeId: string, storageId: string, attributes: Attributes = {}) =>
      h.cloud.createLink(h.alice, linkFrom(computeId, 'storagelink', storageId, attributes));
    const sl = await attach(vm.id, vol.id, { 'occi.storagelink.mountpoint': '/data' });
    assert.equal(sl.attributes['occi.storagelink.deviceid'], '/dev/vdb');
    assert.equal(sl.attributes['occi.storagelink.mountpoint'], '/data');
    assert.equal(stateOf(sl), 'inactive', 'the compute is still building');
    await rejectsWith(attach(other.id, vol.id), 409, /already attached/);
    await rejectsWith(attach(vm.id, vol2.id, { 'occi.storagelink.deviceid': '/dev/vdb' }), 409, /already used/);
    assert.equal((await attach(vm.id, vol2.id)).attributes['occi.storagelink.deviceid'], '/dev/vdc');
    h.advance(3000);
    assert.equal(stateOf(await h.cloud.get(h.alice, 'storagelink', sl.id)), 'active', 'active with its compute');
    assert.equal((await h.cloud.get(h.alice, 'storage', vol.id))?.attributes['occi.storage.state.message'], 'attached');
    await rejectsWith(h.cloud.delete(h.alice, 'storage', vol.id), 409, /in use/);
    await h.cloud.delete(h.alice, 'storagelink', sl.id);
    assert.equal((await h.cloud.get(h.alice, 'storage', vol.id))?.attributes['occi.storage.state.message'], 'detached');
    await h.cloud.delete(h.alice, 'storage', vol.id);
    await h.cloud.close();
  });

  it('validates sizes, grows only, and records backups and snapshots (D32)', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 0 })), 400, /occi\.storage\.size/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', {})), 400, /occi\.storage\.size/);
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 2.5 }));
    assert.equal(stateOf(vol), 'offline');
    assert.equal(vol.attributes['occi.storage.state.message'], 'creating');
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('online'), {}), 409, /busy/);
    h.advance(1000);
    assert.equal(stateOf(await h.cloud.get(h.alice, 'storage', vol.id)), 'online');
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('resize'), { size: 2 }), 400, /larger/);
    await rejectsWith(h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.storage.size': 1 })), 400, /larger/);
    const backup = await h.cloud.action(h.alice, 'storage', vol.id, storageAction('backup'), {});
    assert.match(String(backup.entity?.attributes['occi.storage.state.message']), /^backup [0-9a-f-]{36} created$/);
    const snap = await h.cloud.action(h.alice, 'storage', vol.id, storageAction('snapshot'), {});
    assert.match(String(snap.entity?.attributes['occi.storage.state.message']), /^snapshot [0-9a-f-]{36} created$/);
    await h.cloud.action(h.alice, 'storage', vol.id, storageAction('offline'), {});
    h.advance(1000);
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('backup'), {}), 409, /offline/);
    await h.cloud.delete(h.alice, 'storage', vol.id);
    await h.cloud.close();
  });
});

describe('local cloud: transactions and time', () => {
  it('rolls back a create whose inline link fails: nothing is left behind (R52)', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.1.0.0/24' }, [I.IPNETWORK]));
    const bad: LinkSpec = { kind: 'storagelink', target: { kind: 'storage', id: 'no-such-volume' }, mixins: [], attributes: {} };
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(net.id), bad])), 404, /storage no-such-volume/);
    assert.deepEqual((await h.cloud.list(h.alice, { kind: 'compute', detail: 'records' })).items, []);
    assert.deepEqual((await h.cloud.list(h.alice, { kind: 'networkinterface', detail: 'records' })).items, []);
    const ok = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(net.id)]));
    assert.equal(ok.links[0]?.attributes['occi.networkinterface.address'], '10.1.0.2', 'the address was not consumed');
    await rejectsWith(h.cloud.delete(h.alice, 'network', net.id), 409, /in use/);
    await h.cloud.close();
  });

  it('moves states with the clock: building for bootMs, each action for actionMs', async () => {
    const h = await harness({ bootMs: 3000, actionMs: 1000 });
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'clocked' }));
    const seen = async () => {
      const r = (await h.cloud.get(h.alice, 'compute', vm.id))!;
      return `${String(stateOf(r))}/${String(r.attributes['occi.compute.state.message'])}`;
    };
    assert.equal(await seen(), 'inactive/building');
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('stop'), {}), 409);
    h.advance(2999);
    assert.equal(await seen(), 'inactive/building');
    h.advance(1);
    assert.equal(await seen(), 'active/running');
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('stop'), { method: 'acpioff' });
    assert.equal(await seen(), 'active/stopping (acpioff)');
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('suspend'), {}), 409, /busy/);
    h.advance(999);
    assert.equal(await seen(), 'active/stopping (acpioff)');
    h.advance(1);
    assert.equal(await seen(), 'inactive/stopped (acpioff)');
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('start'), {});
    h.advance(1000);
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('restart'), {});
    assert.equal(await seen(), 'active/restarting (cold)');
    h.advance(1000);
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('suspend'), { method: 'hibernate' });
    h.advance(1000);
    assert.equal(await seen(), 'suspended/suspended (hibernate)');
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('restart'), {}), 409, /suspended/);
    // The spec's diagram leaves a suspended compute by start only (spec §2.2).
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('stop'), {}), 409, /suspended/);
    assert.equal(await seen(), 'suspended/suspended (hibernate)', 'R81: refused actions leave the state');
    await h.cloud.delete(h.alice, 'compute', vm.id); // D21: any state
    assert.equal(await h.cloud.get(h.alice, 'compute', vm.id), undefined);
    await h.cloud.close();
  });

  it('honours a client-chosen UUID once across kinds and tenants (R50, R145)', async () => {
    const h = await harness();
    const id = '5f0c6a52-1b7e-4c4e-9d43-0a6f1b2c3d4e';
    const vm = await h.cloud.createResource(h.alice, { ...spec('compute'), id });
    assert.equal(vm.id, id);
    await rejectsWith(h.cloud.createResource(h.alice, { ...spec('storage', { 'occi.storage.size': 1 }), id }), 409, /in use/);
    // Another tenant learns nothing: the id answers as missing, like every other request for it.
    await rejectsWith(h.cloud.createResource(h.bob, { ...spec('storage', { 'occi.storage.size': 1 }), id }), 404);
    await rejectsWith(h.cloud.createResource(h.alice, { ...spec('network'), id: 'my-net' }), 400, /UUID/);
    assert.equal((await h.cloud.list(h.alice, { kind: 'network', detail: 'records' })).items.length, 1, 'only the public network');
    await h.cloud.close();
  });

  it('lists many computes each with its own links', async () => {
    const h = await harness();
    const [pub] = (await h.cloud.list(h.alice, { kind: 'network', detail: 'records' })).items;
    const made = [];
    for (let i = 0; i < 40; i++) {
      made.push(await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': `vm${i}` }, [], i % 2 ? [nic(pub!.id)] : [])));
    }
    const listed = (await h.cloud.list(h.alice, { kind: 'compute', detail: 'records' })).items as ResourceRecord[];
    assert.deepEqual(
      listed.map((r) => r.id),
      made.map((r) => r.id),
    );
    listed.forEach((r, i) => {
      assert.equal(r.links.length, i % 2);
      for (const l of r.links) assert.equal(l.source.id, r.id);
    });
    assert.deepEqual(listed, await Promise.all(made.map((m) => h.cloud.get(h.alice, 'compute', m.id))));
    await h.cloud.close();
  });
});
