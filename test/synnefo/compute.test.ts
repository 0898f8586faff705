// Computes on the Synnefo dialect against the stand-in of every release:
// identity and discovery, creation with keys and user data by the means the
// release has, project checks, rename, actions, resize and delete.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceRecord } from '../../src/port/backend.js';
import * as I from '../../src/model/infrastructure.js';
import { rejectsWith } from '../backends/contract.js';
import { ARCHIPELAGO, DRBD, eventually, harness, KEY, type Harness } from './harness.js';
import { RELEASES, type Release } from './standin/index.js';

const later = (r: Release, first: Release): boolean => RELEASES.indexOf(r) >= RELEASES.indexOf(first);
const userData = Buffer.from('#cloud-config\nruncmd: [touch /tmp/hi]\n').toString('base64');
type File = { path: string; contents: string };

for (const release of RELEASES) {
  describe(`Synnefo ${release}: computes`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(release);
    });
    after(() => h.close());

    it('authenticates on the Astakos URL with or without /v2.0 (identity auto speaks v2.0)', async () => {
      for (const url of [h.standin.identityUrl, `${h.standin.url}/identity`, `${h.standin.url}/identity/`]) {
        const other = await harness(release, { keystoneUrl: () => url });
        try {
          assert.equal(other.alice.tenant, h.standin.world.users[0]!.uuid);
          assert.ok((await other.backend.providerMixins(other.alice)).os.length > 0);
        } finally {
          await other.close();
        }
      }
      await rejectsWith(h.backend.authenticate({ token: 'not-a-token' }), 401);
    });

    it('offers the flavors Cyclades lets users create from, and the images of the compute API', async () => {
      const t = await h.backend.providerMixins(h.alice);
      assert.deepEqual(t.resource.map((m) => m.term), ['C1R1024D20drbd', 'C2R2048D20drbd', 'C1R1024D20archipelago', 'C2R2048D20archipelago', 'C1R1024D40drbd']);
      assert.ok(!t.resource.some((m) => m.term === 'C8R16384D20drbd'), 'SNF:allow_create false is not offered');
      assert.deepEqual(t.os.map((m) => m.term), ['Debian_Base', 'Ubuntu_LTS']);
    });

    for (const configured of ['auto', release] as const) {
      it(`writes key and user data as that release can take them (openstack.synnefoRelease ${configured})`, async () => {
        const k = configured === 'auto' ? h : await harness(release, { backend: { synnefoRelease: configured } });
        const vm = await k.compute({ attributes: { 'occi.credentials.ssh.publickey': KEY, 'occi.compute.userdata': userData } });
        const s = k.standin.world.servers.get(Number(vm.id))!;
        const body = k.standin.sent('POST', '/servers').at(-1)!.body as { server: Record<string, unknown> };
        const paths = ((body.server.personality ?? []) as File[]).map((f) => f.path);
        if (k !== h) await k.close();
        if (later(release, '0.19')) {
          assert.match(String(body.server.key_name), /^snf-occi-[0-9a-f]{16}$/);
          assert.equal(s.keyName, body.server.key_name, 'the keypair was imported and named');
          assert.ok(!paths.some((p) => p.endsWith('authorized_keys')));
        } else {
          assert.equal(body.server.key_name, undefined, 'no key_name before 0.19');
          assert.deepEqual(paths.filter((p) => p.endsWith('authorized_keys')), ['/root/.ssh/authorized_keys', '/home/user/.ssh/authorized_keys'], "root and the image's users");
          assert.equal(k.standin.sent('POST', '/os-keypairs').length, 0);
        }
        if (later(release, '0.20') && configured !== 'auto') {
          assert.equal(s.userData, userData);
          assert.ok(!paths.some((p) => p.endsWith('user-data')));
        } else {
          assert.equal(body.server.user_data, undefined, 'user_data is not read before 0.20, nor sent when the release is not known');
          const file = (s.personality as File[]).find((f) => f.path === '/var/lib/cloud/seed/nocloud-net/user-data');
          assert.equal(file?.contents, userData, 'so it goes in as a NoCloud seed file');
        }
      });
    }

    it('renames (204, no body), keeps the summary in metadata, and refuses a hostname in words', async () => {
      const vm = await h.compute();
      const renamed = await h.backend.update(h.alice, 'compute', vm.id, { attributes: { 'occi.core.title': 'renamed', 'occi.core.summary': 'web' }, addMixins: [], removeMixins: [] });
      assert.equal(renamed.attributes['occi.core.title'], 'renamed');
      assert.equal(renamed.attributes['occi.core.summary'], 'web');
      assert.equal(renamed.attributes['occi.compute.hostname'], `snf-${vm.id}.vm.example.org`, 'SNF:fqdn');
      const cleared = await h.backend.update(h.alice, 'compute', vm.id, { attributes: { 'occi.core.summary': null }, addMixins: [], removeMixins: [] });
      assert.equal(cleared.attributes['occi.core.summary'], undefined);
      await rejectsWith(
        h.backend.update(h.alice, 'compute', vm.id, { attributes: { 'occi.compute.hostname': 'mine' }, addMixins: [], removeMixins: [] }),
        400,
        /Synnefo names a compute's host itself/,
      );
      const same = await h.backend.update(h.alice, 'compute', vm.id, { attributes: { 'occi.compute.hostname': `snf-${vm.id}.vm.example.org` }, addMixins: [], removeMixins: [] });
      assert.equal(same.id, vm.id, 'repeating the current hostname is no change');
    });

    it('starts, shuts down and reboots; suspend and save are refused in words and not offered', async () => {
      const vm = await h.compute();
      assert.deepEqual(((await h.backend.get(h.alice, 'compute', vm.id)) as ResourceRecord).refused, ['suspend', 'save'], 'not offered (R56)');
      const stopped = await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_STOP, {});
      assert.equal(stopped.entity?.attributes['occi.compute.state'], 'inactive');
      assert.deepEqual(h.standin.sent('POST', `/servers/${vm.id}/action`).at(-1)!.body, { shutdown: {} });
      await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_START, {});
      assert.deepEqual(h.standin.sent('POST', `/servers/${vm.id}/action`).at(-1)!.body, { start: {} });
      for (const method of ['warm', 'cold']) {
        const r = await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_RESTART, { method });
        assert.equal(r.entity?.attributes['occi.compute.state'], 'active');
        assert.deepEqual(h.standin.sent('POST', `/servers/${vm.id}/action`).at(-1)!.body, { reboot: { type: method === 'warm' ? 'SOFT' : 'HARD' } });
      }
      await rejectsWith(h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_SUSPEND, {}), 400, /Synnefo cannot suspend a compute; stop it instead/);
      await rejectsWith(h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_SAVE, {}), 400, /cannot save a compute/);
    });

    it('resizes a stopped compute to a flavor with the same disk, and says why it will not otherwise', async () => {
      const vm = await h.compute({ size: DRBD });
      const to = async (term: string) => ({ attributes: {}, addMixins: [await h.size(term)], removeMixins: [] });
      await rejectsWith(h.backend.update(h.alice, 'compute', vm.id, await to('C2R2048D20drbd')), 409, /resizes only a stopped compute; stop compute \d+ first/);
      await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_STOP, {});
      await rejectsWith(h.backend.update(h.alice, 'compute', vm.id, await to('C1R1024D40drbd')), 400, /cannot change a compute's disk size \(20 GB\); choose a resource_tpl with the same disk: C1R1024D20drbd, C2R2048D20drbd/);
      await rejectsWith(h.backend.update(h.alice, 'compute', vm.id, await to(ARCHIPELAGO)), 400, /cannot move a compute to another volume type/);
      const resized = await h.backend.update(h.alice, 'compute', vm.id, await to('C2R2048D20drbd'));
      assert.equal(resized.attributes['occi.compute.cores'], 2);
      assert.ok(resized.mixins.some((m) => m.endsWith('#C2R2048D20drbd')));
      await rejectsWith(
        h.backend.update(h.alice, 'compute', vm.id, { attributes: {}, addMixins: [await h.os('Ubuntu_LTS')], removeMixins: [] }),
        400,
        /Synnefo cannot rebuild a compute from another os_tpl; create a new compute from it instead/,
      );
    });

    it('deletes a compute: gone at once, then 404 (deleted servers still answer GET on Cyclades)', async () => {
      const slow = await harness(release, { world: { jobMs: 100 } });
      try {
        const vm = await slow.running();
        await slow.backend.delete(slow.alice, 'compute', vm.id);
        assert.equal(slow.standin.world.servers.get(Number(vm.id))!.task, 'DESTROY', 'Cyclades is still destroying it');
        assert.equal(await slow.backend.get(slow.alice, 'compute', vm.id), undefined);
        await rejectsWith(slow.backend.delete(slow.alice, 'compute', vm.id), 404);
        await eventually(async () => slow.standin.world.servers.get(Number(vm.id))!.deleted, (d) => d);
        assert.equal(await slow.backend.get(slow.alice, 'compute', vm.id), undefined);
        assert.ok(!(await slow.backend.list(slow.alice, { kind: 'compute', detail: 'records' })).items.some((r) => r.id === vm.id));
      } finally {
        await slow.close();
      }
    });

    it(later(release, '0.17') ? 'refuses a project the user is not in, early and in words' : 'passes projects on (0.16 lists none) and Cyclades refuses a foreign one', async () => {
      const mine = h.standin.world.users[0]!.projects[1]!;
      const c = await h.backend.authenticate({ token: 'alice-snf-token', project: mine });
      const vm = await h.compute({ c });
      assert.equal(h.standin.world.servers.get(Number(vm.id))!.project, mine);
      if (later(release, '0.17')) {
        await rejectsWith(h.backend.authenticate({ token: 'alice-snf-token', project: 'someone-elses' }), 403, /not a member of Synnefo project someone-elses; send X-Snf-Project with one of yours/);
      } else {
        const foreign = await h.backend.authenticate({ token: 'alice-snf-token', project: 'someone-elses' });
        await rejectsWith(h.compute({ c: foreign }), 413, /Resource Limit Exceeded/);
      }
    });
  });
}
