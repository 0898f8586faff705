// The list query of the port (src/port/list-query.ts), as every backend must
// answer it: refs or records, only some ids, attribute and mixin filters,
// pages by offset and by cursor in a stable order, totals, tenants apart.
// Part of the backend contract; it creates the storages and the compute it
// lists and narrows every query to them, so other entities never matter.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Attributes, Backend, Credentials, EntityRecord, EntityRef, ListQuery, ResourceRecord, ResourceSpec } from '../../src/port/backend.js';
import type { ContractSetup } from './contract.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';

/**
 * Three resources of alice's titled list-a, list-b and list-c: storages of 1,
 * 2 and 1 GB, or computes where a storage needs a server.
 */
async function three(s: ContractSetup): Promise<{ records: ResourceRecord[]; sized: boolean }> {
  const sized = !s.cannot?.storageAlone;
  const templates = sized ? undefined : await s.backend.providerMixins(s.alice);
  const records: ResourceRecord[] = [];
  for (const [title, gb] of [['list-a', 1], ['list-b', 2], ['list-c', 1]] as const) {
    const attributes: Attributes = sized ? { 'occi.core.title': title, 'occi.storage.size': gb } : { 'occi.core.title': title };
    const spec = sized
      ? { kind: 'storage' as const, mixins: [], attributes, links: [] }
      : { kind: 'compute' as const, mixins: [templates!.os[0]!, s.size?.(templates!.resource) ?? templates!.resource[0]!], attributes, links: [] };
    records.push(await s.backend.createResource(s.alice, spec));
  }
  return { records, sized };
}

const ids = (items: readonly EntityRef[]): string[] => items.map((r) => r.id);

/** Follows `next` cursors to the end, pages of `limit`. */
async function byCursor(b: Backend, c: Credentials, q: ListQuery, limit: number): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 50; i++) {
    const l = await b.list(c, { ...q, page: { limit, ...(after === undefined ? {} : { after }) } });
    assert.ok(l.items.length <= limit, `a page of ${limit} holds ${l.items.length}`);
    out.push(...ids(l.items));
    if (!l.more) return out;
    assert.ok(l.next !== undefined, 'a page with more after it says where the next starts');
    after = l.next;
  }
  assert.fail(`no end of pages; seen ${out.join(', ')}`);
}

