// The OpenStack backend does what it answers (issue 8), against a real cloud
// (openstack-lite): attached volumes resize with Cinder microversion 3.42;
// snapshots are snapshot_tpl mixins, reachable and deletable; a saved OS
// template's Glance image is deleted by its owner, and a template the project
// does not own is refused with 403; a floating IP that cannot be had is a 409
// saying why; another project's shared network offers no up/down; a compute
// being built says so in words. Runs only with OS_* set (see os-env.ts):
//   . /var/lib/openstack-lite/demo-openrc && npm run build && node --test dist/test/openstack/honest-answers.test.js
// Everything it makes is deleted, and checked gone through the cloud's API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Backend, Credentials, ResourceRecord } from '../../src/port/backend.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import { SNAPSHOT_TPL } from '../../src/backends/openstack/mapping/snapshots.js';
import { typeId, type Mixin } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith, stateOf } from '../backends/contract.js';
import { altAccount, osGet, osSend, passwordToken, primaryAccount, SKIP_MESSAGE, type Token } from './os-env.js';

const demo = primaryAccount();
const alt = altAccount();
const RUN = `honest${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!demo || !alt) {
  it('OpenStack: the backend does what it answers', (t) => {
    t.skip(SKIP_MESSAGE);
  });
} else {
  describe('openstack backend: does what it answers (issue 8, real cloud)', () => {
    let backend: Backend;
    let me: Credentials;
    let other: Credentials;
    let tok: Token;
    let tiny: Mixin;
    let nano: Mixin;
    let publicNet: ResourceRecord;
    let sharedNet: ResourceRecord;
    let net: ResourceRecord;
    let vm: ResourceRecord;
    const made = { servers: [] as string[], volumes: [] as string[], networks: [] as string[], images: [] as string[], snapshots: [] as string[] };

    const cinder = (path: string) => `${tok.endpoints['block-storage']}/${path}`;
    const neutron = (path: string) => `${tok.endpoints.network.replace(/\/v2\.0$/, '')}/v2.0/${path}`;
    const status = async (url: string): Promise<number> => (await osSend(tok, 'GET', url)).status;

    async function until(kind: 'compute' | 'storage', id: string, state: string): Promise<ResourceRecord> {
      let last: ResourceRecord | undefined;
      for (let i = 0; i < 90; i++) {
        last = (await backend.get(me, kind, id)) as ResourceRecord | undefined;
        if (stateOf(last) === state) return last!;
        await sleep(1000);
      }
      assert.fail(`${kind} ${id} never became ${state}; last seen ${String(stateOf(last))} (${String(last?.attributes[`occi.${kind}.state.message`])})`);
    }

    async function newVolume(title: string, mixins: Mixin[] = []): Promise<ResourceRecord> {
      const v = await backend.createResource(me, { kind: 'storage', mixins, attributes: { 'occi.core.title': `${RUN}-${title}`, 'occi.storage.size': 1 }, links: [] });
      made.volumes.push(v.id);
      return until('storage', v.id, 'online');
    }

    before(async () => {
      const altTok = await passwordToken(alt);
      tok = await passwordToken(demo);
      backend = openOpenStackBackend({ keystoneUrl: demo.authUrl, timeoutMs: 30_000 });
      [me, other] = await Promise.all([backend.authenticate({ token: tok.token }), backend.authenticate({ token: altTok.token })]);
      const t = await backend.providerMixins(me);
      tiny = t.os.find((m) => m.term === 'tiny')!;
      nano = t.resource.find((m) => m.term === 'm1.nano')!;
      assert.ok(tiny && nano, 'openstack-lite offers image tiny and flavor m1.nano');
      const nets = (await backend.list(me, { kind: 'network', detail: 'records' })).items as ResourceRecord[];
      publicNet = nets.find((n) => n.attributes['occi.core.title'] === 'public')!;
      sharedNet = nets.find((n) => n.attributes['occi.core.title'] === 'shared')!;
      assert.ok(publicNet && sharedNet, 'networks public and shared');
      // A network of our own with no router to public: floating IPs cannot reach it.
      net = await backend.createResource(me, {
        kind: 'network',
        mixins: [I.IPNETWORK],
        attributes: { 'occi.core.title': `${RUN}-net`, 'occi.network.address': '10.79.0.0/24' },
        links: [],
      });
      made.networks.push(net.id);
    });

    after(async () => {
      // Best effort, straight through the APIs, for what a failed test left.
      for (const id of made.snapshots) await osSend(tok, 'DELETE', cinder(`snapshots/${id}`));
      for (const id of made.servers) await osSend(tok, 'DELETE', `${tok.endpoints.compute}/servers/${id}`);
      for (const id of made.images) await osSend(tok, 'DELETE', `${tok.endpoints.image}/v2/images/${id}`);
      for (let i = 0; i < 30 && made.servers.length > 0; i++) {
        const left = await Promise.all(made.servers.map((id) => status(`${tok.endpoints.compute}/servers/${id}`)));
        if (left.every((s) => s === 404)) break;
        await sleep(1000);
      }
      for (const id of made.volumes) await osSend(tok, 'DELETE', cinder(`volumes/${id}?cascade=true`));
      for (const id of made.networks) await osSend(tok, 'DELETE', neutron(`networks/${id}`));
      await backend.close();
    });

    it('a compute being built is inactive, and its message says so in words (1.2 has no building state)', async () => {
      vm = await backend.createResource(me, {
        kind: 'compute',
        mixins: [tiny, nano],
        attributes: { 'occi.core.title': `${RUN}-vm` },
        links: [{ kind: 'networkinterface', target: { kind: 'network', id: net.id }, mixins: [], attributes: {} }],
      });
      made.servers.push(vm.id);
      const state = stateOf(vm);
      const message = String(vm.attributes['occi.compute.state.message']);
      // Nova answers the creation before it builds; a very fast cloud may be done already.
      if (state === 'inactive') assert.match(message, /^building: BUILD/);
      else assert.equal(state, 'active', `a new compute is building or active, not ${String(state)} (${message})`);
      await until('compute', vm.id, 'active');
    });

    it('a floating IP for a compute whose network has no router to the external network is a 409 saying why', async () => {
      await rejectsWith(backend.createLink(me, linkFrom(vm.id, 'networkinterface', publicNet.id)), 409, /has no router to it\. Link the compute to a network that has one/);
      const ports = await osGet<{ ports: { id: string }[] }>(tok, neutron(`ports?device_id=${vm.id}`));
      for (const p of ports.ports) {
        const held = await osGet<{ floatingips: unknown[] }>(tok, neutron(`floatingips?port_id=${p.id}`));
        assert.deepEqual(held.floatingips, [], 'no floating IP is left on the compute');
      }
    });

    it("another project's shared and external networks offer no up/down, and refuse them with 403", async () => {
      for (const n of [sharedNet, publicNet]) {
        const seen = (await backend.get(me, 'network', n.id)) as ResourceRecord;
        assert.ok(seen.refused?.includes('up') && seen.refused.includes('down'), `${String(n.attributes['occi.core.title'])} does not advertise up/down`);
        await rejectsWith(backend.action(me, 'network', n.id, I.NETWORK_DOWN, {}), 403, /of project [0-9a-f]+: only that project can take it down/);
      }
      const own = (await backend.get(me, 'network', net.id)) as ResourceRecord;
      assert.ok(!own.refused?.includes('down'), 'our own network still offers down');
    });

    it('an attached volume offers resize, and its extend goes to Cinder with microversion 3.42', async () => {
      const vol = await newVolume('attached');
      await backend.createLink(me, linkFrom(vm.id, 'storagelink', vol.id));
      const attached = await until('storage', vol.id, 'online');
      assert.equal(attached.attributes['occi.storage.state.message'], 'in-use');
      assert.ok(!attached.refused?.includes('resize'), 'resize is offered on the attached volume');
      // Without the microversion Cinder refuses an attached volume outright: the bridge must negotiate it.
      const bare = await osSend(tok, 'POST', cinder(`volumes/${vol.id}/action`), { 'os-extend': { new_size: 2 } });
      assert.equal(bare.status, 400);
      try {
        const { entity } = await backend.action(me, 'storage', vol.id, I.STORAGE_RESIZE, { size: 2 });
        assert.equal(entity?.attributes['occi.storage.size'], 2);
      } catch (e) {
        // openstack-lite's fake Cinder driver accepts the request (202) and then fails every extend.
        assert.equal((e as { status?: number }).status, 502, String(e));
        assert.match((e as Error).message, /failed to extend volume .* \(status error_extending\)/);
      }
      const seen = await osGet<{ volume: { status: string } }>(tok, cinder(`volumes/${vol.id}`));
      assert.notEqual(seen.volume.status, 'in-use', 'Cinder took the request: the volume was extended or its extend failed in the driver');
    });

    let snap: Mixin;

    it('a snapshot is a snapshot_tpl mixin of the project, that a new storage starts from and carries', async () => {
      const vol = await newVolume('source');
      const { mixin } = await backend.action(me, 'storage', vol.id, I.STORAGE_SNAPSHOT, {});
      assert.ok(mixin, 'the snapshot action answers the new mixin');
      snap = mixin;
      made.snapshots.push(snap.providerId!);
      assert.deepEqual(snap.depends.map((d) => d.term), ['snapshot_tpl']);
      assert.equal((await osGet<{ snapshot: { volume_id: string } }>(tok, cinder(`snapshots/${snap.providerId}`))).snapshot.volume_id, vol.id);
      assert.ok((await backend.providerMixins(me)).other.some((m) => typeId(m) === typeId(snap)), 'listed among the provider mixins');
      assert.ok(!(await backend.providerMixins(other)).other.some((m) => m.providerId === snap.providerId), 'not offered to the other project');
      await rejectsWith(
        backend.createResource(me, { kind: 'storage', mixins: [SNAPSHOT_TPL], attributes: { 'occi.storage.size': 1 }, links: [] }),
        400,
        /names the family of snapshot mixins, not one of them: .*GET \/-\/\?category=snapshot_tpl/,
      );
      const copy = await newVolume('copy', [snap]);
      assert.ok(copy.mixins.includes(typeId(snap)), 'the copy carries its snapshot');
      const inCinder = await osGet<{ volume: { snapshot_id: string } }>(tok, cinder(`volumes/${copy.id}`));
      assert.equal(inCinder.volume.snapshot_id, snap.providerId);
      await backend.delete(me, 'storage', copy.id);
    });

    it('deleting a snapshot_tpl mixin deletes the snapshot in Cinder', async () => {
      await backend.deleteMixins!(me, [snap]);
      assert.equal(await status(cinder(`snapshots/${snap.providerId}`)), 404);
      assert.ok(!(await backend.providerMixins(me)).other.some((m) => m.providerId === snap.providerId), 'no longer offered');
      await rejectsWith(backend.deleteMixins!(me, [snap]), 404, /gone already/);
    });

    it("deleting a saved OS template deletes its Glance image; a template the project does not own is a 403 and nothing is deleted", async () => {
      await until('compute', vm.id, 'active');
      const { mixin: saved } = await backend.action(me, 'compute', vm.id, I.COMPUTE_SAVE, { name: `${RUN}-image` });
      assert.ok(saved?.providerId);
      made.images.push(saved.providerId);
      const image = `${tok.endpoints.image}/v2/images/${saved.providerId}`;
      await rejectsWith(backend.deleteMixins!(me, [saved, tiny]), 403, /template tiny is a public image owned by project [0-9a-f]+, not yours .*only its owner can delete it/);
      assert.equal(await status(image), 200, 'all or nothing: the saved image is still there');
      await backend.deleteMixins!(me, [saved]);
      assert.equal(await status(image), 404, 'the image is gone from Glance');
      assert.ok(!(await backend.providerMixins(me)).os.some((m) => m.providerId === saved.providerId), 'no longer offered');
    });

    it('deletes everything, and the cloud confirms nothing is left', async () => {
      await backend.delete(me, 'compute', vm.id);
      for (const id of made.volumes) {
        if ((await status(cinder(`volumes/${id}`))) === 404) continue;
        // The volume whose extend failed is freed when its compute goes.
        for (let i = 0; i < 30 && (await osGet<{ volume: { status: string } }>(tok, cinder(`volumes/${id}`))).volume.status === 'in-use'; i++) await sleep(1000);
        await backend.delete(me, 'storage', id);
      }
      await backend.delete(me, 'network', net.id);
      assert.equal(await status(`${tok.endpoints.compute}/servers/${vm.id}`), 404);
      for (const id of made.volumes) assert.equal(await status(cinder(`volumes/${id}`)), 404, `volume ${id} is gone`);
      for (const id of made.snapshots) assert.equal(await status(cinder(`snapshots/${id}`)), 404, `snapshot ${id} is gone`);
      assert.equal(await status(neutron(`networks/${net.id}`)), 404);
      made.servers = [];
      made.volumes = [];
      made.snapshots = [];
      made.networks = [];
      made.images = [];
    });
  });
}
