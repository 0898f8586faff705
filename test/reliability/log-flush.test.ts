// The access log is written in batches (src/log.ts: handed to stdout every
// 32 KiB or 100 ms), so at any moment the last requests' lines may still be
// waiting in the process. None may be lost when the server ends: on SIGTERM
// (the shutdown drains, then exits) and on a crash (an uncaught error, logged
// as fatal, then exit 70), every request answered before has its line on
// stdout. The lines are made pending on purpose: the signal follows the last
// answer at once, well inside a batch. Half the requests are a cached GET /-/,
// whose line is not even made until its batch is written (LineLater); the
// other half a 404, whose line (it has a message) is made at once. The crash is a real uncaught error,
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
  /** The X-Request-Id of each answer. */
  ids: string[];
}

/** `logToFile`: the server's stdout is a file (as with systemd's StandardOutput=append:), read once it has ended. */
async function serveThenEnd(end: (s: ServerChild) => void, nodeArgs: string[] = [], logToFile = false): Promise<Ended & { code: number | string }> {
  let lines: string[] = [];
  const server = await startServerChild({ tokens: [{ token: ALICE, tenant: 'alice' }], nodeArgs, logToFile, onStdoutLine: (l) => lines.push(l), env: { SNF_OCCI_BOOT_MS: '0' } });
  const closed = server.logFile === undefined ? once(server.child.stdout!, 'close') : Promise.resolve();
  const ids: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const path = i % 2 === 0 ? `/nothing-${i}/` : '/-/';
    const r = await fetch(`${server.base}${path}`, { headers: { 'X-Auth-Token': ALICE, Connection: 'close' } });
    await r.text();
    assert.equal(r.status, i % 2 === 0 ? 404 : 200, `GET ${path}`);
    ids.push(r.headers.get('x-request-id')!);
  }
  end(server);
  const code = await server.exited;
  await closed;
  if (server.logFile !== undefined) lines = readFileSync(server.logFile, 'utf8').split('\n').filter(Boolean);
  rmSync(server.dataDir, { recursive: true, force: true });
  return { server, lines, ids, code };
}

/** Where each access line is among the server's log lines, by its request id. */
function accessLines(lines: string[]): Map<string, number> {
  const at = new Map<string, number>();
  lines.forEach((line, i) => {
    if (line.includes('"msg":"request"')) at.set((JSON.parse(line) as { reqId: string }).reqId, i);
  });
  return at;
}

/** The requests answered without an access line. */
function missing({ lines, ids }: Pick<Ended, 'lines' | 'ids'>): string[] {
  const at = accessLines(lines);
  return ids.filter((id) => !at.has(id));
}

describe('the batched access log loses no line when the server ends', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('SIGTERM: every request answered before it has its access line, then "stopped"', async () => {
    const ended = await serveThenEnd((s) => s.child.kill('SIGTERM'));
    const { lines, code } = ended;
    assert.equal(code, 0, `exit code; last lines: ${lines.slice(-3).join('\n')}`);
    assert.deepEqual(missing(ended), [], 'requests without an access line');
    assert.ok(lines.some((l) => l.includes('"msg":"stopped"')), `no "stopped" line; last lines: ${lines.slice(-3).join('\n')}`);
  });

  test('SIGTERM with the log going to a file: every access line is in the file', async () => {
    const ended = await serveThenEnd((s) => s.child.kill('SIGTERM'), [], true);
    const { lines, code } = ended;
    assert.equal(code, 0, `exit code; last lines: ${lines.slice(-3).join('\n')}`);
    assert.ok(lines.some((l) => l.includes('"port":')), 'the line that gave the port is in the file');
    assert.deepEqual(missing(ended), [], 'requests without an access line');
    assert.ok(lines.some((l) => l.includes('"msg":"stopped"')), `no "stopped" line; last lines: ${lines.slice(-3).join('\n')}`);
  });

  test('a crash (an uncaught error): every access line written before the fatal line, exit 70', async () => {
    const ended = await serveThenEnd((s) => s.child.kill('SIGUSR2'), ['--import', PLANT]);
    const { lines, code } = ended;
    assert.equal(code, 70, `exit code; last lines: ${lines.slice(-3).join('\n')}`);
    assert.deepEqual(missing(ended), [], 'requests without an access line');
    const fatal = lines.findIndex((l) => l.includes('"msg":"crashed"'));
    assert.ok(fatal >= 0, `no "crashed" line; last lines: ${lines.slice(-3).join('\n')}`);
    assert.ok(Math.max(...accessLines(lines).values()) < fatal, 'every access line comes before the fatal line');
    assert.match(lines[fatal]!, /planted: an uncaught error/);
  });
});
