// Storage on the Synnefo dialect against the stand-in of every release: a
// detachable volume type for volumes of their own (none at all in 0.16),
// Cyclades' short POST answer, attachments that need the flavor's volume
// type, the root disk shown but never detached, and what Cyclades cannot do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceRecord } from '../../src/port/backend.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from '../backends/contract.js';
import { DRBD, harness, type Harness } from './harness.js';
import { RELEASES } from './standin/index.js';

const spec = (title: string, gb = 1) => ({ kind: 'storage' as const, mixins: [], attributes: { 'occi.core.title': title, 'occi.storage.size': gb }, links: [] });

for (const release of RELEASES) {
  describe(`Synnefo ${release}: storage`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(release);
    });
    after(() => h.close());

    it('shows the root disk as a storagelink that is refused detaching, and its volume refused deleting', async () => {
      const vm = await h.compute();
      const root = vm.links.find((l) => l.kind === 'storagelink')!;
      assert.equal(root.attributes['occi.storagelink.deviceid'], '/dev/vda');
      assert.match(String(root.attributes['occi.storagelink.state.message']), /root disk/);
      await rejectsWith(h.backend.delete(h.alice, 'storagelink', root.id), 409, /root disk of compute \d+; it cannot be detached/);
      await rejectsWith(h.backend.delete(h.alice, 'storage', root.target.id), 409, /root disk of compute \d+ and goes with it; delete the compute instead/);
      const volume = (await h.backend.get(h.alice, 'storage', root.target.id)) as ResourceRecord;
      assert.match(String(volume.attributes['occi.storage.state.message']), /^in_use \(root disk of compute \d+\)$/);
    });

    if (release === '0.16') {
      it('says 0.16 cannot create a volume of its own', async () => {
        await rejectsWith(h.backend.createResource(h.alice, spec('data')), 400, /creates a volume only together with a server/);
        const configured = await harness(release, { backend: { synnefoRelease: '0.16' } });
        try {
          await rejectsWith(configured.backend.createResource(configured.alice, spec('data')), 400, /upgrade Synnefo to 0.17/);
          assert.equal(configured.standin.sent('POST', '/volumes').length, 0, 'refused before asking');
        } finally {
          await configured.close();
        }
      });

      it('refuses to detach a volume that the detach would destroy', async () => {
        const vm = await h.compute();
        const post = await fetch(`${h.standin.url}/cyclades/volume/v2.0/volumes`, {
          method: 'POST',
          headers: { 'X-Auth-Token': 'alice-snf-token', 'Content-Type': 'application/json' },
          body: JSON.stringify({ volume: { size: 1, display_name: 'kamaki-made', server_id: vm.id } }),
        });
        const { volume } = (await post.json()) as { volume: { id: string } };
        await rejectsWith(h.backend.delete(h.alice, 'storagelink', `${vm.id}_${volume.id}`), 409, /would destroy it .*delete the storage instead/);
      });
      return;
    }

    it('creates a volume of a detachable type, reads it after the short POST answer, and snapshots it by display_name', async () => {
      const vol = await h.backend.createResource(h.alice, spec('data', 1.5));
      assert.deepEqual(h.standin.sent('POST', '/volumes').at(-1)!.body, { volume: { size: 2, display_name: 'data', project: h.alice.tenant, volume_type: '2' } });
      assert.equal(vol.attributes['occi.core.title'], 'data');
      assert.equal(vol.attributes['occi.storage.state'], 'online', 'an available volume');
      assert.deepEqual(vol.refused, ['resize', 'backup', 'online']);
      await h.backend.action(h.alice, 'storage', vol.id, I.STORAGE_SNAPSHOT, {});
      assert.match(String((h.standin.sent('POST', '/snapshots').at(-1)!.body as { snapshot: { display_name: string } }).snapshot.display_name), /^data-\d{4}-/);
      await rejectsWith(h.backend.action(h.alice, 'storage', vol.id, I.STORAGE_RESIZE, { size: 3 }), 400, /Synnefo cannot resize a volume/);
      await rejectsWith(h.backend.action(h.alice, 'storage', vol.id, I.STORAGE_BACKUP, {}), 400, /no volume backups; use the snapshot action/);
      await rejectsWith(h.backend.update(h.alice, 'storage', vol.id, { attributes: { 'occi.storage.size': 4 }, addMixins: [], removeMixins: [] }), 400, /cannot resize/);
      await h.backend.delete(h.alice, 'storage', vol.id);
      assert.equal(await h.backend.get(h.alice, 'storage', vol.id), undefined, 'deleting, then deleted: true, counts as gone');
    });

    it("attaches to a compute of the flavor's volume type with a device, detaches, and says why not otherwise", async () => {
      const vol = await h.backend.createResource(h.alice, spec('disk'));
      const drbd = await h.compute({ size: DRBD });
      await rejectsWith(h.backend.createLink(h.alice, linkFrom(drbd.id, 'storagelink', vol.id)), 409, /takes only volume type 1/);
      const vm = await h.compute();
      const link = await h.backend.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
      assert.equal(link.attributes['occi.storagelink.deviceid'], '/dev/vdb');
      assert.equal(((await h.backend.get(h.alice, 'storage', vol.id)) as ResourceRecord).attributes['occi.storage.state.message'], 'in_use');
      await h.backend.delete(h.alice, 'storagelink', link.id);
      const after = (await h.backend.get(h.alice, 'storage', vol.id)) as ResourceRecord;
      assert.equal(after.attributes['occi.storage.state.message'], 'available', 'a detachable volume survives its detach');
      await h.backend.delete(h.alice, 'storage', vol.id);
    });

    it('attaches storage inside the compute create through block_device_mapping_v2, the image first, and keeps it when the compute goes', async () => {
      const vol = await h.backend.createResource(h.alice, spec('boot-data'));
      const inline = { ...linkFrom('', 'storagelink', vol.id), attributes: { 'occi.storagelink.deviceid': '/dev/vdb' } };
      const vm = await h.compute({ links: [inline] });
      const create = h.standin.sent('POST', '/servers').at(-1)!.body as { server: { imageRef: string; block_device_mapping_v2: unknown } };
      assert.deepEqual(create.server.block_device_mapping_v2, [
        { source_type: 'image', uuid: create.server.imageRef, volume_size: 20, delete_on_termination: true },
        { source_type: 'volume', uuid: vol.id, delete_on_termination: false },
      ]);
      const disks = vm.links.filter((l) => l.kind === 'storagelink').map((l) => [l.target.id === vol.id, l.attributes['occi.storagelink.deviceid']]);
      assert.deepEqual(disks, [[false, '/dev/vda'], [true, '/dev/vdb']], 'the root disk, then the storage');
      await h.backend.delete(h.alice, 'compute', vm.id);
      const kept = (await h.backend.get(h.alice, 'storage', vol.id)) as ResourceRecord;
      assert.equal(kept.attributes['occi.storage.state.message'], 'available', 'a volume given at create is not deleted with the compute');
      await rejectsWith(h.compute({ size: DRBD, links: [linkFrom('', 'storagelink', vol.id)] }), 400, /has type '2' while flavor's volume type is '1'/);
      await rejectsWith(h.compute({ links: [{ ...inline, attributes: { 'occi.storagelink.deviceid': '/dev/vdc' } }] }), 400, /storage \d+ will be \/dev\/vdb; ask for \/dev\/vdb or leave occi.storagelink.deviceid out/);
      await h.backend.delete(h.alice, 'storage', vol.id);
    });
  });
}
