// Numbered pages of the embedded cloud start from rowids noted on earlier
// reads (page-landmarks.ts). Whatever order pages are read in, and after
// creations and deletions anywhere in the collection, every page must still
// be the exact slice of the whole listing, filtered or not.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Credentials, EntityRef, ListQuery } from '../../src/port/backend.js';
import { type LocalCloud, openLocalCloud } from '../../src/backends/local/index.js';
import { PageLandmarks } from '../../src/backends/local/page-landmarks.js';

const ids = (items: readonly EntityRef[]): string[] => items.map((r) => r.id);

describe('local cloud: numbered pages from noted positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-landmarks-'));
  const cloud: LocalCloud = openLocalCloud({ dataDir: dir, memory: true, tokens: [{ token: 'alice-secret-token-0123456789abcdef', tenant: 'alice' }], bootMs: 0, actionMs: 0 });
  let alice: Credentials;

  const create = async (i: number): Promise<void> => {
    await cloud.createResource(alice, { kind: 'compute', mixins: [], attributes: { 'occi.core.title': `vm-${i}`, 'occi.core.summary': `group-${i % 3}` }, links: [] });
  };
  const whole = async (q: Partial<ListQuery> = {}): Promise<string[]> => ids((await cloud.list(alice, { kind: 'compute', detail: 'refs', ...q })).items);

  /** Every page of `limit` in the order given, each checked against the whole listing. */
  async function checkPages(order: number[], limit: number, q: Partial<ListQuery> = {}): Promise<void> {
    const all = await whole(q);
    for (const n of order) {
      for (const detail of ['refs', 'records'] as const) {
        const page = await cloud.list(alice, { kind: 'compute', detail, ...q, page: { offset: n * limit, limit } });
        assert.deepEqual(ids(page.items), all.slice(n * limit, (n + 1) * limit), `page ${n} of ${limit} (${detail}, ${JSON.stringify(q)})`);
        assert.equal(page.total, all.length, `total on page ${n}`);
        assert.equal(page.more, (n + 1) * limit < all.length, `more on page ${n}`);
      }
    }
  }

  before(async () => {
    alice = await cloud.authenticate({ token: 'alice-secret-token-0123456789abcdef' });
    for (let i = 0; i < 230; i++) await create(i);
  });
  after(async () => {
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same slices whatever order the pages are read in, and read again', async () => {
    await checkPages([3, 2, 3, 4, 0, 22, 21, 22, 1, 5, 4], 10);
    await checkPages([2, 1, 2, 0, 3], 60);
    await checkPages([7, 3, 7], 17);
  });

  it('keeps filtered and unfiltered pages apart', async () => {
    // A filter SQL applies (a column): its own query, its own positions.
    const filtered = { where: [['occi.core.summary', 'group-0']] as ListQuery['where'] };
    await checkPages([4, 1, 4, 2], 10, filtered);
    await checkPages([4, 1, 4, 2], 10);
  });

  it('forgets the noted positions when computes are created or deleted anywhere', async () => {
    await checkPages([5, 6, 5], 10);
    const all = await whole();
    // Rows before the noted pages go: every later position moves.
    for (const id of all.slice(3, 9)) await cloud.delete(alice, 'compute', id);
    await checkPages([5, 6, 5, 4], 10);
    for (let i = 230; i < 245; i++) await create(i);
    await checkPages([22, 23, 24, 5, 6], 10);
  });
});

describe('page landmarks', () => {
  it('gives the nearest noted position at or before an offset, per query', () => {
    const l = new PageLandmarks();
    assert.equal(l.before('q', 50), undefined);
    l.note('q', 10, 110);
    l.note('q', 40, 170);
    l.note('other', 45, 999);
    assert.deepEqual(l.before('q', 50), { position: 40, rowid: 170 });
    assert.deepEqual(l.before('q', 40), { position: 40, rowid: 170 });
    assert.deepEqual(l.before('q', 39), { position: 10, rowid: 110 });
    assert.equal(l.before('q', 9), undefined);
    l.clear();
    assert.equal(l.before('q', 50), undefined);
  });

  it('holds a bounded number of positions per query', () => {
    const l = new PageLandmarks();
    for (let p = 0; p < 1000; p++) l.note('q', p, p + 1);
    let held = 0;
    for (let p = 0; p < 1000; p++) if (l.before('q', p)?.position === p) held++;
    assert.ok(held <= 64, `at most 64 positions held, not ${held}`);
    assert.deepEqual(l.before('q', 999), { position: 999, rowid: 1000 }, 'the latest noted is kept');
  });
});
