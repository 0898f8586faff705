// Rules of the OpenStack services that hand-planted mutants of
// src/backends/openstack/services/ got past on the quick files of
// test/openstack/ (docs/testing.md): the settled test of an action, the 504 of
// an unfinished deletion, what an action reads and refuses before it asks
// Nova, stopping a suspended compute, and the attributes an update may carry
// unchanged. On the fake world (fake-world.ts) where a cloud is needed.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { isSettled } from '../../src/backends/openstack/services/compute-actions.js';
import { untilGone } from '../../src/backends/openstack/services/wait.js';
import { OPENSTACK } from '../../src/backends/openstack/dialect.js';
import { TemplateIndex, type ImageInfo } from '../../src/backends/openstack/mapping/templates.js';
import { checkBase64, planServer, type PlanContext } from '../../src/backends/openstack/services/compute-plan.js';
import { OcciError } from '../../src/errors.js';
import type { ResourceSpec } from '../../src/port/backend.js';
import * as I from '../../src/model/infrastructure.js';
import { rejectsWith, stateOf } from '../backends/contract.js';
import { onFakeOpenStack } from './fake-backend.js';
import { SERVER_ID } from './fake-world.js';

describe('openstack services: waiting', () => {
  it('R88: a server in its target status is not settled while Nova still runs a task on it', () => {
    assert.equal(isSettled({ id: 's', name: 'vm', status: 'ACTIVE', 'OS-EXT-STS:task_state': 'reboot_pending' }, ['ACTIVE']), false);
    assert.equal(isSettled({ id: 's', name: 'vm', status: 'SHUTOFF', 'SNF:task_state': 'BUILDING' }, ['SHUTOFF']), false);
    assert.equal(isSettled({ id: 's', name: 'vm', status: 'ACTIVE', 'OS-EXT-STS:task_state': null }, ['ACTIVE']), true);
    assert.equal(isSettled({ id: 's', name: 'vm', status: 'ERROR' }, ['ACTIVE']), true, 'an error ends the wait');
    assert.equal(isSettled(undefined, ['ACTIVE']), true, 'so does the server going away');
  });

  it('R72: a deletion the cloud has not finished by the deadline is a 504 giving the deadline in seconds', async () => {
    await assert.rejects(
      untilGone(async () => ({ status: 'deleting' }), { what: 'storage v1', deadlineMs: 250, describe: (v) => `status ${v.status}` }),
      (e: OcciError) => e.status === 504 && / after 0\.3 s \(status deleting\)\. /.test(e.message),
    );
  });
});

describe('openstack services: a compute plan', () => {
  const images: ImageInfo[] = [{ id: 'i1', name: 'debian' }, { id: 'i2', name: 'ubuntu' }];
  const templates = new TemplateIndex(images, [{ id: 'f1', name: 'small', vcpus: 1, ram: 512, disk: 1 }, { id: 'f2', name: 'large', vcpus: 4, ram: 4096, disk: 1 }]);
  const ctx: PlanContext = { templates, dialect: OPENSTACK, project: 'p1', microversion: '2.90', networks: new Map() };
  const spec = (mixins: ResourceSpec['mixins']): ResourceSpec => ({ kind: 'compute', mixins, attributes: {}, links: [] });
  const [debian, ubuntu] = templates.os;
  const [small] = templates.resource;

  it('R103: two os_tpl mixins with one resource_tpl are refused as two resource_tpl are', () => {
    const refused = (e: unknown): boolean => e instanceof OcciError && e.status === 400 && /exactly one os_tpl and one resource_tpl/.test(e.message);
    assert.throws(() => planServer(spec([debian!, ubuntu!, small!]), ctx), refused);
    assert.throws(() => planServer(spec([debian!, small!, templates.resource[1]!]), ctx), refused);
  });

  it('D19: user data whose length is no multiple of four is not Base64', () => {
    assert.throws(() => checkBase64('aGk'), (e: unknown) => e instanceof OcciError && e.status === 400 && /must be Base64 text/.test(e.message));
    assert.equal(checkBase64('aGk='), 'aGk=');
  });
});

