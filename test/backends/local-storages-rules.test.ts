// The embedded cloud's rules for storages, stated one by one (from the
// survivors of the first Stryker run over src/backends/local/, issue 14):
// a volume has no mixins and owns no links, every listed attribute filters in
// SQL as on the records, what an update may change and what it refuses,
// saying which, and the messages of creation, online, offline and resize.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityRecord, ResourceRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import { rejectsWith } from './contract.js';
import { assertFiltersAlike, change, harness, nic, spec, storageAction, type Harness } from './local-harness.js';

const ACTION_MS = 1000;
const attribute = (r: EntityRecord | undefined, name: string): unknown => r?.attributes[name];
const volume = async (h: Harness, attributes: Record<string, string | number> = {}): Promise<ResourceRecord> =>
  h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 4, ...attributes }));
const online = async (h: Harness, attributes: Record<string, string | number> = {}): Promise<ResourceRecord> => {
  const vol = await volume(h, attributes);
  h.advance(ACTION_MS);
  return (await h.cloud.get(h.alice, 'storage', vol.id)) as ResourceRecord;
};

describe('local cloud: storage rules', () => {
  it('creates a volume with its title and summary, no mixins, offline while created and then online and available', async () => {
    const h = await harness({ actionMs: ACTION_MS });
    const vol = await volume(h, { 'occi.core.title': 'data', 'occi.core.summary': 'the archive' });
    assert.deepEqual(vol.mixins, [], 'a volume has no mixins');
    assert.deepEqual(vol.links, []);
    assert.equal(attribute(vol, 'occi.core.title'), 'data');
    assert.equal(attribute(vol, 'occi.core.summary'), 'the archive');
    assert.equal(attribute(vol, 'occi.storage.state'), 'offline');
    assert.equal(attribute(vol, 'occi.storage.state.message'), 'creating');
    assert.equal(vol.busy, true);
    h.advance(ACTION_MS);
    const ready = (await h.cloud.get(h.alice, 'storage', vol.id)) as ResourceRecord;
    assert.deepEqual(ready.mixins, []);
    assert.equal(attribute(ready, 'occi.storage.state'), 'online');
    assert.equal(attribute(ready, 'occi.storage.state.message'), 'available');
    assert.equal(ready.busy, false);
    const plain = await volume(h);
    assert.equal(attribute(plain, 'occi.core.summary'), undefined, 'no summary given, none shown');
    await h.cloud.close();
  });

  it('refuses links on a volume, and names an unknown one', async () => {
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }, [], [nic('public')])), 400, /^a storage owns no links; link computes to it instead$/);
    await rejectsWith(h.cloud.update(h.alice, 'storage', 'no-such-volume', change({ 'occi.core.title': 'x' })), 404, /^storage no-such-volume not found$/);
    await rejectsWith(h.cloud.action(h.alice, 'storage', 'no-such-volume', storageAction('online'), {}), 404, /^storage no-such-volume not found$/);
    await h.cloud.close();
  });

  it('filters volumes by every attribute exactly as the records say', async () => {
    const h = await harness({ actionMs: ACTION_MS });
    await online(h, { 'occi.core.title': 'a', 'occi.core.summary': 's1', 'occi.storage.size': 2 });
    await volume(h, { 'occi.core.title': 'b', 'occi.core.summary': 's2', 'occi.storage.size': 3 });
    const all = await assertFiltersAlike(h, 'storage', ['occi.core.title', 'occi.core.summary', 'occi.storage.size', 'occi.storage.state', 'occi.storage.state.message']);
    assert.equal(all.length, 2);
    await h.cloud.close();
  });

  it('updates title and summary alone, keeping the size, and grows the size', async () => {
    const h = await harness({ actionMs: ACTION_MS });
    const vol = await online(h, { 'occi.core.title': 'data' });
    const renamed = await h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.core.title': 'archive', 'occi.core.summary': 'old mail' }));
    assert.equal(attribute(renamed, 'occi.core.title'), 'archive');
    assert.equal(attribute(renamed, 'occi.core.summary'), 'old mail');
    assert.equal(attribute(renamed, 'occi.storage.size'), 4);
    assert.deepEqual(await h.cloud.get(h.alice, 'storage', vol.id), renamed, 'as stored');
    const grown = await h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.storage.size': 6 }));
    assert.equal(attribute(grown, 'occi.storage.size'), 6);
    assert.equal(attribute(grown, 'occi.storage.state.message'), 'resized from 4 GB to 6 GB');
    await h.cloud.close();
  });

  it('refuses a mixin, an unchangeable attribute and a bad or smaller size in an update, saying which', async () => {
    const h = await harness({ actionMs: ACTION_MS });
    const vol = await online(h);
    const os = (await h.cloud.providerMixins(h.alice)).os[0]!;
    const refused = await h.cloud.update(h.alice, 'storage', vol.id, change({}, [os])).then(
      () => assert.fail('a mixin on a storage was accepted'),
      (e: Error) => e.message,
    );
    assert.equal(refused, `mixin ${typeId(os)} cannot be associated with a storage`);
    await rejectsWith(h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.storage.state': 'offline' })), 400, /^occi\.storage\.state cannot be changed on a storage$/);
    await rejectsWith(h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.storage.size': 0 })), 400, /^occi\.storage\.size must be a number of GB greater than 0$/);
    await rejectsWith(h.cloud.update(h.alice, 'storage', vol.id, change({ 'occi.storage.size': 3 })), 400, /^occi\.storage\.size must be larger than the current 4 GB$/);
    assert.deepEqual(await h.cloud.get(h.alice, 'storage', vol.id), vol, 'nothing changed');
    await h.cloud.close();
  });

  it('resizes only an idle online volume, naming it, and checks the size parameter', async () => {
    const h = await harness({ actionMs: ACTION_MS });
    const busy = await volume(h);
    await rejectsWith(h.cloud.update(h.alice, 'storage', busy.id, change({ 'occi.storage.size': 8 })), 409, new RegExp(`^storage ${busy.id} is offline and busy \\(creating\\); retry once it is online$`));
    h.advance(ACTION_MS);
    await rejectsWith(h.cloud.action(h.alice, 'storage', busy.id, storageAction('resize'), {}), 400, /^resize parameter size must be a number of GB greater than 0$/);
    await h.cloud.action(h.alice, 'storage', busy.id, storageAction('offline'), {});
    h.advance(ACTION_MS);
    await rejectsWith(h.cloud.update(h.alice, 'storage', busy.id, change({ 'occi.storage.size': 8 })), 409, new RegExp(`^cannot resize storage ${busy.id}: it is offline$`));
    await h.cloud.close();
  });

  it('takes a volume offline and online again, each with its messages, and names it when refused', async () => {
    const h = await harness({ actionMs: ACTION_MS });
    const vol = await online(h);
    const going = await h.cloud.action(h.alice, 'storage', vol.id, storageAction('offline'), {});
    assert.equal(attribute(going.entity, 'occi.storage.state'), 'online');
    assert.equal(attribute(going.entity, 'occi.storage.state.message'), 'going offline');
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('online'), {}), 409, new RegExp(`^storage ${vol.id} is online and busy \\(going offline\\); retry once it is offline$`));
    h.advance(ACTION_MS);
    const off = (await h.cloud.get(h.alice, 'storage', vol.id)) as ResourceRecord;
    assert.equal(attribute(off, 'occi.storage.state'), 'offline');
    assert.equal(attribute(off, 'occi.storage.state.message'), 'offline');
    await rejectsWith(h.cloud.action(h.alice, 'storage', vol.id, storageAction('offline'), {}), 409, new RegExp(`^cannot offline storage ${vol.id}: it is offline$`));
    const back = await h.cloud.action(h.alice, 'storage', vol.id, storageAction('online'), {});
    assert.equal(attribute(back.entity, 'occi.storage.state'), 'offline');
    assert.equal(attribute(back.entity, 'occi.storage.state.message'), 'going online');
    h.advance(ACTION_MS);
    const on = (await h.cloud.get(h.alice, 'storage', vol.id)) as ResourceRecord;
    assert.equal(attribute(on, 'occi.storage.state'), 'online');
    assert.equal(attribute(on, 'occi.storage.state.message'), 'online');
    await h.cloud.close();
  });
});
