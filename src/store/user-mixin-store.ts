// The little state the bridge owns (DESIGN.md store/): user-defined mixins
// (tags, D39) and their memberships, per tenant, persisted in SQLite.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { conflict } from '../errors.js';

export interface UserMixinRow {
  scheme: string;
  term: string;
  title: string | null;
  location: string;
}

export interface Member {
  kind: string;
  id: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS user_mixin (
  tenant TEXT NOT NULL,
  scheme TEXT NOT NULL,
  term TEXT NOT NULL,
  title TEXT,
  location TEXT NOT NULL,
  PRIMARY KEY (tenant, scheme, term),
  UNIQUE (tenant, location)
);
CREATE TABLE IF NOT EXISTS membership (
  tenant TEXT NOT NULL,
  mixin TEXT NOT NULL,        -- type id of the user mixin
  kind TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  PRIMARY KEY (tenant, mixin, kind, entity_id)
);
CREATE INDEX IF NOT EXISTS membership_entity ON membership (tenant, kind, entity_id);
`;

export class UserMixinStore {
  private readonly db: Database.Database;
  private readonly versions = new Map<string, number>();
  private readonly q;

  constructor(dataDir: string | undefined) {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    this.db = new Database(dataDir ? join(dataDir, 'store.sqlite') : ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.q = {
      list: this.db.prepare<[string], UserMixinRow>('SELECT scheme, term, title, location FROM user_mixin WHERE tenant = ? ORDER BY location'),
      insert: this.db.prepare('INSERT INTO user_mixin (tenant, scheme, term, title, location) VALUES (?, ?, ?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM user_mixin WHERE tenant = ? AND scheme = ? AND term = ?'),
      removeMembers: this.db.prepare('DELETE FROM membership WHERE tenant = ? AND mixin = ?'),
      members: this.db.prepare<[string, string], Member>('SELECT kind, entity_id AS id FROM membership WHERE tenant = ? AND mixin = ? ORDER BY rowid'),
      defined: this.db.prepare('SELECT 1 FROM user_mixin WHERE tenant = ? AND scheme || term = ?'),
      associate: this.db.prepare('INSERT OR IGNORE INTO membership (tenant, mixin, kind, entity_id) VALUES (?, ?, ?, ?)'),
      dissociate: this.db.prepare('DELETE FROM membership WHERE tenant = ? AND mixin = ? AND kind = ? AND entity_id = ?'),
      mixinsOf: this.db.prepare<[string, string, string], { mixin: string }>('SELECT mixin FROM membership WHERE tenant = ? AND kind = ? AND entity_id = ? ORDER BY rowid'),
      allMemberships: this.db.prepare<[string], { mixin: string; kind: string; id: string }>('SELECT mixin, kind, entity_id AS id FROM membership WHERE tenant = ?'),
      forget: this.db.prepare('DELETE FROM membership WHERE tenant = ? AND kind = ? AND entity_id = ?'),
    };
  }

  /** Changes whenever the tenant's mixin definitions change, for catalogue caching. */
  version(tenant: string): number {
    return this.versions.get(tenant) ?? 0;
  }

  private bump(tenant: string): void {
    this.versions.set(tenant, this.version(tenant) + 1);
  }

  list(tenant: string): UserMixinRow[] {
    return this.q.list.all(tenant);
  }

  /**
   * Stores definitions, all or none. The caller checked them against the
   * catalogue it read; a definition stored meanwhile by a concurrent request
   * that takes the same name or location is a 409, not a crash.
   */
  add(tenant: string, rows: UserMixinRow[]): void {
    try {
      this.db.transaction(() => {
        for (const r of rows) this.q.insert.run(tenant, r.scheme, r.term, r.title, r.location);
      })();
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw conflict('a mixin with this name or location was defined by another request meanwhile');
      }
      throw err;
    }
    this.bump(tenant);
  }

  /** Removes a definition and every association with it (R33). */
  remove(tenant: string, scheme: string, term: string): void {
    this.db.transaction(() => {
      this.q.remove.run(tenant, scheme, term);
      this.q.removeMembers.run(tenant, scheme + term);
    })();
    this.bump(tenant);
  }

  members(tenant: string, mixin: string): Member[] {
    return this.q.members.all(tenant, mixin);
  }

  /**
   * Adds members; `replace` first drops every current member (PUT on a mixin location, R97).
   * A request may have resolved the mixin before a concurrent DELETE on /-/ removed it: then
   * nothing is written, so no membership outlives its mixin (R33). Returns whether it is defined.
   */
  associate(tenant: string, mixin: string, members: Member[], replace = false): boolean {
    return this.db.transaction(() => {
      if (this.q.defined.get(tenant, mixin) === undefined) return false;
      if (replace) this.q.removeMembers.run(tenant, mixin);
      for (const m of members) this.q.associate.run(tenant, mixin, m.kind, m.id);
      return true;
    })();
  }

  dissociate(tenant: string, mixin: string, members: Member[]): void {
    this.db.transaction(() => {
      for (const m of members) this.q.dissociate.run(tenant, mixin, m.kind, m.id);
    })();
  }

  mixinsOf(tenant: string, kind: string, id: string): string[] {
    return this.q.mixinsOf.all(tenant, kind, id).map((r) => r.mixin);
  }

  /** Every membership of a tenant, keyed `kind/id`, so a listing needs one query. */
  membershipIndex(tenant: string): Map<string, string[]> {
    const index = new Map<string, string[]>();
    for (const r of this.q.allMemberships.all(tenant)) {
      const key = `${r.kind}/${r.id}`;
      const list = index.get(key);
      if (list) list.push(r.mixin);
      else index.set(key, [r.mixin]);
    }
    return index;
  }

  /** Drops the memberships of a deleted entity. */
  forget(tenant: string, kind: string, id: string): void {
    this.q.forget.run(tenant, kind, id);
  }

  close(): void {
    this.db.close();
  }
}
