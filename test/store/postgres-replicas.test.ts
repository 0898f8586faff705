// What each replica's connections to the shared PostgreSQL are, as the
// database sees them (timeouts, names, the pool's bound), and which notices a
// replica acts on: another replica's change moves that tenant only, "*"
// moves everyone, its own it already knew of. On a real PostgreSQL (a private
// cluster this file starts); the notice's size rule needs none.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { CHANNEL, notice } from '../../src/store/postgres/changes.js';
import { clientConfig } from '../../src/store/postgres/connection.js';
import { PostgresStore } from '../../src/store/postgres/pg-store.js';
import type { StoreSettings } from '../../src/store/store.js';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { freshTenant, row } from './contract.js';
import { eventually, lines, log, settings } from './pg-support.js';

const missing = postgresMissing();
if (missing) process.stdout.write(`# SKIPPED: PostgreSQL replica tests: ${missing}\n`);

describe('change notices, their size', () => {
  it('name the replica and the tenant; a tenant too long for a notice (PostgreSQL takes under 8000 bytes) is sent as everyone', () => {
    assert.equal(notice('r1', 'tenant-a'), 'r1\ntenant-a');
    const fits = 'x'.repeat(7_900 - 'r1\n'.length);
    assert.equal(notice('r1', fits), `r1\n${fits}`, 'exactly 7,900 bytes: sent as it is');
    assert.equal(notice('r1', `${fits}x`), 'r1\n*', 'one byte more: everyone');
    assert.equal(notice('r1', 'é'.repeat(3_950)), 'r1\n*', 'counted in bytes, not characters');
  });
});

