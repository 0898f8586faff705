// Collection queries of the embedded cloud in SQL: ids only when that is
// enough, the tenant's rows in rowid order (stable: creation order), ids and
// attribute filters as WHERE clauses, pages as keyset (`rowid > after`) plus
// LIMIT/OFFSET, numbered pages from the rowids earlier pages were found at
// (page-landmarks.ts), and the total from an indexed count. What SQL cannot test
// (derived attributes, link states) is tested on the records instead.
import type { AttributeValue } from '../../model/category.js';
import type { EntityKindTerm, EntityRecord, EntityRef, Listing, ListQuery } from '../../port/backend.js';
import { matchesQuery } from '../../port/list-query.js';
import type { Db } from './database.js';
import { PageLandmarks } from './page-landmarks.js';

/** An attribute stored in a column: its SQL expression and the JS type its values have. */
export interface Column {
  sql: string;
  type: 'string' | 'number';
}

/**
 * Attributes held in columns of `alias`: text ones, then numeric ones. A value
 * is a column name, or an SQL expression (a state at @now, clock.ts).
 */
export function columnsOf(alias: string, text: Record<string, string>, numbers: Record<string, string> = {}): Record<string, Column> {
  const sql = (v: string): string => (/^\w+$/.test(v) ? `${alias}.${v}` : v);
  const out: Record<string, Column> = {};
  for (const [name, v] of Object.entries(text)) out[name] = { sql: sql(v), type: 'string' };
  for (const [name, v] of Object.entries(numbers)) out[name] = { sql: sql(v), type: 'number' };
  return out;
}

/** How one kind's table is listed. Its SQL may bind @tenant and @now. */
export interface ListingSpec {
  kind: EntityKindTerm;
  /** The table with its alias, e.g. `computes c`. */
  table: string;
  alias: string;
  /** The column naming the owning tenant; `shared`: rows where it is NULL are everyone's. */
  tenant: string;
  shared?: boolean;
  /** Columns of a full row, with any joins after FROM (`<columns> FROM <table> <joins>`). */
  columns: string;
  joins?: string;
  /** Attributes that live in a column of the table itself (not of a join), by name. */
  attributes: Readonly<Record<string, Column>>;
  /** A SQL condition for a provider mixin (a value, if any, bound as @<param>), when this kind can test it in SQL. */
  mixin?(typeId: string, param: string, tenant: string): { sql: string; value?: string | number } | undefined;
  /** Full rows (in order) → records. */
  records(rows: unknown[], tenant: string): EntityRecord[];
}

interface Plan {
  conditions: string[];
  params: Record<string, unknown>;
  /** Conditions SQL could not take: the records are tested instead. */
  residual: boolean;
}

const MAX_STATEMENTS = 256;
const MAX_COUNTS = 1024;
const ALL = -1;

export class Lister {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();
  private readonly columnNames = new WeakMap<object, string[]>();
  private readonly counts = new Map<string, number>();
  private readonly landmarks = new PageLandmarks();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Runs inside a read transaction: no write, whatever is due (see clock.ts). */
  list(spec: ListingSpec, tenant: string, q: ListQuery): Listing<EntityRef | EntityRecord> {
    const plan = this.plan(spec, tenant, q);
    if (plan.residual) return this.listTested(spec, tenant, q, plan);
    const page = q.page;
    const { conditions, params } = plan;
    const a = spec.alias;
    let where = conditions.join(' AND ');
    // Numbered pages of the same query (not a cursor's, not one that moves with the clock) start from noted rowids.
    const numbered = page && page.after === undefined ? stableKey(where, params) : undefined;
    // A page that continues after a cursor is part of a reading whose first page gave the total.
    const total = page && page.after === undefined ? this.count(`SELECT count(*) FROM ${spec.table} WHERE ${where}`, params) : undefined;
    let offset = page?.offset ?? 0;
    const from = numbered !== undefined && offset > 0 ? this.landmarks.before(numbered, offset) : undefined;
    if (page?.after !== undefined) {
      where += ` AND ${a}.rowid > @after`;
      params.after = cursor(page.after);
    } else if (from) {
      where += ` AND ${a}.rowid >= @from`;
      params.from = from.rowid;
      offset -= from.position;
    }
    params.limit = page ? page.limit + 1 : ALL;
    params.offset = offset;
    const order = `WHERE ${where} ORDER BY ${a}.rowid LIMIT @limit OFFSET @offset`;
    const note = (positions: number[]): void => {
      if (numbered === undefined || positions.length === 0) return;
      this.landmarks.note(numbered, page!.offset ?? 0, positions[0]!);
      this.landmarks.note(numbered, (page!.offset ?? 0) + positions.length - 1, positions[positions.length - 1]!);
    };
    if (q.detail === 'refs' && !page) {
      // The ids alone, as strings: an array per row (rowid and id) cost a listing of 10,000 more than twice as much.
      const ids = this.statement(`SELECT ${a}.id FROM ${spec.table} ${order}`).pluck().all(params) as string[];
      return finish(ids.map((id) => ({ kind: spec.kind, id })), false, undefined, ids.length);
    }
    if (q.detail === 'refs') {
      // A page: rowids and ids alone, as arrays (the rowids place the page's landmarks and cursor).
      const found = this.statement(`SELECT ${a}.rowid, ${a}.id FROM ${spec.table} ${order}`).raw(true).all(params) as Array<[number, string]>;
      const more = page !== undefined && found.length > page.limit;
      if (more) found.pop();
      note(found.map((f) => f[0]));
      return finish(found.map((f) => ({ kind: spec.kind, id: f[1] })), more, more ? found[found.length - 1]?.[0] : undefined, total ?? (page ? undefined : found.length));
    }
    const rows = this.rows(`SELECT ${a}.rowid AS pos, ${spec.columns} FROM ${spec.table} ${spec.joins ?? ''} ${order}`, params);
    const more = page !== undefined && rows.length > page.limit;
    if (more) rows.pop();
    note(rows.map((r) => r.pos));
    return finish(spec.records(rows, tenant), more, more ? rows[rows.length - 1]?.pos : undefined, total ?? (page ? undefined : rows.length));
  }

