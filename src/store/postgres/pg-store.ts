// The Store on a PostgreSQL database shared by several replicas. Each method
// is one statement where it can be (a statement is its own transaction), or
// one short transaction. Concurrency is PostgreSQL's, at READ COMMITTED:
// - a tenant's definitions are counted and stored under a lock on its row of
//   tenant_usage, so requests on several replicas cannot all pass the quota;
// - an association locks the mixin's row (FOR KEY SHARE) while it writes, and
//   a removal deletes that row first and the memberships in a later
//   statement, which sees every association committed meanwhile: no
//   membership outlives its mixin (R33);
// - a deadlock between two writers (PostgreSQL picks one to fail) is retried.
// Every change to definitions NOTIFYs the other replicas (changes.ts).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { conflict } from '../../errors.js';
import { memberKey, pushTo, type Member, type Store, type StoreLog, type StoreSettings, type UserMixinRow } from '../store.js';
import { Versions } from '../versions.js';
import { ChangeFeed, CHANNEL, notice } from './changes.js';
import { clientConfig, describeTarget, poolConfig } from './connection.js';
import { causeOf, startFailure, trouble, unavailableFor } from './errors.js';
import { migrate } from './schema.js';

/** Attempts of a statement or transaction PostgreSQL aborted to break a deadlock or a serialization failure (five: the contract test of twelve overlapping taggings of the same members failed once with three). */
const ATTEMPTS = 5;
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * `once` again while PostgreSQL aborts it to break a deadlock or a serialization failure; database trouble as a 503.
 * Each retry waits a random few milliseconds, growing with the attempt: retried at once, the same writers meet in
 * the same order and can deadlock again.
 */
async function retried<T>(once: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === undefined || !RETRYABLE.has(code) || attempt >= ATTEMPTS) throw unavailableFor(err) ?? err;
      await sleep(Math.random() * 10 * attempt);
    }
  }
}

/** The listening connection's name in pg_stat_activity, for operators (and tests) to tell it from the pool's. */
export const LISTENER_NAME = 'snf-occi changes';

/** Scheme and term of a user mixin's type id (a scheme ends with '#', a term has none). */
function split(typeId: string): [string, string] {
  const cut = typeId.lastIndexOf('#') + 1;
  return [typeId.slice(0, cut), typeId.slice(cut)];
}

const kinds = (ms: readonly Member[]): string[] => ms.map((m) => m.kind);
const ids = (ms: readonly Member[]): string[] => ms.map((m) => m.id);