describe('openstack services: compute actions and updates on the fake world', () => {
  const f = onFakeOpenStack(5000);

  test('R54: an action on an id the cloud could not have finds no compute, and asks Nova for no server', async () => {
    const from = f.cloud.requests.length;
    assert.equal(await f.backend.get(f.c, 'compute', 'not/an-id', { action: 'start' }), undefined);
    assert.deepEqual(f.cloud.requests.slice(from).map((r) => r.path).filter((p) => p.includes('/servers')), []);
  });

  test('R54: a storage id the cloud could not have is not found without asking Cinder', async () => {
    const from = f.cloud.requests.length;
    assert.equal(await f.backend.get(f.c, 'storage', 'not/an-id'), undefined);
    assert.deepEqual(f.cloud.requests.slice(from).map((r) => r.path).filter((p) => p.includes('/volumes')), []);
  });

  test('R79: a storage action on a compute is refused before Nova is asked', async () => {
    const from = f.cloud.requests.length;
    await rejectsWith(f.backend.action(f.c, 'compute', SERVER_ID, I.STORAGE_ONLINE, {}), 400, /does not apply to a compute/);
    assert.deepEqual(f.cloud.requests.slice(from).filter((r) => r.method === 'POST').map((r) => r.path), []);
  });

  test('stop on a suspended compute wakes it first (resume), then stops it', async () => {
    Object.assign(f.world.server!, { status: 'SUSPENDED' });
    const from = f.cloud.requests.length;
    const { entity } = await f.backend.action(f.c, 'compute', SERVER_ID, I.COMPUTE_STOP, {});
    assert.equal(stateOf(entity), 'inactive');
    const sent = f.cloud.requests.slice(from).filter((r) => r.path.endsWith('/action')).map((r) => Object.keys(r.body as object)[0]);
    assert.deepEqual(sent, ['resume', 'os-stop']);
  });

  test('D19: an update may carry the creation-only attributes as null, and the size attributes unchanged', async () => {
    const current = await f.backend.get(f.c, 'compute', SERVER_ID);
    const cores = current!.attributes['occi.compute.cores'];
    const updated = await f.backend.update(f.c, 'compute', SERVER_ID, {
      attributes: { 'occi.compute.userdata': null, 'occi.credentials.ssh.publickey': null, 'occi.compute.cores': cores ?? null },
      addMixins: [],
      removeMixins: [],
    });
    assert.equal(updated.attributes['occi.compute.cores'], cores);
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, { attributes: { 'occi.compute.userdata': 'aGk=' }, addMixins: [], removeMixins: [] }),
      403,
      /given once, when the compute is created/,
    );
  });

  test('R90: online on a volume Cinder holds offline (not the bridge) is refused: it comes online by itself', async () => {
    Object.assign(f.world.volume, { status: 'awaiting-transfer' });
    await rejectsWith(f.backend.action(f.c, 'storage', 'v1', I.STORAGE_ONLINE, {}), 409, /comes online by itself/);
  });

  test('R90: offline on an attached volume is refused: detach it first', async () => {
    Object.assign(f.world.volume, { status: 'in-use' });
    await rejectsWith(f.backend.action(f.c, 'storage', 'v1', I.STORAGE_OFFLINE, {}), 409, /detach its storagelinks/);
  });

  test('R107: a link from a storage is refused, and a volume taken offline cannot be attached', async () => {
    const link = (source: { kind: 'compute' | 'storage'; id: string }) =>
      f.backend.createLink(f.c, { kind: 'storagelink', source, target: { kind: 'storage', id: 'v1' }, mixins: [], attributes: {} });
    await rejectsWith(link({ kind: 'storage', id: 'v1' }), 400, /must start at a compute, not a storage/);
    Object.assign(f.world.volume, { metadata: { 'snf-occi.offline': 'true' } });
    await rejectsWith(link({ kind: 'compute', id: SERVER_ID }), 409, /offline; bring it online before attaching it/);
  });
});
