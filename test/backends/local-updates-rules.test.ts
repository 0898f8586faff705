// How the embedded cloud reads an update, stated one by one (from the
// survivors of the first Stryker run over src/backends/local/attributes.ts,
// issue 14): a PUT sending back what a GET gave changes nothing and is no
// refusal; a null for a value that cannot be unset keeps it; a removal is
// judged even beside an addition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityRecord, LinkRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from './contract.js';
import { change, harness, spec, template } from './local-harness.js';

const KEY = { 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOr1 demo' };

describe('local cloud: reading an update', () => {
  it('takes back every attribute a GET gave, fixed ones too, as no change', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'web', ...KEY }, [I.SSH_KEY]));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 2 }));
    const sl = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    h.advance(5000);
    for (const [kind, id] of [['compute', vm.id], ['storage', vol.id], ['storagelink', sl.id]] as const) {
      const got = (await h.cloud.get(h.alice, kind, id)) as EntityRecord;
      assert.ok(Object.keys(got.attributes).some((n) => n.endsWith('.state')), `${kind} shows a fixed state`);
      const put = await h.cloud.update(h.alice, kind, id, change(got.attributes));
      assert.deepEqual(put, got, `${kind}: nothing changed`);
    }
    await h.cloud.close();
  });

  it('keeps what a null cannot unset: a compute\'s architecture and size, a link\'s device', async () => {
    const h = await harness();
    const size = await template(h, 'C2R2048D20');
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.architecture': 'x64' }, [size]));
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 2 }));
    const sl = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    h.advance(5000);
    const kept = await h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.compute.architecture': null, 'occi.compute.memory': null, 'occi.compute.cores': null }));
    assert.equal(kept.attributes['occi.compute.architecture'], 'x64');
    assert.equal(kept.attributes['occi.compute.memory'], 2);
    assert.ok(kept.mixins.includes(typeId(size)), 'the same resource template');
    const link = (await h.cloud.update(h.alice, 'storagelink', sl.id, change({ 'occi.storagelink.deviceid': null }))) as LinkRecord;
    assert.equal(link.attributes['occi.storagelink.deviceid'], '/dev/vdb');
    await h.cloud.close();
  });

  it('refuses removing a write-once mixin even in the PUT that adds a new resource template', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute', KEY, [I.SSH_KEY]));
    h.advance(5000);
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({}, [await template(h, 'C2R2048D20')], [I.SSH_KEY])), 403, /ssh_key cannot be removed from a compute$/);
    await h.cloud.close();
  });
});
