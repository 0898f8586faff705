// The store contract on a real PostgreSQL (a private cluster this file starts),
// then what only a shared store has to do: migrations run once however many
// replicas start together; a change made through one replica reaches the
// others' caches; a lost listening connection is noticed and made up for;
// the database going away is a 503 with a reason, and the store recovers by
// itself when it is back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { LISTENER_NAME, PostgresStore } from '../../src/store/postgres/pg-store.js';
import { SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { freshTenant, row, storeContract, typeIdOf } from './contract.js';
import { eventually, lines, log, settings } from './pg-support.js';

const missing = postgresMissing();
if (missing) process.stdout.write(`# SKIPPED: PostgreSQL store tests: ${missing}\n`);

let cluster: PgCluster | undefined;
let databases = 0;

/** A store on a new database of the cluster. */
async function freshDatabase(): Promise<string> {
  return cluster!.createDatabase(`store_${process.pid}_${++databases}`);
}

describe('PostgreSQL store', { skip: missing ?? false }, () => {
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.destroy();
  });

  describe('contract', () => {
    let url: string;
    before(async () => {
      url = await freshDatabase();
    });
    storeContract('PostgreSQL', () => PostgresStore.open({ settings: settings(url), log }));
  });

  it('brings a new database up to date once when several replicas start together', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open({ settings: settings(url), log })));
    try {
      const versions = await query(url, 'SELECT version FROM snf_occi_schema ORDER BY version');
      assert.deepEqual(versions.map((r) => r.version), Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      const t = freshTenant();
      await stores[0]!.add(t, [row('a')]);
      assert.deepEqual(await stores[5]!.list(t), [row('a')], 'every replica works on the same tables');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('refuses a database a newer snf-occi has migrated, saying what to run', async () => {
    const url = await freshDatabase();
    await (await PostgresStore.open({ settings: settings(url), log })).close();
    await query(url, "INSERT INTO snf_occi_schema (version, what) VALUES (999, 'from the future')");
    await assert.rejects(PostgresStore.open({ settings: settings(url), log }), /newer snf-occi \(schema 999.*run that version or a newer one/);
  });

  it('says at start what is wrong with the database it was given', async () => {
    const missing = cluster!.url('no_such_database');
    await assert.rejects(PostgresStore.open({ settings: settings(missing), log }), (e: Error) => {
      assert.match(e.message, /PostgreSQL no_such_database at 127\.0\.0\.1:\d+ as postgres/);
      assert.match(e.message, /create the database/);
      return true;
    });
    const closed = `postgres://snf:secret-password@127.0.0.1:1/snf`;
    await assert.rejects(PostgresStore.open({ settings: settings(closed, { connectTimeoutMs: 1000 }), log }), (e: Error) => {
      assert.match(e.message, /cannot be used: .*ECONNREFUSED.*; start it, or correct store\.url/);
      assert.doesNotMatch(e.message, /secret-password/, 'the password is never shown');
      return true;
    });
  });

  it('lists a mixin defined through one replica on another within a second', async () => {
    const url = await freshDatabase();
    const [one, two] = await Promise.all([PostgresStore.open({ settings: settings(url), log }), PostgresStore.open({ settings: settings(url), log })]);
    try {
      const t = freshTenant();
      const seen = two.version(t);
      await one.add(t, [row('shared')]);
      await eventually('the other replica hears of the new mixin', () => two.version(t) !== seen, 1000);
      assert.deepEqual(await two.list(t), [row('shared')]);
      const before = two.version(t);
      await one.remove(t, 'http://example.com/tags#', 'shared');
      await eventually('the other replica hears of the removal', () => two.version(t) !== before, 1000);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('trusts nothing cached while it cannot hear the others, and catches up when it listens again', async () => {
    const url = await freshDatabase();
    const [one, two] = await Promise.all([PostgresStore.open({ settings: settings(url), log }), PostgresStore.open({ settings: settings(url), log })]);
    try {
      const t = freshTenant();
      const killed = await cluster!.sql<{ done: boolean }>(
        'SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
        [LISTENER_NAME, new URL(url).pathname.slice(1)],
      );
      assert.equal(killed.length, 2, 'each replica has one listening connection');
      await eventually('the replica notices its listening connection is gone', () => !two.listening || lines.some((l) => l.includes('lost the connection')));
      await one.add(t, [row('while-deaf')]);
      await eventually('the replica listens again', () => two.listening);
      // Whatever it missed meanwhile, its versions moved on when it listened again.
      assert.deepEqual(await two.list(t), [row('while-deaf')]);
      const v = two.version(t);
      await one.add(t, [row('after')]);
      await eventually('notices are heard again', () => two.version(t) !== v, 1000);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('makes a tagging wait for a removal of its mixin under way, then write nothing (R33)', async () => {
    const url = await freshDatabase();
    const store = await PostgresStore.open({ settings: settings(url), log });
    const t = freshTenant();
    await store.add(t, [row('doomed')]);
    const { Client } = (await import('pg')).default;
    const remover = new Client({ connectionString: url, application_name: 'test remover' });
    await remover.connect();
    try {
      // A removal half done, as PostgresStore.remove does it: the definition first, the memberships in a later statement.
      await remover.query('BEGIN');
      await remover.query("DELETE FROM user_mixin WHERE tenant = $1 AND term = 'doomed'", [t]);
      const tagging = store.associate(t, typeIdOf('doomed'), [{ kind: 'compute', id: '1' }]);
      await eventually('the tagging waits on the removal’s lock', async () => {
        const waiting = await query(url, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO membership%'");
        return waiting.length === 1;
      });
      await remover.query('DELETE FROM membership WHERE tenant = $1 AND mixin = $2', [t, typeIdOf('doomed')]);
      await remover.query('COMMIT');
      assert.equal(await tagging, false, 'the mixin was gone by the time the tagging could write');
      assert.deepEqual(await store.mixinsOf(t, 'compute', '1'), []);
    } finally {
      await remover.end();
      await store.close();
    }
  });

  it('answers 503 with a reason while a statement waits past the timeout', async () => {
    const url = await freshDatabase();
    const store = await PostgresStore.open({ settings: settings(url, { statementTimeoutMs: 300 }), log });
    const t = freshTenant();
    await store.add(t, [row('a')]);
    const { Client } = (await import('pg')).default;
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM tenant_usage WHERE tenant = $1 FOR UPDATE', [t]);
      await assert.rejects(store.add(t, [row('b')]), (e: unknown) => {
        assert.ok(e instanceof OcciError, String(e));
        assert.equal(e.status, 503);
        assert.match(e.message, /did not answer in time.*nothing was changed.*try again/);
        assert.equal(e.headers['Retry-After'], '5');
        return true;
      });
      await holder.query('ROLLBACK');
      assert.deepEqual(await store.list(t), [row('a')]);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('answers 503 while the database is away, says so when asked, and recovers by itself', async () => {
    const url = await freshDatabase();
    const store = await PostgresStore.open({ settings: settings(url, { connectTimeoutMs: 1000 }), log });
    const t = freshTenant();
    try {
      await store.add(t, [row('before')]);
      await store.associate(t, typeIdOf('before'), [{ kind: 'compute', id: '1' }]);
      await cluster!.stop();
      await assert.rejects(store.mixinsOf(t, 'compute', '1'), (e: unknown) => e instanceof OcciError && e.status === 503 && /cannot be reached/.test(e.message));
      await assert.rejects(store.add(t, [row('during')]), (e: unknown) => e instanceof OcciError && e.status === 503);
      assert.match((await store.readiness()) ?? '', /the shared store \(PostgreSQL store_\d+_\d+ at 127\.0\.0\.1:\d+ as postgres\) cannot be used/);
      await eventually('the replica knows it is deaf', () => !store.listening);
      await cluster!.start();
      await eventually('reads work again', async () => (await store.mixinsOf(t, 'compute', '1')).length === 1);
      assert.equal(await store.readiness(), undefined);
      await eventually('it listens again', () => store.listening);
      assert.deepEqual((await store.list(t)).map((r) => r.term), ['before'], 'nothing acknowledged was lost, nothing refused was kept');
    } finally {
      await store.close();
    }
  });
});

async function query(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const { Client } = (await import('pg')).default;
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}
