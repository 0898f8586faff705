// The store's settings: store.url chooses PostgreSQL, checked at start with
// messages that say what to change (and never show a password); the
// embedded cloud refuses a shared store; a server on SQLite never loads the
// PostgreSQL driver.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { describeTarget } from '../../src/store/postgres/connection.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'snf-occi-store-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig({ env: { HOME: dir, ...env } });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
}

describe('store settings', () => {
  it('take a PostgreSQL URL for the openstack backend, from the environment', () => {
    const config = loadConfig({
      env: { HOME: dir, SNF_OCCI_BACKEND: 'openstack', SNF_OCCI_KEYSTONE_URL: 'http://keystone:5000/v3', SNF_OCCI_STORE_URL: 'postgres://snf@db:5432/snf', SNF_OCCI_STORE_POOL_SIZE: '4' },
    });
    assert.equal(config.store.url, 'postgres://snf@db:5432/snf');
    assert.equal(config.store.poolSize, 4);
    assert.equal(loadConfig({ env: { HOME: dir } }).store.url, undefined, 'SQLite in the data directory by default');
  });

  it('name what is wrong with a URL without quoting it back', () => {
    const found = problems({ SNF_OCCI_BACKEND: 'openstack', SNF_OCCI_KEYSTONE_URL: 'http://k/v3', SNF_OCCI_STORE_URL: 'mysql://root:hunter2@db/x', SNF_OCCI_STORE_STATEMENT_TIMEOUT_MS: '5' });
    assert.ok(found.some((p) => /\bstore\.url\)?: must be a PostgreSQL URL such as postgres:\/\//.test(p)), found.join('\n'));
    assert.ok(found.some((p) => /\bstore\.statementTimeoutMs\)?: must be a whole number from 100/.test(p)), found.join('\n'));
    assert.ok(found.every((p) => !p.includes('hunter2')), 'no password in any message');
  });

  it('refuse a shared store for the embedded cloud, saying why and what to do', () => {
    const found = problems({ SNF_OCCI_STORE_URL: 'postgres://snf@db/snf' });
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /embedded cloud \(backend local\) runs as one process/);
    assert.match(found[0]!, /for the openstack backend, where the cloud holds the shared state/);
    assert.match(found[0]!, /Remove store\.url, or set backend to openstack/);
  });

  it('call the database by host, port, name and user, never its password, with the PG* variables filling in', () => {
    const settings = { poolSize: 1, statementTimeoutMs: 1000, connectTimeoutMs: 1000, cacheTtlMs: 1000 };
    assert.equal(describeTarget({ ...settings, url: 'postgres://snf:s3cret@db.example.org:6543/occi' }, {}), 'PostgreSQL occi at db.example.org:6543 as snf');
    assert.equal(describeTarget({ ...settings, url: 'postgres://' }, { PGHOST: 'pg1', PGUSER: 'u', PGDATABASE: 'd', PGPORT: '5433' }), 'PostgreSQL d at pg1:5433 as u');
    assert.equal(describeTarget({ ...settings, url: 'postgresql:///occi?host=/run/postgresql' }, { PGUSER: 'u' }), 'PostgreSQL occi at /run/postgresql as u');
    assert.equal(describeTarget({ ...settings, url: 'postgres://db/occi' }, { USER: 'me' }), 'PostgreSQL occi at db:5432 as me', "PostgreSQL's default port, and the login's name as the user, as libpq does");
    assert.equal(describeTarget({ ...settings, url: 'postgres://' }, {}), 'PostgreSQL postgres at localhost:5432 as postgres');
  });
});

/** Runs snf-occi with a module hook that refuses to load the PostgreSQL driver; resolves with its output once it listens or exits. */
function runWithoutPg(args: string[], env: NodeJS.ProcessEnv): Promise<{ listening: boolean; output: string }> {
  const hooks = join(dir, 'no-pg-hooks.mjs');
  const register = join(dir, 'no-pg.mjs');
  writeFileSync(hooks, `export async function resolve(s, c, next) { if (s === 'pg' || s.startsWith('pg/')) throw new Error('the PostgreSQL driver was loaded'); return next(s, c); }\n`);
  writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
  const child = spawn(process.execPath, ['--import', register, MAIN, '--port', '0', ...args], { env: { ...process.env, HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve) => {
    const seen = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('snf-occi listening')) {
        child.kill('SIGTERM');
        resolve({ listening: true, output });
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', () => resolve({ listening: false, output }));
  });
}

describe('start-up path', () => {
  it('never loads the PostgreSQL driver on SQLite, and does with store.url (the control)', async () => {
    const lean = await runWithoutPg(['--data-dir', join(dir, 'lean')], {});
    assert.equal(lean.listening, true, lean.output);
    const shared = await runWithoutPg(['--backend', 'openstack', '--keystone-url', 'http://127.0.0.1:9/v3'], { SNF_OCCI_STORE_URL: 'postgres://snf@127.0.0.1:9/snf' });
    assert.equal(shared.listening, false);
    assert.match(shared.output, /the PostgreSQL driver was loaded/, shared.output);
  });
});
