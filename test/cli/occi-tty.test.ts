// On a real terminal (tmux), --wait draws one live progress line that ends in
// a success mark, instead of the plain lines it prints when stderr is a pipe.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALICE, startServer } from '../helpers/server.js';
import { OCCI } from './occi-run.js';

const hasTmux = ((): boolean => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmux = (socket: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => execFile('tmux', ['-L', socket, ...args], (err, stdout) => (err ? reject(err) : resolve(stdout))));

test('occi create --wait on a terminal: a live progress line, then a success mark', { timeout: 60_000 }, async (t) => {
  if (!hasTmux) return t.skip('tmux is not installed: the terminal test needs a real terminal (apt-get install tmux)');
  const server = await startServer((c) => {
    c.local.bootMs = 1500;
  });
  const dir = mkdtempSync(join(tmpdir(), 'occi-tty-'));
  const done = join(dir, 'exit');
  const socket = `occi-test-${process.pid}`;
  const command = `OCCI_ENDPOINT=${server.url} OCCI_TOKEN=${ALICE} XDG_CACHE_HOME=${dir} ${process.execPath} ${OCCI} create compute --title ttyvm --wait -o value -c state; echo $? > ${done}`;
  try {
    await tmux(socket, ['new-session', '-d', '-x', '100', '-y', '20', command + '; sleep 30']);
    const deadline = Date.now() + 30_000;
    while (!existsSync(done) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const screen = await tmux(socket, ['capture-pane', '-p']);
    assert.ok(existsSync(done), `occi did not finish; the screen shows:\n${screen}`);
    assert.equal(readFileSync(done, 'utf8').trim(), '0', screen);
    assert.match(screen, /✔ ttyvm is active\s*\nactive/, screen);
    assert.doesNotMatch(screen, /ttyvm: inactive \(building\), [\d.]+ s\n/, 'not the plain lines of a pipe');
  } finally {
    await tmux(socket, ['kill-server']).catch(() => undefined);
    await server.close();
  }
});
