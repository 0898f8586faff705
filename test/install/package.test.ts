// Installing as an operator would: `npm pack` of this checkout, then
// `npm install -g <tarball>` into an empty prefix, gives working snf-occi
// and occi commands that serve a request. The one thing not redone here is
// compiling better-sqlite3 (minutes): its install script is given the addon
// this checkout built, as a local prebuild (prebuild-install's own offline
// way, npm_config_better_sqlite3_local_prebuilds), so the package's real
// install runs end to end. Skipped, saying why, when the npm registry cannot
// be reached for the dependencies.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('npm pack, then npm install -g into an empty prefix: snf-occi and occi on the PATH, serving a request', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'snf-occi-install-'));
  try {
    // The checkout is built already (the tests run from dist/): pack it as it is, without building again under the running tests.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    for (const f of ['dist/src/cli/main.js', 'dist/src/cli/occi/main.js', 'dist/console/index.html', 'contrib/snf-occi.yaml', 'contrib/snf-occi.service', 'docs/operations.md', 'README.md']) assert.ok(files.includes(f), `${f} is packed`);
    assert.deepEqual(files.filter((f) => /^(dist\/)?(test|bench|scripts)\//.test(f) || f.startsWith('node_modules/')), [], 'no tests, benches, scripts or modules');

    const sqlite = JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
    const prebuilds = join(work, 'prebuilds');
    mkdirSync(prebuilds);
    const name = `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
    await run('tar', ['-czf', join(prebuilds, name), '-C', join(ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']);

    const prefix = join(work, 'prefix');
    try {
      await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, info!.filename)], {
        env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 240_000,
      });
    } catch (err) {
      const text = `${(err as { stderr?: string }).stderr ?? ''}${(err as Error).message}`;
      if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network/i.test(text)) return t.skip(`the npm registry cannot be reached for the dependencies: ${text.split('\n')[0]}`);
      throw err;
    }
    const bin = join(prefix, 'bin');
    assert.deepEqual(readdirSync(bin).sort(), ['occi', 'snf-occi']);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const help = await run('snf-occi', ['--help'], { env });
    assert.match(help.stdout, /^snf-occi \d+\.\d+\.\d+ — an OCCI 1\.1\/1\.2 server/);
    assert.match((await run('occi', ['--help'], { env })).stdout, /Usage: occi/);

    const dataDir = join(work, 'data');
    const server = spawn('snf-occi', ['--port', '0', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)).port as number);
        });
        server.once('exit', (code) => reject(new Error(`the installed server exited with ${code}`)));
      });
      const token = (await run('snf-occi', ['token', '--data-dir', dataDir], { env })).stdout.trim();
      const r = await fetch(`http://127.0.0.1:${port}/-/`, { headers: { 'X-Auth-Token': token } });
      assert.equal(r.status, 200);
      assert.match(await r.text(), /Category: compute/);
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
