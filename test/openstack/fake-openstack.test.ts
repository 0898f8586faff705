// Behaviour that openstack-lite cannot show, against a fake OpenStack on an
// ephemeral port: resize with confirmation, the backup probe (503 without a
// backup service), failed extends, microversion negotiation, missing
// catalog entries and project rescoping through X-Project-Id.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Backend, Credentials } from '../../src/port/backend.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import * as I from '../../src/model/infrastructure.js';
import { rejectsWith } from '../backends/contract.js';
import { fakeCloud, json, type FakeCloud, type Recorded } from './fake-cloud.js';
import { fixture } from './fixtures.js';

type Doc = Record<string, unknown>;

interface World {
  maxMicroversion: string;
  withCinder: boolean;
  server: Doc;
  volume: Doc;
  backupStatus: string;
  resizeTo: 'VERIFY_RESIZE' | 'ACTIVE';
}

const fresh = (): World => ({
  maxMicroversion: '2.93',
  withCinder: true,
  server: { ...fixture<{ server: Doc }>('server-active.json').server },
  volume: { id: 'v1', status: 'available', size: 1, name: 'v', attachments: [], metadata: {} },
  backupStatus: 'error',
  resizeTo: 'VERIFY_RESIZE',
});

function openstack(url: () => string, w: () => World) {
  return (req: Recorded, res: ServerResponse): void => {
    const path = req.path.split('?')[0]!;
    const world = w();
    const catalog = [
      { type: 'compute', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/compute/v2.1` }] },
      { type: 'image', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/image` }] },
      { type: 'network', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/network` }] },
      ...(world.withCinder ? [{ type: 'block-storage', endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}/volume/v3/p1` }] }] : []),
    ];
    const later = new Date(Date.now() + 3600_000).toISOString();
    if (path === '/v3/auth/tokens' && req.method === 'GET') {
      if (req.headers['x-subject-token'] !== 'tok') return json(res, 404, {});
      return json(res, 200, { token: { expires_at: later, project: { id: 'p1' }, user: { id: 'u' }, catalog } });
    }
    if (path === '/v3/auth/tokens' && req.method === 'POST') {
      const project = (req.body as { auth: { scope: { project: { id: string } } } }).auth.scope.project.id;
      return json(res, 201, { token: { expires_at: later, project: { id: project }, user: { id: 'u' }, catalog } }, { 'X-Subject-Token': `tok-${project}` });
    }
    if (path === '/compute/v2.1/') return json(res, 200, { version: { version: world.maxMicroversion, min_version: '2.1' } });
    if (path === '/compute/v2.1/flavors/detail') return json(res, 200, fixture('flavors.json'));
    if (path === '/image/v2/images') return json(res, 200, fixture('images.json'));
    const sid = String(world.server.id);
    if (path === `/compute/v2.1/servers/${sid}` && req.method === 'GET') return json(res, 200, { server: world.server });
    if (path === `/compute/v2.1/servers/${sid}/os-volume_attachments`) return json(res, 200, { volumeAttachments: [] });
    if (path === `/compute/v2.1/servers/${sid}/action`) {
      const body = req.body as Doc;
      if ('resize' in body) {
        const flavor = (body.resize as { flavorRef: string }).flavorRef;
        world.server.status = world.resizeTo;
        if (world.resizeTo === 'VERIFY_RESIZE') world.server.flavor = { original_name: flavor === '1' ? 'm1.tiny' : 'x', vcpus: 1, ram: 512, disk: 1 };
      }
      if ('confirmResize' in body) world.server.status = 'ACTIVE';
      res.writeHead(202);
      return void res.end();
    }
    if (path === '/network/v2.0/ports' || path === '/network/v2.0/floatingips') return json(res, 200, { [path.endsWith('ports') ? 'ports' : 'floatingips']: [] });
    if (path === '/volume/v3/p1/volumes/v1' && req.method === 'GET') return json(res, 200, { volume: world.volume });
    if (path === '/volume/v3/p1/volumes/v1/action') {
      world.volume.status = 'error_extending';
      res.writeHead(202);
      return void res.end();
    }
    if (path === '/volume/v3/p1/backups' && req.method === 'POST') return json(res, 202, { backup: { id: 'b1' } });
    if (path === '/volume/v3/p1/backups/b1' && req.method === 'GET') {
      return json(res, 200, { backup: { id: 'b1', status: world.backupStatus, fail_reason: world.backupStatus === 'error' ? 'Service not found for creating backup.' : null } });
    }
    if (path === '/volume/v3/p1/backups/b1' && req.method === 'DELETE') return json(res, 404, { itemNotFound: { message: 'Service cinder-backup could not be found.' } });
    json(res, 404, { itemNotFound: { message: `no ${req.method} ${path}` } });
  };
}

