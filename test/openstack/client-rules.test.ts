// Rules of the OpenStack clients that hand-planted mutants of
// src/backends/openstack/clients/ got past (docs/testing.md): where a cloud's
// error message is found, what is masked or cut from it, and how an endpoint
// is chosen from the catalog. Pure functions on made-up answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogFromV2, findEndpoint, type Endpoint } from '../../src/backends/openstack/clients/catalog.js';
import { cloudMessage, errorForStatus, errorForTransport, sanitize } from '../../src/backends/openstack/clients/cloud-errors.js';
import { Cinder, volumeMicroversion } from '../../src/backends/openstack/clients/cinder.js';
import { Glance } from '../../src/backends/openstack/clients/glance.js';
import { Neutron } from '../../src/backends/openstack/clients/neutron.js';
import { negotiateMicroversion, Nova } from '../../src/backends/openstack/clients/nova.js';
import { Identity } from '../../src/backends/openstack/clients/keystone.js';
import { passwordToken } from '../../src/backends/openstack/clients/keystone-login.js';
import { OcciError } from '../../src/errors.js';
import { recordingHttp, type Answer } from './recording-http.js';

describe('openstack clients: the cloud’s own words', () => {
  it('a SOAP-style faultstring is a message', () => {
    assert.equal(cloudMessage('{"faultstring": "Invalid input for field"}'), 'Invalid input for field');
  });

  it('an empty message gives way to the next member that says something', () => {
    assert.equal(cloudMessage('{"message": "", "detail": "the flavor is disabled"}'), 'the flavor is disabled');
  });

  it('of several wrapped members, the first that holds a message is the one', () => {
    assert.equal(cloudMessage('{"request_ids": {"a": 1}, "conflictingRequest": {"message": "Cannot stop while resizing", "code": 409}}'), 'Cannot stop while resizing');
  });

  it('a list is no error document: nothing is read from it, and the status speaks instead', () => {
    assert.equal(cloudMessage('{"errors": [{"message": "from a list"}]}'), undefined);
    assert.equal(cloudMessage('["from a list"]'), undefined);
    assert.equal(cloudMessage('   '), undefined);
  });

  it('a secret of exactly eight characters is masked, shorter ones are too common to mask', () => {
    assert.equal(sanitize('token 12345678 refused', ['12345678']), 'token *** refused');
    assert.equal(sanitize('token 1234567 refused', ['1234567']), 'token 1234567 refused');
  });

  it('a message that is nothing but a traceback says there was no message', () => {
    assert.equal(sanitize('Traceback (most recent call last):\n  File "/usr/lib/python3/nova/api.py", line 1', []), 'no message');
    assert.equal(sanitize('Bad thing. Traceback (most recent call last): File x', []), 'Bad thing.');
  });

  it('a message of exactly 500 characters is kept whole; a longer one is cut there', () => {
    const exact = 'a'.repeat(500);
    assert.equal(sanitize(exact, []), exact);
    assert.equal(sanitize(`${exact}b`, []), `${exact}…`);
  });
});

describe('openstack clients: the service catalog', () => {
  it('an empty versionId in a v2.0 catalog is no version', () => {
    const [e] = catalogFromV2([{ type: 'image', endpoints: [{ publicURL: 'https://cloud/image', versionId: '' }] }]);
    assert.equal('versionId' in e!, false);
    assert.equal(findEndpoint(catalogFromV2([{ type: 'image', endpoints: [{ publicURL: 'https://cloud/image', versionId: '' }] }]), 'image', { region: undefined, interface: 'public' }), 'https://cloud/image');
  });

  it('the endpoint of the configured interface is chosen, whatever the catalog lists first', () => {
    const catalog: Endpoint[] = [
      { type: 'compute', interface: 'internal', region: 'r1', url: 'http://10.0.0.1/compute' },
      { type: 'compute', interface: 'public', region: 'r1', url: 'https://cloud/compute' },
    ];
    assert.equal(findEndpoint(catalog, 'compute', { region: undefined, interface: 'public' }), 'https://cloud/compute');
    assert.equal(findEndpoint(catalog, 'compute', { region: undefined, interface: 'internal' }), 'http://10.0.0.1/compute');
  });
});


const inAnHour = (): string => new Date(Date.now() + 3_600_000).toISOString();

