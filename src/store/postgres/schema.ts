// The shared database's tables, made and changed by numbered migrations that
// run once. Replicas starting at the same time all call migrate(): each takes
// the same transaction-scoped advisory lock first, so one applies what is
// missing while the others wait, then find nothing left to do. Everything runs
// in that one transaction (PostgreSQL's DDL is transactional): a start that
// fails half-way leaves the schema as it was.
import type { ClientBase } from 'pg';

interface Migration {
  version: number;
  what: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'user mixins, their memberships and the per-tenant counters of the quotas',
    sql: `
      CREATE TABLE user_mixin (
        tenant text NOT NULL,
        scheme text NOT NULL,
        term text NOT NULL,
        title text,
        location text NOT NULL,
        PRIMARY KEY (tenant, scheme, term),
        UNIQUE (tenant, location)
      );
      CREATE TABLE membership (
        tenant text NOT NULL,
        mixin text NOT NULL,          -- type id (scheme + term) of the user mixin
        kind text NOT NULL,
        entity_id text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,  -- association order
        PRIMARY KEY (tenant, mixin, kind, entity_id)
      );
      CREATE INDEX membership_entity ON membership (tenant, kind, entity_id);
      -- One row per tenant: what the quotas count, and the row a tenant's definitions lock.
      CREATE TABLE tenant_usage (
        tenant text PRIMARY KEY,
        user_mixins integer NOT NULL DEFAULT 0 CHECK (user_mixins >= 0)
      );`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The advisory lock key of migrations: 'snf-occi' in ASCII, the same for every replica. */
const MIGRATION_LOCK = '8317697907128230761';

/** Applies the migrations this database lacks; answers the versions applied (none when another replica did it). */
export async function migrate(client: ClientBase): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS snf_occi_schema (
      version integer PRIMARY KEY,
      what text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM snf_occi_schema');
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION) {
      throw new Error(`the database holds the tables of a newer snf-occi (schema ${newest}; this one knows up to ${SCHEMA_VERSION}): run that version or a newer one on every replica`);
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO snf_occi_schema (version, what) VALUES ($1, $2)', [m.version, m.what]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
