// The Store on SQLite (store.sqlite in the data dir): user-defined mixins and
// their memberships, per tenant. Memberships are read by tenant and mixin
// (the primary key) and by tenant and entity (an index), never whole.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { conflict } from '../errors.js';
import { Lru } from '../lru.js';
import { memberKey, pushTo, type Member, type Store, type UserMixinRow } from './store.js';
import { databaseError } from '../data-dir/storage-errors.js';
import { Versions } from './versions.js';

export type { Member, Store, UserMixinRow } from './store.js';

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

/**
 * A listing asks for its entities' user mixins a batch (200) at a time, one
 * index probe per entity: 8 ms of a listing of 10,000 computes with 1,000
 * tagged, where one read of the 1,000 costs under 1 ms. So a call asking for
 * WHOLE_READ entities of a kind or more reads that kind's memberships whole,
 * when they are at most WHOLE_RATIO times as many as the entities asked for,
 * and keeps them for the calls that follow, until the tenant's memberships
 * change (every change goes through this process).
 */
const WHOLE_READ = 100;
const WHOLE_RATIO = 10;

/** One kind's memberships of a tenant at one version: each member's mixins in association order, or just how many there are (capped) when too many to keep. */
interface KindMembers {
  version: number;
  count: number;
  byId?: Map<string, string[]>;
  bytes: number;
}

