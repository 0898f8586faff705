// The OpenStack backend's zones and groups against a fake OpenStack on an
// ephemeral port, answering with recorded openstack-lite answers: what it
// asks Nova and Neutron, and what it makes of a cloud that refuses the
// listings.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Backend, Credentials } from '../../src/port/backend.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { NeutronPort } from '../../src/backends/openstack/clients/neutron.js';
import { typeId, type Mixin } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, json, type FakeCloud, type Recorded } from './fake-cloud.js';
import { fixture } from './fixtures.js';

type Doc = Record<string, unknown>;

const DEFAULT_ID = '1cf20315-8eeb-4a16-bbce-1b00375176ca';
const WEB_ID = '5d0b1f12-b3e0-423e-9564-3c35d50be87c';
const SHARED_NET = '22ebda73-ffa9-46c8-aa68-cf75802699e7';

interface World {
  server: Doc;
  ports: NeutronPort[];
  /** Nova's volume attachments of the server. */
  attachments?: { volumeId: string; device: string }[];
  /** Status the zone and group listings answer with instead of 200. */
  refuse?: number;
}

const fresh = (): World => ({
  server: { ...fixture<{ server: Doc }>('server-active.json').server },
  ports: fixture<{ ports: NeutronPort[] }>('ports.json').ports.map((p) => ({ ...p })),
});

