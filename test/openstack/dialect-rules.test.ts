// Rules of the OpenStack and Synnefo dialects (dialect.ts) that the survivors
// of the Stryker run over src/backends/openstack/*.ts got past (issue 14):
// what each cloud is asked and how its answers are read, Synnefo's releases,
// what Synnefo never does and the words that say so, things Synnefo still
// answers for after deleting them. Pure: the dialects' own answers, each of
// which a service reads (cited) to decide what to send or show.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPENSTACK, SYNNEFO, dialectFor, hostnameIsTheClouds, refuseUnsupported, synnefoDialect, unsupportedActions } from '../../src/backends/openstack/dialect.js';
import type { CinderVolume } from '../../src/backends/openstack/clients/cinder.js';
import type { NeutronNetwork } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaServer } from '../../src/backends/openstack/clients/nova.js';

const server = (o: Record<string, unknown>): NovaServer => ({ id: 's1', name: 'vm', status: 'ACTIVE', ...o }) as unknown as NovaServer;
const volume = (o: Record<string, unknown>): CinderVolume => ({ id: 'v1', size: 1, status: 'available', ...o }) as unknown as CinderVolume;
const network = (o: Record<string, unknown>): NeutronNetwork => ({ id: 'n1', name: 'net', status: 'ACTIVE', ...o }) as unknown as NeutronNetwork;

describe('the OpenStack dialect', () => {
  test("messages name the cloud 'OpenStack'", () => {
    // 211; read by compute-update, mixin-deletion, storage-service, network-service messages.
    assert.equal(OPENSTACK.label, 'OpenStack');
    assert.equal(SYNNEFO.label, 'Synnefo');
    assert.equal(hostnameIsTheClouds(SYNNEFO), "Synnefo names a compute's host itself (SNF:fqdn, after the compute's id); leave occi.compute.hostname out");
  });

  test("Cinder's microversions are negotiated, snapshots offered as snapshot_tpl, subnets changed in place", () => {
    // 213, 215, 231: cloud.ts (volume version), storage-actions/snapshot-cache (snapshot_tpl), network-service (gateway change).
    assert.equal(OPENSTACK.volumeMicroversions, true);
    assert.equal(OPENSTACK.snapshotTemplates, true);
    assert.equal(OPENSTACK.subnetsMutable, true);
  });

  test('listings page with the services\' own limit and marker; volumes may exist without a server', () => {
    // 215 (listing.ts pages natively), 231 (storage-service creates a volume on its own)
    assert.equal(OPENSTACK.nativePaging, true);
    assert.equal(OPENSTACK.detachedVolumes, true);
  });

  test("a start is Nova's os-start; a create without networks says networks: 'none'", () => {
    // 217, 224
    assert.deepEqual(OPENSTACK.startAction, { 'os-start': null });
    assert.deepEqual(OPENSTACK.stopAction, { 'os-stop': null });
    assert.equal(OPENSTACK.noNetworks, 'none');
  });

  test("a server's host name is Nova's OS-EXT-SRV-ATTR:hostname, none when Nova shows none", () => {
    // 235
    assert.equal(OPENSTACK.hostname(server({ 'OS-EXT-SRV-ATTR:hostname': 'vm-1' })), 'vm-1');
    assert.equal(OPENSTACK.hostname(server({ 'OS-EXT-SRV-ATTR:hostname': null })), undefined);
    assert.equal(OPENSTACK.hostname(server({})), undefined);
  });

  test('a server Nova still returns as DELETED is gone; an active one is not', () => {
    // 240, 242
    assert.equal(OPENSTACK.serverGone(server({ status: 'DELETED' })), true);
    assert.equal(OPENSTACK.serverGone(server({ status: 'ACTIVE' })), false);
    assert.equal(OPENSTACK.serverGone(server({ status: '' })), false);
  });

  test("a snapshot is asked for by name and forced (Cinder refuses an attached volume's otherwise)", () => {
    // 250
    assert.deepEqual(OPENSTACK.snapshotFields('daily'), { name: 'daily', force: true });
    assert.deepEqual(OPENSTACK.volumeName('data'), { name: 'data' });
  });

  test('OpenStack refuses no action and hides none', () => {
    assert.deepEqual(OPENSTACK.cannot, {});
    for (const kind of ['compute', 'network', 'storage']) assert.deepEqual(unsupportedActions(OPENSTACK, kind), []);
    assert.equal(refuseUnsupported(OPENSTACK, 'compute', 'suspend'), undefined);
  });

  test('dialectFor: synnefo gives the Synnefo dialect of the release, anything else OpenStack', () => {
    assert.equal(dialectFor('openstack'), OPENSTACK);
    assert.equal(dialectFor('synnefo', '0.16').detachedVolumes, false);
    assert.equal(dialectFor('synnefo').contextualization.keys, 'probe');
  });
});