  /** Filters SQL could not apply: every row SQL selects becomes a record, tested, then paged here. */
  private listTested(spec: ListingSpec, tenant: string, q: ListQuery, plan: Plan): Listing<EntityRecord> {
    const sql = `SELECT ${spec.alias}.rowid AS pos, ${spec.columns} FROM ${spec.table} ${spec.joins ?? ''} WHERE ${plan.conditions.join(' AND ')} ORDER BY ${spec.alias}.rowid`;
    const rows = this.rows(sql, plan.params);
    const records = spec.records(rows, tenant);
    const kept: Array<{ pos: number; record: EntityRecord }> = [];
    records.forEach((record, i) => {
      if (matchesQuery(record, q)) kept.push({ pos: rows[i]!.pos, record });
    });
    if (!q.page) return finish(kept.map((k) => k.record), false, undefined, kept.length);
    const { limit, offset = 0, after } = q.page;
    const from = after === undefined ? 0 : kept.findIndex((k) => k.pos > cursor(after));
    const start = (from < 0 ? kept.length : from) + offset;
    const page = kept.slice(start, start + limit);
    const more = start + limit < kept.length;
    return finish(page.map((k) => k.record), more, more ? page[page.length - 1]?.pos : undefined, kept.length);
  }

  private plan(spec: ListingSpec, tenant: string, q: ListQuery): Plan {
    // With ids, the lookup goes by id (one probe each); '+' keeps SQLite from walking the tenant's index instead.
    const owner = q.ids ? `+${spec.tenant}` : spec.tenant;
    const conditions = [spec.shared ? `(${owner} = @tenant OR ${owner} IS NULL)` : `${owner} = @tenant`];
    const params: Record<string, unknown> = { tenant, now: this.now() };
    let residual = false;
    if (q.ids) {
      conditions.push(`${spec.alias}.id IN (SELECT value FROM json_each(@ids))`);
      params.ids = JSON.stringify(q.ids);
    }
    q.where?.forEach(([name, value], i) => {
      const column = spec.attributes[name];
      if (column && typeof value === column.type) {
        conditions.push(`${column.sql} = @w${i}`);
        params[`w${i}`] = value satisfies AttributeValue;
      } else residual = true;
    });
    q.mixins?.forEach((typeId, i) => {
      const test = spec.mixin?.(typeId, `m${i}`, tenant);
      if (test) {
        conditions.push(test.sql);
        if (test.value !== undefined) params[`m${i}`] = test.value;
      } else residual = true;
    });
    return { conditions, params, residual };
  }

  /**
   * A count, remembered until the next write (clock-dependent ones are not):
   * the total of every page of a large collection would otherwise walk it all.
   */
  private count(sql: string, params: Record<string, unknown>): number {
    const key = stableKey(sql, params);
    const known = key === undefined ? undefined : this.counts.get(key);
    if (known !== undefined) return known;
    const n = this.statement(sql).pluck().get(params) as number;
    if (key !== undefined) {
      if (this.counts.size >= MAX_COUNTS) this.counts.clear();
      this.counts.set(key, n);
    }
    return n;
  }

  /** Forgets the remembered counts: the cloud has changed. */
  changed(): void {
    this.counts.clear();
    this.landmarks.clear();
  }

  /**
   * Full rows as objects. SQLite hands them over as arrays, made into objects
   * here: better-sqlite3's own objects cost half as much again per row.
   */
  private rows(sql: string, params: Record<string, unknown>): Array<{ pos: number }> {
    const statement = this.statement(sql);
    let names = this.columnNames.get(statement);
    if (!names) {
      names = statement.columns().map((c) => c.name);
      this.columnNames.set(statement, names);
    }
    const fields = names;
    return (statement.raw(true).all(params) as unknown[][]).map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) row[fields[i]!] = values[i];
      return row as { pos: number };
    });
  }

  private statement(sql: string): ReturnType<Db['prepare']> {
    let s = this.statements.get(sql);
    if (!s) {
      // Shapes come from a fixed set of columns, so this stays small; the bound is a safeguard.
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

function finish<T extends EntityRef>(items: T[], more: boolean, last: number | undefined, total: number | undefined): Listing<T> {
  return { items, more, ...(total === undefined ? {} : { total }), ...(more && last !== undefined ? { next: String(last) } : {}) };
}

/** What a query's rows depend on, for remembering what was learnt of them; undefined when the clock moves them. */
function stableKey(sql: string, params: Record<string, unknown>): string | undefined {
  if (sql.includes('@now')) return undefined;
  const { now: _, ...bound } = params;
  return `${sql}\u0000${JSON.stringify(bound)}`;
}

/** A cursor this backend handed out: a rowid. */
function cursor(after: string): number {
  const n = Number(after);
  if (!Number.isSafeInteger(n)) throw new Error(`not a cursor of the embedded cloud: ${after.slice(0, 40)}`);
  return n;
}
