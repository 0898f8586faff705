// The access log is written in batches (src/log.ts: handed to stdout every
// 32 KiB or 100 ms), so at any moment the last requests' lines may still be
// waiting in the process. None may be lost when the server ends: on SIGTERM
// (the shutdown drains, then exits) and on a crash (an uncaught error, logged
// as fatal, then exit 70), every request answered before has its line on
// stdout. The lines are made pending on purpose: the signal follows the last
// answer at once, well inside a batch. The crash is a real uncaught error,
// planted with node's --import (a test-only preload), not a code path of the
// server's own.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startServerChild, type ServerChild } from '../../scripts/support/server-child.js';
import { ALICE } from '../helpers/server.js';

const REQUESTS = 40;
const dir = mkdtempSync(join(tmpdir(), 'snf-occi-log-flush-'));
const PLANT = join(dir, 'crash-on-usr2.mjs');
writeFileSync(PLANT, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('planted: an uncaught error'); }));\n");

interface Ended {
  server: ServerChild;
  lines: string[];
}

/** `logToFile`: the server's stdout is a file (as with systemd's StandardOutput=append:), read once it has ended. */
async function serveThenEnd(end: (s: ServerChild) => void, nodeArgs: string[] = [], logToFile = false): Promise<Ended & { code: number | string }> {
  let lines: string[] = [];
  const server = await startServerChild({ tokens: [{ token: ALICE, tenant: 'alice' }], nodeArgs, logToFile, onStdoutLine: (l) => lines.push(l), env: { SNF_OCCI_BOOT_MS: '0' } });
  const closed = server.logFile === undefined ? once(server.child.stdout!, 'close') : Promise.resolve();
  for (let i = 0; i < REQUESTS; i++) {
    const r = await fetch(`${server.base}/nothing-${i}/`, { headers: { 'X-Auth-Token': ALICE, Connection: 'close' } });
    await r.text();
    assert.equal(r.status, 404, `GET /nothing-${i}/`);
  }
  end(server);
  const code = await server.exited;
  await closed;
  if (server.logFile !== undefined) lines = readFileSync(server.logFile, 'utf8').split('\n').filter(Boolean);
  rmSync(server.dataDir, { recursive: true, force: true });
  return { server, lines, code };
}

/** The paths of the access lines among the server's log lines. */
function loggedPaths(lines: string[]): Set<string> {
  const paths = new Set<string>();
  for (const line of lines) {
    if (!line.includes('"msg":"request"')) continue;
    paths.add((JSON.parse(line) as { path: string }).path);
  }
  return paths;
}

function missing(lines: string[]): string[] {
  const paths = loggedPaths(lines);
  return Array.from({ length: REQUESTS }, (_, i) => `/nothing-${i}/`).filter((p) => !paths.has(p));
}

describe('the batched access log loses no line when the server ends', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('SIGTERM: every request answered before it has its access line, then "stopped"', async () => {
    const { lines, code } = await serveThenEnd((s) => s.child.kill('SIGTERM'));
    assert.equal(code, 0, `exit code; last lines: ${lines.slice(-3).join('\n')}`);
    assert.deepEqual(missing(lines), [], 'requests without an access line');
    assert.ok(lines.some((l) => l.includes('"msg":"stopped"')), `no "stopped" line; last lines: ${lines.slice(-3).join('\n')}`);
  });

  test('SIGTERM with the log going to a file: every access line is in the file', async () => {
    const { lines, code } = await serveThenEnd((s) => s.child.kill('SIGTERM'), [], true);
    assert.equal(code, 0, `exit code; last lines: ${lines.slice(-3).join('\n')}`);
    assert.ok(lines.some((l) => l.includes('"port":')), 'the line that gave the port is in the file');
    assert.deepEqual(missing(lines), [], 'requests without an access line');
    assert.ok(lines.some((l) => l.includes('"msg":"stopped"')), `no "stopped" line; last lines: ${lines.slice(-3).join('\n')}`);
  });

  test('a crash (an uncaught error): every access line written before the fatal line, exit 70', async () => {
    const { lines, code } = await serveThenEnd((s) => s.child.kill('SIGUSR2'), ['--import', PLANT]);
    assert.equal(code, 70, `exit code; last lines: ${lines.slice(-3).join('\n')}`);
    assert.deepEqual(missing(lines), [], 'requests without an access line');
    const fatal = lines.findIndex((l) => l.includes('"msg":"crashed"'));
    assert.ok(fatal >= 0, `no "crashed" line; last lines: ${lines.slice(-3).join('\n')}`);
    assert.match(lines[fatal]!, /planted: an uncaught error/);
  });
});
