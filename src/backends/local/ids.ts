// Entity ids: random UUIDs, or a client's own (PUT at a new URL, R50) when it
// is a UUID no entity of any kind or tenant holds yet (ids are unique, R145).
// An id another tenant holds answers 404, as every other request for it does,
// so a PUT never reveals that someone else's entity exists.
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Db } from './database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class Ids {
  private readonly taken;

  constructor(db: Db) {
    this.taken = db
      .prepare(
        `SELECT tenant FROM computes WHERE id = @id UNION ALL SELECT tenant FROM networks WHERE id = @id
         UNION ALL SELECT tenant FROM storages WHERE id = @id UNION ALL SELECT tenant FROM network_interfaces WHERE id = @id
         UNION ALL SELECT tenant FROM storage_links WHERE id = @id LIMIT 1`,
      )
      .pluck();
  }

  next(tenant: string, requested?: string): string {
    if (requested === undefined) return randomUUID();
    if (!UUID.test(requested)) throw badRequest(`the embedded cloud takes client-chosen ids in lowercase UUID form only, not "${requested}"`);
    const owner = this.taken.get({ id: requested }) as string | null | undefined;
    if (owner === undefined) return requested;
    if (owner === tenant) throw conflict(`id ${requested} is already in use`);
    throw notFound(`no entity ${requested}`);
  }
}
