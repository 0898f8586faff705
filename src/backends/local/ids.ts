// Entity ids: random UUIDs, or a client's own (PUT at a new URL, R50) when it
// is a UUID no entity of any kind or tenant holds yet (ids are unique, R145).
import { randomUUID } from 'node:crypto';
import { badRequest, conflict } from '../../errors.js';
import type { Db } from './database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class Ids {
  private readonly taken;

  constructor(db: Db) {
    this.taken = db
      .prepare(
        `SELECT 1 FROM computes WHERE id = @id UNION ALL SELECT 1 FROM networks WHERE id = @id
         UNION ALL SELECT 1 FROM storages WHERE id = @id UNION ALL SELECT 1 FROM network_interfaces WHERE id = @id
         UNION ALL SELECT 1 FROM storage_links WHERE id = @id LIMIT 1`,
      )
      .pluck();
  }

  next(requested?: string): string {
    if (requested === undefined) return randomUUID();
    if (!UUID.test(requested)) throw badRequest(`the embedded cloud takes client-chosen ids in lowercase UUID form only, not "${requested}"`);
    if (this.taken.get({ id: requested }) !== undefined) throw conflict(`id ${requested} is already in use`);
    return requested;
  }
}
