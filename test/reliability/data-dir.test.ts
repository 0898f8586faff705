// The data directory: one server at a time (a second one refuses to start,
// naming the first one's PID; a killed server's lock does not block a
// restart), private modes whatever existed before, and the tokens decided at
// every start (configured ones only, revoked when removed; the demo token
// only in a new data directory; short tokens refused; older data directories
// keep working).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { initialToken, openLocalCloud } from '../../src/backends/local/index.js';
import { MAIN, startServerChild, type ServerChild } from '../../scripts/support/server-child.js';

const run = promisify(execFile);
const A = { token: 'a'.repeat(16) + '-0123456789abcdef0123', tenant: 'alice' };
const B = { token: 'b'.repeat(16) + '-0123456789abcdef0123', tenant: 'bob' };

async function status(server: ServerChild, token: string): Promise<number> {
  return (await fetch(`${server.base}/-/`, { headers: { 'X-Auth-Token': token } })).status;
}

/** Starting must fail: the message the server gave. */
async function refusedStart(options: Parameters<typeof startServerChild>[0]): Promise<string> {
  try {
    const s = await startServerChild(options);
    await s.stop();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('the server started');
}

describe('data directory', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'snf-occi-dd-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('a second server on the same data dir refuses to start, naming the first one; a killed one leaves no lock', async () => {
    const dataDir = dir();
    const first = await startServerChild({ dataDir, tokens: [A] });
    try {
      const message = await refusedStart({ dataDir, tokens: [A] });
      assert.match(message, new RegExp(`another snf-occi server \\(PID ${first.pid}\\) is using the data directory`));
      assert.equal(await status(first, A.token), 200, 'the first one is unharmed');
    } finally {
      await first.kill();
    }
    const again = await startServerChild({ dataDir, tokens: [A] });
    try {
      assert.equal(await status(again, A.token), 200, 'restarted on the data dir of a server killed with SIGKILL');
    } finally {
      await again.stop();
    }
  });

  test('the dir is made 0700 and the server files 0600, whatever they were before', async () => {
    const dataDir = dir();
    const s1 = await startServerChild({ dataDir, tokens: [] });
    await s1.stop();
    chmodSync(dataDir, 0o755);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), 0o644);
    writeFileSync(join(dataDir, 'notes.txt'), 'not the server\'s', { mode: 0o644 });
    const s2 = await startServerChild({ dataDir, tokens: [] });
    try {
      await status(s2, initialToken(dataDir)); // writes: -wal and -shm exist
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      const files = readdirSync(dataDir).filter((f) => f !== 'reliability-config.json' && f !== 'notes.txt');
      for (const f of ['cloud.sqlite', 'cloud.sqlite-wal', 'store.sqlite', 'token', 'server.lock', 'server.pid']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
      for (const f of files) assert.equal(statSync(join(dataDir, f)).mode & 0o777, 0o600, f);
      assert.equal(statSync(join(dataDir, 'notes.txt')).mode & 0o777, 0o644, 'files not the server\'s are left alone');
    } finally {
      await s2.stop();
    }
  });

  test('configured tokens are the only valid ones: one removed from local.tokens is revoked at the next start', async () => {
    const dataDir = dir();
    const s1 = await startServerChild({ dataDir, tokens: [A, B] });
    try {
      assert.equal(await status(s1, B.token), 200);
      assert.ok(!existsSync(join(dataDir, 'token')), 'no demo token beside configured ones');
      const cli = await run(process.execPath, [MAIN, 'token', '--data-dir', dataDir]).then(
        () => assert.fail('snf-occi token printed a token'),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(cli.code, 1);
      assert.match(cli.stderr, new RegExp(`a server \\(PID ${s1.pid}\\) runs on .* with configured tokens \\(local\\.tokens\\), so there is no demo token`));
      assert.equal(await status(s1, A.token), 200, 'and the server\'s tokens are untouched');
    } finally {
      await s1.stop();
    }
    const s2 = await startServerChild({ dataDir, tokens: [A] });
    try {
      assert.equal(await status(s2, A.token), 200);
      assert.equal(await status(s2, B.token), 401, 'removed, so revoked');
    } finally {
      await s2.stop();
    }
  });

  test('the demo token is made only in a new data dir without configured tokens, and revoked once tokens are configured', async () => {
    const dataDir = dir();
    const s1 = await startServerChild({ dataDir, tokens: [] });
    const demo = initialToken(dataDir);
    try {
      assert.equal(await status(s1, demo), 200);
    } finally {
      await s1.stop();
    }
    const s2 = await startServerChild({ dataDir, tokens: [A] });
    try {
      assert.equal(await status(s2, demo), 401);
      assert.ok(!existsSync(join(dataDir, 'token')));
    } finally {
      await s2.stop();
    }
    const message = await refusedStart({ dataDir, tokens: [] });
    assert.match(message, /no token is configured \(local\.tokens\).*has no demo token.*configure local\.tokens/);
  });

  test('a token shorter than 32 characters is refused at start, saying how to make one', async () => {
    const message = await refusedStart({ dataDir: dir(), tokens: [{ token: 'short-token-1234', tenant: 'alice' }] });
    assert.match(message, /local\.tokens\[0\] \(tenant alice\): the token has 16 characters; tokens need at least 32 characters; make one with `openssl rand -hex 32`/);
    assert.ok(!message.includes('short-token-1234'), 'the token itself is not shown');
    assert.throws(() => openLocalCloud({ dataDir: dir(), memory: true, tokens: [{ token: 'short', tenant: 't' }] }), /at least 32/);
  });

  test('tokens are stored keyed, never as plain SHA-256; a data dir of the previous version keeps its demo token', async () => {
    const dataDir = dir();
    const cloud = openLocalCloud({ dataDir });
    const demo = initialToken(dataDir);
    await cloud.close();
    const sha = createHash('sha256').update(demo).digest('hex');
    const db = new Database(join(dataDir, 'cloud.sqlite'));
    assert.equal(db.prepare('SELECT count(*) FROM tokens WHERE hash = ?').pluck().get(sha), 0, 'not stored as a plain hash');
    // Back to the previous schema: unkeyed SHA-256 rows, no key (and no quota counts, which came after).
    for (const trigger of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all()) db.exec(`DROP TRIGGER ${String(trigger)}`);
    db.exec('DROP TABLE quota_counts; DROP TABLE secrets; ALTER TABLE tokens DROP COLUMN keyed; UPDATE schema_version SET version = 2; DELETE FROM tokens');
    db.prepare('INSERT INTO tokens (hash, tenant) VALUES (?, ?)').run(sha, 'demo');
    db.close();
    rmSync(join(dataDir, 'token')); // even without the token file
    const upgraded = openLocalCloud({ dataDir });
    try {
      assert.equal((await upgraded.authenticate({ token: demo })).tenant, 'demo');
    } finally {
      await upgraded.close();
    }
    const check = new Database(join(dataDir, 'cloud.sqlite'));
    assert.deepEqual(check.prepare('SELECT keyed, hash = ? AS plain FROM tokens').all(sha), [{ keyed: 1, plain: 0 }], 're-keyed on first use');
    check.close();
  });
});
