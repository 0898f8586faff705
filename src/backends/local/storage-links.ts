// Storage links: compute → storage attachments. A volume is attached to one
// compute at most; it gets the compute's next free /dev/vd<b…> unless the
// client names a device. Attach and detach show on the volume's state.message.
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../../errors.js';
import { typeId } from '../../model/category.js';
import type { LinkRecord, LinkSpec, UpdateSpec } from '../../port/backend.js';
import { nextValue, optString, present, realChanges } from './attributes.js';
import { clockValue } from './clock.js';
import type { EntityStore } from './context.js';
import type { Db } from './database.js';
import { linkState, targetOf } from './link-state.js';
import { columnsOf, type ListingSpec } from './listing.js';
import type { Storages } from './storages.js';

interface StorageLinkRow {
  id: string;
  tenant: string;
  compute_id: string;
  storage_id: string;
  title: string | null;
  deviceid: string;
  mountpoint: string | null;
  compute_state: string;
}

const UPDATABLE = new Set(['occi.core.title', 'occi.storagelink.deviceid', 'occi.storagelink.mountpoint']);
/** vda is the root disk, so volumes start at vdb. */
const DEVICE_LETTERS = 'bcdefghijklmnopqrstuvwxyz';

function toRecord(r: StorageLinkRow): LinkRecord {
  const { state, message } = linkState(r.compute_state, 'attached');
  const attributes = present({
    'occi.core.title': r.title,
    'occi.storagelink.deviceid': r.deviceid,
    'occi.storagelink.mountpoint': r.mountpoint,
    'occi.storagelink.state': state,
    'occi.storagelink.state.message': message,
  });
  return {
    kind: 'storagelink',
    id: r.id,
    source: { kind: 'compute', id: r.compute_id },
    target: { kind: 'storage', id: r.storage_id },
    mixins: [],
    attributes,
  };
}

// The compute's state as it stands now (a due transition shows its outcome; see clock.ts).
const COLUMNS = `sl.id, sl.tenant, sl.compute_id, sl.storage_id, sl.title, sl.deviceid, sl.mountpoint, ${clockValue('c', 'state')} AS compute_state`;
const JOINS = 'JOIN computes c ON c.id = sl.compute_id';
const SELECT = `SELECT ${COLUMNS} FROM storage_links sl ${JOINS}`;

export const STORAGE_LINK_LISTING: ListingSpec = {
  kind: 'storagelink',
  table: 'storage_links sl',
  alias: 'sl',
  tenant: 'sl.tenant',
  columns: COLUMNS,
  joins: JOINS,
  attributes: columnsOf('sl', { 'occi.core.title': 'title', 'occi.storagelink.deviceid': 'deviceid', 'occi.storagelink.mountpoint': 'mountpoint' }),
  records: (rows) => (rows as StorageLinkRow[]).map(toRecord),
};

export class StorageLinks implements EntityStore {
  readonly listing = STORAGE_LINK_LISTING;
  private readonly selectByComputes;
  private readonly anyOf;
  private readonly volumesOf;
  private readonly selectOne;
  private readonly usedDevices;
  private readonly attachedTo;
  private readonly insert;
  private readonly write;
  private readonly remove;

  constructor(
    db: Db,
    private readonly storages: Storages,
    private readonly now: () => number,
  ) {
    this.anyOf = db.prepare('SELECT EXISTS (SELECT 1 FROM storage_links WHERE tenant = ?)').pluck();
    this.selectByComputes = db.prepare(`${SELECT} WHERE sl.compute_id IN (SELECT value FROM json_each(@ids)) ORDER BY sl.rowid`);
    this.volumesOf = db.prepare('SELECT storage_id FROM storage_links WHERE compute_id = ?').pluck();
    this.selectOne = db.prepare(`${SELECT} WHERE sl.id = @id AND sl.tenant = @tenant`);
    this.usedDevices = db.prepare('SELECT deviceid FROM storage_links WHERE compute_id = ?').pluck();
    this.attachedTo = db.prepare('SELECT compute_id FROM storage_links WHERE storage_id = ?').pluck();
    this.insert = db.prepare(
      `INSERT INTO storage_links (id, tenant, compute_id, storage_id, title, deviceid, mountpoint, created_at)
       VALUES (@id, @tenant, @computeId, @storageId, @title, @deviceid, @mountpoint, @createdAt)`,
    );
    this.write = db.prepare('UPDATE storage_links SET title = @title, deviceid = @deviceid, mountpoint = @mountpoint WHERE id = @id');
    this.remove = db.prepare('DELETE FROM storage_links WHERE id = ?');
  }