export function listContract(get: () => ContractSetup): void {
  let made: Promise<{ records: ResourceRecord[]; sized: boolean }> | undefined;
  const records = async (): Promise<ResourceRecord[]> => (await (made ??= three(get()))).records;
  const sized = async (): Promise<boolean> => (await (made ??= three(get()))).sized;
  const kind = async (): Promise<ListQuery['kind']> => (await records())[0]!.kind;
  let kindOf: ListQuery['kind'] = 'storage';
  const query = (only: string[], extra: Partial<ListQuery> = {}): ListQuery => ({ kind: kindOf, detail: 'refs', ids: only, ...extra });

  it('list: ids only when refs are asked, whole records otherwise, only the ids asked for', async () => {
    const s = get();
    const [a, b, c] = await records();
    kindOf = await kind();
    const refs = await s.backend.list(s.alice, query([a!.id, c!.id, '00000000-0000-4000-8000-00000000dead']));
    assert.deepEqual(ids(refs.items).sort(), [a!.id, c!.id].sort(), 'exactly the existing ids asked for');
    assert.ok(refs.items.every((r) => r.kind === kindOf));
    assert.equal(refs.more, false);
    const whole = await s.backend.list(s.alice, { ...query([b!.id]), detail: 'records' });
    assert.equal(whole.items[0]?.attributes['occi.core.title'], 'list-b');
    if (await sized()) assert.equal(whole.items[0]?.attributes['occi.storage.size'], 2);
  });

  it('list: attribute filters are exact, typed matches', async () => {
    const s = get();
    const [a, b, c] = await records();
    kindOf = await kind();
    const all = [a!.id, b!.id, c!.id];
    const titled = await s.backend.list(s.alice, query(all, { where: [['occi.core.title', 'list-b']] }));
    assert.deepEqual(ids(titled.items), [b!.id]);
    assert.deepEqual(ids((await s.backend.list(s.alice, query(all, { where: [['occi.core.title', 'LIST-B']] }))).items), [], 'case counts');
    if (!(await sized())) return;
    const one = await s.backend.list(s.alice, query(all, { where: [['occi.storage.size', 1]] }));
    assert.deepEqual(ids(one.items).sort(), [a!.id, c!.id].sort());
    assert.deepEqual(ids((await s.backend.list(s.alice, query(all, { where: [['occi.storage.size', '1']] }))).items), [], 'the text "1" is not the number 1');
    const both = await s.backend.list(s.alice, query(all, { where: [['occi.storage.size', 1], ['occi.core.title', 'list-c']] }));
    assert.deepEqual(ids(both.items), [c!.id]);
  });

  it('list: pages by offset and by cursor, in one stable order, with the total', async () => {
    const s = get();
    const all = ids(await records());
    kindOf = await kind();
    const whole = ids((await s.backend.list(s.alice, query(all))).items);
    assert.deepEqual([...whole].sort(), [...all].sort());
    const first = await s.backend.list(s.alice, query(all, { page: { limit: 2 } }));
    assert.deepEqual(ids(first.items), whole.slice(0, 2));
    assert.equal(first.more, true);
    if (first.total !== undefined) assert.equal(first.total, 3);
    const second = await s.backend.list(s.alice, query(all, { page: { offset: 2, limit: 2 } }));
    assert.deepEqual(ids(second.items), whole.slice(2), 'the last page holds the rest');
    assert.equal(second.more, false);
    const past = await s.backend.list(s.alice, query(all, { page: { offset: 3, limit: 2 } }));
    assert.deepEqual(past.items, [], 'a page past the end is empty');
    assert.equal(past.more, false);
    assert.deepEqual(await byCursor(s.backend, s.alice, query(all), 1), whole, 'cursors walk the same order');
    assert.deepEqual(await byCursor(s.backend, s.alice, { ...query(all), detail: 'records' }, 2), whole);
  });

  it('list: mixins narrow the listing to the entities that carry them', async () => {
    const s = get();
    // Networks are few on some clouds (a quota of 5 per user on Synnefo): one of each sort is found, or made.
    const seen = (await s.backend.list(s.alice, { kind: 'network', detail: 'records' })).items;
    const carries = (n: EntityRecord): boolean => n.mixins.includes(typeId(I.IPNETWORK));
    const made: EntityRecord[] = [];
    const found = async (n: EntityRecord | undefined, spec: ResourceSpec): Promise<EntityRecord> => {
      if (n) return n;
      made.push(await s.backend.createResource(s.alice, spec));
      return made[made.length - 1]!;
    };
    const ip = await found(seen.find(carries), { kind: 'network', mixins: [I.IPNETWORK], attributes: { 'occi.core.title': 'list-ip', 'occi.network.address': '10.251.1.0/24' }, links: [] });
    const plain = await found(seen.find((n) => !carries(n)), { kind: 'network', mixins: [], attributes: { 'occi.core.title': 'list-plain' }, links: [] });
    try {
      const q: ListQuery = { kind: 'network', detail: 'refs', ids: [ip.id, plain.id], mixins: [typeId(I.IPNETWORK)] };
      assert.deepEqual(ids((await s.backend.list(s.alice, q)).items), [ip.id]);
      assert.deepEqual(ids((await s.backend.list(s.alice, { ...q, detail: 'records', page: { limit: 5 } })).items), [ip.id]);
    } finally {
      await Promise.all(made.map((n) => s.backend.delete(s.alice, 'network', n.id)));
    }
  });

  it("list: another tenant's ids are not listed, whatever the query", async () => {
    const s = get();
    const all = ids(await records());
    kindOf = await kind();
    for (const q of [query(all), query(all, { detail: 'records' }), query(all, { page: { limit: 1 } }), query(all, { where: [['occi.core.title', 'list-a']] })]) {
      assert.deepEqual((await s.backend.list(s.bob, q)).items, [], JSON.stringify(q));
    }
  });
}
