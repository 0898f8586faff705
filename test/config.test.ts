// Configuration: defaults < file < environment < flags, validated with clear messages.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.js';

test('defaults: port 8888 on loopback, the embedded cloud', () => {
  const c = loadConfig({ env: { HOME: '/home/x' } });
  assert.equal(c.port, 8888);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.backend, 'local');
  assert.equal(c.dataDir, '/home/x/.local/share/snf-occi');
});

test('file < environment < flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-config-'));
  try {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ port: 9000, logLevel: 'warn', limits: { maxPageSize: 50 }, local: { tokens: [{ token: 'abcdefgh1abcdefgh1abcdefgh1abcdefgh1', tenant: 't' }] } }));
    const c = loadConfig({ file, env: { SNF_OCCI_PORT: '9100', SNF_OCCI_PUBLIC_URL: 'https://occi.example.org/' }, flags: { port: '9200' } });
    assert.equal(c.port, 9200);
    assert.equal(c.logLevel, 'warn');
    assert.equal(c.limits.maxPageSize, 50);
    assert.equal(c.limits.maxBodyBytes, 1024 * 1024, 'untouched defaults stay');
    assert.equal(c.publicUrl, 'https://occi.example.org');
    assert.deepEqual(c.local.tokens, [{ token: 'abcdefgh1abcdefgh1abcdefgh1abcdefgh1', tenant: 't' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every problem is reported, naming the setting', () => {
  try {
    loadConfig({ env: { SNF_OCCI_PORT: '70000', SNF_OCCI_BACKEND: 'openstack', SNF_OCCI_LOG_LEVEL: 'loud', SNF_OCCI_PUBLIC_URL: 'ftp://x' } });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.message;
    assert.match(text, /SNF_OCCI_PORT \(setting port\): must be a whole number from 0 to 65535, got 70000/);
    assert.match(text, /SNF_OCCI_LOG_LEVEL \(setting logLevel\): must be one of/);
    assert.match(text, /SNF_OCCI_PUBLIC_URL \(setting publicUrl\): "ftp:\/\/x" is not an http\(s\) URL/);
    assert.match(text, /openstack\.keystoneUrl: required with the openstack backend/);
  }
});

test('a broken config file is named', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/snf-occi.json', env: {} }), /\/nonexistent\/snf-occi\.json/);
});

test('compute defaults and the Synnefo release are checked, from files and the environment', () => {
  const c = loadConfig({
    env: { SNF_OCCI_HOSTNAME_PATTERN: 'snf-{id}.vm.example.org', SNF_OCCI_DEFAULT_ARCHITECTURE: 'x64', SNF_OCCI_SYNNEFO_RELEASE: '0.18', SNF_OCCI_VOLUME_TYPE: '2' },
  });
  assert.deepEqual(c.compute, { hostnamePattern: 'snf-{id}.vm.example.org', defaultArchitecture: 'x64' });
  assert.equal(c.openstack.synnefoRelease, '0.18');
  assert.equal(c.openstack.volumeType, '2');
  assert.equal(loadConfig({ env: {} }).openstack.synnefoRelease, 'auto');
  for (const [env, problem] of [
    [{ SNF_OCCI_HOSTNAME_PATTERN: 'vm.example.org' }, /compute\.hostnamePattern\): must be a host name with \{id\}/],
    [{ SNF_OCCI_HOSTNAME_PATTERN: 'vm_{id}.example.org' }, /compute\.hostnamePattern/],
    [{ SNF_OCCI_DEFAULT_ARCHITECTURE: 'arm64' }, /compute\.defaultArchitecture\): must be one of x86, x64, got "arm64"/],
    [{ SNF_OCCI_SYNNEFO_RELEASE: '0.15' }, /openstack\.synnefoRelease\): must be one of auto, 0\.16, 0\.17, 0\.18, 0\.19, 0\.20/],
  ] as const) {
    assert.throws(() => loadConfig({ env }), (err: unknown) => err instanceof ConfigError && problem.test(err.message));
  }
});
