// The embedded cloud's rules for storage links, stated one by one (from the
// survivors of the first Stryker run over src/backends/local/, issue 14):
// a link has no mixins, keeps its title and mountpoint, shows `attached`
// while its compute runs, filters in SQL as on the records, refuses what an
// update may not change, names an unknown link, and a compute runs out of
// device names after /dev/vdz.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LinkRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import { linkFrom, rejectsWith } from './contract.js';
import { assertFiltersAlike, change, harness, spec, type Harness } from './local-harness.js';

const BOOT_MS = 1000;

/** A compute, booted, and `n` volumes, each attached to it with `attributes(i)`. */
async function attached(h: Harness, n: number, attributes: (i: number) => Record<string, string> = () => ({})): Promise<{ vm: string; links: LinkRecord[] }> {
  const vm = await h.cloud.createResource(h.alice, spec('compute'));
  const links: LinkRecord[] = [];
  for (let i = 0; i < n; i++) {
    const vol = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
    links.push(await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id, attributes(i))));
  }
  h.advance(BOOT_MS);
  return { vm: vm.id, links };
}

describe('local cloud: storage link rules', () => {
  it('attaches with a title and mountpoint, no mixins, attached while the compute is active', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    const { links } = await attached(h, 1, () => ({ 'occi.core.title': 'data disk', 'occi.storagelink.mountpoint': '/srv' }));
    const sl = (await h.cloud.get(h.alice, 'storagelink', links[0]!.id)) as LinkRecord;
    assert.deepEqual(sl.mixins, [], 'a storage link has no mixins');
    assert.equal(sl.attributes['occi.core.title'], 'data disk');
    assert.equal(sl.attributes['occi.storagelink.mountpoint'], '/srv');
    assert.equal(sl.attributes['occi.storagelink.state'], 'active');
    assert.equal(sl.attributes['occi.storagelink.state.message'], 'attached');
    const untitled = await attached(h, 1);
    assert.equal(untitled.links[0]!.attributes['occi.core.title'], undefined, 'no title given, none shown');
    await h.cloud.close();
  });

  it('filters storage links by every attribute exactly as the records say', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    await attached(h, 2, (i) => ({ 'occi.core.title': `disk ${i}`, 'occi.storagelink.mountpoint': `/mnt/${i}` }));
    const all = await assertFiltersAlike(h, 'storagelink', ['occi.core.title', 'occi.storagelink.deviceid', 'occi.storagelink.mountpoint']);
    assert.equal(all.length, 2);
    await h.cloud.close();
  });

  it('updates title and mountpoint, keeping the device', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    const { links } = await attached(h, 1, () => ({ 'occi.core.title': 'old', 'occi.storagelink.mountpoint': '/old' }));
    const sl = links[0]!;
    const changed = await h.cloud.update(h.alice, 'storagelink', sl.id, change({ 'occi.core.title': 'new', 'occi.storagelink.mountpoint': '/new' }));
    assert.equal(changed.attributes['occi.core.title'], 'new');
    assert.equal(changed.attributes['occi.storagelink.mountpoint'], '/new');
    assert.equal(changed.attributes['occi.storagelink.deviceid'], '/dev/vdb');
    assert.deepEqual(await h.cloud.get(h.alice, 'storagelink', sl.id), changed, 'as stored');
    await h.cloud.close();
  });

  it('refuses a mixin and an unchangeable attribute in an update, and names an unknown link, saying which', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    const { links } = await attached(h, 1);
    const sl = (await h.cloud.get(h.alice, 'storagelink', links[0]!.id)) as LinkRecord;
    const os = (await h.cloud.providerMixins(h.alice)).os[0]!;
    const refused = await h.cloud.update(h.alice, 'storagelink', sl.id, change({}, [os])).then(
      () => assert.fail('a mixin on a storage link was accepted'),
      (e: Error) => e.message,
    );
    assert.equal(refused, `mixin ${typeId(os)} cannot be associated with a storage link`);
    await rejectsWith(h.cloud.update(h.alice, 'storagelink', sl.id, change({ 'occi.storagelink.state': 'error' })), 400, /^occi\.storagelink\.state cannot be changed on a storage link$/);
    assert.deepEqual(await h.cloud.get(h.alice, 'storagelink', sl.id), sl, 'nothing changed');
    await rejectsWith(h.cloud.update(h.alice, 'storagelink', 'no-such-link', change({ 'occi.core.title': 'x' })), 404, /^storagelink no-such-link not found$/);
    await rejectsWith(h.cloud.delete(h.alice, 'storagelink', 'no-such-link'), 404, /^storagelink no-such-link not found$/);
    await h.cloud.close();
  });

  it('gives a compute the devices /dev/vdb to /dev/vdz and then refuses another volume, naming the compute', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    const { vm, links } = await attached(h, 25);
    assert.deepEqual(
      links.map((l) => l.attributes['occi.storagelink.deviceid']),
      [...'bcdefghijklmnopqrstuvwxyz'].map((l) => `/dev/vd${l}`),
    );
    const one = await h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm, 'storagelink', one.id)), 409, new RegExp(`^compute ${vm} has no free device for another volume$`));
    await h.cloud.close();
  });
});
