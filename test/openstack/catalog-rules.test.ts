// How an endpoint is read from Keystone's catalog: the rules that mutants of
// src/backends/openstack/clients/catalog.ts got past in the first Stryker run
// over clients/ (docs/testing.md). Entries the bridge cannot use, the default
// interface, versions already in a URL (and not in its host name), trailing
// slashes, and the 503 naming what is missing. Pure functions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogFromV2, catalogFromV3, findEndpoint, requireEndpoint, withVersion } from '../../src/backends/openstack/clients/catalog.js';
import { OcciError } from '../../src/errors.js';

const PUBLIC = { region: undefined, interface: 'public' as const };
const synnefo = (url: string, versionId = 'v2.0') => catalogFromV2([{ type: 'network', endpoints: [{ publicURL: url, versionId }] }]);

describe('openstack catalog rules', () => {
  it('an entry without a URL, or of a service without a type, is left out; one without an interface is public', () => {
    assert.deepEqual(catalogFromV3([{ type: 'compute', endpoints: [{ interface: 'public' }] }, { endpoints: [{ interface: 'public', url: 'https://cloud/x' }] }]), []);
    assert.deepEqual(catalogFromV3([{ type: 'compute', endpoints: [{ url: 'https://cloud/compute', region_id: 'R' }] }]), [
      { type: 'compute', interface: 'public', region: 'R', url: 'https://cloud/compute' },
    ]);
    assert.deepEqual(catalogFromV2([{ endpoints: [{ publicURL: 'https://cloud/x' }] }]), []);
  });

  it('a v2.0 entry without a versionId has none', () => {
    assert.deepEqual(catalogFromV2([{ type: 'image', endpoints: [{ publicURL: 'https://cloud/image', region: 'R' }] }]), [
      { type: 'image', interface: 'public', region: 'R', url: 'https://cloud/image' },
    ]);
  });

  it("Synnefo's versionId is appended once, after any trailing slashes; a URL naming a version is left alone", () => {
    assert.equal(findEndpoint(synnefo('https://cloud/network//'), 'network', PUBLIC), 'https://cloud/network/v2.0');
    for (const v of ['v2.0', 'v2', 'v10', 'v2.10']) {
      assert.equal(findEndpoint(synnefo(`https://cloud/network/${v}`), 'network', PUBLIC), `https://cloud/network/${v}`, v);
    }
  });

  it('a host named like a version is no version in the path', () => {
    assert.equal(findEndpoint(synnefo('http://v3/network'), 'network', PUBLIC), 'http://v3/network/v2.0');
    assert.equal(findEndpoint(synnefo('https://v2.0/network'), 'network', PUBLIC), 'https://v2.0/network/v2.0');
  });

  it('withVersion appends the API version unless the URL ends with one', () => {
    assert.equal(withVersion('https://cloud/image', 'v2'), 'https://cloud/image/v2');
    for (const v of ['v2', 'v2.0', 'v10', 'v2.10']) assert.equal(withVersion(`https://cloud/image/${v}`, 'v2'), `https://cloud/image/${v}`, v);
    assert.equal(withVersion('https://cloud/v1/image', 'v2'), 'https://cloud/v1/image/v2', 'a version earlier in the path is not the API version');
  });

  it('a missing endpoint is a 503 naming every service type looked for, the interface and any region', () => {
    const refusal = (region?: string): string => {
      try {
        requireEndpoint([], 'blockStorage', { region, interface: 'internal' });
      } catch (e) {
        assert.ok(e instanceof OcciError && e.status === 503);
        return e.message;
      }
      return 'no refusal';
    };
    assert.equal(refusal(), "the cloud's catalog has no block-storage/volumev3/volumev2/volume endpoint (internal interface)");
    assert.equal(refusal('R1'), "the cloud's catalog has no block-storage/volumev3/volumev2/volume endpoint (internal interface, region R1)");
  });
});
