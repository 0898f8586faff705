// How a cloud's failure becomes an OCCI error: the rules that mutants of
// src/backends/openstack/clients/cloud-errors.ts got past in the first Stryker
// run over clients/ (docs/testing.md). Where the cloud's message is found in
// JSON and HTML bodies, which statuses can be quota or rate refusals and how
// they are worded, every phrasing of "over quota", and which transport
// failures are "unreachable". Pure functions on made-up answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudMessage, errorForStatus, errorForTransport, isConnectFailure, sanitize } from '../../src/backends/openstack/clients/cloud-errors.js';

const failure = (status: number, body: unknown, service = 'nova') => ({
  service,
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  secrets: [],
  challenge: 'Keystone uri="https://keystone/v3"',
});

describe('openstack cloud errors: the message in the body', () => {
  it('a bare title is a message; string members beside the wrapped error are not', () => {
    assert.equal(cloudMessage('{"title": "Forbidden"}'), 'Forbidden');
    assert.equal(cloudMessage('{"code": "Conflict", "conflictingRequest": {"message": "Cannot stop while resizing"}}'), 'Cannot stop while resizing');
  });

  it('a null member is passed over, and a body that is null or a number holds no message', () => {
    assert.equal(cloudMessage('{"computeFault": null, "badRequest": {"message": "Invalid flavor"}}'), 'Invalid flavor');
    assert.equal(cloudMessage('null'), undefined);
    assert.equal(cloudMessage('42'), undefined);
  });

  it('an HTML page: its detail without the headings, tags as spaces; a page of headings alone gives its title', () => {
    assert.equal(cloudMessage('<html><body><h1>404 Not Found</h1>The image<br />is gone.</body></html>'), 'The image is gone.');
    assert.equal(cloudMessage('Denied<h1>403 Forbidden</h1>by policy'), 'Denied by policy');
    assert.equal(cloudMessage('<html><head><title>503 Service Unavailable</title></head></html>'), '503 Service Unavailable');
  });

  it('a text body gives its first line that says something, its spaces collapsed', () => {
    assert.equal(cloudMessage('\n  first   line  \nsecond line'), 'first line');
    assert.equal(cloudMessage('first\r\nsecond'), 'first');
  });

  it('a message shown to a client is one line with single spaces', () => {
    assert.equal(sanitize('over\n\n  the   limit', []), 'over the limit');
  });
});

