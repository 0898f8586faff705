// A server whose stdout is closed (`snf-occi | head`) must still end: at exit the log's pending lines are
// flushed synchronously, and an EPIPE there must give up, not retry for ever (sonic-boom 4's flushSync did,
// so a stop could hang past any grace). The child logs past a batch (its write goes out asynchronously),
// leaves one more line and an access line not yet made (LineLater) waiting, then flushes and exits, with the
// reading end of its stdout already closed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const LOG = fileURLToPath(new URL('../../src/log.js', import.meta.url));
const ACCESS = fileURLToPath(new URL('../../src/http/access-log.js', import.meta.url));
const CHILD_DIR = mkdtempSync(join(tmpdir(), 'snf-occi-log-pipe-'));
const CHILD = join(CHILD_DIR, 'child.mjs');
after(() => rmSync(CHILD_DIR, { recursive: true, force: true }));
writeFileSync(
  CHILD,
  `const { createServerLog } = await import(process.argv[2]);
const { logRequest } = await import(process.argv[3]);
process.stdin.once('data', () => {
  const { logger, flushSync } = createServerLog({ logLevel: 'info', logFormat: 'json' });
  const filler = 'x'.repeat(1000);
  for (let i = 0; i < 40; i++) logger.info({ filler }, 'line');
  logger.info('the last line');
  logRequest(logger, { method: 'GET', url: '/-/', headers: {} }, 'rid-last', { status: 200, route: '/-/' }, 1, { client: '127.0.0.1' });
  flushSync();
  process.exit(0);
});
process.stdout.write('ready\\n');
`,
);

test('the log flushed at exit into a closed stdout gives up at once: the process ends (no EPIPE retried for ever)', async () => {
  const child = spawn(process.execPath, [CHILD, LOG, ACCESS], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(child.stdout!, 'data');
  child.stdout!.destroy(); // what head does after its lines
  await new Promise((r) => setTimeout(r, 200)); // let the close reach the pipe (no assertion on time)
  const exited = once(child, 'exit');
  child.stdin!.write('go\n');
  const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000); // a hang is killed and fails below
  const [code, signal] = (await exited) as [number | null, string | null];
  clearTimeout(deadline);
  assert.equal(signal, null, 'still running 20 s after its flush: killed');
  assert.equal(code, 0);
});
