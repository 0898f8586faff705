// What each tenant holds of each kind, as the quota checks read it: the rows
// of quota_counts that SQLite's triggers keep (migration 4, issue 7). Each
// test compares them with exact values and with the rows themselves counted
// the slow way, through creates, deletes (with ON DELETE CASCADE), refusals,
// batches, two tenants, the public network and an upgraded data dir.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../src/backends/local/migrations.js';
import { PUBLIC_NETWORK } from '../../src/backends/local/seed.js';
import * as I from '../../src/model/infrastructure.js';
import { INFRA, startServer } from '../helpers/server.js';
import { linkFrom, rejectsWith } from './contract.js';
import { change, harness, nic, spec, tempDir, type Harness } from './local-harness.js';

type Held = Record<'compute' | 'storage' | 'network' | 'networkinterface' | 'storagelink' | 'sharedaddress', number>;
const NONE: Held = { compute: 0, storage: 0, network: 0, networkinterface: 0, storagelink: 0, sharedaddress: 0 };

/** The same figures counted from the rows, as QuotaGuard did before migration 4. */
const ROWS: Record<keyof Held, string> = {
  compute: 'SELECT count(*) FROM computes WHERE tenant = ?',
  storage: 'SELECT count(*) FROM storages WHERE tenant = ?',
  network: 'SELECT count(*) FROM networks WHERE tenant = ?',
  networkinterface: 'SELECT count(*) FROM network_interfaces WHERE tenant = ?',
  storagelink: 'SELECT count(*) FROM storage_links WHERE tenant = ?',
  sharedaddress: `SELECT count(*) FROM network_interfaces ni JOIN networks n ON n.id = ni.network_id
    WHERE ni.tenant = ? AND n.tenant IS NULL AND ni.address IS NOT NULL`,
};

/** Asserts what `tenant` holds in the data dir's cloud.sqlite (read next to the open cloud): kept counts and rows alike. */
function assertHeld(dir: string, tenant: string, expected: Partial<Held>, what: string): void {
  const db = new Database(join(dir, 'cloud.sqlite'), { readonly: true });
  try {
    const kept = { ...NONE };
    for (const r of db.prepare('SELECT kind, count FROM quota_counts WHERE tenant = ?').all(tenant) as Array<{ kind: keyof Held; count: number }>) kept[r.kind] = r.count;
    const rows = Object.fromEntries(Object.entries(ROWS).map(([kind, sql]) => [kind, db.prepare(sql).pluck().get(tenant)]));
    assert.deepEqual(kept, { ...NONE, ...expected }, `${tenant}'s counts ${what}`);
    assert.deepEqual(rows, kept, `${tenant}'s rows ${what}`);
  } finally {
    db.close();
  }
}

const onFile = (quotas = {}): Promise<Harness> => harness({ memory: false, quotas });
const volume = (h: Harness, c = h.alice) => h.cloud.createResource(c, spec('storage', { 'occi.storage.size': 1 }));
const disk = (id: string) => ({ kind: 'storagelink' as const, target: { kind: 'storage' as const, id }, mixins: [], attributes: {} });

