// Reading a planned collection from the backend: a page the backend cuts
// (offset across the sources, totals from their counts), every ref at once
// for text listings, or whole entities batch by batch (keyset pages, so an
// entity that stays is never repeated or skipped while others come and go).
import type { EntityView } from '../rendering/document.js';
import type { EntityRecord, EntityRef, ListQuery } from '../port/backend.js';
import { matches } from './collections.js';
import { queryOf, type Plan } from './collection-plan.js';
import type { OcciContext } from './context.js';
import { entityView, membershipsOf } from './views.js';

/** Records asked of the backend at a time when a collection is read whole. */
export const FETCH_BATCH = 200;
/** Views built (and written) at a time, so one listing never holds the event loop for long. */
export const VIEW_BATCH = 25;

export interface Member {
  record: EntityRecord;
  view: EntityView;
}

export interface Found<T> {
  items: T[];
  more: boolean;
  total?: number;
}

/** One page cut by the backend: `offset` runs across the sources in order; each source's total places it. */
export async function backendPage(ctx: OcciContext, plan: Plan, detail: ListQuery['detail'], offset: number, limit: number): Promise<Found<EntityRef>> {
  const items: EntityRef[] = [];
  let total: number | undefined = 0;
  let more = false;
  for (const s of plan.sources) {
    const room = limit - items.length;
    // A full page still asks for one ref: whether more follow, and the source's total.
    const q = queryOf(plan, s, room > 0 ? detail : 'refs');
    const l = await ctx.backend.list(ctx.creds, { ...q, page: { offset, limit: Math.max(room, 1) } });
    if (room > 0) items.push(...l.items.slice(0, room));
    if (room > 0 ? l.more : l.items.length > 0) more = true;
    const count = l.total ?? (offset > 0 && l.items.length === 0 ? await countOf(ctx, q) : undefined);
    total = total === undefined || l.total === undefined ? undefined : total + l.total;
    if (offset > 0) offset = l.items.length > 0 ? 0 : Math.max(0, offset - (count ?? 0));
  }
  return total === undefined ? { items, more } : { items, more, total };
}

/** The size of a source whose backend gave no total: its refs, counted. */
async function countOf(ctx: OcciContext, q: ListQuery): Promise<number> {
  return (await ctx.backend.list(ctx.creds, { ...q, detail: 'refs' })).items.length;
}

/** Every ref of the collection (text listings; the backend answers with ids only where it can). */
export async function allRefs(ctx: OcciContext, plan: Plan): Promise<EntityRef[]> {
  const lists = await Promise.all(plan.sources.map((s) => ctx.backend.list(ctx.creds, queryOf(plan, s, 'refs'))));
  return lists.flatMap((l) => l.items);
}

/** The members among `records`, in batches of views, with their user mixins (one store query per call). */
async function* membersOf(ctx: OcciContext, plan: Plan, records: readonly EntityRecord[]): AsyncGenerator<Member[]> {
  const memberships = await membershipsOf(ctx, records);
  for (let i = 0; i < records.length; i += VIEW_BATCH) {
    let batch = records.slice(i, i + VIEW_BATCH).map((record) => ({ record, view: entityView(ctx, record, memberships) }));
    if (plan.residual) batch = batch.filter((m) => matches(m.view, plan.residual!));
    if (batch.length) yield batch;
  }
}

/** Every member of the collection, batch by batch: records are read FETCH_BATCH at a time. */
export async function* allMembers(ctx: OcciContext, plan: Plan): AsyncGenerator<Member[]> {
  for (const s of plan.sources) {
    let after: string | undefined;
    for (;;) {
      const page = { limit: FETCH_BATCH, ...(after === undefined ? {} : { after }) };
      const l = await ctx.backend.list(ctx.creds, { ...queryOf(plan, s, 'records'), detail: 'records', page });
      yield* membersOf(ctx, plan, s.test ? l.items.filter(s.test) : l.items);
      if (!l.more || l.next === undefined) break;
      after = l.next;
    }
  }
}

/** Members of records already read (a page, the outcome of an action), in batches. */
export function membersOfRecords(ctx: OcciContext, plan: Plan, records: readonly EntityRecord[]): AsyncGenerator<Member[]> {
  return membersOf(ctx, plan, records);
}

/** A page cut in the operation, when the backend could not apply the whole filter: it reads up to the page's end, and one more. */
export async function pageOfMembers(batches: AsyncGenerator<Member[]>, offset: number, limit: number): Promise<Found<Member>> {
  const items: Member[] = [];
  let skipped = 0;
  for await (const batch of batches) {
    for (const m of batch) {
      if (skipped < offset) skipped++;
      else if (items.length < limit) items.push(m);
      else {
        await batches.return(undefined);
        return { items, more: true };
      }
    }
  }
  return { items, more: false };
}

export async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

/** Views only, batch by batch, for the JSON writer. */
export async function* viewBatches(batches: AsyncIterable<Member[]>): AsyncGenerator<EntityView[]> {
  for await (const batch of batches) yield batch.map((m) => m.view);
}
