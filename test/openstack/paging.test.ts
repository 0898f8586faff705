// Collections on the OpenStack backend do the work the answer needs (issue 7):
// a page is the service's own limit/marker in id order (one more asked for,
// to know whether more follow); a listing of ids is Nova's cheap listing, one
// call; full records make only the calls the servers' bodies call for. First
// against a fake that records every call and pages as the services do, then
// against the real cloud (openstack-lite), whose project others use at the
// same time: there the walk is checked for order and for what this test made.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import type { Backend, Credentials, EntityRef, ListQuery } from '../../src/port/backend.js';
import { fakeCloud, json, type FakeCloud, type Recorded } from './fake-cloud.js';
import { altAccount, passwordToken, primaryAccount, SKIP_MESSAGE } from './os-env.js';

/** Five servers with ids s1…s5: none with a floating address, s2 with an address, s4 with a volume. */
const SERVERS = [1, 2, 3, 4, 5].map((n) => ({
  id: `s${n}`,
  name: `vm${n}`,
  status: 'ACTIVE',
  flavor: { original_name: 'm1.nano' },
  image: '',
  addresses: n === 2 ? { private: [{ addr: '10.0.0.2', version: 4, 'OS-EXT-IPS:type': 'fixed' }] } : {},
  'os-extended-volumes:volumes_attached': n === 4 ? [{ id: 'v4' }] : [],
}));

function handler(url: () => string) {
  return (req: Recorded, res: ServerResponse): void => {
    const [path, search = ''] = req.path.split('?') as [string, string?];
    const q = new URLSearchParams(search);
    const catalog = ['compute:/compute/v2.1', 'image:/image', 'network:/network', 'block-storage:/volume/v3/p1'].map((e) => {
      const [type, at] = e.split(':') as [string, string];
      return { type, endpoints: [{ interface: 'public', region_id: 'R', url: `${url()}${at}` }] };
    });
    if (path === '/v3/auth/tokens') return json(res, 200, { token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: 'p1' }, user: { id: 'u' }, catalog } });
    if (path === '/compute/v2.1/') return json(res, 200, { version: { version: '2.93', min_version: '2.1' } });
    if (path === '/compute/v2.1/servers' || path === '/compute/v2.1/servers/detail') {
      const marker = q.get('marker');
      // Nova: an unknown marker is a 400.
      if (marker !== null && !SERVERS.some((s) => s.id === marker)) return json(res, 400, { badRequest: { code: 400, message: `marker [${marker}] not found` } });
      const from = marker === null ? 0 : SERVERS.findIndex((s) => s.id === marker) + 1;
      const items = SERVERS.slice(from, from + Number(q.get('limit') ?? SERVERS.length));
      return json(res, 200, { servers: path.endsWith('detail') ? items : items.map((s) => ({ id: s.id, name: s.name })) });
    }
    if (path === '/compute/v2.1/flavors/detail') return json(res, 200, { flavors: [] });
    if (path === '/image/v2/images') return json(res, 200, { images: [] });
    if (path === '/compute/v2.1/os-availability-zone') return json(res, 200, { availabilityZoneInfo: [] });
    if (path === '/network/v2.0/ports') return json(res, 200, { ports: [] });
    if (path === '/network/v2.0/subnets' || path === '/network/v2.0/security-groups') return json(res, 200, { [path.split('/').pop()!.replace('-', '_')]: [] });
    if (path === '/volume/v3/p1/volumes/detail') return json(res, 200, { volumes: [{ id: 'v4', status: 'in-use', size: 1, attachments: [{ server_id: 's4', device: '/dev/vdb' }] }] });
    json(res, 404, { itemNotFound: { code: 404, message: `the fake has no ${req.method} ${path}` } });
  };
}

