// The clouds' quota errors, as each one words them, become 403s that name the
// quota; refusals that only look alike (a policy 403, a network out of
// addresses) keep their own status; a rate limit is a 429 with Retry-After.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorForStatus } from '../../src/backends/openstack/clients/cloud-errors.js';

const fail = (service: string, status: number, body: unknown) =>
  errorForStatus({ service, status, body: typeof body === 'string' ? body : JSON.stringify(body), secrets: [], challenge: 'Keystone' });

describe('openstack: quota errors', () => {
  it('names the quota for Nova, Neutron, Cinder and Synnefo wordings; 403, or 413 where the cloud said 413', () => {
    const cases: Array<[string, number, unknown, string | undefined]> = [
      ['nova', 403, { forbidden: { code: 403, message: 'Quota exceeded for cores: Requested 4, but already used 8 of 10 cores' } }, 'cores'],
      ['nova', 413, { overLimit: { code: 413, message: 'Quota exceeded for ram: Requested 4096, but already used 0 of 2048 ram', retryAfter: '0' } }, 'ram'],
      ['nova', 403, { forbidden: { code: 403, message: 'Maximum number of ports exceeded' } }, undefined],
      ['neutron', 409, { NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: ['floatingip'].", detail: '' } }, 'floatingip'],
      ['cinder', 413, { overLimit: { code: 413, message: 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 20G, quota is 10G and 0G has been consumed.' } }, 'gigabytes'],
      ['cinder', 413, { overLimit: { code: 413, message: "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'." } }, 'volumes'],
      ['cyclades', 413, { overLimit: { code: 413, message: 'Resource Limit Exceeded for your account.', details: "Limit for resource 'Virtual Machine' exceeded for your account. Available: 0, Requested: 1" } }, 'Virtual Machine'],
    ];
    for (const [service, status, body, quota] of cases) {
      const e = fail(service, status, body);
      assert.equal(e.status, status === 413 ? 413 : 403, `${service} ${status}`);
      assert.match(e.message, quota ? new RegExp(`^over the cloud's quota for ${quota}: `) : /^over the cloud's quota: /);
      assert.match(e.message, /ask the cloud's administrators to raise the project's quota$/);
    }
  });

  it("gives Synnefo's details, the resource it names, in one sentence", () => {
    const e = fail('cyclades', 413, { overLimit: { code: 413, message: 'Resource Limit Exceeded for your account.', details: "Limit for resource 'Floating IP address' exceeded for your account. Available: 0, Requested: 1" } });
    assert.equal(
      e.message,
      "over the cloud's quota for Floating IP address: Resource Limit Exceeded for your account (Limit for resource 'Floating IP address' exceeded for your account. Available: 0, Requested: 1). Free some of it, or ask the cloud's administrators to raise the project's quota",
    );
  });

  it('leaves alone refusals that are not quotas', () => {
    const policy = fail('nova', 403, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed." } });
    assert.equal(policy.status, 403);
    assert.doesNotMatch(policy.message, /over the cloud's quota/);
    const full = fail('neutron', 409, { NeutronError: { type: 'IpAddressGenerationFailure', message: 'No more IP addresses available on network x.', detail: '' } });
    assert.equal(full.status, 409);
    const big = fail('nova', 413, 'Request Entity Too Large');
    assert.equal(big.status, 413);
  });

  it("a cloud's rate limit is a 429 with its Retry-After", () => {
    const e = fail('nova', 413, { overLimit: { code: 413, message: 'This request was rate-limited.', retryAfter: '7' } });
    assert.equal(e.status, 429);
    assert.equal(e.headers['Retry-After'], '7');
    const plain = fail('keystone', 429, 'Too Many Requests');
    assert.equal(plain.status, 429);
    assert.equal(plain.headers['Retry-After'], '1');
  });
});
