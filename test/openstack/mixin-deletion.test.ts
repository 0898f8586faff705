// Deleting provider mixins (DELETE /-/, services/mixin-deletion.ts) on the
// fake world, with Glance deletions and Cinder snapshots added: only the
// project's own unprotected images and its snapshots go, everything is
// checked before anything is deleted, and a snapshot is waited for until it
// is gone. Quick: until this file only the openstack-lite tests reached this
// code, so every mutant of it went untested in a Stryker run (docs/testing.md).
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { snapshotTemplate } from '../../src/backends/openstack/mapping/snapshots.js';
import { osTemplate, resourceTemplate } from '../../src/model/templates.js';
import { rejectsWith } from '../backends/contract.js';
import { onFakeCloud } from './fake-backend.js';
import { json, type Recorded } from './fake-cloud.js';
import { fakeOpenStack, freshWorld, type World } from './fake-world.js';

const MINE = '11111111-0000-4000-8000-000000000001';
const LOCKED = '11111111-0000-4000-8000-000000000002';
const THEIRS = '11111111-0000-4000-8000-000000000003';

interface Snapshot {
  id: string;
  status: string;
  /** Reads left before a deleting snapshot is gone; Infinity: it ends in error_deleting instead. */
  left: number;
}

/** The fake world, plus Glance's DELETE and Cinder's snapshots. */
function withDeletions(url: () => string, world: () => World, snapshots: () => Snapshot[]) {
  const rest = fakeOpenStack(url, world);
  return (req: Recorded, res: ServerResponse): void | Promise<void> => {
    const path = req.path.split('?')[0]!;
    const image = /^\/image\/v2\/images\/([0-9a-f-]{36})$/.exec(path)?.[1];
    if (image && req.method === 'DELETE') {
      const w = world();
      w.images = w.images.filter((i) => i.id !== image);
      res.writeHead(204);
      return void res.end();
    }
    const snap = /^\/volume\/v3\/p1\/snapshots\/([^/]+)$/.exec(path)?.[1];
    const s = snapshots().find((x) => x.id === snap);
    if (snap && !s) return json(res, 404, { itemNotFound: { code: 404, message: `Snapshot ${snap} could not be found.` } });
    if (s && req.method === 'DELETE') return (s.status = 'deleting'), res.writeHead(202), void res.end();
    if (s && req.method === 'GET') {
      if (s.status === 'deleting' && s.left === Infinity) s.status = 'error_deleting';
      else if (s.status === 'deleting' && --s.left < 0) {
        snapshots().splice(snapshots().indexOf(s), 1);
        return json(res, 404, { itemNotFound: { code: 404, message: `Snapshot ${snap} could not be found.` } });
      }
      return json(res, 200, { snapshot: { id: s.id, volume_id: 'v1', size: 1, status: s.status } });
    }
    return rest(req, res);
  };
}

const os = (id: string, term: string) => osTemplate({ id, term, title: term });
const snapshot = (id: string) => snapshotTemplate({ id, volume_id: 'v1', size: 1, status: 'available' }, `snap-${id}`);

describe('openstack: deleting provider mixins on the fake world', () => {
  let world = freshWorld();
  let snapshots: Snapshot[] = [];
  const f = onFakeCloud((url) => withDeletions(url, () => world, () => snapshots), 5000, () => {
    world = freshWorld();
    const base = world.images[0]!;
    world.images.push(
      { ...base, id: MINE, name: 'mine', owner: 'p1', visibility: 'private', protected: false },
      { ...base, id: LOCKED, name: 'locked', owner: 'p1', visibility: 'private', protected: true },
      { ...base, id: THEIRS, name: 'theirs', owner: 'p2', visibility: 'shared', protected: false },
    );
    snapshots = [
      { id: 'snap-ok', status: 'available', left: 1 },
      { id: 'snap-stuck', status: 'available', left: Infinity },
    ];
  });
  const deletes = (): string[] => f.cloud.requests.filter((r) => r.method === 'DELETE').map((r) => r.path.split('?')[0]!);

  it("deletes an OS template of the project's own image, offers it no more, and then says it is gone already (404)", async () => {
    assert.ok((await f.backend.providerMixins(f.c)).os.some((m) => m.providerId === MINE), 'offered, and remembered');
    await f.backend.deleteMixins!(f.c, [os(MINE, 'mine')]);
    assert.deepEqual(deletes(), [`/image/v2/images/${MINE}`]);
    assert.ok(!(await f.backend.providerMixins(f.c)).os.some((m) => m.providerId === MINE), 'the templates are read afresh: no longer offered');
    await rejectsWith(f.backend.deleteMixins!(f.c, [os(MINE, 'mine')]), 404, new RegExp(`^template mine \\(image ${MINE}\\) is gone already$`));
  });

  it("refuses another project's image, a protected one and a flavor (403, saying why), deleting nothing of the request", async () => {
    await rejectsWith(f.backend.deleteMixins!(f.c, [os(MINE, 'mine'), os(THEIRS, 'theirs')]), 403, /^template theirs is owned by project p2, not yours \(p1\): only its owner can delete it$/);
    const publicImage = world.images[0]!;
    await rejectsWith(f.backend.deleteMixins!(f.c, [os(String(publicImage.id), 'tiny')]), 403, /^template tiny is a public image owned by project [0-9a-f]+, not yours \(p1\)/);
    await rejectsWith(f.backend.deleteMixins!(f.c, [os(LOCKED, 'locked')]), 403, new RegExp(`^template locked \\(image ${LOCKED}\\) is protected; unprotect it first \\(openstack image set --unprotected ${LOCKED}\\), then delete it$`));
    const flavor = resourceTemplate({ id: 'f1', term: 'small', cores: 1, ramMiB: 512, diskGB: 1 });
    await rejectsWith(f.backend.deleteMixins!(f.c, [flavor]), 403, /is defined by the cloud and cannot be deleted; only OS templates your project saved and storage snapshots can be$/);
    assert.deepEqual(deletes(), [], 'the own image of the first request is still there');
    assert.ok(world.images.some((i) => i.id === MINE));
  });

  it('deletes a snapshot and waits until Cinder no longer has it; a missing one is 404, a failed deletion 502', async () => {
    await f.backend.deleteMixins!(f.c, [snapshot('snap-ok')]);
    assert.deepEqual(deletes(), ['/volume/v3/p1/snapshots/snap-ok']);
    assert.deepEqual(snapshots.map((s) => s.id), ['snap-stuck'], 'gone when the call returns');
    await rejectsWith(f.backend.deleteMixins!(f.c, [snapshot('snap-ok')]), 404, /^snapshot snap-snap-ok is gone already$/);
    await rejectsWith(f.backend.deleteMixins!(f.c, [snapshot('snap-stuck')]), 502, /^the cloud failed to delete snapshot snap-snap-stuck \(snap-stuck, status error_deleting\); try DELETE again/);
  });
});
