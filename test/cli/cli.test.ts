// The snf-occi command: serve, token, help, configuration errors, graceful
// shutdown, and state that survives a restart.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'snf-occi-cli-'));
  dirs.push(d);
  return d;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number; lines: string[] }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (lines.length === 1) {
          const port = JSON.parse(line).port as number;
          resolve({ child, port, lines });
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('snf-occi command', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('--help documents the commands, flags and environment variables', () => {
    const r = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    for (const word of ['--port', '--data-dir', 'token', 'SNF_OCCI_BACKEND', 'SNF_OCCI_KEYSTONE_URL', 'Auth-Token']) assert.ok(r.stdout.includes(word), word);
  });

  test('invalid configuration is refused with a clear message', () => {
    const r = spawnSync(process.execPath, [MAIN, '--port', 'eighty'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /port: "eighty" is not a number/);
    assert.equal(r.stderr.match(/port:/g)?.length, 1, 'one problem, said once');
    const b = spawnSync(process.execPath, [MAIN], { encoding: 'utf8', env: { ...process.env, SNF_OCCI_BACKEND: 'cloudy' } });
    assert.equal(b.status, 2);
    assert.match(b.stderr, /backend: must be one of local, openstack/);
  });

  test('token prints the embedded cloud token (file mode 0600); --port 0 reports the port; SIGTERM stops cleanly; state persists', async () => {
    const dataDir = tempDir();
    const token = spawnSync(process.execPath, [MAIN, 'token', '--data-dir', dataDir], { encoding: 'utf8' }).stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(statSync(join(dataDir, 'token')).mode & 0o777, 0o600);
    let { child, port, lines } = await start(['--port', '0', '--data-dir', dataDir], { SNF_OCCI_BOOT_MS: '0' });
    assert.match(JSON.parse(lines[0]).msg, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
    const headers = { 'Auth-Token': token, 'Content-Type': 'text/plain' };
    const created = await fetch(`http://127.0.0.1:${port}/compute/`, {
      method: 'POST',
      headers,
      body: 'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.core.title="survivor"\n',
    });
    assert.equal(created.status, 201);
    const location = created.headers.get('location')!;
    assert.equal(await stop(child), 0);
    ({ child, port } = await start(['--port', '0', '--data-dir', dataDir]));
    const again = await fetch(`http://127.0.0.1:${port}${new URL(location).pathname}`, { headers });
    assert.equal(again.status, 200);
    assert.match(await again.text(), /occi\.core\.title="survivor"/);
    assert.equal(await stop(child), 0);
  });
});