describe('openstack listings against a fake that records every call', () => {
  let cloud: FakeCloud;
  let backend: Backend;
  let c: Credentials;
  const ids = (items: readonly EntityRef[]): string[] => items.map((r) => r.id);
  /** The calls a listing made to the services (Keystone, version and template documents aside). */
  async function calls(q: ListQuery): Promise<{ ids: string[]; more: boolean; next?: string; total?: number; made: string[] }> {
    // Warms the template, zone, group and subnet caches: only the listing's own calls are counted.
    await backend.providerMixins(c);
    await backend.list(c, { kind: 'compute', detail: 'records' });
    cloud.requests.length = 0;
    const l = await backend.list(c, q);
    const made = cloud.requests.map((r) => `${r.method} ${r.path.replace(cloud.url, '')}`).filter((r) => !/^GET \/v3\/|\/compute\/v2\.1\/$/.test(r));
    return { ids: ids(l.items), more: l.more, ...(l.next !== undefined ? { next: l.next } : {}), ...(l.total !== undefined ? { total: l.total } : {}), made };
  }

  before(async () => {
    cloud = await fakeCloud(handler(() => cloud.url));
  });
  beforeEach(async () => {
    backend = openOpenStackBackend({ keystoneUrl: `${cloud.url}/v3`, timeoutMs: 5000 });
    c = await backend.authenticate({ token: 'tok' });
  });
  after(async () => {
    await backend.close();
    await cloud.close();
  });

  it('a listing of ids is one call to Nova\'s cheap listing, whatever the servers have', async () => {
    const l = await calls({ kind: 'compute', detail: 'refs' });
    assert.deepEqual(l.ids, ['s1', 's2', 's3', 's4', 's5']);
    assert.deepEqual(l.made, ['GET /compute/v2.1/servers']);
    assert.equal(l.total, 5);
  });

  it('a page asks the service for one more than it shows after the cursor, and says where the next begins', async () => {
    const first = await calls({ kind: 'compute', detail: 'refs', page: { limit: 2 } });
    assert.deepEqual(first.made, ['GET /compute/v2.1/servers?sort_key=uuid&sort_dir=asc&limit=3']);
    assert.deepEqual([first.ids, first.more, first.next], [['s1', 's2'], true, 's2']);
    const last = await calls({ kind: 'compute', detail: 'refs', page: { limit: 2, after: 's4' } });
    assert.deepEqual(last.made, ['GET /compute/v2.1/servers?sort_key=uuid&sort_dir=asc&limit=3&marker=s4']);
    assert.deepEqual([last.ids, last.more, last.next], [['s5'], false, undefined]);
  });

  it('a cursor the service no longer knows (its entity deleted) is answered from the whole listing', async () => {
    const l = await calls({ kind: 'compute', detail: 'refs', page: { limit: 2, after: 's3a' } });
    assert.deepEqual(l.ids, ['s4', 's5']);
    assert.equal(l.more, false);
  });

  it('full records ask only for what the servers show: ports of the addressed, volumes when one has them, no floating IPs', async () => {
    const l = await calls({ kind: 'compute', detail: 'records' });
    assert.deepEqual(l.ids, ['s1', 's2', 's3', 's4', 's5']);
    assert.deepEqual(l.made.sort(), ['GET /compute/v2.1/servers/detail', 'GET /network/v2.0/ports?device_id=s2', 'GET /volume/v3/p1/volumes/detail']);
    const page = await calls({ kind: 'compute', detail: 'records', page: { limit: 1 } });
    assert.deepEqual(page.made, ['GET /compute/v2.1/servers/detail?sort_key=uuid&sort_dir=asc&limit=2'], 's1 shows neither addresses nor volumes');
  });
});

const demo = primaryAccount();
const alt = altAccount();

if (!demo || !alt) {
  it('OpenStack paging against a real cloud', (t) => {
    t.skip(SKIP_MESSAGE);
  });
} else {
  describe('openstack paging against a real cloud', () => {
    let backend: Backend;
    let me: Credentials;
    const made: string[] = [];

    before(async () => {
      backend = openOpenStackBackend({ keystoneUrl: demo.authUrl, timeoutMs: 30_000 });
      me = await backend.authenticate({ token: (await passwordToken(demo)).token });
      for (const n of [1, 2, 3]) {
        const v = await backend.createResource(me, { kind: 'storage', mixins: [], attributes: { 'occi.core.title': `paging-${n}`, 'occi.storage.size': 1 }, links: [] });
        made.push(v.id);
      }
    });

    after(async () => {
      for (const id of made) {
        // A volume still being created cannot be deleted yet: wait for it, bounded.
        for (let i = 0; i < 30; i++) {
          const v = await backend.get(me, 'storage', id);
          if (!v || v.attributes['occi.storage.state.message'] !== 'creating') break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        await backend.delete(me, 'storage', id).catch(() => undefined);
      }
      await backend.close();
    });

    it('walks the storages page by page with Cinder\'s own marker, in id order, each once', async () => {
      for (const detail of ['refs', 'records'] as const) {
        const seen: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 200; i++) {
          const l = await backend.list(me, { kind: 'storage', detail, page: { limit: 2, ...(after !== undefined ? { after } : {}) } });
          assert.ok(l.items.length <= 2);
          seen.push(...l.items.map((r) => r.id));
          if (!l.more) break;
          after = l.next;
        }
        assert.deepEqual(seen, [...seen].sort(), `${detail}: pages follow one another in id order`);
        assert.equal(new Set(seen).size, seen.length, `${detail}: no storage twice`);
        for (const id of made) assert.ok(seen.includes(id), `${detail}: storage ${id} is on a page`);
      }
    });
  });
}