describe('openstack clients: sign-in and token validation', () => {
  it("a password sign-in is in the Default domain unless told, and scoped to the project named", async () => {
    const { http, calls } = recordingHttp(() => ({ status: 201, body: { token: { expires_at: inAnHour() } }, headers: { 'x-subject-token': 'tok' } }));
    await passwordToken(http, 'https://ks', 'v3', { username: 'alice', password: 'secret-pw' }, 'challenge');
    await passwordToken(http, 'https://ks', 'v3', { username: 'alice', password: 'secret-pw', project: 'demo' }, 'challenge');
    const [plain, scoped] = calls.map((c) => (c.body as { auth: { identity: { password: { user: { domain: unknown } } }; scope?: unknown } }).auth);
    assert.deepEqual(plain!.identity.password.user.domain, { name: 'Default' });
    assert.equal(plain!.scope, undefined);
    assert.deepEqual(scoped!.scope, { project: { name: 'demo', domain: { name: 'Default' } } });
  });

  const v3Options = { keystoneUrl: 'https://ks/v3', version: 'v3' as const, scopeToProject: true, cacheSize: 10 };

  it('a session is not kept when its token expires within five seconds: the next request validates again', async () => {
    const soon = new Date(Date.now() + 4_000).toISOString();
    const { http, calls } = recordingHttp(() => ({ status: 200, body: { token: { expires_at: soon, project: { id: 'p1' }, user: { id: 'u1' } } } }));
    const identity = new Identity(http, v3Options);
    await identity.session('tok-soon');
    await identity.session('tok-soon');
    assert.equal(calls.length, 2);
  });

  it('a forgotten token (signed out) is validated again', async () => {
    const { http, calls } = recordingHttp(() => ({ status: 200, body: { token: { expires_at: inAnHour(), project: { id: 'p1' }, user: { id: 'u1' } } } }));
    const identity = new Identity(http, v3Options);
    await identity.session('tok-a');
    await identity.session('tok-a');
    assert.equal(calls.length, 1, 'cached');
    identity.forget('tok-a');
    await identity.session('tok-a');
    assert.equal(calls.length, 2);
  });

  it('a failed version discovery is tried again on the next request', async () => {
    let down = true;
    const { http, calls } = recordingHttp((c) => {
      if (c.method === 'GET' && c.url === 'https://ks') return down ? { status: 503 } : { status: 300, body: { versions: { values: [{ id: 'v3.14' }] } } };
      return { status: 200, body: { token: { expires_at: inAnHour(), project: { id: 'p1' }, user: { id: 'u1' } } } };
    });
    const identity = new Identity(http, { ...v3Options, keystoneUrl: 'https://ks', version: 'auto' });
    await assert.rejects(identity.session('tok'), (e: OcciError) => e.status === 502);
    down = false;
    assert.equal((await identity.session('tok')).projectId, 'p1');
    assert.equal(calls.filter((c) => c.url === 'https://ks').length, 2);
  });

  it('an unscoped token of a user with two projects is refused, asking which project', async () => {
    const { http } = recordingHttp((c) =>
      c.url.endsWith('/v3/auth/projects')
        ? { status: 200, body: { projects: [{ id: 'p1' }, { id: 'p2' }] } }
        : { status: 200, body: { token: { expires_at: inAnHour(), user: { id: 'u1' } } } },
    );
    await assert.rejects(new Identity(http, v3Options).session('tok'), (e: OcciError) => e.status === 401 && /X-Project-Id/.test(e.message));
  });

  it('v2.0 (Astakos): the project asked for is sent; without a tenant the user is the project; the user id is the user’s', async () => {
    const { http, calls } = recordingHttp(() => ({ status: 200, body: { access: { token: { id: 'tok', expires: inAnHour() }, user: { id: 'u-9' } } } }));
    const identity = new Identity(http, { keystoneUrl: 'https://astakos/identity/v2.0', version: 'v2.0', scopeToProject: true, cacheSize: 10 });
    const s = await identity.session('tok', 'proj-7');
    assert.deepEqual((calls[0]!.body as { auth: unknown }).auth, { token: { id: 'tok' }, tenantId: 'proj-7' });
    assert.equal(s.projectId, 'u-9');
    assert.equal(s.userId, 'u-9');
    const { http: http2 } = recordingHttp(() => ({ status: 200, body: { access: { token: { id: 'tok', expires: inAnHour(), tenant: { id: 't-1' } }, user: { id: 'u-9' } } } }));
    const s2 = await new Identity(http2, { keystoneUrl: 'https://astakos/identity/v2.0', version: 'v2.0', scopeToProject: true, cacheSize: 10 }).session('tok');
    assert.deepEqual([s2.projectId, s2.userId], ['t-1', 'u-9']);
  });
});