describe('openstack cloud errors: statuses', () => {
  it('an empty body says which service answered which status; a 401 says the token was refused', () => {
    assert.equal(errorForStatus(failure(500, '')).message, 'nova failed (HTTP 500): nova answered HTTP 500');
    const e = errorForStatus(failure(401, { error: { message: 'The request you have made requires authentication.' } }, 'keystone'));
    assert.equal(e.status, 401);
    assert.equal(e.message, 'keystone rejected the token: The request you have made requires authentication.');
  });

  it('only 403, 409, 413 and 429 can be quota or rate refusals: a 400 or a 500 mentioning a quota is not', () => {
    const said = { badRequest: { message: 'Quota exceeded for instances' } };
    assert.equal(errorForStatus(failure(400, said)).status, 400);
    assert.doesNotMatch(errorForStatus(failure(400, said)).message, /over the cloud's quota/);
    assert.equal(errorForStatus(failure(500, said)).status, 502);
  });

  it("Nova's 403 quota, Neutron's 409 OverQuota and Cinder's 413 overLimit are quota refusals naming the quota", () => {
    const nova = errorForStatus(failure(403, { forbidden: { message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' } }));
    assert.equal(nova.status, 403);
    assert.match(nova.message, /^over the cloud's quota for instances: Quota exceeded for instances: Requested 1, but already used 10 of 10 instances\. Free some of it/);
    const neutron = errorForStatus(failure(409, { NeutronError: { type: 'OverQuota', message: 'No more ports for this project' } }, 'neutron'));
    assert.equal(neutron.status, 403);
    assert.match(neutron.message, /^over the cloud's quota: No more ports for this project\. Free some/);
    const cinder = errorForStatus(failure(413, { overLimit: { message: "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'." } }, 'cinder'));
    assert.equal(cinder.status, 413);
    assert.match(cinder.message, /^over the cloud's quota for volumes: /);
  });

  it("an overLimit whose member is no object is still the quota's 413", () => {
    const e = errorForStatus(failure(413, { overLimit: 'too much' }, 'cinder'));
    assert.equal(e.status, 413);
    assert.match(e.message, /^over the cloud's quota: /);
  });

  it('a quota refusal in plain text (no JSON) is read as one', () => {
    const e = errorForStatus(failure(403, 'Quota exceeded for cores'));
    assert.equal(e.status, 403);
    assert.match(e.message, /^over the cloud's quota for cores: /);
  });

  it("trailing dots of the message and of Synnefo's details are dropped, inner ones kept; the details in brackets", () => {
    const e = errorForStatus(failure(413, { overLimit: { message: 'Limit exceeded for v1.2 disks..', details: "Limit for resource 'cyclades.disk' exceeded..." } }));
    assert.match(e.message, /: Limit exceeded for v1\.2 disks \(Limit for resource 'cyclades\.disk' exceeded\)\. Free some/);
    const plain = errorForStatus(failure(403, { forbidden: { message: 'Quota exceeded for ram.' } }));
    assert.match(plain.message, /: Quota exceeded for ram\. Free some/);
  });

  it('the quotas named: several, in brackets with quotes and spaces', () => {
    assert.match(errorForStatus(failure(403, { forbidden: { message: 'Quota exceeded for cores, ram: Requested 4' } })).message, /quota for cores, ram: /);
    assert.match(errorForStatus(failure(409, { NeutronError: { type: 'OverQuota', message: "Quota exceeded for resources: [ 'port' ]." } })).message, /quota for port: /);
  });

  it('every wording of "over quota" the clouds use is a quota refusal', () => {
    const wordings = [
      'Requested volume exceeds allowed gigabytes quota',
      'Requested backup exceeds the available backup-gigabytes quota',
      'Requested snapshot would exceed quota',
      'VolumeSizeExceedsAvailableQuota: no room',
      'Limit exceeded',
      'limitexceeded',
      'Project is over quota',
      'project is overquota',
      'Maximum number of ports exceeded',
      'maximum number of floating ips exceeded',
      'Quota exceeded for instances',
      "Maximum number of volumes allowed (10) exceeded for quota 'volumes'",
    ];
    for (const w of wordings) {
      const e = errorForStatus(failure(403, { forbidden: { message: w } }));
      assert.match(e.message, /^over the cloud's quota/, w);
    }
    assert.doesNotMatch(errorForStatus(failure(403, { forbidden: { message: 'Policy does not allow quota changes' } })).message, /^over the cloud's quota/);
  });

  it("a rate limit is a 429 with the cloud's wait, rounded up; without one, a second", () => {
    const e = errorForStatus(failure(413, { overLimit: { message: 'Ratelimit exceeded', retryAfter: 30 } }));
    assert.equal(e.status, 429);
    assert.equal(e.message, 'the cloud limits the rate of requests: Ratelimit exceeded; retry after 30 s');
    assert.equal(e.headers?.['Retry-After'], '30');
    assert.equal(errorForStatus(failure(429, { message: 'slow down' })).headers?.['Retry-After'], '1');
    const policy = errorForStatus(failure(403, { forbidden: { message: 'Policy does not allow changing the rate limit' } }));
    assert.equal(policy.status, 403, 'a 403 that mentions rate limits is no rate limit');
  });
});

describe('openstack cloud errors: no answer at all', () => {
  const cause = (code: string): Error => new Error('fetch failed', { cause: Object.assign(new Error(code), { code }) });

  it('every code of a cloud that cannot be reached is a 503 and safe to retry; a reset connection is neither', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      assert.equal(errorForTransport('nova', cause(code), 1000).status, 503, code);
      assert.equal(isConnectFailure(cause(code)), true, code);
    }
    assert.equal(isConnectFailure(cause('ECONNRESET')), false);
    assert.equal(isConnectFailure(new Error('no code')), false);
    assert.equal(errorForTransport('nova', cause('ECONNRESET'), 1000).message, 'nova broke the connection (ECONNRESET)');
  });

  it('a code more than five causes deep is not looked for; a cause given as a plain object is followed', () => {
    let deep: unknown = Object.assign(new Error('root'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 5; i++) deep = new Error(`wrap ${i}`, { cause: deep });
    assert.equal(errorForTransport('nova', deep, 1000).message, 'nova broke the connection');
    const viaObject = new Error('fetch failed', { cause: { reason: 'socket', cause: { code: 'ECONNREFUSED' } } });
    assert.equal(errorForTransport('nova', viaObject, 1000).status, 503);
  });
});
