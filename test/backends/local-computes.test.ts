// The embedded cloud's own rules for computes and the attributes it reads,
// stated at the backend port (the operations layer checks much of this first:
// these tests keep the backend honest when it is called directly). Each was
// a planted mistake that test/backends/ let pass (docs/testing.md).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ResourceRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith, stateOf } from './contract.js';
import { change, computeAction, harness, nic, spec, storageAction, template } from './local-harness.js';

describe('local cloud: what a compute request may hold', () => {
  it('refuses attribute values of the wrong type, naming the attribute (400)', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 42 })), 400, /^occi\.core\.title must be a string$/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.memory': Number.POSITIVE_INFINITY })), 400, /^occi\.compute\.memory must be a number$/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.memory': Number.NaN })), 400, /^occi\.compute\.memory must be a number$/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.cores': 1.5 })), 400, /^occi\.compute\.cores must be an integer$/);
    await h.cloud.close();
  });

  it('takes an architecture only when it is the OS template\'s (400 naming both otherwise)', async () => {
    const h = await harness();
    const same = await h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.architecture': 'x64' }));
    assert.equal(same.attributes['occi.compute.architecture'], 'x64');
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.architecture': 'x86' })), 400, /x86 does not match OS template Debian \(x64\)/);
    await rejectsWith(h.cloud.update(h.alice, 'compute', same.id, change({ 'occi.compute.architecture': 'x86' })), 400, /x86 does not match OS template Debian/);
    await h.cloud.close();
  });

  it('needs the key or the user data with the ssh_key and user_data mixins (D19)', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [I.SSH_KEY])), 400, /occi\.credentials\.ssh\.publickey is required with the ssh_key mixin/);
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [I.USER_DATA])), 400, /occi\.compute\.userdata is required with the user_data mixin/);
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.userdata': 'I2Nsb3VkLWNvbmZpZw==' }, [I.USER_DATA]));
    assert.ok(vm.mixins.includes(typeId(I.USER_DATA)));
    assert.ok(!vm.mixins.includes(typeId(I.SSH_KEY)), 'no key, no ssh_key mixin');
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({}, [I.SSH_KEY])), 403, /can only be given when the compute is created/);
    await h.cloud.close();
  });

  it('derives the host name from the title unless one is given, and leaves it unset when nothing of the title is left', async () => {
    const h = await harness();
    const named = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': ' Web Server #1 ' }));
    assert.equal(named.attributes['occi.compute.hostname'], 'web-server-1');
    const given = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'Web', 'occi.compute.hostname': 'www' }));
    assert.equal(given.attributes['occi.compute.hostname'], 'www');
    const symbols = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': '***' }));
    assert.ok(!('occi.compute.hostname' in symbols.attributes), 'no empty host name');
    await h.cloud.close();
  });

  it('keeps a template that a PUT both removes and adds, replaces the resource template with a new one, and refuses losing it without one (R69)', async () => {
    const h = await harness();
    const os = await template(h, 'Debian');
    const size = await template(h, 'C1R1024D10');
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [os, size]));
    const kept = await h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.core.title': 'kept' }, [os, size], [os, size]));
    assert.deepEqual(kept.mixins, vm.mixins);
    const again = await h.cloud.update(h.alice, 'compute', vm.id, change({}, [os, size]));
    assert.deepEqual(again.mixins, vm.mixins, 'adding the templates it has changes nothing');
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({}, [], [size])), 400, /cannot lose its resource template .* without a new one/);
    const bigger = await template(h, 'C2R2048D20');
    const resized = await h.cloud.update(h.alice, 'compute', vm.id, change({}, [bigger], [size]));
    assert.deepEqual(resized.mixins, [typeId(os), typeId(bigger)], 'exactly one resource template afterwards');
    assert.equal(resized.attributes['occi.compute.cores'], 2);
    await h.cloud.close();
  });

  it('refuses an action of another kind (400, R79) and a stop method outside the enum (400, R82)', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    h.advance(5000);
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, storageAction('online'), {}), 400, /online is not an action of compute/);
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('stop'), { method: 'sideways' }), 400, /^stop parameter method must be one of graceful, acpioff, poweroff$/);
    assert.equal(stateOf(await h.cloud.get(h.alice, 'compute', vm.id)), 'active', 'refused actions change nothing (R81)');
    await h.cloud.close();
  });
});

