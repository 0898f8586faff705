// What each service wrapper asks its service: the rules that mutants of
// src/backends/openstack/clients/ (nova.ts, neutron.ts, cinder.ts, glance.ts,
// keystone-login.ts) got past in the first Stryker run over clients/
// (docs/testing.md). The service each request is made as (its errors and
// metrics say it), paths, bodies, page queries, lookups that answer nothing,
// the records a dialect says are gone, and microversion negotiation. On a
// recording stand-in for the HTTP client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cinder, volumeMicroversion } from '../../src/backends/openstack/clients/cinder.js';
import { Glance } from '../../src/backends/openstack/clients/glance.js';
import { passwordToken } from '../../src/backends/openstack/clients/keystone-login.js';
import { Neutron } from '../../src/backends/openstack/clients/neutron.js';
import { negotiateMicroversion, Nova } from '../../src/backends/openstack/clients/nova.js';
import { OcciError } from '../../src/errors.js';
import { recordingHttp, type Answer, type Call } from './recording-http.js';

/** Answers each call with the body `bodies` gives for its method and path (from the base), else 200 {}. */
const answering = (bodies: Record<string, unknown> = {}, status = 200) =>
  recordingHttp((c: Call): Answer => {
    const path = c.url.replace(/^https:\/\/[^/]+\/[^/]+\/v[\d.]+\//, '');
    const key = `${c.method} ${path}`;
    return key in bodies ? { status, body: bodies[key] } : { status, body: {} };
  });
const seen = (calls: Call[]) => calls.map((c) => `${c.service} ${c.method} ${c.url}`);

describe('openstack service wrappers: requests', () => {
  it('Glance, Neutron, Nova and Cinder calls are made as those services', async () => {
    const { http, calls } = answering({ 'GET images?limit=200': { images: [] }, 'GET networks': { networks: [] }, 'GET flavors/detail': { flavors: [] }, 'GET snapshots/detail': { snapshots: [] } });
    await new Glance(http, 'https://c/image/v2', 't').listImages();
    await new Neutron(http, 'https://c/network/v2.0', 't').listNetworks();
    await new Nova(http, 'https://c/compute/v2.1', 't', '2.90').listFlavors();
    await new Cinder(http, 'https://c/volume/v3', 't').listSnapshots();
    assert.deepEqual(seen(calls), [
      'glance GET https://c/image/v2/images?limit=200',
      'neutron GET https://c/network/v2.0/networks',
      'nova GET https://c/compute/v2.1/flavors/detail',
      'cinder GET https://c/volume/v3/snapshots/detail',
    ]);
  });

  it("Cinder: a page of volumes in id order; an update's body; an extend with its microversion; a forced backup; a backup's deletion", async () => {
    const { http, calls } = answering({ 'GET volumes/detail?sort=id%3Aasc&limit=2&marker=v1': { volumes: [] }, 'PUT volumes/v1': { volume: { id: 'v1' } }, 'POST backups': { backup: { id: 'b1' } } });
    const cinder = new Cinder(http, 'https://c/volume/v3', 't');
    await cinder.listVolumes({ limit: 2, marker: 'v1' });
    await cinder.updateVolume('v1', { name: 'data' });
    await cinder.extendVolume('v1', 5, '3.42');
    await cinder.createBackup('v1', 'nightly');
    await cinder.deleteBackup('b1');
    assert.deepEqual(seen(calls), [
      'cinder GET https://c/volume/v3/volumes/detail?sort=id%3Aasc&limit=2&marker=v1',
      'cinder PUT https://c/volume/v3/volumes/v1',
      'cinder POST https://c/volume/v3/volumes/v1/action',
      'cinder POST https://c/volume/v3/backups',
      'cinder DELETE https://c/volume/v3/backups/b1',
    ]);
    assert.deepEqual(calls[1]!.body, { volume: { name: 'data' } });
    assert.deepEqual(calls[2]!.headers, { 'OpenStack-API-Version': 'volume 3.42' });
    assert.deepEqual(calls[3]!.body, { backup: { volume_id: 'v1', name: 'nightly', force: true } });
  });

  it("Cinder's microversion is read from the v3 root's version document, listed or single; a v2 endpoint asks nothing", async () => {
    const single = recordingHttp(() => ({ status: 200, body: { version: { id: 'v3.0', version: '3.70' } } }));
    assert.equal(await volumeMicroversion(single.http, 'https://c/volume/v3/p1', 't'), '3.70');
    assert.deepEqual(seen(single.calls), ['cinder GET https://c/volume/v3/']);
    const listed = recordingHttp(() => ({ status: 300, body: { versions: [{ id: 'v2.0' }, { id: 'v3.0', version: '3.60' }] } }));
    assert.equal(await volumeMicroversion(listed.http, 'https://c/volume/v3', 't'), '3.60');
    const v2 = recordingHttp(() => ({ status: 200, body: {} }));
    assert.equal(await volumeMicroversion(v2.http, 'https://c/volume/v2/p1', 't'), undefined);
    assert.equal(v2.calls.length, 0);
  });

  it('Nova: a volume attachment read (none: undefined), an interface attached and detached at their paths', async () => {
    const { http, calls } = answering({ 'POST servers/s1/os-interface': { interfaceAttachment: { port_id: 'p1' } } });
    const nova = new Nova(http, 'https://c/compute/v2.1', 't', undefined);
    await nova.attachInterface('s1', 'n1', undefined);
    await nova.detachInterface('s1', 'p1');
    assert.deepEqual(seen(calls), ['nova POST https://c/compute/v2.1/servers/s1/os-interface', 'nova DELETE https://c/compute/v2.1/servers/s1/os-interface/p1']);
    const att = answering({ 'GET servers/s1/os-volume_attachments/v1': { volumeAttachment: { id: 'a1', volumeId: 'v1' } } });
    assert.deepEqual(await new Nova(att.http, 'https://c/compute/v2.1', 't', undefined).getVolumeAttachment('s1', 'v1'), { id: 'a1', volumeId: 'v1' });
    for (const status of [400, 404]) {
      assert.equal(await new Nova(answering({}, status).http, 'https://c/compute/v2.1', 't', undefined).getVolumeAttachment('s1', 'v1'), undefined, String(status));
    }
  });

  it('Neutron: a page of networks in id order; subnets of some networks asked by network; a port or floating IP answered 400 is none', async () => {
    const { http, calls } = answering({ 'GET networks?sort_key=id&sort_dir=asc&limit=2&marker=n1': { networks: [] }, 'GET subnets?network_id=n1&network_id=n2': { subnets: [] } });
    const neutron = new Neutron(http, 'https://c/network/v2.0', 't');
    await neutron.listNetworks({ limit: 2, marker: 'n1' });
    await neutron.listSubnets(['n1', 'n2']);
    assert.deepEqual(seen(calls), ['neutron GET https://c/network/v2.0/networks?sort_key=id&sort_dir=asc&limit=2&marker=n1', 'neutron GET https://c/network/v2.0/subnets?network_id=n1&network_id=n2']);
    const port = answering({ 'GET ports/p1': { port: { id: 'p1' } } });
    assert.deepEqual(await new Neutron(port.http, 'https://c/network/v2.0', 't').getPort('p1'), { id: 'p1' });
    assert.deepEqual(seen(port.calls), ['neutron GET https://c/network/v2.0/ports/p1']);
    const refused = new Neutron(answering({}, 400).http, 'https://c/network/v2.0', 't');
    assert.equal(await refused.getPort('p1'), undefined);
    assert.equal(await refused.getFloatingIp('f1'), undefined);
  });
});

describe('openstack service wrappers: records that are gone', () => {
  it('servers, networks and volumes the dialect says are gone are neither listed nor found; by default none is', async () => {
    const bodies = {
      'GET servers/detail': { servers: [{ id: 's1', status: 'ACTIVE' }, { id: 's2', status: 'DELETED' }] },
      'GET servers/s2': { server: { id: 's2', status: 'DELETED' } },
      'GET networks': { networks: [{ id: 'n1', status: 'ACTIVE' }, { id: 'n2', status: 'DELETED' }] },
      'GET volumes/detail': { volumes: [{ id: 'v1', status: 'available' }, { id: 'v2', status: 'deleted' }] },
    };
    const { http } = answering(bodies);
    const gone = (r: { status: string }): boolean => r.status.toUpperCase() === 'DELETED';
    assert.deepEqual((await new Nova(http, 'https://c/compute/v2.1', 't', undefined, gone).listServers()).map((s) => s.id), ['s1']);
    assert.equal(await new Nova(http, 'https://c/compute/v2.1', 't', undefined, gone).getServer('s2'), undefined);
    assert.deepEqual((await new Neutron(http, 'https://c/network/v2.0', 't', gone as never).listNetworks()).map((n) => n.id), ['n1']);
    assert.deepEqual((await new Cinder(http, 'https://c/volume/v3', 't', gone as never).listVolumes()).map((v) => v.id), ['v1']);
    assert.equal((await new Nova(http, 'https://c/compute/v2.1', 't', undefined).listServers()).length, 2);
    assert.equal((await new Neutron(http, 'https://c/network/v2.0', 't').listNetworks()).length, 2);
    assert.equal((await new Cinder(http, 'https://c/volume/v3', 't').listVolumes()).length, 2);
  });
});

describe('openstack service wrappers: Nova microversions and Keystone sign-in', () => {
  it("a compute API naming no microversion is a 502 saying none; one below the minimum says which it has", async () => {
    const none = await negotiateMicroversion(recordingHttp(() => ({ status: 200, body: { version: {} } })).http, 'https://c/compute/v2.1', 't').catch((e: OcciError) => e);
    assert.ok(none instanceof OcciError);
    assert.deepEqual([none.status, none.message], [502, 'the compute API offers microversion none; 2.47 or newer is needed']);
    const { http, calls } = recordingHttp(() => ({ status: 200, body: { version: { version: '2.93' } } }));
    assert.equal(await negotiateMicroversion(http, 'https://c/compute/v2.1', 't'), '2.90');
    assert.deepEqual(seen(calls), ['nova GET https://c/compute/v2.1/']);
  });

  it('a password sign-in is made as keystone; a v3 answer of 200 is taken like 201', async () => {
    const { http, calls } = recordingHttp(() => ({ status: 200, body: { token: {} }, headers: { 'x-subject-token': 'tok' } }));
    assert.equal((await passwordToken(http, 'https://ks', 'v3', { username: 'a', password: 'secret-pw' }, 'c')).token, 'tok');
    const v2 = recordingHttp(() => ({ status: 200, body: { access: { token: { id: 'tok2' } } } }));
    await passwordToken(v2.http, 'https://ks', 'v2.0', { username: 'a', password: 'secret-pw' }, 'c');
    assert.deepEqual([...seen(calls), ...seen(v2.calls)], ['keystone POST https://ks/v3/auth/tokens', 'keystone POST https://ks/v2.0/tokens']);
  });
});
