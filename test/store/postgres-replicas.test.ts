// What each replica's connections to the shared PostgreSQL are, as the
// database sees them (timeouts, names, the pool's bound), and which notices a
// replica acts on: another replica's change moves that tenant only, "*"
// moves everyone, its own it already knew of. On a real PostgreSQL (a private
// cluster this file starts); the notice's size rule needs none.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { defaultStoreSettings } from '../../src/config/store-settings.js';
import { CHANNEL, notice } from '../../src/store/postgres/changes.js';
import { clientConfig } from '../../src/store/postgres/connection.js';
import { PostgresStore } from '../../src/store/postgres/pg-store.js';
import type { StoreLog, StoreSettings } from '../../src/store/store.js';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { freshTenant, row } from './contract.js';

const missing = postgresMissing();
if (missing) process.stdout.write(`# SKIPPED: PostgreSQL replica tests: ${missing}\n`);

const lines: string[] = [];
const log: StoreLog = {
  info: (f, m) => void lines.push(`info ${m} ${JSON.stringify(f)}`),
  warn: (f, m) => void lines.push(`warn ${m} ${JSON.stringify(f)}`),
};

describe('change notices, their size', () => {
  it('name the replica and the tenant; a tenant too long for a notice (PostgreSQL takes under 8000 bytes) is sent as everyone', () => {
    assert.equal(notice('r1', 'tenant-a'), 'r1\ntenant-a');
    const fits = 'x'.repeat(7_900 - 'r1\n'.length);
    assert.equal(notice('r1', fits), `r1\n${fits}`, 'exactly 7,900 bytes: sent as it is');
    assert.equal(notice('r1', `${fits}x`), 'r1\n*', 'one byte more: everyone');
    assert.equal(notice('r1', 'é'.repeat(3_950)), 'r1\n*', 'counted in bytes, not characters');
  });
});

/** Polls `check` until it holds; fails with what was last seen. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      if ((last = await check()) === true) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms; last seen: ${String(last)}\nstore log:\n${lines.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgreSQL replicas', { skip: missing ?? false }, () => {
  let cluster: PgCluster;
  let databases = 0;
  const fresh = (): Promise<string> => cluster.createDatabase(`replicas_${process.pid}_${++databases}`);
  const settings = (url: string, more: Partial<StoreSettings> = {}): StoreSettings => ({ ...defaultStoreSettings(), url, ...more });
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
    try {
      const [t1, u1] = [two.version(t), two.version(u)];
      await one.add(t, [row('a')]);
      await heard(two, `someone\n${marker}`);
      assert.notEqual(two.version(t), t1, 'the tenant changed through the other replica moved on');
      assert.equal(two.version(u), u1, 'another tenant did not');

      const mine = one.version(t);
      await heard(one, `someone\n${marker}`);
      assert.equal(one.version(t), mine, 'its own notice, heard back, moved nothing: it knew first');

      const [t2, u2] = [two.version(t), two.version(u)];
      await notify('someone\n*');
      await eventually('"*" moves every tenant', () => two.version(u) !== u2);
      assert.notEqual(two.version(t), t2);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