describe('local cloud: quota counts kept by the database', () => {
  it('counts each create and each delete of every kind by one', async () => {
    const h = await onFile();
    assertHeld(h.dir, 'alice', {}, 'in a new cloud');
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const net = await h.cloud.createResource(h.alice, spec('network'));
    const vol = await volume(h);
    const ni = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id));
    const sl = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, storage: 1, networkinterface: 1, storagelink: 1 }, 'after one of each');
    await h.cloud.delete(h.alice, 'storagelink', sl.id);
    await h.cloud.delete(h.alice, 'networkinterface', ni.id);
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, storage: 1 }, 'after deleting the links');
    await h.cloud.delete(h.alice, 'storage', vol.id);
    await h.cloud.delete(h.alice, 'network', net.id);
    await h.cloud.delete(h.alice, 'compute', vm.id);
    assertHeld(h.dir, 'alice', {}, 'after deleting everything');
    await h.cloud.close();
  });

  it("takes a deleted compute's links off the counts with it (ON DELETE CASCADE fires the triggers)", async () => {
    const h = await onFile();
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public')]));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', (await volume(h)).id));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', (await volume(h)).id));
    assertHeld(h.dir, 'alice', { compute: 1, storage: 2, networkinterface: 2, storagelink: 2, sharedaddress: 2 }, 'with the compute');
    await h.cloud.delete(h.alice, 'compute', vm.id);
    assertHeld(h.dir, 'alice', { storage: 2 }, 'once it is deleted: its volumes stay');
    await h.cloud.close();
  });

  it("counts a compute's inline links, each under its own kind, in the call that makes them", async () => {
    const h = await onFile();
    const vols = [await volume(h), await volume(h)];
    await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public'), nic('public'), disk(vols[0]!.id), disk(vols[1]!.id)]));
    assertHeld(h.dir, 'alice', { compute: 1, storage: 2, networkinterface: 3, storagelink: 2, sharedaddress: 3 }, 'after a compute with five links');
    await h.cloud.close();
  });

  it('counts nothing of a create refused over a quota, whichever quota refuses it', async () => {
    const h = await onFile({ compute: 2, storagelink: 1, linksPerCompute: 2, sharedAddresses: 1 });
    const vols = [await volume(h), await volume(h)];
    await h.cloud.createResource(h.alice, spec('compute'));
    const before = { compute: 1, storage: 2 };
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [], [disk(vols[0]!.id), disk(vols[1]!.id)])), 403, /at most 1 storage links, it has 0 and this request adds 2 \(/);
    assertHeld(h.dir, 'alice', before, 'after a refusal over quotas.storagelink');
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public'), nic('public')])), 403, /at most 2 links; a new compute/);
    assertHeld(h.dir, 'alice', before, 'after a refusal over quotas.linksPerCompute');
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public')])), 403, /it holds 0 and this request takes 2 \(/);
    assertHeld(h.dir, 'alice', before, 'after a refusal over quotas.sharedAddresses');
    await h.cloud.createResource(h.alice, spec('compute'));
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute')), 403, /at most 2 computes, it has 2 \(/);
    assertHeld(h.dir, 'alice', { compute: 2, storage: 2 }, 'after a refusal over quotas.compute');
    await h.cloud.close();
  });

  it('names the kind of link that went over its quota in words: network interfaces', async () => {
    const h = await onFile({ networkinterface: 1 });
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', PUBLIC_NETWORK.id));
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', PUBLIC_NETWORK.id)), 403, /at most 1 network interfaces, it has 1 \(/);
    assertHeld(h.dir, 'alice', { compute: 1, networkinterface: 1, sharedaddress: 1 }, 'after a refusal over quotas.networkinterface');
    await h.cloud.close();
  });

  it("never counts one tenant's entities for another", async () => {
    const h = await onFile({ compute: 1, sharedAddresses: 1 });
    await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public')]));
    await h.cloud.createResource(h.alice, spec('network'));
    assertHeld(h.dir, 'bob', {}, "after alice's creates");
    const bobs = await h.cloud.createResource(h.bob, spec('compute', {}, [], [nic('public')]));
    assert.equal(bobs.links.length, 1, 'bob gets his compute and address at limits of 1 that alice reached');
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, networkinterface: 1, sharedaddress: 1 }, "after bob's create");
    assertHeld(h.dir, 'bob', { compute: 1, networkinterface: 1, sharedaddress: 1 }, 'after his create');
    await h.cloud.delete(h.bob, 'compute', bobs.id);
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, networkinterface: 1, sharedaddress: 1 }, "after bob's delete");
    await h.cloud.close();
  });

  it('counts the shared public network for nobody', async () => {
    const h = await onFile({ network: 1 });
    const db = new Database(join(h.dir, 'cloud.sqlite'), { readonly: true });
    assert.deepEqual(db.prepare("SELECT * FROM quota_counts WHERE kind = 'network' AND count > 0").all(), [], 'no network counted in a new cloud');
    db.close();
    await h.cloud.createResource(h.alice, spec('network'));
    assertHeld(h.dir, 'alice', { network: 1 }, 'with her own network and the public one in her listing');
    await h.cloud.close();
  });

  it("counts addresses on the shared network as they are taken and freed, not when one is rewritten, nor an interface on an own network", async () => {
    const h = await onFile();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const own = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.5.0.0/24' }, [I.IPNETWORK]));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', own.id));
    const ni = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', PUBLIC_NETWORK.id));
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, networkinterface: 2, sharedaddress: 1 }, 'with one address on public and one on her network');
    const address = String(ni.attributes['occi.networkinterface.address']);
    const other = address.replace(/\d+$/, (n) => String(Number(n) + 10));
    const moved = await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.address': other }));
    assert.equal(moved.attributes['occi.networkinterface.address'], other);
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, networkinterface: 2, sharedaddress: 1 }, 'after a new static address');
    await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.core.title': 'renamed' }));
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, networkinterface: 2, sharedaddress: 1 }, 'after a new title');
    await h.cloud.delete(h.alice, 'networkinterface', ni.id);
    assertHeld(h.dir, 'alice', { compute: 1, network: 1, networkinterface: 1 }, 'after the address is freed');
    await h.cloud.close();
  });

  it('counts a JSON collection created as its entities are made, and none of one refused part way (undone)', async () => {
    const s = await startServer((c) => {
      c.quotas.compute = 3;
    });
    try {
      const batch = (n: number) =>
        s.request('POST', '/compute/', {
          headers: { 'Content-Type': 'application/occi+json' },
          body: JSON.stringify({ resources: Array.from({ length: n }, (_, i) => ({ kind: `${INFRA}compute`, title: `c-${i}` })) }),
        });
      assert.equal((await batch(2)).status, 201);
      assertHeld(s.dataDir, 'alice', { compute: 2 }, 'after a batch of two');
      const refused = await batch(2);
      assert.equal(refused.status, 403, refused.body);
      assertHeld(s.dataDir, 'alice', { compute: 2 }, 'after a batch of two refused at its second');
    } finally {
      await s.close();
    }
  });

  it('counts the rows of a schema-3 data dir when it is upgraded, and enforces the quotas against them', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'cloud.sqlite'));
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (3)');
    for (const m of MIGRATIONS.slice(0, 3)) m(db);
    const image = db.prepare('SELECT id FROM images LIMIT 1').pluck().get();
    const flavor = db.prepare('SELECT id FROM flavors LIMIT 1').pluck().get();
    const compute = db.prepare("INSERT INTO computes (id, tenant, image_id, flavor_id, state, created_at) VALUES (?, ?, ?, ?, 'active', 0)");
    const iface = db.prepare('INSERT INTO network_interfaces (id, tenant, compute_id, network_id, interface, mac, address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0)');
    compute.run('a1', 'alice', image, flavor);
    compute.run('a2', 'alice', image, flavor);
    compute.run('b1', 'bob', image, flavor);
    db.prepare("INSERT INTO networks (id, tenant, state, created_at) VALUES ('an', 'alice', 'active', 0)").run();
    db.prepare("INSERT INTO storages (id, tenant, size, state, created_at) VALUES ('as', 'alice', 1, 'online', 0)").run();
    db.prepare("INSERT INTO storage_links (id, tenant, compute_id, storage_id, deviceid, created_at) VALUES ('asl', 'alice', 'a1', 'as', 'vdb', 0)").run();
    iface.run('ai1', 'alice', 'a1', PUBLIC_NETWORK.id, 'eth0', '52:54:00:00:00:01', '192.0.2.10');
    iface.run('ai2', 'alice', 'a2', 'an', 'eth0', '52:54:00:00:00:02', null);
    iface.run('bi1', 'bob', 'b1', PUBLIC_NETWORK.id, 'eth0', '52:54:00:00:00:03', '192.0.2.11');
    migrate(db);
    assert.equal(db.prepare('SELECT version FROM schema_version').pluck().get(), MIGRATIONS.length);
    db.close();
    const alice = { compute: 2, network: 1, storage: 1, networkinterface: 2, storagelink: 1, sharedaddress: 1 };
    assertHeld(dir, 'alice', alice, 'after the upgrade');
    assertHeld(dir, 'bob', { compute: 1, networkinterface: 1, sharedaddress: 1 }, 'after the upgrade');
    const h = await harness({ memory: false, quotas: { compute: 2, sharedAddresses: 1 } }, { dir, clock: { t: 1_700_000_000_000 } });
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute')), 403, /at most 2 computes, it has 2 \(/);
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom('a2', 'networkinterface', PUBLIC_NETWORK.id)), 403, /it holds 1 and this request takes 1 \(/);
    await h.cloud.delete(h.alice, 'compute', 'a1');
    assertHeld(dir, 'alice', { compute: 1, network: 1, storage: 1, networkinterface: 1 }, 'after deleting an upgraded compute with its links');
    assert.equal((await h.cloud.createResource(h.alice, spec('compute'))).kind, 'compute', 'a compute again under the quota');
    await h.cloud.close();
  });
});