/** better-sqlite3 is synchronous: each method does its work at once and answers a settled Promise. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e);
  }
}

export class UserMixinStore implements Store {
  readonly shared = false;
  private readonly db: Database.Database;
  /** Every change goes through this process: the versions are exact, no backstop needed. */
  private readonly versions = new Versions();
  /** Change counts of the tenants' memberships, and what was read whole at one of them (by tenant and kind). */
  private readonly membershipVersions = new Versions();
  private readonly kindMembers = new Lru<KindMembers>({ maxEntries: 64, maxBytes: 16 * 1024 * 1024, sizeOf: (k) => k.bytes });
  private readonly q;

  constructor(dataDir: string | undefined) {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const file = dataDir ? join(dataDir, 'store.sqlite') : ':memory:';
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (e) {
      throw dataDir ? databaseError(file, e) : e;
    }
    this.q = {
      list: this.db.prepare<[string], UserMixinRow>('SELECT scheme, term, title, location FROM user_mixin WHERE tenant = ? ORDER BY location'),
      insert: this.db.prepare('INSERT INTO user_mixin (tenant, scheme, term, title, location) VALUES (?, ?, ?, ?, ?)'),
      count: this.db.prepare('SELECT count(*) FROM user_mixin WHERE tenant = ?').pluck(),
      remove: this.db.prepare('DELETE FROM user_mixin WHERE tenant = ? AND scheme = ? AND term = ?'),
      removeMembers: this.db.prepare('DELETE FROM membership WHERE tenant = ? AND mixin = ?'),
      members: this.db.prepare<[string, string], Member>('SELECT kind, entity_id AS id FROM membership WHERE tenant = ? AND mixin = ? ORDER BY rowid'),
      defined: this.db.prepare('SELECT 1 FROM user_mixin WHERE tenant = ? AND scheme || term = ?'),
      associate: this.db.prepare('INSERT OR IGNORE INTO membership (tenant, mixin, kind, entity_id) VALUES (?, ?, ?, ?)'),
      dissociate: this.db.prepare('DELETE FROM membership WHERE tenant = ? AND mixin = ? AND kind = ? AND entity_id = ?'),
      membersOfAny: this.db.prepare<{ tenant: string; mixins: string }, Member>(
        `SELECT DISTINCT kind, entity_id AS id FROM membership
         WHERE tenant = @tenant AND mixin IN (SELECT value FROM json_each(@mixins))`,
      ),
      mixinsOf: this.db.prepare<[string, string, string], { mixin: string }>('SELECT mixin FROM membership WHERE tenant = ? AND kind = ? AND entity_id = ? ORDER BY rowid'),
      // One index probe per entity, whatever else the tenant has tagged (SQLite would rather walk the tenant's
      // memberships); the rows of one entity come in rowid order, the order of association.
      mixinsOfEach: this.db.prepare<{ tenant: string; kind: string; ids: string }, { mixin: string; id: string }>(
        `SELECT m.mixin, m.entity_id AS id FROM json_each(@ids) e CROSS JOIN membership m INDEXED BY membership_entity
         ON m.tenant = @tenant AND m.kind = @kind AND m.entity_id = e.value`,
      ),
      forget: this.db.prepare('DELETE FROM membership WHERE tenant = ? AND kind = ? AND entity_id = ?'),
      kindCount: this.db.prepare<[string, string, number]>('SELECT count(*) FROM (SELECT 1 FROM membership WHERE tenant = ? AND kind = ? LIMIT ?)').pluck(),
      ofKind: this.db.prepare<[string, string], { mixin: string; id: string }>('SELECT mixin, entity_id AS id FROM membership WHERE tenant = ? AND kind = ? ORDER BY rowid'),
    };
  }

  version(tenant: string): number {
    return this.versions.version(tenant);
  }

  private bump(tenant: string): void {
    this.versions.changed(tenant);
  }

  list(tenant: string): Promise<UserMixinRow[]> {
    return settled(() => this.q.list.all(tenant));
  }

  /**
   * The caller checked the definitions against the catalogue it read; one
   * stored meanwhile by a concurrent request that takes the same name or
   * location is a 409, not a crash.
   */
  add(tenant: string, rows: UserMixinRow[], max = Infinity): Promise<{ added: boolean; defined: number }> {
    return settled(() => {
      let defined = 0;
      try {
        defined = this.db.transaction(() => {
          const n = this.q.count.get(tenant) as number;
          if (n + rows.length <= max) for (const r of rows) this.q.insert.run(tenant, r.scheme, r.term, r.title, r.location);
          return n;
        })();
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
          throw conflict('a mixin with this name or location was defined by another request meanwhile');
        }
        throw err;
      }
      if (defined + rows.length > max) return { added: false, defined };
      this.bump(tenant);
      return { added: true, defined };
    });
  }

  remove(tenant: string, scheme: string, term: string): Promise<void> {
    return settled(() => {
      this.db.transaction(() => {
        this.q.remove.run(tenant, scheme, term);
        this.q.removeMembers.run(tenant, scheme + term);
      })();
      this.bump(tenant);
      this.membershipVersions.changed(tenant);
    });
  }

  members(tenant: string, mixin: string): Promise<Member[]> {
    return settled(() => this.q.members.all(tenant, mixin));
  }

  membersOfAny(tenant: string, mixins: readonly string[]): Promise<Member[]> {
    return settled(() => (mixins.length === 0 ? [] : this.q.membersOfAny.all({ tenant, mixins: JSON.stringify(mixins) })));
  }

  /**
   * A request may have resolved the mixin before a concurrent DELETE on /-/
   * removed it: then nothing is written, so no membership outlives its mixin (R33).
   */
  associate(tenant: string, mixin: string, members: readonly Member[], replace = false): Promise<boolean> {
    this.membershipVersions.changed(tenant);
    return settled(() =>
      this.db.transaction(() => {
        if (this.q.defined.get(tenant, mixin) === undefined) return false;
        if (replace) this.q.removeMembers.run(tenant, mixin);
        for (const m of members) this.q.associate.run(tenant, mixin, m.kind, m.id);
        return true;
      })(),
    );
  }

  dissociate(tenant: string, mixin: string, members: readonly Member[]): Promise<void> {
    this.membershipVersions.changed(tenant);
    return settled(() =>
      this.db.transaction(() => {
        for (const m of members) this.q.dissociate.run(tenant, mixin, m.kind, m.id);
      })(),
    );
  }

  mixinsOf(tenant: string, kind: string, id: string): Promise<string[]> {
    return settled(() => this.q.mixinsOf.all(tenant, kind, id).map((r) => r.mixin));
  }

  mixinsOfEach(tenant: string, entities: readonly Member[]): Promise<Map<string, string[]>> {
    return settled(() => {
      const out = new Map<string, string[]>();
      const byKind = new Map<string, string[]>();
      for (const e of entities) pushTo(byKind, e.kind, e.id);
      for (const [kind, ids] of byKind) {
        const whole = ids.length >= WHOLE_READ ? this.wholeKind(tenant, kind, ids.length) : undefined;
        if (whole) {
          for (const id of ids) {
            const mixins = whole.get(id);
            if (mixins === undefined) continue;
            const key = memberKey(kind, id);
            for (const mixin of mixins) pushTo(out, key, mixin);
          }
          continue;
        }
        for (const r of this.q.mixinsOfEach.all({ tenant, kind, ids: JSON.stringify(ids) })) pushTo(out, memberKey(kind, r.id), r.mixin);
      }
      return out;
    });
  }

  /** The memberships of `tenant`'s entities of `kind` by entity id, read whole (see WHOLE_READ); undefined when too many for `asked` entities. */
  private wholeKind(tenant: string, kind: string, asked: number): Map<string, string[]> | undefined {
    const key = `${tenant}\u0000${kind}`;
    const version = this.membershipVersions.version(tenant);
    let kept = this.kindMembers.get(key);
    if (kept?.version !== version || (kept.byId === undefined && kept.count <= asked * WHOLE_RATIO)) {
      const count = this.q.kindCount.get(tenant, kind, asked * WHOLE_RATIO + 1) as number;
      kept = { version, count, bytes: 64 };
      if (count <= asked * WHOLE_RATIO) {
        kept.byId = new Map();
        for (const r of this.q.ofKind.all(tenant, kind)) {
          pushTo(kept.byId, r.id, r.mixin);
          kept.bytes += 2 * (r.id.length + r.mixin.length) + 96;
        }
      }
      this.kindMembers.set(key, kept);
    }
    return kept.count <= asked * WHOLE_RATIO ? kept.byId : undefined;
  }

  forget(tenant: string, kind: string, id: string): Promise<void> {
    this.membershipVersions.changed(tenant);
    return settled(() => {
      this.q.forget.run(tenant, kind, id);
    });
  }

  /** A local file: what can go wrong with it (disk full, read-only) is the data directory's checks' to see. */
  readiness(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return settled(() => {
      this.db.close();
    });
  }
}