  /** Whether the tenant has any at all. */
  hasAny(tenant: string): boolean {
    return this.anyOf.get(tenant) === 1;
  }

  /** The storage links of the computes whose ids `ids` lists (a JSON array). */
  ofComputes(ids: string): LinkRecord[] {
    return (this.selectByComputes.all({ ids, now: this.now() }) as StorageLinkRow[]).map(toRecord);
  }

  private row(tenant: string, id: string): StorageLinkRow | undefined {
    return this.selectOne.get({ id, tenant, now: this.now() }) as StorageLinkRow | undefined;
  }

  get(tenant: string, id: string): LinkRecord | undefined {
    const row = this.row(tenant, id);
    return row && toRecord(row);
  }

  /** A device name not yet used on the compute: the client's, or the next free /dev/vdX. */
  private device(computeId: string, requested: string | undefined, own?: string): string {
    const used = new Set(this.usedDevices.all(computeId) as string[]);
    if (own !== undefined) used.delete(own);
    if (requested !== undefined) {
      if (requested.trim() === '') throw badRequest('occi.storagelink.deviceid must not be empty');
      if (used.has(requested)) throw conflict(`occi.storagelink.deviceid ${requested} is already used on compute ${computeId}`);
      return requested;
    }
    const letter = [...DEVICE_LETTERS].find((l) => !used.has(`/dev/vd${l}`));
    if (letter === undefined) throw conflict(`compute ${computeId} has no free device for another volume`);
    return `/dev/vd${letter}`;
  }

  /** Attaches a storage of `tenant` to an existing compute of the same tenant. */
  create(tenant: string, computeId: string, spec: LinkSpec): string {
    const storageId = targetOf(spec, 'storage');
    if (!this.storages.row(tenant, storageId)) throw notFound(`storage ${storageId} not found`);
    const holder = this.attachedTo.get(storageId) as string | undefined;
    if (holder !== undefined) throw conflict(`storage ${storageId} is already attached to compute ${holder}`);
    const a = spec.attributes;
    const id = randomUUID();
    this.insert.run({
      id,
      tenant,
      computeId,
      storageId,
      title: optString(a, 'occi.core.title') ?? null,
      deviceid: this.device(computeId, optString(a, 'occi.storagelink.deviceid')),
      mountpoint: optString(a, 'occi.storagelink.mountpoint') ?? null,
      createdAt: this.now(),
    });
    this.storages.clocked.setMessage(storageId, 'attached');
    return id;
  }

  update(tenant: string, id: string, spec: UpdateSpec): LinkRecord {
    const row = this.row(tenant, id);
    if (!row) throw notFound(`storagelink ${id} not found`);
    const { attributes: c, add, remove } = realChanges(toRecord(row), spec);
    const mixin = [...add, ...remove][0];
    if (mixin) throw badRequest(`mixin ${typeId(mixin)} cannot be associated with a storage link`);
    for (const name of Object.keys(c)) {
      if (!UPDATABLE.has(name)) throw badRequest(`${name} cannot be changed on a storage link`);
    }
    // The device id is the attachment's identity in the guest: a PUT leaving it out keeps it.
    const requested = optString(c, 'occi.storagelink.deviceid');
    this.write.run({
      id,
      title: nextValue(c, 'occi.core.title', row.title, optString),
      deviceid: requested === undefined ? row.deviceid : this.device(row.compute_id, requested, row.deviceid),
      mountpoint: nextValue(c, 'occi.storagelink.mountpoint', row.mountpoint, optString),
    });
    return this.get(tenant, id) as LinkRecord;
  }

  /** Detaches the volumes of a compute that is going away. */
  detachAll(computeId: string): void {
    for (const storageId of this.volumesOf.all(computeId) as string[]) this.storages.clocked.setMessage(storageId, 'detached');
  }

  delete(tenant: string, id: string): void {
    const row = this.row(tenant, id);
    if (!row) throw notFound(`storagelink ${id} not found`);
    this.remove.run(id);
    this.storages.clocked.setMessage(row.storage_id, 'detached');
  }
}