const Q = {
  // Locations sort by their bytes, as in SQLite, whatever the database's collation.
  list: 'SELECT scheme, term, title, location FROM user_mixin WHERE tenant = $1 ORDER BY location COLLATE "C"',
  lockUsage: `INSERT INTO tenant_usage (tenant) VALUES ($1)
              ON CONFLICT (tenant) DO UPDATE SET user_mixins = tenant_usage.user_mixins RETURNING user_mixins`,
  insertMixins: `INSERT INTO user_mixin (tenant, scheme, term, title, location)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])`,
  count: 'UPDATE tenant_usage SET user_mixins = user_mixins + $2 WHERE tenant = $1',
  removeMixin: 'DELETE FROM user_mixin WHERE tenant = $1 AND scheme = $2 AND term = $3',
  removeMembers: 'DELETE FROM membership WHERE tenant = $1 AND mixin = $2',
  notify: 'SELECT pg_notify($1, $2)',
  members: 'SELECT kind, entity_id AS id FROM membership WHERE tenant = $1 AND mixin = $2 ORDER BY seq',
  membersOfAny: `SELECT kind, entity_id AS id FROM membership WHERE tenant = $1 AND mixin = ANY($2::text[])
                 GROUP BY kind, entity_id ORDER BY min(seq)`,
  defined: 'SELECT 1 FROM user_mixin WHERE tenant = $1 AND scheme = $2 AND term = $3 FOR KEY SHARE',
  insertMembers: `INSERT INTO membership (tenant, mixin, kind, entity_id)
                  SELECT $1, $2, k, i FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS m(k, i, n) ORDER BY n
                  ON CONFLICT DO NOTHING`,
  /** Checks the mixin and writes in one statement (one round trip): nothing is written when it is gone. */
  associate: `WITH defined AS (SELECT 1 FROM user_mixin WHERE tenant = $1 AND scheme = $5 AND term = $6 FOR KEY SHARE),
              added AS (INSERT INTO membership (tenant, mixin, kind, entity_id)
                        SELECT $1, $2, k, i FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS m(k, i, n)
                        WHERE EXISTS (SELECT 1 FROM defined) ORDER BY n
                        ON CONFLICT DO NOTHING)
              SELECT count(*)::int AS defined FROM defined`,
  dissociate: `DELETE FROM membership WHERE tenant = $1 AND mixin = $2
               AND (kind, entity_id) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
  mixinsOf: 'SELECT mixin FROM membership WHERE tenant = $1 AND kind = $2 AND entity_id = $3 ORDER BY seq',
  mixinsOfEach: `SELECT m.kind, m.entity_id AS id, m.mixin FROM unnest($2::text[], $3::text[]) AS e(kind, id)
                 JOIN membership m ON m.tenant = $1 AND m.kind = e.kind AND m.entity_id = e.id ORDER BY m.seq`,
  forget: 'DELETE FROM membership WHERE tenant = $1 AND kind = $2 AND entity_id = $3',
} as const;

export interface PostgresStoreOptions {
  settings: StoreSettings;
  log: StoreLog;
}

export class PostgresStore implements Store {
  readonly shared = true;
  private readonly replica = randomUUID();
  private readonly versions: Versions;
  private readonly feed: ChangeFeed;

  private constructor(
    private readonly pool: pg.Pool,
    readonly target: string,
    settings: StoreSettings,
    log: StoreLog,
  ) {
    this.versions = new Versions(settings.cacheTtlMs);
    this.feed = new ChangeFeed({
      client: () => new pg.Client({ ...clientConfig(settings), application_name: LISTENER_NAME }),
      replica: this.replica,
      changed: (tenant) => (tenant === undefined ? this.versions.changedAll() : this.versions.changed(tenant)),
      log,
      target,
    });
  }

  /** Connects, brings the schema up to date (once, whatever number of replicas start together) and listens for changes. */
  static async open(o: PostgresStoreOptions): Promise<PostgresStore> {
    const target = describeTarget(o.settings);
    const pool = new pg.Pool(poolConfig(o.settings));
    // A pooled connection the database drops while idle is discarded by the pool; the next request opens another.
    pool.on('error', (err) => o.log.warn({ store: target, err: causeOf(err) }, 'the shared store dropped an idle connection'));
    const store = new PostgresStore(pool, target, o.settings, o.log);
    try {
      const client = await pool.connect();
      try {
        const applied = await migrate(client);
        if (applied.length > 0) o.log.info({ store: target, applied }, "brought the shared store's tables up to date");
      } finally {
        client.release();
      }
      await store.feed.start();
      o.log.info({ store: target }, 'user mixins and tags are kept in the shared store');
    } catch (err) {
      await store.close();
      throw startFailure(target, err);
    }
    return store;
  }

  version(tenant: string): number {
    // Deaf to the other replicas for now: nothing cached can be trusted.
    if (!this.feed.listening) this.versions.changedAll();
    return this.versions.version(tenant);
  }

  /**
   * One statement on its own (autocommit). Aborted to break a deadlock, it
   * left nothing behind, so it is run again — two taggings of the same
   * entities in different orders can wait on each other's new rows.
   */
  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return retried(async () => (await this.pool.query<R>(text, values)).rows);
  }

  /** Runs `work` in a transaction, again when PostgreSQL aborted it to break a deadlock. */
  private transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return retried(async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (err) {
        const broken = trouble(err) === 'unreachable';
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        client.release(broken ? (err as Error) : undefined);
        throw err;
      }
    });
  }

  list(tenant: string): Promise<UserMixinRow[]> {
    return this.query<UserMixinRow>(Q.list, [tenant]);
  }

  async add(tenant: string, rows: UserMixinRow[], max = Infinity): Promise<{ added: boolean; defined: number }> {
    const outcome = await this.transaction(async (c) => {
      const defined = (await c.query<{ user_mixins: number }>(Q.lockUsage, [tenant])).rows[0]!.user_mixins;
      if (defined + rows.length > max) return { added: false, defined };
      try {
        await c.query(Q.insertMixins, [tenant, rows.map((r) => r.scheme), rows.map((r) => r.term), rows.map((r) => r.title), rows.map((r) => r.location)]);
      } catch (err) {
        // Defined through another replica meanwhile (this one's catalogue had not heard of it yet).
        if ((err as { code?: string }).code === '23505') throw conflict('a mixin with this name or location was defined by another request meanwhile');
        throw err;
      }
      await c.query(Q.count, [tenant, rows.length]);
      await c.query(Q.notify, [CHANNEL, notice(this.replica, tenant)]);
      return { added: true, defined };
    });
    if (outcome.added) this.versions.changed(tenant);
    return outcome;
  }

  async remove(tenant: string, scheme: string, term: string): Promise<void> {
    await this.transaction(async (c) => {
      await c.query(Q.lockUsage, [tenant]);
      const gone = (await c.query(Q.removeMixin, [tenant, scheme, term])).rowCount ?? 0;
      // A statement of its own, after the row's lock was won: it sees every association committed before.
      await c.query(Q.removeMembers, [tenant, scheme + term]);
      if (gone > 0) {
        await c.query(Q.count, [tenant, -gone]);
        await c.query(Q.notify, [CHANNEL, notice(this.replica, tenant)]);
      }
    });
    this.versions.changed(tenant);
  }

  members(tenant: string, mixin: string): Promise<Member[]> {
    return this.query<Member>(Q.members, [tenant, mixin]);
  }

  async membersOfAny(tenant: string, mixins: readonly string[]): Promise<Member[]> {
    return mixins.length === 0 ? [] : this.query<Member>(Q.membersOfAny, [tenant, mixins]);
  }

  async associate(tenant: string, mixin: string, members: readonly Member[], replace = false): Promise<boolean> {
    const [scheme, term] = split(mixin);
    if (!replace) {
      const [row] = await this.query<{ defined: number }>(Q.associate, [tenant, mixin, kinds(members), ids(members), scheme, term]);
      return row!.defined > 0;
    }
    return this.transaction(async (c) => {
      if ((await c.query(Q.defined, [tenant, scheme, term])).rowCount === 0) return false;
      await c.query(Q.removeMembers, [tenant, mixin]);
      await c.query(Q.insertMembers, [tenant, mixin, kinds(members), ids(members)]);
      return true;
    });
  }

  async dissociate(tenant: string, mixin: string, members: readonly Member[]): Promise<void> {
    if (members.length > 0) await this.query(Q.dissociate, [tenant, mixin, kinds(members), ids(members)]);
  }

  async mixinsOf(tenant: string, kind: string, id: string): Promise<string[]> {
    return (await this.query<{ mixin: string }>(Q.mixinsOf, [tenant, kind, id])).map((r) => r.mixin);
  }

  async mixinsOfEach(tenant: string, entities: readonly Member[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (entities.length === 0) return out;
    for (const r of await this.query<{ kind: string; id: string; mixin: string }>(Q.mixinsOfEach, [tenant, kinds(entities), ids(entities)])) {
      pushTo(out, memberKey(r.kind, r.id), r.mixin);
    }
    return out;
  }

  async forget(tenant: string, kind: string, id: string): Promise<void> {
    await this.query(Q.forget, [tenant, kind, id]);
  }

  async readiness(): Promise<string | undefined> {
    try {
      await this.pool.query('SELECT 1');
      return undefined;
    } catch (err) {
      return `the shared store (${this.target}) cannot be used: ${causeOf(err)}; requests that need user mixins or tags get 503 until it is back`;
    }
  }

  /** Whether this replica hears of changes made through the others now (tests, /readyz's details). */
  get listening(): boolean {
    return this.feed.listening;
  }

  async close(): Promise<void> {
    await this.feed.close();
    await this.pool.end().catch(() => undefined);
  }
}
