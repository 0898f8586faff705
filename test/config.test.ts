// Configuration: defaults < file < environment < flags, validated with clear messages.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ConfigError, defaults, loadConfig } from '../src/config/config.js';
import { knownSettings, leafPaths } from '../src/config/known-keys.js';

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

const EXAMPLE = fileURLToPath(new URL('../../contrib/snf-occi.yaml', import.meta.url));

test('unknown keys in the file are errors naming them, with the closest known setting; _comment keys are allowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-config-'));
  try {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ _comment: 'ok', prot: 9000, limits: { maxBodyByte: 5, _why: 'ok' }, maxPageSize: 3, quotas: 5, zzz: 1 }));
    const err = (() => {
      try {
        loadConfig({ file, env: {} });
      } catch (e) {
        return e as ConfigError;
      }
      return assert.fail('accepted');
    })();
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(
      err.problems.map((p) => p.replace(file, 'FILE')),
      [
        'prot in FILE: no such setting (did you mean port?); every setting is listed in docs/configuration.md',
        'limits.maxBodyByte in FILE: no such setting (did you mean limits.maxBodyBytes?); every setting is listed in docs/configuration.md',
        'maxPageSize in FILE: no such setting (did you mean limits.maxPageSize?); every setting is listed in docs/configuration.md',
        'quotas in FILE: must be a group of settings (quotas.compute, quotas.linksPerCompute, quotas.mixinLocationLength, quotas.mixinSchemeLength …), got 5',
        'zzz in FILE: no such setting; every setting is listed in docs/configuration.md',
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('environment and flag errors name the variable or the flag; a value from the file names the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-config-'));
  try {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'limits:\n  maxPageSize: 0\n');
    assert.throws(() => loadConfig({ env: { SNF_OCCI_PORT: 'x' } }), /SNF_OCCI_PORT \(setting port\): "x" is not a number/);
    assert.throws(() => loadConfig({ env: {}, flags: { port: 'x' }, flagNames: { port: '--port' } }), /--port: "x" is not a number/);
    assert.throws(() => loadConfig({ env: {}, file }), /limits\.maxPageSize: must be a whole number from 1 to 1000000, got 0 \(set in .*c\.yaml\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a shorter request timeout takes the headers timeout down with it; one set longer by hand is an error', () => {
  const c = loadConfig({ env: { SNF_OCCI_REQUEST_TIMEOUT_MS: '5000' } });
  assert.equal(c.limits.requestTimeoutMs, 5000);
  assert.equal(c.limits.headersTimeoutMs, 5000);
  assert.throws(
    () => loadConfig({ env: { SNF_OCCI_REQUEST_TIMEOUT_MS: '5000', SNF_OCCI_HEADERS_TIMEOUT_MS: '6000' } }),
    /limits\.headersTimeoutMs\): 6000 ms is longer than limits\.requestTimeoutMs \(5000 ms\)/,
  );
});

test('the openstack backend reads OS_* variables and clouds.yaml as the OpenStack client does; snf-occi settings win', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-config-'));
  try {
    const clouds = join(dir, 'clouds.yaml');
    writeFileSync(
      clouds,
      [
        'clouds:',
        '  lab:',
        '    auth:',
        '      auth_url: https://keystone.lab.example.org:5000/v3',
        '      username: ignored',
        '      password: never-read',
        '    region_name: Lab',
        '    interface: internal',
        '    cacert: /etc/ssl/lab.pem',
        '    verify: false',
        '    identity_api_version: 3',
        '',
      ].join('\n'),
    );
    const base = { OS_CLIENT_CONFIG_FILE: clouds, SNF_OCCI_BACKEND: 'openstack' };
    const c = loadConfig({ env: { ...base, OS_CLOUD: 'lab' } });
    assert.deepEqual(
      [c.openstack.keystoneUrl, c.openstack.region, c.openstack.interface, c.openstack.caFile, c.openstack.insecure, c.openstack.identityVersion],
      ['https://keystone.lab.example.org:5000/v3', 'Lab', 'internal', '/etc/ssl/lab.pem', true, 'v3'],
    );
    // OS_* override the cloud's values; snf-occi's own settings override both.
    const d = loadConfig({ env: { ...base, OS_CLOUD: 'lab', OS_REGION_NAME: 'Other', OS_INTERFACE: 'publicURL', SNF_OCCI_REGION: 'Mine' }, flags: { 'openstack.cloud': 'lab' } });
    assert.equal(d.openstack.region, 'Mine');
    assert.equal(d.openstack.interface, 'public');
    const env = loadConfig({ env: { SNF_OCCI_BACKEND: 'openstack', OS_AUTH_URL: 'http://127.0.0.1:5000/v3', OS_CACERT: '/ca.pem', OS_INSECURE: 'false' } });
    assert.deepEqual([env.openstack.keystoneUrl, env.openstack.caFile, env.openstack.insecure], ['http://127.0.0.1:5000/v3', '/ca.pem', false]);
    assert.throws(() => loadConfig({ env: { ...base, OS_CLOUD: 'nope' } }), /has no cloud named "nope"; it has lab/);
    assert.throws(() => loadConfig({ env: { SNF_OCCI_BACKEND: 'openstack', OS_CLIENT_CONFIG_FILE: join(dir, 'none.yaml'), HOME: dir, OS_CLOUD: 'lab' } }), /cloud "lab" was asked for, but there is no clouds\.yaml/);
    assert.throws(() => loadConfig({ env: { SNF_OCCI_BACKEND: 'openstack', OS_INTERFACE: 'sideways' } }), /OS_INTERFACE: "sideways" is not a valid interface/);
    assert.throws(() => loadConfig({ env: { SNF_OCCI_BACKEND: 'openstack', HOME: dir } }), /required with the openstack backend: give --keystone-url, SNF_OCCI_KEYSTONE_URL or OS_AUTH_URL, or name a cloud of clouds\.yaml/);
    // The local backend does not look at them.
    assert.equal(loadConfig({ env: { OS_AUTH_URL: 'http://x/v3', OS_INTERFACE: 'sideways' } }).openstack.keystoneUrl, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('contrib/snf-occi.yaml is accepted as it is, and explains every setting there is', () => {
  const c = loadConfig({ file: EXAMPLE, env: {} });
  assert.equal(c.port, 8888);
  assert.equal(c.dataDir, '/var/lib/snf-occi');
  // Settings without a default are there commented out: uncommented, the file names every setting.
  const text = readFileSync(EXAMPLE, 'utf8').replace(/^(\s*)# ([A-Za-z]+: )/gm, '$1$2');
  const tree = YAML.parse(text) as Record<string, unknown>;
  const missing = knownSettings(defaults() as unknown as Record<string, unknown>).filter((p) => !leafPaths(tree).includes(p));
  assert.deepEqual(missing, [], 'settings the example does not explain');
  for (const line of readFileSync(EXAMPLE, 'utf8').split('\n')) {
    if (/^\s*#? ?[A-Za-z]+: \S/.test(line) && !line.trimStart().startsWith('# -')) assert.match(line, /#/, `no comment on: ${line}`);
  }
});
