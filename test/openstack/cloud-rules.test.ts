// Rules of one caller's view of the cloud and of the connector that builds it
// (cloud.ts) that the survivors of the Stryker run over
// src/backends/openstack/*.ts got past (issue 14): what is cached per compute,
// network and volume endpoint and per project, for how long (a capability ten
// minutes, a failed version read one), a failed microversion negotiation
// tried again, no Glance for Synnefo, and the 503 of a missing service. On
// stand-ins for the identity service (a session per token) and the cloud's
// HTTP (recording-http.ts), with a mocked clock where a lifetime is the rule.
import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
import { Cloud, Connector } from '../../src/backends/openstack/cloud.js';
import { OPENSTACK, SYNNEFO, type Dialect } from '../../src/backends/openstack/dialect.js';
import { resolveOptions } from '../../src/backends/openstack/options.js';
import { BoundedCache } from '../../src/backends/openstack/caches/cache.js';
import { SubnetCache } from '../../src/backends/openstack/caches/subnet-cache.js';
import type { Endpoint } from '../../src/backends/openstack/clients/catalog.js';
import type { Identity, Session } from '../../src/backends/openstack/clients/keystone.js';
import type { Neutron } from '../../src/backends/openstack/clients/neutron.js';
import type { Nova } from '../../src/backends/openstack/clients/nova.js';
import { OcciError } from '../../src/errors.js';
import { recordingHttp, refusal, type Answer, type Call } from './recording-http.js';

const endpoint = (type: string, url: string): Endpoint => ({ type, interface: 'public', region: undefined, url });

/** A connector whose identity gives each token the session of `catalogs[token]`. */
function connector(o: { dialect?: Dialect; catalogs: Record<string, Endpoint[]>; answer?: (c: Call) => Answer }) {
  const { http, calls } = recordingHttp(
    o.answer ??
      ((c) =>
        c.service === 'nova' ? { status: 300, body: { version: { version: '2.93' } } } : { status: 300, body: { versions: [{ id: 'v3.0', version: '3.60' }] } }),
  );
  const identity = {
    session: async (token: string): Promise<Session> => ({ token, projectId: `project-${token}`, userId: 'u', expiresAt: Date.now() + 3_600_000, catalog: o.catalogs[token] ?? [] }),
  } as unknown as Identity;
  const c = new Connector(http, identity, o.dialect ?? OPENSTACK, resolveOptions({ keystoneUrl: 'https://keystone/v3' }), new SubnetCache(5_000));
  return { connect: (token: string) => c.connect({ token, tenant: `project-${token}` }), calls };
}

const NOVA = endpoint('compute', 'http://nova/v2.1');
const asked = (calls: Call[], service: string): string[] => calls.filter((c) => c.service === service).map((c) => c.url);

describe('openstack connector: what is negotiated once and what again', () => {
  afterEach(() => mock.timers.reset());

  test('the compute microversion is negotiated once per compute endpoint, not on every call', async () => {
    // 205
    const { connect, calls } = connector({ catalogs: { a: [NOVA], b: [NOVA] } });
    assert.equal((await connect('a')).microversion, '2.90');
    assert.equal((await connect('b')).microversion, '2.90');
    assert.equal((await connect('a')).microversion, '2.90');
    assert.deepEqual(asked(calls, 'nova'), ['http://nova/v2.1/']);
  });

  test('a failed microversion negotiation is tried again on the next call, which then succeeds', async () => {
    // 208
    let version = '2.1';
    const { connect, calls } = connector({ catalogs: { a: [NOVA] }, answer: () => ({ status: 300, body: { version: { version } } }) });
    const first = await refusal(connect('a'));
    assert.equal(first.status, 502);
    version = '2.93';
    assert.equal((await connect('a')).microversion, '2.90');
    assert.deepEqual(asked(calls, 'nova'), ['http://nova/v2.1/', 'http://nova/v2.1/']);
  });

  test("Synnefo's images come from compute: no Glance client even when the catalog lists an image endpoint, and no microversion", async () => {
    // 182
    const catalog = [NOVA, endpoint('image', 'http://glance')];
    const synnefo = await connector({ dialect: SYNNEFO, catalogs: { a: catalog } }).connect('a');
    assert.equal(synnefo.glance, undefined);
    assert.equal(synnefo.microversion, undefined);
    const openstack = await connector({ catalogs: { a: catalog } }).connect('a');
    assert.equal(openstack.glance?.base, 'http://glance/v2');
  });

  test("one block-storage version read serves every endpoint under the same /v3 root, with or without the project's id after it", async () => {
    // 193, 194
    const { connect, calls } = connector({
      catalogs: { a: [NOVA, endpoint('block-storage', 'http://cinder/v3')], b: [NOVA, endpoint('block-storage', 'http://cinder/v3/p2')] },
    });
    assert.equal(await (await connect('a')).extendInUseMicroversion(), '3.42');
    assert.equal(await (await connect('b')).extendInUseMicroversion(), '3.42');
    assert.deepEqual(asked(calls, 'cinder'), ['http://cinder/v3/']);
  });

  test('the block-storage version read is trusted for 10 minutes, then read again', async () => {
    // 108
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const { connect, calls } = connector({ catalogs: { a: [NOVA, endpoint('block-storage', 'http://cinder/v3/p1')] } });
    const cloud = await connect('a');
    assert.equal(await cloud.extendInUseMicroversion(), '3.42');
    mock.timers.tick(10 * 60_000 - 1);
    assert.equal(await cloud.extendInUseMicroversion(), '3.42');
    assert.equal(asked(calls, 'cinder').length, 1, 'within 10 minutes: not read again');
    mock.timers.tick(1);
    assert.equal(await cloud.extendInUseMicroversion(), '3.42');
    assert.equal(asked(calls, 'cinder').length, 2, 'after 10 minutes: read again');
  });

  test('a failed block-storage version read counts as none for one minute, then is tried again', async () => {
    // 202 (200 is equivalent: `'failed' in v` holds whatever failed's value)
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    let fail = true;
    const { connect, calls } = connector({
      catalogs: { a: [NOVA, endpoint('block-storage', 'http://cinder/v3/p1')] },
      answer: (c) => {
        if (c.service === 'nova') return { status: 300, body: { version: { version: '2.93' } } };
        if (fail) throw new OcciError(502, 'the block-storage service answered 500');
        return { status: 300, body: { versions: [{ id: 'v3.0', version: '3.60' }] } };
      },
    });
    const cloud = await connect('a');
    assert.equal(await cloud.extendInUseMicroversion(), undefined);
    fail = false;
    mock.timers.tick(60_000 - 1);
    assert.equal(await cloud.extendInUseMicroversion(), undefined, 'within a minute of the failure: none, not read again');
    assert.equal(asked(calls, 'cinder').length, 1);
    mock.timers.tick(1);
    assert.equal(await cloud.extendInUseMicroversion(), '3.42', 'a minute later: read again');
    assert.equal(asked(calls, 'cinder').length, 2);
  });
});

