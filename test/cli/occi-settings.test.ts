// Where the occi command takes its endpoint and credentials from, in the
// documented order: flags, OCCI_*, OS_*, clouds.yaml, the embedded cloud's token.
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveConnection } from '../../src/cli/occi/settings.js';
import { FileTokenCache } from '../../src/cli/occi/token-cache.js';
import { debugText, rawText } from '../../src/cli/occi/exchanges.js';

const dir = mkdtempSync(join(tmpdir(), 'occi-settings-'));
const clouds = join(dir, 'clouds.yaml');
writeFileSync(
  clouds,
  `clouds:
  mine:
    occi_endpoint: https://occi.example.org:8787/occi1.1/
    auth: {auth_url: "https://keystone.example.org:5000/v3", username: yaml-user, password: yaml-secret, project_name: p, user_domain_name: Default, project_domain_name: Default}
`,
);
writeFileSync(join(dir, 'token'), 'local-token-0123456789\n');
const OS = { OS_AUTH_URL: 'http://k:5000/v3', OS_USERNAME: 'demo', OS_PASSWORD: 'pw', OS_PROJECT_NAME: 'demo' };
const base = { HOME: dir, OS_CLIENT_CONFIG_FILE: clouds, SNF_OCCI_DATA_DIR: dir };

describe('occi settings: precedence', () => {
  test('flags beat OCCI_* beat OS_* beat clouds.yaml beat the local token', async () => {
    const all = { ...base, ...OS, OCCI_ENDPOINT: 'http://env:1', OCCI_TOKEN: 'env-token', OS_CLOUD: 'mine' };
    const flags = await resolveConnection({ endpoint: 'http://flag:1', token: 'flag-token' }, all);
    assert.deepEqual([flags.endpoint, flags.auth, flags.authFrom], ['http://flag:1', { token: 'flag-token' }, '--token']);
    const env = await resolveConnection({}, all);
    assert.deepEqual([env.endpoint, env.auth, env.endpointFrom], ['http://env:1', { token: 'env-token' }, 'OCCI_ENDPOINT']);
    const os = await resolveConnection({}, { ...base, ...OS, OS_CLOUD: 'mine' });
    assert.equal(os.endpoint, 'https://occi.example.org:8787/occi1.1/', 'the endpoint from clouds.yaml');
    assert.equal(os.auth.keystone?.username, 'demo', 'OS_* beat the clouds.yaml credentials');
    assert.equal(os.authFrom, 'OS_* variables');
    const yaml = await resolveConnection({}, { ...base, OS_CLOUD: 'mine' });
    assert.deepEqual(yaml.auth.keystone, { authUrl: 'https://keystone.example.org:5000/v3', username: 'yaml-user', password: 'yaml-secret', projectName: 'p', userDomainName: 'Default', projectDomainName: 'Default' });
    const explicit = await resolveConnection({ osCloud: 'mine' }, { ...base, ...OS, OCCI_TOKEN: 'env-token' });
    assert.equal(explicit.auth.keystone?.username, 'yaml-user', '--os-cloud is a flag: it beats the environment');
    const local = await resolveConnection({}, base);
    assert.deepEqual([local.endpoint, local.auth], ['http://localhost:8888', { token: 'local-token-0123456789' }]);
    const remote = await resolveConnection({ endpoint: 'https://far.example.org' }, base);
    assert.deepEqual(remote.auth, {}, "the embedded cloud's token is never sent to another host");
    await assert.rejects(resolveConnection({ osCloud: 'nope' }, base), /no cloud named nope in .*clouds\.yaml/);
  });

  test('application credentials from OS_*', async () => {
    const c = await resolveConnection({}, { ...base, OS_AUTH_URL: 'http://k/v3', OS_APPLICATION_CREDENTIAL_ID: 'ac1', OS_APPLICATION_CREDENTIAL_SECRET: 's' });
    assert.deepEqual(c.auth.keystone, { authUrl: 'http://k/v3', applicationCredentialId: 'ac1', applicationCredentialSecret: 's' });
  });

  test('the token cache file is mode 0600 and drops expired tokens', () => {
    const file = join(dir, 'cache', 'tokens.json');
    const cache = new FileTokenCache(file);
    cache.set('a', { token: 't1', expiresAt: Date.now() + 60_000 });
    cache.set('old', { token: 't0', expiresAt: Date.now() - 1 });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(cache.get('a')?.token, 't1');
    assert.equal(cache.get('old'), undefined);
    cache.delete('a');
    assert.equal(cache.get('a'), undefined);
  });

  test('--debug and --raw mask tokens, passwords and secrets', () => {
    const e = {
      method: 'POST',
      url: 'http://k/v3/auth/tokens',
      requestHeaders: { 'X-Auth-Token': 'abcdefghijklmnop', 'Content-Type': 'application/json' },
      requestBody: '{"auth":{"identity":{"password":{"user":{"name":"demo","password":"hunter2"}}},"application_credential":{"secret":"s3cr3t"}}}',
      status: 201,
      responseHeaders: { 'x-subject-token': 'qrstuvwxyz012345' },
      responseBody: '{}',
      ms: 3,
    };
    for (const out of [debugText(e), rawText(e)]) {
      for (const secret of ['abcdefghijklmnop', 'hunter2', 's3cr3t', 'qrstuvwxyz012345']) assert.ok(!out.includes(secret), secret);
    }
    assert.match(debugText(e), /"password":"\*\*\*"/);
  });
});
