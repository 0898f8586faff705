// Volumes of the embedded cloud. Created offline ('creating'), online after
// actionMs; online/offline take actionMs too. backup and snapshot record a copy,
// resize grows the volume (D32's 1.1 actions; a size update does the same).
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Action } from '../../model/category.js';
import { typeId } from '../../model/category.js';
import { STORAGE, STORAGE_RESIZE } from '../../model/infrastructure.js';
import type { ActionOutcome, Attributes, ResourceRecord, ResourceSpec, UpdateSpec } from '../../port/backend.js';
import { assertApplicable, kindAction } from './actions.js';
import { nextValue, optNumber, optString, present, realChanges } from './attributes.js';
import { type ClockColumns, Clocked, type ShownClock, assertAtRest, clockColumns, clockValue, initialClock, shownClockColumns } from './clock.js';
import type { Context, ResourceStore } from './context.js';
import { columnsOf, type ListingSpec } from './listing.js';

export interface StorageRow extends ClockColumns {
  id: string;
  tenant: string;
  title: string | null;
  summary: string | null;
  size: number;
}

type ShownStorage = Omit<StorageRow, 'tenant' | keyof ClockColumns> & ShownClock;

function toRecord(r: ShownStorage): ResourceRecord {
  const attributes = present({
    'occi.core.title': r.title,
    'occi.core.summary': r.summary,
    'occi.storage.size': r.size,
    'occi.storage.state': r.state,
    'occi.storage.state.message': r.message,
  });
  return { kind: 'storage', id: r.id, mixins: [], attributes, links: [], busy: r.pending_until !== null };
}

/** A size in GB: a finite number above zero. */
function checkSize(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw badRequest(`${name} must be a number of GB greater than 0`);
  }
  return value;
}

const UPDATABLE = new Set(['occi.core.title', 'occi.core.summary', 'occi.storage.size']);

/** A storage row as it stands now (a due transition shows its outcome). */
const COLUMNS = `s.id, s.tenant, s.title, s.summary, s.size, ${clockColumns('s')}`;
/** What a listing reads: the columns a record shows. */
const SHOWN = `s.id, s.title, s.summary, s.size, ${shownClockColumns('s')}`;

export const STORAGE_LISTING: ListingSpec = {
  kind: 'storage',
  table: 'storages s',
  alias: 's',
  tenant: 's.tenant',
  columns: SHOWN,
  attributes: columnsOf(
    's',
    { 'occi.core.title': 'title', 'occi.core.summary': 'summary', 'occi.storage.state': clockValue('s', 'state'), 'occi.storage.state.message': clockValue('s', 'message') },
    { 'occi.storage.size': 'size' },
  ),
  records: (rows) => (rows as ShownStorage[]).map(toRecord),
};

export class Storages implements ResourceStore {
  /** Attach and detach set the resting message through this. */
  readonly clocked: Clocked;
  readonly listing = STORAGE_LISTING;
  private readonly selectOne;
  private readonly insert;
  private readonly write;
  private readonly remove;
  private readonly insertCopy;
  private readonly attachment;

