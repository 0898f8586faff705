// contrib/snf-occi.service passes systemd's own checks: `systemd-analyze
// verify` (syntax, directives, the command it runs) and `systemd-analyze
// security --offline` (the sandbox: exposure at most 2.0 of 10). The unit
// names /usr/local/bin/snf-occi, where `npm install -g` puts it; the check
// runs on a copy naming this checkout's build instead. Skipped, saying so,
// where systemd-analyze is missing (CI installs it).
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const UNIT = fileURLToPath(new URL('../../../contrib/snf-occi.service', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const EXAMPLE_CONFIG = fileURLToPath(new URL('../../../contrib/snf-occi.yaml', import.meta.url));

test('the systemd unit is valid and sandboxed: own user, ProtectSystem=strict, StateDirectory, NoNewPrivileges', async (t) => {
  const text = readFileSync(UNIT, 'utf8');
  for (const line of ['DynamicUser=yes', 'ProtectSystem=strict', 'StateDirectory=snf-occi', 'NoNewPrivileges=yes', 'PrivateTmp=yes', 'CapabilityBoundingSet=']) {
    assert.match(text, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), line);
  }
  assert.match(text, /^ExecStart=\/usr\/local\/bin\/snf-occi serve --config \/etc\/snf-occi\/snf-occi\.yaml --data-dir \/var\/lib\/snf-occi$/m);
  if (spawnSync('systemd-analyze', ['--version']).error) return t.skip('systemd-analyze is not installed here (apt-get install systemd); .ci/run installs it');
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-unit-'));
  try {
    const copy = join(dir, 'snf-occi.service');
    writeFileSync(copy, text.replace(/^ExecStart=\/usr\/local\/bin\/snf-occi/m, `ExecStart=${MAIN}`).replaceAll('/etc/snf-occi/snf-occi.yaml', EXAMPLE_CONFIG));
    const verify = await run('systemd-analyze', ['verify', '--man=no', copy]).catch((e: { stderr: string }) => assert.fail(`systemd-analyze verify refused the unit: ${e.stderr}`));
    const ours = verify.stderr.split('\n').filter((l) => l.includes('snf-occi'));
    assert.deepEqual(ours, [], 'no warning about the unit');
    const security = await run('systemd-analyze', ['security', '--offline=yes', '--threshold=20', copy]).catch((e: { stdout: string; stderr: string }) =>
      assert.fail(`the sandbox is weaker than an exposure of 2.0: ${e.stdout.split('\n').slice(-3).join(' ')} ${e.stderr}`),
    );
    assert.match(security.stdout, /Overall exposure level for snf-occi\.service: [01]\.\d/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