function openstack(url: () => string, w: () => World) {
  return (req: Recorded, res: ServerResponse): void => {
    const path = req.path.split('?')[0]!;
    const world = w();
    const catalog = [
      { type: 'compute', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/compute/v2.1` }] },
      { type: 'image', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/image` }] },
      { type: 'network', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/network` }] },
    ];
    if (path === '/v3/auth/tokens') {
      return json(res, 200, { token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: 'p1' }, user: { id: 'u' }, catalog } });
    }
    if (path === '/compute/v2.1/') return json(res, 200, { version: { version: '2.93', min_version: '2.1' } });
    if (path === '/compute/v2.1/flavors/detail') return json(res, 200, fixture('flavors.json'));
    if (path === '/image/v2/images') return json(res, 200, fixture('images.json'));
    if (path === '/compute/v2.1/os-availability-zone') {
      return world.refuse ? json(res, world.refuse, { forbidden: { message: 'Policy does not allow it' } }) : json(res, 200, fixture('availability-zones.json'));
    }
    if (path === '/network/v2.0/security-groups') {
      return world.refuse ? json(res, world.refuse, { NeutronError: { message: 'not here' } }) : json(res, 200, fixture('security-groups.json'));
    }
    const sid = String(world.server.id);
    if (path === '/compute/v2.1/servers' && req.method === 'POST') return json(res, 202, { server: { id: sid } });
    if (path === `/compute/v2.1/servers/${sid}` && req.method === 'GET') return json(res, 200, { server: world.server });
    if (path === `/compute/v2.1/servers/${sid}/os-volume_attachments`) return json(res, 200, { volumeAttachments: world.attachments ?? [] });
    if (path === `/compute/v2.1/servers/${sid}/action`) {
      const body = req.body as { addSecurityGroup?: { name: string }; removeSecurityGroup?: { name: string } };
      for (const p of world.ports) {
        const groups = (p.security_groups ?? []).map(String);
        if (body.addSecurityGroup) p.security_groups = [...groups, body.addSecurityGroup.name];
        if (body.removeSecurityGroup) p.security_groups = groups.filter((g) => g !== body.removeSecurityGroup!.name);
      }
      res.writeHead(202);
      return void res.end();
    }
    if (path === `/network/v2.0/networks/${SHARED_NET}`) return json(res, 200, { network: fixture<{ networks: Doc[] }>('networks.json').networks[0] });
    if (path === '/network/v2.0/ports') return json(res, 200, { ports: world.ports });
    if (path === '/network/v2.0/floatingips') return json(res, 200, { floatingips: [] });
    json(res, 404, { itemNotFound: { message: `no ${req.method} ${path}` } });
  };
}

describe('openstack backend: zones and groups on a fake OpenStack', () => {
  let cloud: FakeCloud;
  let world: World;
  let backend: Backend;
  let c: Credentials;
  const sent = (suffix: string): Recorded[] => cloud.requests.filter((r) => r.path.split('?')[0]!.endsWith(suffix));
  const other = async (): Promise<Mixin[]> => (await backend.providerMixins(c)).other;
  const find = (mixins: Mixin[], term: string): Mixin => mixins.find((m) => m.term === term)!;

  before(async () => {
    world = fresh();
    cloud = await fakeCloud(openstack(() => cloud.url, () => world));
  });
  beforeEach(async () => {
    world = fresh();
    cloud.requests.length = 0;
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 1200, securityGroupTtlMs: 60_000 });
    c = await backend.authenticate({ token: 'tok' });
  });
  after(() => cloud.close());

  it("offers the zones and the project's own groups, each listing asked once while cached", async () => {
    const mixins = await other();
    assert.deepEqual(mixins.map((m) => m.term), ['nova', 'default', 'web_servers', 'dup_a38b1e94-6aab-4532-bb90-701e3a86f05d', 'dup_cc320ed1-fb1d-4f6e-800c-12ab48f23ab5']);
    assert.deepEqual(mixins.map((m) => m.depends[0]), [I.AVAILABILITY_ZONE, ...Array(4).fill(I.SECURITY_GROUP)]);
    const query = new URLSearchParams(sent('/security-groups')[0]!.path.split('?')[1]);
    assert.equal(query.get('project_id'), 'p1', 'scoped to the caller’s project');
    assert.deepEqual(query.getAll('fields'), ['id', 'name', 'description'], 'without the rules');
    await other();
    await backend.get(c, 'compute', String(world.server.id));
    assert.equal(sent('/os-availability-zone').length, 1);
    assert.equal(sent('/security-groups').length, 1);
  });

  it('lists the zone and groups of a compute, and adds and removes groups through Nova', async () => {
    const mixins = await other();
    const id = String(world.server.id);
    const before = await backend.get(c, 'compute', id);
    assert.ok(before && 'links' in before);
    assert.ok(before.mixins.includes(typeId(find(mixins, 'nova'))));
    assert.ok(before.mixins.includes(typeId(find(mixins, 'default'))));
    const web = find(mixins, 'web_servers');
    const added = await backend.update(c, 'compute', id, { attributes: {}, addMixins: [web], removeMixins: [find(mixins, 'default')] });
    const actions = sent(`/servers/${id}/action`).map((r) => r.body);
    assert.deepEqual(actions, [{ addSecurityGroup: { name: WEB_ID } }, { removeSecurityGroup: { name: DEFAULT_ID } }]);
    assert.ok(added.mixins.includes(typeId(web)), 'the answer shows the new group');
    assert.ok(!added.mixins.includes(typeId(find(mixins, 'default'))), 'and not the removed one');
    await rejectsWith(
      backend.update(c, 'compute', id, { attributes: {}, addMixins: [{ ...find(mixins, 'nova'), term: 'elsewhere' }], removeMixins: [] }),
      400,
      /not offered/,
    );
    assert.equal(sent(`/servers/${id}/action`).length, 2, 'a refused update asks nothing of Nova');
  });

  it('creates a compute in a zone with groups: availability_zone and security_groups by id', async () => {
    const p = await backend.providerMixins(c);
    const templates = [p.os[0]!, find(p.resource, 'm1.nano')];
    const link = { kind: 'networkinterface' as const, target: { kind: 'network' as const, id: SHARED_NET }, mixins: [], attributes: {} };
    const r = await backend.createResource(c, {
      kind: 'compute',
      mixins: [...templates, find(p.other, 'nova'), find(p.other, 'web_servers')],
      attributes: {},
      links: [link],
    });
    const body = (sent('/servers').find((q) => q.method === 'POST')!.body as { server: Doc }).server;
    assert.equal(body.availability_zone, 'nova');
    assert.deepEqual(body.security_groups, [{ name: WEB_ID }]);
    assert.ok(r.mixins.includes(typeId(find(p.other, 'nova'))));
  });

  it('refuses a group at creation without a private network to apply it to (400), asking Nova nothing', async () => {
    const p = await backend.providerMixins(c);
    const spec = { kind: 'compute' as const, mixins: [p.os[0]!, find(p.resource, 'm1.nano'), find(p.other, 'web_servers')], attributes: {}, links: [] };
    await rejectsWith(backend.createResource(c, spec), 400, /security groups apply to network interfaces: link the compute to a private network in the same request/);
    assert.equal(sent('/servers').filter((q) => q.method === 'POST').length, 0);
  });

  it('refuses adding a group to a compute whose only link is a storagelink (409): groups need a network interface', async () => {
    world.ports = [];
    world.server = { ...world.server, 'os-extended-volumes:volumes_attached': [{ id: 'v9' }] };
    world.attachments = [{ volumeId: 'v9', device: '/dev/vdb' }];
    const id = String(world.server.id);
    const current = await backend.get(c, 'compute', id);
    assert.deepEqual(current && 'links' in current ? current.links.map((l) => l.kind) : [], ['storagelink']);
    await rejectsWith(backend.update(c, 'compute', id, { attributes: {}, addMixins: [find(await other(), 'web_servers')], removeMixins: [] }), 409, /has no network interface for security group web_servers/);
  });

  it('offers none when the cloud refuses the listings (403, 404), and keeps serving', async () => {
    for (const status of [403, 404]) {
      world.refuse = status;
      const fresh = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 1200 });
      const fc = await fresh.authenticate({ token: 'tok' });
      const p = await fresh.providerMixins(fc);
      assert.deepEqual(p.other, [], `HTTP ${status}`);
      assert.ok(p.os.length > 0);
      const r = await fresh.get(fc, 'compute', String(world.server.id));
      assert.equal(r?.mixins.length, 2, 'the templates only');
      await fresh.close();
    }
  });
});