describe('PostgreSQL replicas', { skip: missing ?? false }, () => {
  let cluster: PgCluster;
  let databases = 0;
  const fresh = (): Promise<string> => cluster.createDatabase(`replicas_${process.pid}_${++databases}`);
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.destroy();
  });

  it('open sessions that PostgreSQL cancels and ends on time, named snf-occi, with TCP keepalive', async () => {
    const url = await fresh();
    const shown = async (s: StoreSettings): Promise<string[]> => {
      const c = new pg.Client(clientConfig(s));
      await c.connect();
      try {
        const out: string[] = [];
        for (const name of ['application_name', 'statement_timeout', 'idle_in_transaction_session_timeout']) out.push((await c.query(`SHOW ${name}`)).rows[0][name]);
        return out;
      } finally {
        await c.end();
      }
    };
    assert.deepEqual(await shown(settings(url, { statementTimeoutMs: 2_000 })), ['snf-occi', '2s', '4s'], 'a transaction left open: ended after twice the statement timeout');
    assert.deepEqual(await shown(settings(url, { statementTimeoutMs: 300 })), ['snf-occi', '300ms', '1s'], 'and never under a second');
    // Given up by the client a second after the server should have cancelled it (a cancel lost with the network).
    const c = clientConfig(settings(url, { statementTimeoutMs: 2_000 }));
    assert.deepEqual([c.query_timeout, c.keepAlive, c.connectionTimeoutMillis], [3_000, true, 5_000]);
  });

  it('keeps at most poolSize connections besides the one that listens, however many requests come at once', async () => {
    const url = await fresh();
    const store = await PostgresStore.open({ settings: settings(url, { poolSize: 2 }), log });
    try {
      const t = freshTenant();
      await Promise.all(Array.from({ length: 16 }, (_, i) => store.add(t, [row(`m${i}`)])));
      const names = await cluster.sql<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE datname = $1 ORDER BY 1', [new URL(url).pathname.slice(1)]);
      assert.deepEqual(names.map((r) => r.application_name), ['snf-occi', 'snf-occi', 'snf-occi changes']);
      assert.equal((await store.list(t)).length, 16);
    } finally {
      await store.close();
    }
  });

  it('act on another replica’s notice for its tenant only, on "*" for every tenant, and not again on their own', async () => {
    const url = await fresh();
    const [one, two] = await Promise.all([PostgresStore.open({ settings: settings(url), log }), PostgresStore.open({ settings: settings(url), log })]);
    // Notices are per database: sent on the stores' own.
    const notify = async (payload: string): Promise<void> => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
      } finally {
        await c.end();
      }
    };
    const [t, u, marker] = [freshTenant(), freshTenant(), freshTenant()];
    // Notices reach a listener in the order their transactions committed: once a later one is heard, the
    // earlier ones have been too.
    const heard = async (store: PostgresStore, payload: string): Promise<void> => {
      const before = store.version(marker);
      await notify(payload);
      await eventually(`the replica hears ${JSON.stringify(payload)}`, () => store.version(marker) !== before);
    };
    // The test listens too, to learn the notices' words (and so the first replica's id).
    const spy = new pg.Client({ connectionString: url });
    const payloads: string[] = [];
    spy.on('notification', (n) => payloads.push(n.payload ?? ''));
    await spy.connect();
    await spy.query(`LISTEN ${CHANNEL}`);
    try {
      const [t1, u1] = [two.version(t), two.version(u)];
      await one.add(t, [row('a')]);
      await heard(two, `someone\n${marker}`);
      assert.notEqual(two.version(t), t1, 'the tenant changed through the other replica moved on');
      assert.equal(two.version(u), u1, 'another tenant did not');

      await eventually('the test hears the first replica’s notice', () => payloads.some((p) => p.endsWith(`\n${t}`)));
      const oneId = payloads.find((p) => p.endsWith(`\n${t}`))!.split('\n')[0]!;
      const mine = one.version(t);
      await notify(`${oneId}\n${t}`);
      await heard(one, `someone\n${marker}`);
      assert.equal(one.version(t), mine, 'a notice of its own, heard back, moves nothing: it knew first');

      const t1b = two.version(t);
      await one.remove(t, 'http://example.com/tags#', 'never-defined');
      await heard(two, `someone\n${marker}`);
      assert.equal(two.version(t), t1b, 'removing what was never defined changed nothing: no notice');

      const [t2, u2] = [two.version(t), two.version(u)];
      await notify('someone\n*');
      await eventually('"*" moves every tenant', () => two.version(u) !== u2);
      assert.notEqual(two.version(t), t2);
    } finally {
      await spy.end();
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('runs a tagging again when PostgreSQL aborts it to break a deadlock, and it succeeds', async () => {
    const url = await fresh();
    const store = await PostgresStore.open({ settings: settings(url), log });
    const other = new pg.Client({ connectionString: url, application_name: 'test other writer' });
    await other.connect();
    const t = freshTenant();
    const tag = 'http://example.com/tags#busy';
    const waiting = async (who: string): Promise<boolean> =>
      (await cluster.sql("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = $1", [who])).length === 1;
    try {
      await store.add(t, [row('busy')]);
      // Another writer (a replica, say) holds compute/x; the store's tagging of [y, x] takes y, then waits for x.
      // The other one checks for deadlocks only after 10 s: the store's statement is the one PostgreSQL aborts.
      await other.query("SET deadlock_timeout = '10s'");
      await other.query('BEGIN');
      await other.query("INSERT INTO membership (tenant, mixin, kind, entity_id) VALUES ($1, $2, 'compute', 'x')", [t, tag]);
      const tagging = store.associate(t, tag, [{ kind: 'compute', id: 'y' }, { kind: 'compute', id: 'x' }]);
      await eventually('the tagging waits for compute/x', () => waiting('snf-occi'));
      const crossing = other.query("INSERT INTO membership (tenant, mixin, kind, entity_id) VALUES ($1, $2, 'compute', 'y') ON CONFLICT DO NOTHING", [t, tag]);
      await crossing;
      await other.query('COMMIT');
      assert.equal(await tagging, true, 'aborted once (deadlock), run again, done');
      assert.deepEqual((await store.members(t, tag)).map((m) => m.id).sort(), ['x', 'y']);
    } finally {
      await other.end();
      await store.close();
    }
  });

  it('lists by the bytes of locations whatever the database’s collation (here ICU English, where "a" < "Z")', async (t) => {
    const icu = await cluster.sql("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1");
    if (icu.length === 0) return t.skip('this PostgreSQL was built without ICU: no second collation to try');
    const name = `replicas_${process.pid}_${++databases}_icu`;
    await cluster.sql(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8'`);
    const store = await PostgresStore.open({ settings: settings(cluster.url(name)), log });
    try {
      const tenant = freshTenant();
      await store.add(tenant, [row('b'), row('Z'), row('a')]);
      assert.deepEqual((await store.list(tenant)).map((r) => r.location), ['/tags/Z/', '/tags/a/', '/tags/b/']);
    } finally {
      await store.close();
    }
  });

  it('says when it brought the tables up to date, and leaves no connection behind once closed or refused at start', async () => {
    const url = await fresh();
    const db = new URL(url).pathname.slice(1);
    const connections = async (): Promise<string> =>
      (await cluster.sql<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE datname = $1 ORDER BY 1', [db])).map((r) => r.application_name).join(', ');
    const from = lines.length;
    const first = await PostgresStore.open({ settings: settings(url), log });
    await first.close();
    await eventually('no connection left after close', async () => (await connections()) === '');
    const second = await PostgresStore.open({ settings: settings(url), log });
    await second.close();
    const said = lines.slice(from).filter((l) => l.includes("brought the shared store's tables up to date"));
    assert.equal(said.length, 1, `once, by the first start: ${said.join('\n')}`);
    assert.match(said[0]!, /"applied":\[1\]/);
    await eventually('none after the second close', async () => (await connections()) === '');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("INSERT INTO snf_occi_schema (version, what) VALUES (999, 'from the future')");
    await c.end();
    await assert.rejects(PostgresStore.open({ settings: settings(url), log }), /newer snf-occi/);
    await eventually('none after a start it refused', async () => (await connections()) === '');
  });

  it('takes every version as new while it cannot hear the others, and once more when it hears again', async () => {
    const url = await fresh();
    const store = await PostgresStore.open({ settings: settings(url, { connectTimeoutMs: 1_000 }), log });
    const t = freshTenant();
    try {
      const before = store.version(t);
      await cluster.stop();
      await eventually('the replica knows it is deaf', () => !store.listening);
      const deaf = store.version(t);
      assert.notEqual(deaf, before);
      const later = store.version(t);
      assert.notEqual(later, deaf, 'each read while deaf: nothing cached can be trusted');
      await cluster.start();
      await eventually('it listens again', () => store.listening);
      // Whatever changed between the last read while deaf and listening again was not heard.
      assert.notEqual(store.version(t), later);
    } finally {
      await store.close();
    }
  });

  it('answers association order from the recorded order, not from where rows happen to lie in the table', async () => {
    const url = await fresh();
    const store = await PostgresStore.open({ settings: settings(url), log });
    const t = freshTenant();
    const typeId = (term: string): string => `http://example.com/tags#${term}`;
    try {
      await store.add(t, [row('x'), row('y')]);
      // Tagged y first, then x: the other way round from the names' order.
      await store.associate(t, typeId('y'), [{ kind: 'compute', id: '1' }]);
      await store.associate(t, typeId('x'), [{ kind: 'compute', id: '1' }]);
      // Maintenance rewrites the table in the order of an index (CLUSTER; a dump and restore may too): by name.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('CLUSTER membership USING membership_pkey');
      const lying = (await c.query('SELECT mixin FROM membership WHERE tenant = $1 ORDER BY ctid', [t])).rows.map((r) => r.mixin);
      await c.end();
      assert.deepEqual(lying, [typeId('x'), typeId('y')], 'the table holds them in the other order now, as do the names');
      assert.deepEqual(await store.mixinsOf(t, 'compute', '1'), [typeId('y'), typeId('x')]);
      assert.deepEqual([...(await store.mixinsOfEach(t, [{ kind: 'compute', id: '1' }])).entries()], [['compute/1', [typeId('y'), typeId('x')]]]);
    } finally {
      await store.close();
    }
  });
});