describe('local cloud: what a compute record shows', () => {
  it('is busy while a transition runs, and at rest after it', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    assert.equal(vm.busy, true, 'building');
    h.advance(3000);
    assert.equal(((await h.cloud.get(h.alice, 'compute', vm.id)) as ResourceRecord).busy, false);
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('stop'), {});
    assert.equal(((await h.cloud.get(h.alice, 'compute', vm.id)) as ResourceRecord).busy, true, 'stopping');
    await h.cloud.close();
  });

  it("shows a build an older version stored as 'waiting' as inactive, 1.2's state (R91)", async () => {
    const h = await harness({ memory: false });
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    await h.cloud.close();
    const db = new Database(join(h.dir, 'cloud.sqlite'));
    db.prepare("UPDATE computes SET state = 'waiting', pending_until = NULL WHERE id = ?").run(vm.id);
    db.close();
    const again = await harness({ memory: false }, { dir: h.dir, clock: h.clock });
    assert.equal(stateOf(await again.cloud.get(again.alice, 'compute', vm.id)), 'inactive');
    await again.cloud.close();
  });

  it('lists every link of a compute, interfaces first (R55)', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.1.0.0/24' }, [I.IPNETWORK]));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(net.id), nic('public')]));
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    const got = (await h.cloud.get(h.alice, 'compute', vm.id)) as ResourceRecord;
    assert.deepEqual(got.links.map((l) => [l.kind, l.target.id]), [['networkinterface', net.id], ['networkinterface', 'public'], ['storagelink', vol.id]]);
    await h.cloud.close();
  });

  it('deletes a compute with its links (R73): their URLs are gone, the volume says detached, the network is free', async () => {
    const h = await harness();
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.2.0.0/24' }, [I.IPNETWORK]));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(net.id)]));
    const sl = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    h.advance(5000);
    await h.cloud.delete(h.alice, 'compute', vm.id);
    assert.equal(await h.cloud.get(h.alice, 'networkinterface', vm.links[0]!.id), undefined);
    assert.equal(await h.cloud.get(h.alice, 'storagelink', sl.id), undefined);
    assert.equal((await h.cloud.get(h.alice, 'storage', vol.id))?.attributes['occi.storage.state.message'], 'detached');
    await h.cloud.delete(h.alice, 'network', net.id);
    await h.cloud.delete(h.alice, 'storage', vol.id);
    await h.cloud.close();
  });
});

describe('local cloud: save (R86)', () => {
  it('names a snapshot after the compute: its title, else compute-<first 8 of the id>', async () => {
    const h = await harness();
    const titled = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'web' }));
    const bare = await h.cloud.createResource(h.alice, spec('compute'));
    h.advance(5000);
    const a = await h.cloud.action(h.alice, 'compute', titled.id, computeAction('save'), {});
    assert.equal(a.mixin?.term, 'web-snapshot-1');
    assert.equal(a.mixin?.title, 'Snapshot of web');
    const b = await h.cloud.action(h.alice, 'compute', bare.id, computeAction('save'), {});
    assert.equal(b.mixin?.term, `compute-${bare.id.slice(0, 8)}-snapshot-1`);
    assert.equal(b.mixin?.title, `Snapshot of compute-${bare.id.slice(0, 8)}`);
    await h.cloud.close();
  });
});

describe('local cloud: the database file', () => {
  it('is private to its owner (mode 0600), made so before SQLite writes to it', async () => {
    const h = await harness({ memory: false });
    assert.equal(statSync(join(h.dir, 'cloud.sqlite')).mode & 0o777, 0o600);
    await h.cloud.close();
  });
});
