// Listing rules of the embedded cloud stated one by one (from the survivors of
// the first Stryker run over src/backends/local/listing.ts, issue 14): a page
// read after a cursor never misplaces the numbered pages read later, and a
// filter SQL cannot apply still says honestly whether more follows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Credentials, EntityRef } from '../../src/port/backend.js';
import { openLocalCloud } from '../../src/backends/local/index.js';
import { tempDir } from './local-harness.js';

const ids = (items: readonly EntityRef[]): string[] => items.map((r) => r.id);

describe('local cloud: listing rules', () => {
  const cloud = openLocalCloud({ dataDir: tempDir(), memory: true, tokens: [{ token: 'alice-secret-token-0123456789abcdef', tenant: 'alice' }], now: () => 1_700_000_000_000 });
  let alice: Credentials;
  const made: string[] = [];

  before(async () => {
    alice = await cloud.authenticate({ token: 'alice-secret-token-0123456789abcdef' });
    for (let i = 0; i < 30; i++) {
      made.push((await cloud.createResource(alice, { kind: 'compute', mixins: [], attributes: { 'occi.core.title': `vm-${i}`, 'occi.compute.cores': i % 2 ? 1 : 2 }, links: [] })).id);
    }
  });
  after(() => cloud.close());

  it('gives the right numbered pages after pages read from a cursor', async () => {
    const first = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 10 } });
    assert.deepEqual(ids(first.items), made.slice(0, 10));
    const next = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 10, after: first.next! } });
    assert.deepEqual(ids(next.items), made.slice(10, 20));
    const further = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 5, offset: 3, after: next.next! } });
    assert.deepEqual(ids(further.items), made.slice(23, 28));
    for (const offset of [0, 3, 9, 10, 12, 20, 25]) {
      const page = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 4, offset } });
      assert.deepEqual(ids(page.items), made.slice(offset, offset + 4), `offset ${offset}`);
    }
  });

  it('says no more follows an unpaged filter SQL cannot apply, and a cursor past its last match gives nothing', async () => {
    const state = await cloud.list(alice, { kind: 'compute', detail: 'refs', where: [['occi.compute.state', 'inactive']] });
    assert.equal(state.items.length, 30);
    assert.equal(state.more, false);
    assert.equal(state.next, undefined);
    // A number where the title column holds text: SQL cannot compare it, the records are tested.
    const mistyped = await cloud.list(alice, { kind: 'compute', detail: 'refs', where: [['occi.core.title', 7]] });
    assert.deepEqual(ids(mistyped.items), []);
    assert.equal(mistyped.more, false);
    const pages = await cloud.list(alice, { kind: 'compute', detail: 'refs', where: [['occi.compute.state', 'inactive'], ['occi.compute.cores', 2]], page: { limit: 15 } });
    assert.equal(pages.items.length, 15);
    assert.equal(pages.more, false, 'exactly 15 match');
    // The last compute has 1 core: a cursor at it lies past every match.
    const last = await cloud.list(alice, { kind: 'compute', detail: 'refs', page: { limit: 1, offset: 28 } });
    assert.deepEqual(ids(last.items), [made[28]]);
    const past = await cloud.list(alice, { kind: 'compute', detail: 'refs', where: [['occi.compute.state', 'inactive'], ['occi.compute.cores', 2]], page: { limit: 5, after: last.next! } });
    assert.deepEqual(ids(past.items), []);
    assert.equal(past.more, false);
  });
});