describe('openstack clients: errors without an HTTP answer, and rate limits', () => {
  it('a broken connection names its code', () => {
    assert.equal(errorForTransport('nova', Object.assign(new Error('socket'), { code: 'ECONNRESET' }), 1_000).message, 'nova broke the connection (ECONNRESET)');
    assert.equal(errorForTransport('nova', new Error('socket'), 1_000).message, 'nova broke the connection');
  });

  it("undici's headers timeout is a timeout (504)", () => {
    const err = new Error('fetch failed', { cause: Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) });
    assert.equal(errorForTransport('nova', err, 2_000).status, 504);
  });

  it('a code is looked for at most five causes deep', () => {
    let err: Error = Object.assign(new Error('root'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 5; i++) err = new Error(`wrap ${i}`, { cause: err });
    assert.equal(errorForTransport('nova', err, 1_000).message, 'nova broke the connection');
    assert.equal(errorForTransport('nova', (err as { cause: Error }).cause, 1_000).status, 503);
  });

  it('a fractional retryAfter is rounded up', () => {
    const e = errorForStatus({ service: 'nova', status: 429, body: '{"overLimit": {"message": "Rate limit", "retryAfter": "2.5"}}', secrets: [], challenge: '' });
    assert.equal(e.headers?.['Retry-After'], '3');
  });

  it("an overLimit answer is the cloud's quota even in words that do not say quota", () => {
    const e = errorForStatus({ service: 'cinder', status: 413, body: '{"overLimit": {"message": "VolumeSizeExceedsLimit: too large", "code": 413}}', secrets: [], challenge: '' });
    assert.equal(e.status, 413);
    assert.match(e.message, /^over the cloud's quota/);
  });
});

describe('openstack clients: service wrappers', () => {
  const page = (key: string, items: unknown[], next?: string): Answer => ({
    status: 200,
    body: { [key]: items, [`${key}_links`]: [{ rel: 'self', href: 'https://nova/v2.1/self' }, ...(next ? [{ rel: 'next', href: next }] : [])] },
  });

  it('follows the "next" link of a listing, not its other links, and reads no page past what was asked', async () => {
    const { http, calls } = recordingHttp((c) =>
      c.url.includes('marker=b') ? page('servers', [{ id: 'c' }, { id: 'd' }]) : page('servers', [{ id: 'a' }, { id: 'b' }], 'https://nova/v2.1/servers?marker=b'),
    );
    const nova = new Nova(http, 'https://nova/v2.1', 'tok', undefined);
    assert.deepEqual((await nova.listServerRefs()).map((s) => s.id), ['a', 'b', 'c', 'd']);
    assert.deepEqual(calls.map((c) => c.url), ['https://nova/v2.1/servers', 'https://nova/v2.1/servers?marker=b']);
    calls.length = 0;
    assert.deepEqual((await nova.listServerRefs({ limit: 2 })).map((s) => s.id), ['a', 'b']);
    assert.equal(calls.length, 1, 'two items asked, two on the first page: no second page read');
  });

  it('Glance: images are listed 200 a page; an image it does not know (404) or an id it refuses (400) is no image, whatever the error body', async () => {
    const { http, calls } = recordingHttp((c) =>
      c.url.endsWith('/images/nope') ? { status: 404, body: { code: 404, message: 'No image found with ID nope' } }
      : c.url.endsWith('/images/bad%20id') ? { status: 400, body: { code: 400, message: 'Invalid image id' } }
      : { status: 200, body: { images: [] } });
    const glance = new Glance(http, 'https://glance/v2', 'tok');
    await glance.listImages();
    assert.equal(calls[0]!.url, 'https://glance/v2/images?limit=200');
    assert.equal(await glance.getImage('nope'), undefined, 'the error document is no image');
    assert.equal(await glance.getImage('bad id'), undefined);
  });

  it('Nova: a device or a fixed address is asked for only when given', async () => {
    const { http, calls } = recordingHttp(() => ({ status: 200, body: { volumeAttachment: { volumeId: 'v' }, interfaceAttachment: { port_id: 'p', net_id: 'n' } } }));
    const nova = new Nova(http, 'https://nova/v2.1', 'tok', '2.90');
    await nova.attachVolume('s', 'v', '/dev/vdc');
    await nova.attachVolume('s', 'v', undefined);
    await nova.attachInterface('s', 'n', '192.0.2.9');
    await nova.attachInterface('s', 'n', undefined);
    assert.deepEqual(calls.map((c) => c.body), [
      { volumeAttachment: { volumeId: 'v', device: '/dev/vdc' } },
      { volumeAttachment: { volumeId: 'v' } },
      { interfaceAttachment: { net_id: 'n', fixed_ips: [{ ip_address: '192.0.2.9' }] } },
      { interfaceAttachment: { net_id: 'n' } },
    ]);
  });

  it('Nova: microversion 2.47, the lowest the mapping needs, is enough', async () => {
    const { http } = recordingHttp(() => ({ status: 200, body: { version: { version: '2.47' } } }));
    assert.equal(await negotiateMicroversion(http, 'https://nova/v2.1', 'tok'), '2.47');
    const { http: old } = recordingHttp(() => ({ status: 200, body: { version: { version: '2.46' } } }));
    await assert.rejects(negotiateMicroversion(old, 'https://nova/v2.1', 'tok'), (e: OcciError) => e.status === 502 && /2\.47 or newer/.test(e.message));
  });

  it('Neutron: the filters asked for are applied again to the answer (Cyclades reads none of them), and a gone network is not found', async () => {
    const port = (id: string, device: string, network: string): unknown => ({ id, device_id: device, network_id: network });
    const { http } = recordingHttp((c) => {
      if (c.url.includes('/subnets')) return { status: 200, body: { subnets: [{ id: 's1', network_id: 'n1' }, { id: 's2', network_id: 'n2' }] } };
      if (c.url.includes('/ports')) return { status: 200, body: { ports: [port('p1', 'vm1', 'n1'), port('p2', 'vm2', 'n1'), port('p3', 'vm1', 'n2')] } };
      if (c.url.includes('/floatingips')) return { status: 200, body: { floatingips: [{ id: 'f1', port_id: 'p1' }, { id: 'f2', port_id: 'p9' }, { id: 'f3', port_id: null }] } };
      return { status: 200, body: { network: { id: 'n1', status: 'DELETED' } } };
    });
    const neutron = new Neutron(http, 'https://neutron/v2.0', 'tok', (n) => n.status === 'DELETED');
    assert.deepEqual((await neutron.listSubnets(['n1'])).map((s) => s.id), ['s1']);
    assert.deepEqual((await neutron.listPorts({ device_id: 'vm1' })).map((p) => p.id), ['p1', 'p3']);
    assert.deepEqual((await neutron.listPorts({ network_id: 'n1' })).map((p) => p.id), ['p1', 'p2']);
    assert.deepEqual((await neutron.listFloatingIps({ port_id: ['p1'] })).map((f) => f.id), ['f1']);
    assert.equal(await neutron.getNetwork('n1'), undefined);
  });

  it('Cinder: the v3 microversion comes from the v3 entry of the version document; a gone volume is not found', async () => {
    const { http } = recordingHttp(() => ({ status: 300, body: { versions: [{ id: 'v2.0', version: '' }, { id: 'v3.0', version: '3.70' }] } }));
    assert.equal(await volumeMicroversion(http, 'https://cinder/v3/proj', 'tok'), '3.70');
    const { http: none } = recordingHttp(() => ({ status: 300, body: { versions: [{ id: 'v3.0', version: '' }] } }));
    assert.equal(await volumeMicroversion(none, 'https://cinder/v3/proj', 'tok'), undefined);
    const { http: gone } = recordingHttp(() => ({ status: 200, body: { volume: { id: 'v1', status: 'deleted' } } }));
    assert.equal(await new Cinder(gone, 'https://cinder/v3/proj', 'tok', (v) => v.status === 'deleted').getVolume('v1'), undefined);
  });
});