describe("openstack: one caller's view of the cloud, what it caches under which key", () => {
  const view = (o: { project?: string; nova?: string; neutron?: Neutron; capabilities?: BoundedCache<boolean>; subnets?: SubnetCache; hasKeypairs?: () => Promise<boolean> }): Cloud =>
    new Cloud(
      { token: 't', projectId: o.project ?? 'p1', userId: 'u', expiresAt: Date.now() + 60_000, catalog: [] } as Session,
      SYNNEFO,
      { base: o.nova ?? 'http://nova/v2.1', hasKeypairs: o.hasKeypairs ?? (async () => true) } as unknown as Nova,
      o.neutron,
      undefined,
      undefined,
      o.project ?? 'p1',
      undefined,
      o.subnets ?? new SubnetCache(5_000),
      o.capabilities ?? new BoundedCache<boolean>(10),
    );

  test("where keypairs are probed, the answer is kept 10 minutes per compute endpoint", async () => {
    // 108, 137
    let clock = 0;
    const capabilities = new BoundedCache<boolean>(10, () => clock);
    const probes: string[] = [];
    const probing = (base: string, answer: boolean) => async () => (probes.push(base), answer);
    const a = view({ nova: 'http://a/v2.1', capabilities, hasKeypairs: probing('a', true) });
    const b = view({ nova: 'http://b/v2.1', capabilities, hasKeypairs: probing('b', false) });
    assert.equal(await a.keypairsSupported(), true);
    assert.equal(await b.keypairsSupported(), false, "another compute endpoint is probed, not answered from the first one's probe");
    clock += 10 * 60_000 - 1;
    assert.equal(await a.keypairsSupported(), true);
    assert.deepEqual(probes, ['a', 'b']);
    clock += 1;
    assert.equal(await a.keypairsSupported(), true);
    assert.deepEqual(probes, ['a', 'b', 'a'], 'probed again after 10 minutes');
  });

  test('subnets are cached per project and network endpoint: neither another project nor another Neutron is answered from them', async () => {
    // 148, 149
    const subnets = new SubnetCache(60_000);
    const listed: string[] = [];
    const neutron = (base: string) => ({ base, listSubnets: async () => (listed.push(base), [{ id: `subnet-of-${base}` }]) }) as unknown as Neutron;
    const n1 = neutron('http://n1/v2.0');
    const n2 = neutron('http://n2/v2.0');
    const ids = async (c: Cloud) => (await c.subnets()).map((s) => s.id);
    assert.deepEqual(await ids(view({ project: 'p1', neutron: n1, subnets })), ['subnet-of-http://n1/v2.0']);
    assert.deepEqual(await ids(view({ project: 'p2', neutron: n1, subnets })), ['subnet-of-http://n1/v2.0']);
    assert.deepEqual(await ids(view({ project: 'p1', neutron: n2, subnets })), ['subnet-of-http://n2/v2.0']);
    assert.deepEqual(await ids(view({ project: 'p1', neutron: n1, subnets })), ['subnet-of-http://n1/v2.0']);
    assert.deepEqual(listed, ['http://n1/v2.0', 'http://n1/v2.0', 'http://n2/v2.0']);
  });

  test("a cloud without a network or block-storage endpoint answers 503 saying which the catalog lacks", () => {
    // 156
    const cloud = view({});
    assert.throws(() => cloud.neutron, { status: 503, message: "the cloud's catalog has no network endpoint" });
    assert.throws(() => cloud.cinder, { status: 503, message: "the cloud's catalog has no block-storage endpoint" });
  });

  test("the cache key of what a project sees at a compute endpoint names both", () => {
    // 171: read by the template, zone and group caches
    assert.equal(view({ project: 'p7', nova: 'http://nova-2/v2.1' }).scopeKey, 'p7|http://nova-2/v2.1');
  });
});
