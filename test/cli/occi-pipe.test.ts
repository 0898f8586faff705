// `occi … | head`: a reader that stops early closes the pipe; occi ends
// quietly with its own status instead of printing an EPIPE stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { OCCI } from './occi-run.js';

test('a closed stdout ends occi quietly', async () => {
  // completion bash prints more than a pipe buffer holds once repeated by a slow reader;
  // the reader here closes its end before occi writes at all.
  const child = spawn(process.execPath, [OCCI, 'completion', 'bash'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '', `occi wrote to stderr: ${stderr}`);
  assert.equal(code, 0);
});