  constructor(private readonly ctx: Context) {
    const db = ctx.db;
    this.clocked = new Clocked(db, 'storages', ctx.clock);
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM storages s WHERE s.id = @id AND s.tenant = @tenant`);
    this.insert = db.prepare(
      `INSERT INTO storages (id, tenant, title, summary, size, state, message, pending_state, pending_message, pending_until, created_at)
       VALUES (@id, @tenant, @title, @summary, @size, @state, @message, @pending_state, @pending_message, @pending_until, @createdAt)`,
    );
    this.write = db.prepare('UPDATE storages SET title = @title, summary = @summary, size = @size, message = @message WHERE id = @id');
    this.remove = db.prepare('DELETE FROM storages WHERE id = ?');
    this.insertCopy = db.prepare('INSERT INTO storage_copies (id, storage_id, kind, size, created_at) VALUES (?, ?, ?, ?, ?)');
    this.attachment = db.prepare('SELECT compute_id, deviceid FROM storage_links WHERE storage_id = ?');
  }

  row(tenant: string, id: string): StorageRow | undefined {
    return this.selectOne.get({ id, tenant, now: this.ctx.clock.now() }) as StorageRow | undefined;
  }

  private existing(tenant: string, id: string): StorageRow {
    const row = this.row(tenant, id);
    if (!row) throw notFound(`storage ${id} not found`);
    return row;
  }

  get(tenant: string, id: string): ResourceRecord | undefined {
    const row = this.row(tenant, id);
    return row && toRecord(row);
  }

  create(tenant: string, spec: ResourceSpec): string {
    if (spec.links.length > 0) throw badRequest('a storage owns no links; link computes to it instead');
    const a = spec.attributes;
    if (a['occi.storage.size'] === undefined) throw badRequest('occi.storage.size is required');
    const id = this.ctx.newId(tenant, spec.id);
    const now = this.ctx.clock.now();
    this.insert.run({
      id,
      tenant,
      title: optString(a, 'occi.core.title') ?? null,
      summary: optString(a, 'occi.core.summary') ?? null,
      size: checkSize(a['occi.storage.size'], 'occi.storage.size'),
      ...initialClock(now, { state: 'offline', during: 'creating', to: 'online', after: 'available', ms: this.ctx.actionMs }),
      createdAt: now,
    });
    return id;
  }

  /** Grows a volume; it never shrinks (data would be lost). */
  private resize(row: StorageRow, size: number, name: string): StorageRow {
    assertAtRest(`storage ${row.id}`, row);
    assertApplicable(STORAGE, `storage ${row.id}`, row.state, STORAGE_RESIZE);
    if (size <= row.size) throw badRequest(`${name} must be larger than the current ${row.size} GB`);
    return { ...row, size, message: `resized from ${row.size} GB to ${size} GB` };
  }

  update(tenant: string, id: string, spec: UpdateSpec): ResourceRecord {
    const row = this.existing(tenant, id);
    const { attributes: c, add, remove } = realChanges(toRecord(row), spec);
    const mixin = [...add, ...remove][0];
    if (mixin) throw badRequest(`mixin ${typeId(mixin)} cannot be associated with a storage`);
    for (const name of Object.keys(c)) if (!UPDATABLE.has(name)) throw badRequest(`${name} cannot be changed on a storage`);
    // A size left out of a PUT keeps the volume as it is.
    const size = c['occi.storage.size'];
    const resized = size === undefined || size === null ? row : this.resize(row, checkSize(size, 'occi.storage.size'), 'occi.storage.size');
    const next: StorageRow = {
      ...resized,
      title: nextValue(c, 'occi.core.title', row.title, optString),
      summary: nextValue(c, 'occi.core.summary', row.summary, optString),
    };
    this.write.run(next);
    return toRecord(next);
  }

  delete(tenant: string, id: string): void {
    this.existing(tenant, id);
    const link = this.attachment.get(id) as { compute_id: string; deviceid: string } | undefined;
    if (link) throw conflict(`storage ${id} in use: attached to compute ${link.compute_id} as ${link.deviceid}`);
    this.remove.run(id);
  }

  action(tenant: string, id: string, action: Action, params: Attributes): ActionOutcome {
    const row = this.existing(tenant, id);
    const act = kindAction(STORAGE, action);
    if (act === STORAGE_RESIZE) {
      const next = this.resize(row, checkSize(optNumber(params, 'size'), 'resize parameter size'), 'resize parameter size');
      this.write.run(next);
      return { entity: toRecord(next) };
    }
    assertAtRest(`storage ${id}`, row);
    assertApplicable(STORAGE, `storage ${id}`, row.state, act);
    const ms = this.ctx.actionMs;
    switch (act.term) {
      case 'online':
        this.clocked.start(id, { during: 'going online', to: 'online', after: 'online', ms });
        break;
      case 'offline':
        this.clocked.start(id, { during: 'going offline', to: 'offline', after: 'offline', ms });
        break;
      default: {
        // backup, snapshot: an immediate copy of the volume as it is
        const copy = randomUUID();
        this.insertCopy.run(copy, id, act.term, row.size, this.ctx.clock.now());
        this.clocked.setMessage(id, `${act.term} ${copy} created`);
      }
    }
    return { entity: toRecord(this.existing(tenant, id)) };
  }
}
