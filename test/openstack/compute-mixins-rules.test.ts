// Rules of deleting provider mixins (services/mixin-deletion.ts) that the
// Stryker run's survivors got past (issue 14): after a deletion the
// templates and snapshots offered are read afresh exactly where something of
// theirs went (an OS template and a snapshot deleted together both go from
// the offer), and not otherwise; refusals and a deletion the cloud has not
// finished said in words. On the fake world (fake-world.ts) with Glance's
// image deletion and Cinder's snapshots added here, and on the Synnefo
// stand-in.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { osTemplate } from '../../src/model/templates.js';
import type { Mixin } from '../../src/model/category.js';
import { rejectsWith } from '../backends/contract.js';
import { onFakeCloud, type OnFakeCloud } from './fake-backend.js';
import { json, type Recorded } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, type World } from './fake-world.js';
import { DEBIAN, harness, type Harness } from '../synnefo/harness.js';

/** A message matched whole. */
const exactly = (message: string): RegExp => new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const MINE = '11111111-0000-4000-8000-000000000001';
const ORPHAN = '11111111-0000-4000-8000-000000000004';

interface Snapshot {
  id: string;
  status: string;
  /** Reads left before a deleting snapshot is gone. */
  left: number;
}

interface State {
  world: World;
  snapshots: Snapshot[];
}

function fresh(): State {
  const world = freshWorld();
  const base = world.images[0]!;
  world.images.push(
    { ...base, id: MINE, name: 'mine', owner: 'p1', visibility: 'private', protected: false },
    { ...base, id: ORPHAN, name: 'orphan', owner: undefined, visibility: 'shared', protected: false },
  );
  return { world, snapshots: [{ id: 'snap-ok', status: 'available', left: 1 }, { id: 'snap-slow', status: 'available', left: 1000 }] };
}

/** The fake world, plus Glance's DELETE and Cinder's snapshots (listed, read, deleted). */
function withDeletions(state: () => State) {
  return (url: () => string) => {
    const rest = fakeOpenStack(url, () => state().world);
    return (req: Recorded, res: ServerResponse): void => {
      const { world, snapshots } = state();
      const path = req.path.split('?')[0]!;
      const image = /^\/image\/v2\/images\/([0-9a-f-]{36})$/.exec(path)?.[1];
      if (image && req.method === 'DELETE') {
        world.images = world.images.filter((i) => i.id !== image);
        res.writeHead(204);
        return void res.end();
      }
      const doc = (s: Snapshot) => ({ id: s.id, name: s.id, volume_id: 'v1', size: 1, status: s.status, created_at: '2026-01-01T00:00:00Z' });
      if (path === '/volume/v3/p1/snapshots/detail') return json(res, 200, { snapshots: snapshots.map(doc), snapshots_links: [] });
      const snap = /^\/volume\/v3\/p1\/snapshots\/([^/]+)$/.exec(path)?.[1];
      const s = snapshots.find((x) => x.id === snap);
      if (snap && !s) return json(res, 404, { itemNotFound: { code: 404, message: `Snapshot ${snap} could not be found.` } });
      if (s && req.method === 'DELETE') return (s.status = 'deleting'), res.writeHead(202), void res.end();
      if (s && req.method === 'GET') {
        if (s.status === 'deleting' && --s.left < 0) {
          snapshots.splice(snapshots.indexOf(s), 1);
          return json(res, 404, { itemNotFound: { code: 404, message: `Snapshot ${snap} could not be found.` } });
        }
        return json(res, 200, { snapshot: doc(s) });
      }
      return rest(req, res);
    };
  };
}

async function offered(f: OnFakeCloud, providerId: string): Promise<Mixin> {
  const all = await f.backend.providerMixins(f.c);
  const m = [...all.os, ...all.other].find((x) => x.providerId === providerId);
  assert.ok(m, `${providerId} is offered`);
  return m;
}

const reads = (f: OnFakeCloud, from: number, path: string): number => f.cloud.requests.slice(from).filter((r) => r.method === 'GET' && r.path.split('?')[0] === path).length;

describe('openstack provider mixin deletion: what is read afresh', () => {
  let state = fresh();
  const f = onFakeCloud(withDeletions(() => state), 1000, () => (state = fresh()));

  test('R86: deleting a snapshot leaves the OS templates as they were read; deleting an OS template, the snapshots', async () => {
    // 1339 1342
    const snap = await offered(f, 'snap-ok');
    let from = f.cloud.requests.length;
    await f.backend.deleteMixins!(f.c, [snap]);
    await f.backend.providerMixins(f.c);
    assert.equal(reads(f, from, '/image/v2/images'), 0, 'images not read again');
    assert.equal(reads(f, from, '/volume/v3/p1/snapshots/detail'), 1, 'snapshots read again');
    const mine = await offered(f, MINE);
    from = f.cloud.requests.length;
    await f.backend.deleteMixins!(f.c, [mine]);
    await f.backend.providerMixins(f.c);
    assert.equal(reads(f, from, '/volume/v3/p1/snapshots/detail'), 0, 'snapshots not read again');
    assert.ok(reads(f, from, '/image/v2/images') > 0, 'images read again');
  });

  test('R86: an OS template and a snapshot deleted together are both offered no more', async () => {
    // 1341 1343 1344
    const [mine, snap] = [await offered(f, MINE), await offered(f, 'snap-ok')];
    await f.backend.deleteMixins!(f.c, [mine, snap]);
    const after = await f.backend.providerMixins(f.c);
    assert.deepEqual([...after.os, ...after.other].filter((m) => m.providerId === MINE || m.providerId === 'snap-ok'), []);
  });

  test('an image that names no owner is refused (403) saying so', async () => {
    // 1378
    await rejectsWith(f.backend.deleteMixins!(f.c, [osTemplate({ id: ORPHAN, term: 'orphan', title: 'orphan' })]), 403, exactly('template orphan is owned by no project, not yours (p1): only its owner can delete it'));
  });

  test('D24: a snapshot Cinder has not deleted by the deadline is a 504 naming it and its status', async () => {
    // 1396 1401
    const slow = await offered(f, 'snap-slow');
    await rejectsWith(
      f.backend.deleteMixins!(f.c, [slow]),
      504,
      exactly(`snapshot ${slow.term} is still being deleted: the cloud accepted the deletion but had not finished it after 1 s (status deleting). It goes on without this request: GET it until the answer is 404`),
    );
  });
});

describe('Synnefo provider mixin deletion', () => {
  let h: Harness;
  before(async () => {
    h = await harness('0.20');
  });
  after(() => h.close());

  test('an OS template is refused (403): Synnefo images are deleted with its own tools', async () => {
    // 1368
    const debian = await h.os(DEBIAN);
    await rejectsWith(
      h.backend.deleteMixins!(h.alice, [debian]),
      403,
      exactly(`Synnefo images cannot be deleted through OCCI; delete image ${debian.providerId} (template ${DEBIAN}) with the cloud's own tools`),
    );
  });
});
