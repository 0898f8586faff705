// Rules of the OpenStack backend's options (options.ts) that the survivors of
// the Stryker run over src/backends/openstack/*.ts got past (issue 14): what
// an operator sets, the defaults when they set nothing, and the error that
// names the setting. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveOptions } from '../../src/backends/openstack/options.js';

describe('openstack options', () => {
  test('keystoneUrl must be an http(s) URL: anything else is refused at start, naming the setting and the value', () => {
    // 443, 444, 446
    for (const bad of ['keystone.example/v3', 'ftp://keystone/v3', 'see https://keystone/v3', '']) {
      assert.throws(() => resolveOptions({ keystoneUrl: bad }), { message: `keystoneUrl must be an http(s) URL, got '${bad}'` });
    }
    assert.equal(resolveOptions({ keystoneUrl: 'http://keystone:5000/v3' }).keystoneUrl, 'http://keystone:5000/v3');
    assert.equal(resolveOptions({ keystoneUrl: 'https://keystone/v3' }).keystoneUrl, 'https://keystone/v3');
  });

  test("keystoneUrl's trailing slashes, however many, are dropped; the scheme's slashes are kept", () => {
    // 448, 449, 450
    assert.equal(resolveOptions({ keystoneUrl: 'https://keystone/v3//' }).keystoneUrl, 'https://keystone/v3');
    assert.equal(resolveOptions({ keystoneUrl: 'https://keystone/identity/' }).keystoneUrl, 'https://keystone/identity');
    assert.equal(resolveOptions({ keystoneUrl: 'https://keystone' }).keystoneUrl, 'https://keystone');
  });

  test('TLS certificates are verified unless the operator sets insecure', () => {
    // 459
    assert.equal(resolveOptions({ keystoneUrl: 'https://keystone/v3' }).insecure, false);
    assert.equal(resolveOptions({ keystoneUrl: 'https://keystone/v3', insecure: true }).insecure, true);
  });

  test('the defaults of an operator who sets nothing but keystoneUrl', () => {
    assert.deepEqual(resolveOptions({ keystoneUrl: 'https://keystone/v3/' }), {
      keystoneUrl: 'https://keystone/v3',
      identityVersion: 'auto',
      dialect: 'openstack',
      region: undefined,
      interface: 'public',
      timeoutMs: 30_000,
      caFile: undefined,
      insecure: false,
      templateTtlMs: 30_000,
      securityGroupTtlMs: 5_000,
      volumeType: undefined,
      synnefoRelease: 'auto',
      tokenCacheSize: 1000,
    });
  });

  test('what the operator sets is kept as set', () => {
    const set = {
      keystoneUrl: 'https://astakos/identity/v2.0',
      identityVersion: 'v2.0',
      dialect: 'synnefo',
      region: 'r2',
      interface: 'internal',
      timeoutMs: 5_000,
      caFile: '/etc/ca.pem',
      insecure: true,
      templateTtlMs: 1_000,
      securityGroupTtlMs: 2_000,
      volumeType: 'ext_archipelago',
      synnefoRelease: '0.18',
      tokenCacheSize: 10,
    } as const;
    assert.deepEqual(resolveOptions(set), set);
  });
});
