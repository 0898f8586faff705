// Crash safety: a real server process is SIGKILLed while many creates are in
// flight, then restarted on the same data dir. SQLite's WAL and one
// transaction per backend call mean: every create answered 201 before the
// kill is still there, whole (with its link and its tag), the databases open
// cleanly and pass an integrity check, and the server answers normally.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TAG_CATEGORY } from '../../scripts/support/fixtures.js';
import { startServerChild, type ServerChild } from '../../scripts/support/server-child.js';
import { ALICE, BOB, COMPUTE_KIND, INFRA } from '../helpers/server.js';
import { brokenInvariants } from './invariants.js';

const TOKENS = [
  { token: ALICE, tenant: 'alice' },
  { token: BOB, tenant: 'bob' },
];
const NET_LINK = `Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`;

function start(dataDir?: string): Promise<ServerChild> {
  // Half the computes take a public address: far more than one tenant may hold by default.
  return startServerChild({ dataDir, tokens: TOKENS, config: { quotas: { sharedAddresses: 253 } }, env: { SNF_OCCI_BOOT_MS: '0', SNF_OCCI_ACTION_MS: '0' } });
}

async function call(server: ServerChild, method: string, path: string, body?: string): Promise<{ status: number; text: string; location: string | null }> {
  const r = await fetch(`${server.base}${path}`, {
    method,
    headers: { 'X-Auth-Token': ALICE, 'Content-Type': 'text/plain' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: r.status, text: await r.text(), location: r.headers.get('location') };
}

function integrity(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

interface Acked {
  path: string;
  title: string;
  linked: boolean;
  tagged: boolean;
}

/** Creates computes from several clients at once until stopped; records each one answered 201. */
function writers(server: ServerChild, acked: Acked[], cycle: number, clients = 8): { stop: () => void; done: Promise<number> } {
  let running = true;
  let attempts = 0;
  const client = async (c: number): Promise<void> => {
    for (let i = 0; running && i < 5000; i++) {
      attempts++;
      const title = `k${cycle}-c${c}-n${i}`;
      const linked = i % 2 === 0;
      const tagged = i % 3 === 0;
      const lines = [`Category: ${COMPUTE_KIND}`, `X-OCCI-Attribute: occi.core.title="${title}"`];
      if (linked) lines.push(NET_LINK);
      if (tagged) lines.push(`Category: ${TAG_CATEGORY}`);
      try {
        const r = await call(server, 'POST', '/compute/', lines.join('\n') + '\n');
        if (r.status === 201) acked.push({ path: new URL(r.location!).pathname, title, linked, tagged });
        else if (running) throw new Error(`create answered ${r.status}: ${r.text}`);
      } catch (e) {
        if (running) throw e;
        return; // the server was killed under this request: its outcome is unknown
      }
    }
  };
  const done = Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => attempts);
  return { stop: () => (running = false), done };
}

describe('crash safety: SIGKILL in the middle of writes (SQLite WAL, one transaction per call)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('three kill-and-restart cycles: every acknowledged create survives whole; the databases are sound', async (t) => {
    let server = await start();
    const dataDir = server.dataDir;
    dirs.push(dataDir);
    const acked: Acked[] = [];
    try {
      const tag = await call(server, 'POST', '/-/', `Category: ${TAG_CATEGORY}; location="/tags/"\n`);
      assert.equal(tag.status, 200, tag.text);
      for (let cycle = 0; cycle < 3; cycle++) {
        const before = acked.length;
        const w = writers(server, acked, cycle);
        // Kill once writes are well under way: after some acknowledgements, at a moment that varies.
        const deadline = Date.now() + 10_000;
        while (acked.length < before + 40 + cycle * 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const killed = server.kill();
        w.stop();
        assert.equal(await killed, 'SIGKILL');
        await w.done;
        assert.ok(acked.length > before, `cycle ${cycle}: no create was acknowledged before the kill`);

        server = await start(dataDir);
        const listed = await call(server, 'GET', '/compute/');
        assert.equal(listed.status, 200);
        const tagged = await call(server, 'GET', '/tags/');
        for (const a of acked) {
          const got = await call(server, 'GET', a.path);
          assert.equal(got.status, 200, `cycle ${cycle}: acknowledged ${a.title} at ${a.path} is gone`);
          assert.ok(got.text.includes(`occi.core.title="${a.title}"`), `${a.path} lost its title`);
          assert.equal(got.text.includes('networkinterface'), a.linked, `${a.title}: its inline link ${a.linked ? 'is missing' : 'appeared'}`);
          assert.ok(listed.text.includes(a.path), `${a.title} is not listed`);
          if (a.tagged) assert.ok(tagged.text.includes(a.path), `${a.title} lost its tag`);
        }
        // Whatever was cut short is either absent or whole: no link without its compute, no orphan tag.
        assert.deepEqual(brokenInvariants(dataDir).danglingLinks, []);
        assert.deepEqual(brokenInvariants(dataDir).orphanMembers, []);
        assert.deepEqual(brokenInvariants(dataDir).wrongCounts, [], 'quota counts as the rows count');
        // And the server works normally.
        const fresh = await call(server, 'POST', '/compute/', `Category: ${COMPUTE_KIND}\n`);
        assert.equal(fresh.status, 201, fresh.text);
        assert.equal((await call(server, 'GET', '/-/')).status, 200);
      }
      t.diagnostic(`${acked.length} acknowledged creates over 3 kills, all intact`);
      assert.equal(await server.stop(), 0, 'a clean stop after the crashes');
      for (const file of ['cloud.sqlite', 'store.sqlite']) assert.equal(integrity(join(dataDir, file)), 'ok', file);
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.kill();
    }
  });
});
