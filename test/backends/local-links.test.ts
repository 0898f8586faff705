// The embedded cloud's volumes and both link kinds, at the backend port: the
// rules of storages, storage links and network interfaces that planted
// mistakes got past test/backends/ with (docs/testing.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { LinkRecord, ResourceRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from './contract.js';
import { change, computeAction, harness, spec, storageAction } from './local-harness.js';

describe('local cloud: volumes', () => {
  it('needs a size (R44), a finite number of GB above 0', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', {})), 400, /^occi\.storage\.size is required$/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': Number.POSITIVE_INFINITY })), 400, /^occi\.storage\.size must be a number of GB greater than 0$/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': -1 })), 400, /greater than 0/);
    await h.cloud.close();
  });

  it('is busy while it is made and refuses a resize then (409), grows only to a larger size, and keeps its size when a PUT sets it to null', async () => {
    const h = await harness();
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 2 }));
    assert.equal(vol.busy, true);
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('resize'), { size: 3 }), 409, /busy/);
    h.advance(1000);
    assert.equal(((await h.cloud.get(h.alice, 'storage', vol.id)) as ResourceRecord).busy, false);
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('resize'), { size: 2 }), 400, /^resize parameter size must be larger than the current 2 GB$/);
    const kept = await h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.storage.size': null, 'occi.core.title': 'data' }));
    assert.equal(kept.attributes['occi.storage.size'], 2);
    assert.equal(kept.attributes['occi.core.title'], 'data');
    const grown = await h.cloud.action(h.alice, 'storage', vol.id, storageAction('resize'), { size: 3 });
    assert.equal(grown.entity?.attributes['occi.storage.size'], 3);
    assert.equal(grown.entity?.attributes['occi.storage.state.message'], 'resized from 2 GB to 3 GB');
    await h.cloud.close();
  });

  it('records a backup as a copy of the volume as it is (D32)', async () => {
    const h = await harness({ memory: false });
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 5 }));
    h.advance(1000);
    const out = await h.cloud.action(h.alice, 'storage', vol.id, storageAction('backup'), {});
    const copy = /^backup (\S+) created$/.exec(String(out.entity?.attributes['occi.storage.state.message']))?.[1];
    const db = new Database(join(h.dir, 'cloud.sqlite'), { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT id, storage_id, kind, size FROM storage_copies').all(), [{ id: copy, storage_id: vol.id, kind: 'backup', size: 5 }]);
    } finally {
      db.close();
    }
    await h.cloud.close();
  });
});

describe('local cloud: storage links', () => {
  it('refuses an empty device name (400) and moves a link to the device a PUT names', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id, { 'occi.storagelink.deviceid': '  ' })), 400, /^occi\.storagelink\.deviceid must not be empty$/);
    const sl = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    assert.equal(sl.attributes['occi.storagelink.deviceid'], '/dev/vdb');
    const moved = await h.cloud.update(h.alice, 'storagelink', sl.id, change({ 'occi.storagelink.deviceid': '/dev/vdq' }));
    assert.equal(moved.attributes['occi.storagelink.deviceid'], '/dev/vdq');
    const kept = await h.cloud.update(h.alice, 'storagelink', sl.id, change({ 'occi.storagelink.mountpoint': '/srv' }));
    assert.equal(kept.attributes['occi.storagelink.deviceid'], '/dev/vdq', 'a PUT leaving the device out keeps it');
    await h.cloud.close();
  });
});

describe('local cloud: network interfaces', () => {
  it('on a network without a range: no address, no ipnetworkinterface mixin, no gateway shown', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.gateway': '10.0.0.1' }, [I.IPNETWORK]));
    assert.equal(net.attributes['occi.network.gateway'], '10.0.0.1');
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const ni = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id));
    assert.deepEqual(ni.mixins, []);
    for (const name of ['address', 'gateway', 'allocation']) assert.ok(!(`occi.networkinterface.${name}` in ni.attributes), name);
    // A PUT sending back unset attributes as null changes nothing (and is no change of an attribute it cannot change).
    const same = await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.gateway': null, 'occi.networkinterface.address': null }));
    assert.deepEqual(same.attributes, ni.attributes);
    await rejectsWith(h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.allocation': 'static' })), 400, /^occi\.networkinterface\.allocation needs an address: the network has no IP range$/);
    await h.cloud.close();
  });

  it('checks a MAC (400) and a static allocation without an address (400); a PUT changes the MAC, and the allocation only to dynamic or static', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.3.0.0/24' }, [I.IPNETWORK]));
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const link = (attributes: Record<string, string>) => h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id, attributes));
    await rejectsWith(link({ 'occi.networkinterface.mac': '52:54:00:12:34' }), 400, /"52:54:00:12:34" is not a MAC address such as 52:54:00:12:34:56/);
    await rejectsWith(link({ 'occi.networkinterface.allocation': 'static' }), 400, /^occi\.networkinterface\.allocation static needs occi\.networkinterface\.address$/);
    const ni = await link({});
    assert.deepEqual(ni.mixins, [typeId(I.IPNETWORKINTERFACE)]);
    const mac = await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.mac': '52:54:00:AB:CD:EF' }));
    assert.equal(mac.attributes['occi.networkinterface.mac'], '52:54:00:ab:cd:ef');
    await rejectsWith(h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.allocation': 'sometimes' })), 400, /^occi\.networkinterface\.allocation must be one of dynamic, static$/);
    const fixed = await h.cloud.update(h.alice, 'networkinterface', ni.id, change({ 'occi.networkinterface.allocation': 'static' }));
    assert.equal(fixed.attributes['occi.networkinterface.allocation'], 'static');
    assert.equal(fixed.attributes['occi.networkinterface.address'], ni.attributes['occi.networkinterface.address'], 'the same address, now static');
    await h.cloud.close();
  });
});

describe('local cloud: links at the port', () => {
  it('makes a standalone link only from a compute (404 naming the source)', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const fromStorage = { ...linkFrom(vm.id, 'networkinterface', 'public'), source: { kind: 'storage' as const, id: vm.id } };
    await rejectsWith(h.cloud.createLink(h.alice, fromStorage as never), 404, new RegExp(`^source compute ${vm.id} not found$`));
    await h.cloud.close();
  });

  it('runs no action on a link: 404 when there is no such link, else 400', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const ni = (await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', 'public'))) as LinkRecord;
    await rejectsWith(h.cloud.action(h.alice, 'networkinterface', ni.id, computeAction('start'), {}), 400, /^networkinterface has no actions$/);
    await rejectsWith(h.cloud.action(h.alice, 'storagelink', 'no-such-link', computeAction('start'), {}), 404, /^storagelink no-such-link not found$/);
    await h.cloud.close();
  });
});