describe('the Synnefo dialect', () => {
  test('Synnefo has no compute or volume microversions, no snapshot_tpl, no native paging, and a project only tags creations', () => {
    // 275, 276, 277, 278, 279
    for (const d of [SYNNEFO, synnefoDialect('0.20')]) {
      assert.equal(d.microversions, false);
      assert.equal(d.volumeMicroversions, false);
      assert.equal(d.snapshotTemplates, false);
      assert.equal(d.nativePaging, false);
      assert.equal(d.scopeTokenToProject, false);
    }
  });

  test('Synnefo offers no zones or security groups and cannot change a subnet in place', () => {
    // 284, 302
    assert.equal(SYNNEFO.zonesAndGroups, false);
    assert.equal(SYNNEFO.subnetsMutable, false);
  });

  test('volumes without a server: not on 0.16, from 0.17 on, and left to the cloud when the release is auto', () => {
    // 257, 258, 303, 304, 305
    assert.equal(synnefoDialect('0.16').detachedVolumes, false);
    assert.equal(synnefoDialect('0.17').detachedVolumes, true);
    assert.equal(synnefoDialect('0.18').detachedVolumes, true);
    assert.equal(synnefoDialect('0.20').detachedVolumes, true);
    assert.equal(synnefoDialect('auto').detachedVolumes, undefined);
  });

  test('what Synnefo never does is refused with 400 in words that say what to do instead', () => {
    // 311-318
    const refusal = (kind: string, action: string): { status?: number; message: string } => {
      try {
        refuseUnsupported(SYNNEFO, kind, action);
      } catch (e) {
        return e as { status?: number; message: string };
      }
      assert.fail(`${kind}.${action} was not refused`);
    };
    const expected: [string, string, string][] = [
      ['compute', 'suspend', 'Synnefo cannot suspend a compute; stop it instead'],
      ['compute', 'save', 'Synnefo cannot save a compute as an OS template; snapshot its storage instead'],
      ['compute', 'rebuild', 'Synnefo cannot rebuild a compute from another os_tpl; create a new compute from it instead'],
      ['network', 'up', 'Synnefo networks have no administrative state: they are up while they exist'],
      ['network', 'down', 'Synnefo networks have no administrative state: unlink the computes instead, or delete the network'],
      ['storage', 'resize', 'Synnefo cannot resize a volume; create a larger storage instead'],
      ['storage', 'backup', 'Synnefo has no volume backups; use the snapshot action instead'],
    ];
    for (const [kind, action, message] of expected) {
      const e = refusal(kind, action);
      assert.equal(e.status, 400);
      assert.equal(e.message, message);
    }
    assert.equal(Object.keys(SYNNEFO.cannot).length, expected.length);
    assert.equal(refuseUnsupported(SYNNEFO, 'compute', 'start'), undefined);
  });

  test("R56: a compute hides only its own kind's refused actions (not storage resize: a compute has its own resize)", () => {
    // 419, 422
    assert.deepEqual(unsupportedActions(SYNNEFO, 'compute'), ['suspend', 'save']); // rebuild is no OCCI compute action: nothing to hide
    assert.deepEqual(unsupportedActions(SYNNEFO, 'network'), ['up', 'down']);
    assert.deepEqual(unsupportedActions(SYNNEFO, 'storage'), ['resize', 'backup']);
    assert.deepEqual(unsupportedActions(SYNNEFO, 'link'), []);
  });

  test("a refusal for one kind hides nothing of another kind, even an action of the same term", () => {
    // 419, 422: the three kinds' names are all seven letters long, so only a term both kinds have tells.
    const d = { ...SYNNEFO, cannot: { 'storage.start': 'no start here' } };
    assert.deepEqual(unsupportedActions(d, 'compute'), []);
    assert.deepEqual(unsupportedActions(d, 'storage'), []);
    assert.throws(() => refuseUnsupported(d, 'storage', 'start'), { status: 400, message: 'no start here' });
    assert.equal(refuseUnsupported(d, 'compute', 'start'), undefined);
  });

  test('R54: a server Synnefo marks deleted is gone whatever its status, and so is one whose status is DELETED', () => {
    // 337, 338, 341, 343
    assert.equal(SYNNEFO.serverGone(server({ deleted: true, status: 'ACTIVE' })), true);
    assert.equal(SYNNEFO.serverGone(server({ deleted: false, status: 'DELETED' })), true);
    assert.equal(SYNNEFO.serverGone(server({ status: 'DELETED' })), true);
    assert.equal(SYNNEFO.serverGone(server({ deleted: false, status: 'ACTIVE' })), false);
    assert.equal(SYNNEFO.serverGone(server({ status: '' })), false);
  });

  test('R54: a volume Synnefo marks deleted is gone whatever its status, and so is one whose status is deleted', () => {
    // 352, 356
    assert.equal(SYNNEFO.volumeGone(volume({ deleted: true, status: 'in_use' })), true);
    assert.equal(SYNNEFO.volumeGone(volume({ status: 'deleted' })), true);
    assert.equal(SYNNEFO.volumeGone(volume({ status: 'DELETED' })), true);
    assert.equal(SYNNEFO.volumeGone(volume({ status: 'available' })), false);
  });

  test('R54: a network Synnefo marks deleted is gone whatever its status, and so is one whose status is DELETED', () => {
    // 362, 363, 366, 368
    assert.equal(SYNNEFO.networkGone(network({ deleted: true, status: 'ACTIVE' })), true);
    assert.equal(SYNNEFO.networkGone(network({ deleted: false, status: 'DELETED' })), true);
    assert.equal(SYNNEFO.networkGone(network({ status: 'DELETED' })), true);
    assert.equal(SYNNEFO.networkGone(network({ status: 'ACTIVE' })), false);
    assert.equal(SYNNEFO.networkGone(network({ status: '' })), false);
  });

  test('Astakos: an identity version of auto speaks v2.0; one configured is kept', () => {
    // 370
    assert.equal(SYNNEFO.identityVersion('auto'), 'v2.0');
    assert.equal(SYNNEFO.identityVersion('v3'), 'v3');
    assert.equal(SYNNEFO.identityVersion('v2.0'), 'v2.0');
  });

  test("a caller's own user id is a project they may name (their personal project), even when Astakos does not list it", () => {
    // 396
    assert.equal(SYNNEFO.checkProject('u1', { userId: 'u1', projects: ['p1'] }), undefined);
    assert.equal(SYNNEFO.checkProject('p1', { userId: 'u1', projects: ['p1'] }), undefined);
    assert.equal(SYNNEFO.checkProject(undefined, { userId: 'u1', projects: ['p1'] }), undefined);
    assert.equal(SYNNEFO.checkProject('p9', { userId: 'u1' }), undefined);
    assert.throws(() => SYNNEFO.checkProject('p9', { userId: 'u1', projects: ['p1'] }), { status: 403 });
  });
});
