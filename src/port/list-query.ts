// What a collection request asks a backend for: one kind, refs or full
// records, optionally only some ids, only entities carrying some provider
// mixins or with some attribute values, and optionally one page. Backends do
// the least work for it (the embedded cloud in SQL); `applyListQuery` is the
// simple, correct way for a backend that can only list everything.
import type { AttributeValue } from '../model/category.js';
import type { EntityKindTerm, EntityRecord, EntityRef } from './backend.js';

/**
 * A page of a listing in the backend's stable order. `after` continues from a
 * cursor a previous listing gave as `next` (keyset: entities deleted or added
 * meanwhile do not shift it); `offset` then skips that many more.
 */
export interface ListPage {
  limit: number;
  offset?: number;
  after?: string;
}

export interface ListQuery {
  kind: EntityKindTerm;
  /** 'refs' when kind and id are enough (text listings); 'records' for full records. A backend may answer 'refs' with records. */
  detail: 'refs' | 'records';
  /** Only these ids (the members of a user mixin); ids that do not exist are left out. */
  ids?: readonly string[];
  /** Only entities carrying every one of these provider mixins (type ids). */
  mixins?: readonly string[];
  /** Only entities whose record attribute is exactly (===) the value; the backend applies every one. */
  where?: ReadonlyArray<readonly [string, AttributeValue]>;
  page?: ListPage;
}

export type RecordQuery = ListQuery & { detail: 'records' };

export interface Listing<T extends EntityRef = EntityRef> {
  items: T[];
  /** More entities match after this page. */
  more: boolean;
  /** Where the next page starts (for `page.after`); set when `more`. */
  next?: string;
  /**
   * How many entities match the query regardless of the page, when the
   * backend knows it cheaply; a page continuing `after` a cursor may leave it out.
   */
  total?: number;
}

/** Whether a record passes the query's ids, mixins and where (not its page). */
export function matchesQuery(r: EntityRecord, q: ListQuery, ids?: ReadonlySet<string>): boolean {
  if (ids && !ids.has(r.id)) return false;
  if (q.mixins && !q.mixins.every((m) => r.mixins.includes(m))) return false;
  return !q.where || q.where.every(([name, value]) => r.attributes[name] === value);
}

/**
 * Answers a query from every record of its kind: filters, orders by id (the
 * order in which OpenStack's services page with `marker`), pages. `after` is
 * the last id of the previous page.
 */
export function applyListQuery<T extends EntityRecord>(all: readonly T[], q: ListQuery): Listing<T> {
  const ids = q.ids ? new Set(q.ids) : undefined;
  const matching = all.filter((r) => matchesQuery(r, q, ids)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!q.page) return { items: matching, more: false, total: matching.length };
  const { limit, offset = 0, after } = q.page;
  const from = after === undefined ? 0 : matching.findIndex((r) => r.id > after);
  const start = (from < 0 ? matching.length : from) + offset;
  const items = matching.slice(start, start + limit);
  const more = start + limit < matching.length;
  return { items, more, total: matching.length, ...(more ? { next: items[items.length - 1]?.id } : {}) };
}
