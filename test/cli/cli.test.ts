// The snf-occi command: serve, token, help, configuration errors that name
// what is wrong, a busy port and bad data directories refused before anything
// is written, graceful shutdown (with a closed stdout too), and state that
// survives a restart.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number; lines: string[] }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (lines.length === 1) resolve({ child, port: JSON.parse(line).port as number, lines });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
  });
}

/** Resolves with the exit code once the process has gone; fails past `ms` saying so. */
function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running ${ms} ms after SIGTERM`));
    }, ms);
    child.removeAllListeners('exit');
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  const done = exited(child, 20_000);
  child.kill('SIGTERM');
  return done;
}

describe('snf-occi command', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('--help documents the commands, flags and environment variables', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    for (const word of ['--port', '--data-dir', '--os-cloud', 'token', 'SNF_OCCI_BACKEND', 'SNF_OCCI_KEYSTONE_URL', 'OS_AUTH_URL', 'Auth-Token']) assert.ok(r.stdout.includes(word), word);
  });

  test('mistakes in flags, variables and files are refused, naming them, with the closest known name', () => {
    const flag = run(['--port', 'eighty']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /--port: "eighty" is not a number/);
    assert.equal(flag.stderr.match(/port/g)?.length, 1, 'one problem, said once');
    const typo = run(['--prot', '9000']);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /--prot is not an option; did you mean --port\?/);
    assert.match(typo.stderr, /snf-occi --help lists every option/);
    assert.ok(!typo.stderr.includes('9000'), 'the value of the unknown flag is not taken for a command');
    assert.match(run(['--port']).stderr, /--port needs a value, e.g. --port 8888/);
    assert.match(run(['sevre']).stderr, /unknown command "sevre" \(did you mean serve\?\)/);
    const env = run([], { SNF_OCCI_PORT: 'x' });
    assert.equal(env.status, 2);
    assert.match(env.stderr, /SNF_OCCI_PORT \(setting port\): "x" is not a number/);
    assert.match(run([], { SNF_OCCI_BACKEND: 'cloudy' }).stderr, /SNF_OCCI_BACKEND \(setting backend\): must be one of local, openstack/);
    const file = join(tempDir(), 'snf-occi.json');
    writeFileSync(file, JSON.stringify({ prot: 9000, limits: { maxBodyByte: 10 } }));
    const keys = run(['--config', file]);
    assert.equal(keys.status, 2);
    assert.match(keys.stderr, /prot in .*snf-occi\.json: no such setting \(did you mean port\?\)/);
    assert.match(keys.stderr, /limits\.maxBodyByte in .*: no such setting \(did you mean limits\.maxBodyBytes\?\)/);
  });

  test('an SNF_OCCI_ variable that is no setting but close to one is named in a warning', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--data-dir', tempDir()], { env: { ...process.env, SNF_OCCI_PROT: '9000' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = await new Promise<Array<{ level: number; msg: string; port?: number }>>((resolve, reject) => {
      const seen: Array<{ level: number; msg: string; port?: number }> = [];
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
          seen.push(JSON.parse(out.slice(0, nl)));
          out = out.slice(nl + 1);
          if (seen.at(-1)!.port !== undefined) resolve(seen);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    assert.equal(await stop(child), 0);
    const warning = lines.find((l) => l.level === 40);
    assert.equal(warning?.msg, 'SNF_OCCI_PROT is set but is no setting; did you mean SNF_OCCI_PORT? It is ignored.');
  });

  test('impossible timeouts are reported as such, never as a crash of node:http', () => {
    const r = run([], { SNF_OCCI_REQUEST_TIMEOUT_MS: '5000', SNF_OCCI_HEADERS_TIMEOUT_MS: '8000' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /SNF_OCCI_HEADERS_TIMEOUT_MS \(setting limits\.headersTimeoutMs\): 8000 ms is longer than limits\.requestTimeoutMs \(5000 ms\)/);
    assert.ok(!/ERR_OUT_OF_RANGE|headersTimeout must/.test(r.stderr), r.stderr);
  });

  test('token never makes a cloud: on a missing data dir it says so and where the server keeps its own', () => {
    const dataDir = join(tempDir(), 'typo');
    const r = run(['token', '--data-dir', dataDir]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`there is no embedded cloud in ${dataDir} \\(no such directory\\)`));
    assert.match(r.stderr, /start the server first .*its default is \//);
    assert.ok(!existsSync(dataDir), 'nothing was made');
    const empty = tempDir();
    assert.match(run(['token', '--data-dir', empty]).stderr, /no token there/);
    assert.deepEqual(readdirSync(empty), []);
  });

  test('a busy port stops the start with a hint, before anything is written to the data dir', async () => {
    const first = await start(['--port', '0', '--data-dir', tempDir()]);
    try {
      const dataDir = join(tempDir(), 'second');
      const r = run(['--port', String(first.port), '--data-dir', dataDir]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use .*--port N .*--port 0`));
      assert.ok(!existsSync(dataDir), 'the data dir was not made');
    } finally {
      assert.equal(await stop(first.child), 0);
    }
  });

  test('data dirs that cannot work fail at once with the path and the reason', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const notDir = run(['--port', '0', '--data-dir', file]);
    assert.equal(notDir.status, 1);
    assert.match(notDir.stderr, new RegExp(`the data directory ${file} cannot be used: ${file} is a file, not a directory; give another one with --data-dir`));
    const under = run(['--port', '0', '--data-dir', join(file, 'sub')]);
    assert.match(under.stderr, /cannot be used: .*is a file, not a directory/);
    const proc = run(['--port', '0', '--data-dir', '/proc/nope/data']);
    assert.equal(proc.status, 1, 'it ends rather than hangs');
    assert.match(proc.stderr, /the data directory \/proc\/nope\/data cannot be used: \/proc\/nope cannot be made/);
  });

  test('a damaged database names the file', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'cloud.sqlite'), 'this is not a database, it is a text file that is long enough to be read as one'.repeat(20));
    const r = run(['--port', '0', '--data-dir', dataDir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`the database ${dataDir}/cloud\\.sqlite is not an SQLite database .*move it aside`));
  });

  test('the server makes its token; token prints it (file mode 0600); SIGTERM stops cleanly; state persists', async () => {
    const dataDir = tempDir();
    let { child, port, lines } = await start(['--port', '0', '--data-dir', dataDir], { SNF_OCCI_BOOT_MS: '0' });
    assert.match(JSON.parse(lines[0]!).msg, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
    const token = run(['token', '--data-dir', dataDir]).stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(statSync(join(dataDir, 'token')).mode & 0o777, 0o600);
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

  test('readable lines with logFormat pretty; a crash is logged in full before the process ends', async () => {
    const dataDir = tempDir();
    const pretty = spawn(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir, '--log-format', 'pretty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const first = await new Promise<string>((resolve, reject) => {
      let out = '';
      pretty.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      pretty.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    assert.match(first, /INFO.*snf-occi listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.throws(() => JSON.parse(first), 'not JSON');
    assert.equal(await stop(pretty), 0);
    // An error nobody catches, once the server has taken its data dir: its line is written even though the process ends at once.
    const crashDir = tempDir();
    const pid = JSON.stringify(join(crashDir, 'server.pid'));
    const boom = `data:text/javascript,import fs from "node:fs"; const t = setInterval(() => { if (fs.existsSync(${pid})) { clearInterval(t); throw new Error("boom from the test") } }, 10)`;
    const crash = spawnSync(process.execPath, ['--import', boom, MAIN, '--port', '0', '--data-dir', crashDir], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(crash.status, 70);
    const fatal = crash.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } }).find((l) => l.level === 60);
    assert.equal(fatal?.msg, 'crashed');
    assert.equal(fatal?.err?.message, 'boom from the test');
  });

  test('SIGTERM and SIGINT end the server in time even when its stdout is a closed pipe (snf-occi | head -2)', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dataDir = tempDir();
      mkdirSync(dataDir, { recursive: true });
      const { child, port } = await start(['--port', '0', '--data-dir', dataDir], { SNF_OCCI_SHUTDOWN_GRACE_MS: '2000' });
      child.stdout!.destroy(); // what head does after its lines
      // Lines logged now meet a broken pipe.
      for (let i = 0; i < 20; i++) await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.text());
      const done = exited(child, 30_000); // a hang fails; the grace is 2 s, the rest is room for a starved CPU
      child.kill(signal);
      assert.equal(await done, 0, `${signal} with a closed stdout`);
    }
  });
});
