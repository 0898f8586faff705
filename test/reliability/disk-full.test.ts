// A full disk or a read-only data directory: writes answer 503 saying which,
// reads are still served, and nothing acknowledged is lost. Once on a real
// small file system the test mounts (a 4 MiB tmpfs, which needs root; skipped
// otherwise, saying so), where a data directory read-only from the start is
// refused with a message; and with failures SQLite itself injects (its page
// limit for a full disk, query_only for a read-only one), which run anywhere.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Db } from '../../src/backends/local/database.js';
import { MAIN, startServerChild, type ServerChild } from '../../scripts/support/server-child.js';
import { ALICE, COMPUTE_KIND, locations, pathOf, startServer } from '../helpers/server.js';

const TOKENS = [{ token: ALICE, tenant: 'alice' }];
const CREATE = { 'Content-Type': 'text/plain' };

interface Answer {
  status: number;
  text: string;
  location: string | null;
}

async function call(base: string, method: string, path: string, body?: string): Promise<Answer> {
  const r = await fetch(`${base}${path}`, { method, headers: { 'X-Auth-Token': ALICE, ...(body ? CREATE : {}) }, body });
  return { status: r.status, text: await r.text(), location: r.headers.get('location') };
}

/** Creates computes until one is refused; returns the paths acknowledged and the refusal. */
async function createUntilRefused(base: string, acked: string[], max = 2000): Promise<Answer> {
  for (let i = 0; i < max; i++) {
    const r = await call(base, 'POST', '/compute/', `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="${'t'.repeat(200)}-${i}"\n`);
    if (r.status !== 201) return r;
    acked.push(pathOf(r.location!));
  }
  assert.fail(`${max} creates were all accepted: the disk never filled`);
}

async function assertReadsServed(base: string, acked: readonly string[]): Promise<void> {
  const listed = await call(base, 'GET', '/compute/');
  assert.equal(listed.status, 200, listed.text);
  const paths = new Set(locations(listed.text).map(pathOf));
  for (const p of acked) assert.ok(paths.has(p), `acknowledged ${p} is listed`);
  assert.equal((await call(base, 'GET', acked[0]!)).status, 200);
  assert.equal((await call(base, 'GET', '/-/')).status, 200);
}

function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe('full disk and read-only data directory', () => {
  test('on a small file system: 503 saying what is wrong, reads served, nothing acknowledged lost', async (t) => {
    const mount = mkdtempSync(join(tmpdir(), 'snf-occi-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount], { stdio: 'pipe' });
    } catch (e) {
      rmSync(mount, { recursive: true, force: true });
      return t.skip(`cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): ${(e as Error).message.split('\n')[0]}; the page-limit test covers the 503`);
    }
    const dataDir = join(mount, 'data');
    mkdirSync(dataDir);
    let server: ServerChild | undefined;
    try {
      server = await startServerChild({ dataDir, tokens: TOKENS, env: { SNF_OCCI_BOOT_MS: '50', SNF_OCCI_ACTION_MS: '50' } });
      const acked: string[] = [];
      for (let i = 0; i < 20; i++) acked.push(pathOf((await call(server.base, 'POST', '/compute/', `Category: ${COMPUTE_KIND}\n`)).location!));
      const filler = fill(mount);
      const refused = await createUntilRefused(server.base, acked);
      assert.equal(refused.status, 503, refused.text);
      assert.match(refused.text, /disk is full|could not write to its disk/);
      await assertReadsServed(server.base, acked);
      const mixin = await call(server.base, 'POST', '/-/', 'Category: tag; scheme="http://example.com/t#"; class="mixin"; location="/tag/"\n');
      assert.ok(mixin.status === 503 || mixin.status === 200, `a mixin definition on a full disk: ${mixin.status} ${mixin.text}`);
      rmSync(filler);
      const again = await call(server.base, 'POST', '/compute/', `Category: ${COMPUTE_KIND}\n`);
      assert.equal(again.status, 201, `writes work again once there is room: ${again.text}`);
      acked.push(pathOf(again.location!));

      assert.deepEqual(server.errors.filter((l) => !/"status":503/.test(l)), [], 'no error besides the 503s');
      await server.stop();
      // A data directory that is read-only from the start: the server says so and does not start.
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const ro = spawnSync(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(ro.status, 1, ro.stdout);
      assert.match(ro.stderr, /the data directory .* cannot be used: it is not writable \(the file system is read-only\); give another one with --data-dir/);
      execFileSync('mount', ['-o', 'remount,rw', mount]);
      server = await startServerChild({ dataDir, tokens: TOKENS });
      await assertReadsServed(server.base, acked);
    } finally {
      await server?.stop();
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  test('a data directory that turns read-only: 503 saying so, reads served, writes again once writable', async () => {
    const s = await startServer((c) => (c.local.bootMs = 0));
    try {
      const acked: string[] = [];
      for (let i = 0; i < 3; i++) acked.push(pathOf((await s.request('POST', '/compute/', { headers: CREATE, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!));
      // A file system remounted read-only under a running server cannot be made on demand (Linux refuses
      // while files are open for writing): SQLite's query_only gives the same SQLITE_READONLY.
      const db = (s.app.backend as unknown as { db: Db }).db;
      db.pragma('query_only = ON');
      const refused = await s.request('POST', '/compute/', { headers: CREATE, body: `Category: ${COMPUTE_KIND}\n` });
      assert.equal(refused.status, 503, refused.body);
      assert.match(refused.body, /the server's data directory is read-only, so nothing can be created or changed now; reads still work/);
      assert.equal(refused.headers['retry-after'], '60');
      await assertReadsServed(s.url, acked);
      db.pragma('query_only = OFF');
      assert.equal((await s.request('POST', '/compute/', { headers: CREATE, body: `Category: ${COMPUTE_KIND}\n` })).status, 201);
    } finally {
      await s.close();
    }
  });

  test('with the database at its page limit: 503, reads served, writes again once raised', async () => {
    let db: Db | undefined;
    const s = await startServer((c) => {
      c.local.bootMs = 0;
    });
    try {
      const acked: string[] = [];
      for (let i = 0; i < 5; i++) acked.push(pathOf((await s.request('POST', '/compute/', { headers: CREATE, body: `Category: ${COMPUTE_KIND}\n` })).headers.location!));
      db = (s.app.backend as unknown as { db: Db }).db;
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const refused = await createUntilRefused(s.url, acked);
      assert.equal(refused.status, 503, refused.text);
      assert.match(refused.text, /the server's disk is full, so nothing can be created or changed now; reads still work/);
      assert.ok(refused.text.length < 400 && !/SQLITE|\.sqlite|\/tmp\//.test(refused.text), 'no internals in the message');
      await assertReadsServed(s.url, acked);
      db.pragma('max_page_count = 1073741823');
      assert.equal((await s.request('POST', '/compute/', { headers: CREATE, body: `Category: ${COMPUTE_KIND}\n` })).status, 201);
    } finally {
      await s.close();
    }
  });
});