describe('openstack backend on a fake OpenStack', () => {
  let cloud: FakeCloud;
  let world: World;
  let backend: Backend;
  let c: Credentials;
  const actions = (): Doc[] => cloud.requests.filter((r) => r.path.endsWith('/action') && r.path.includes('/servers/')).map((r) => r.body as Doc);

  before(async () => {
    world = fresh();
    cloud = await fakeCloud(openstack(() => cloud.url, () => world));
  });
  beforeEach(async () => {
    world = fresh();
    cloud.requests.length = 0;
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 1200 });
    c = await backend.authenticate({ token: 'tok' });
  });
  after(() => cloud.close());

  it('resizes with a new resource_tpl and confirms the resize (R70)', async () => {
    const tinyTpl = (await backend.providerMixins(c)).resource.find((m) => m.term === 'm1.tiny')!;
    const r = await backend.update(c, 'compute', String(world.server.id), { attributes: {}, addMixins: [tinyTpl], removeMixins: [] });
    assert.deepEqual(actions(), [{ resize: { flavorRef: '1' } }, { confirmResize: null }]);
    assert.ok(r.mixins.some((m) => m.endsWith('#m1.tiny')));
    assert.equal(r.attributes['occi.compute.state'], 'active');
  });

  it('answers 409 when Nova silently drops the resize', async () => {
    world.resizeTo = 'ACTIVE';
    const tinyTpl = (await backend.providerMixins(c)).resource.find((m) => m.term === 'm1.tiny')!;
    await rejectsWith(
      backend.update(c, 'compute', String(world.server.id), { attributes: {}, addMixins: [tinyTpl], removeMixins: [] }),
      409,
      /did not resize compute .* to m1\.tiny \(it is ACTIVE with its old flavor\)/,
    );
  });

  it('refuses size attributes and creation-only attributes on update (D14, D19)', async () => {
    const id = String(world.server.id);
    await rejectsWith(backend.update(c, 'compute', id, { attributes: { 'occi.compute.cores': 8 }, addMixins: [], removeMixins: [] }), 400, /occi\.compute\.cores follows the resource template/);
    await rejectsWith(backend.update(c, 'compute', id, { attributes: { 'occi.compute.userdata': 'YQ==' }, addMixins: [], removeMixins: [] }), 403, /given once/);
  });

  it('answers 503 for a backup when the cloud has no backup service', async () => {
    await rejectsWith(backend.action(c, 'storage', 'v1', I.STORAGE_BACKUP, {}), 503, /no working volume backup service: Service not found for creating backup\./);
    world.backupStatus = 'available';
    const ok = await backend.action(c, 'storage', 'v1', I.STORAGE_BACKUP, {});
    assert.equal(ok.entity?.attributes['occi.storage.state'], 'online');
  });

  it('answers 502 when Cinder fails to extend, and 400 for shrinking', async () => {
    world.volume.size = 3;
    await rejectsWith(backend.action(c, 'storage', 'v1', I.STORAGE_RESIZE, { size: 2 }), 400, /cannot shrink \(from 3 to 2 GB\)/);
    await rejectsWith(backend.action(c, 'storage', 'v1', I.STORAGE_RESIZE, { size: 3.5 }), 502, /failed to extend volume v1 to 4 GB \(status error_extending\)/);
  });

  it('negotiates the compute microversion: capped at 2.90, refused below 2.47', async () => {
    await backend.get(c, 'compute', String(world.server.id));
    const sent = cloud.requests.find((r) => r.path.includes('/servers/'))!;
    assert.equal(sent.headers['openstack-api-version'], 'compute 2.90');
    world.maxMicroversion = '2.38';
    const old = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 1200 });
    const oc = await old.authenticate({ token: 'tok' });
    await rejectsWith(old.list(oc, { kind: 'compute', detail: 'records' }), 502, /microversion 2\.38; 2\.47 or newer is needed/);
  });

  it('answers 503 naming the missing service when the catalog lacks block storage', async () => {
    world.withCinder = false;
    const noCinder = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 1200 });
    const nc = await noCinder.authenticate({ token: 'tok' });
    await rejectsWith(noCinder.list(nc, { kind: 'storage', detail: 'records' }), 503, /no block-storage endpoint/);
  });

  it('rescopes the token to the project the client names (X-Project-Id)', async () => {
    const scoped = await backend.authenticate({ token: 'tok', project: 'p2' });
    assert.equal(scoped.tenant, 'p2');
    assert.equal(scoped.project, 'p2');
    await backend.get(scoped, 'compute', String(world.server.id));
    assert.equal(cloud.requests.filter((r) => r.path.includes('/servers/')).at(-1)!.headers['x-auth-token'], 'tok-p2');
  });
});
