// Rules of the OpenStack compute creation, deletion and reads that
// hand-planted mutants of src/backends/openstack/services/ got past on the
// quick files (docs/testing.md): the keypair imported once per key, and an
// import another request made first; a link to a network that does not
// exist; ids the cloud could not have; a record of another compute or
// storage never taken for this one. On the fake world (fake-world.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as I from '../../src/model/infrastructure.js';
import type { ResourceSpec } from '../../src/port/backend.js';
import { rejectsWith } from '../backends/contract.js';
import type { OnFake } from './fake-backend.js';
import { onFakeOpenStack } from './fake-backend.js';
import { SERVER_ID } from './fake-world.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example';

/** A compute of the first os_tpl and resource_tpl the cloud offers. */
async function computeSpec(f: OnFake, attributes: ResourceSpec['attributes'] = {}, links: ResourceSpec['links'] = []): Promise<ResourceSpec> {
  const offered = await f.backend.providerMixins(f.c);
  return { kind: 'compute', mixins: [offered.os[0]!, offered.resource[0]!], attributes, links };
}

const paths = (f: OnFake, from: number, method: string, part: string): string[] =>
  f.cloud.requests.slice(from).filter((r) => r.method === method && r.path.includes(part)).map((r) => r.path);

describe('openstack compute creation on the fake world', () => {
  const f = onFakeOpenStack(5000);

  test('R150: a public key is imported as a Nova keypair once, and later computes with the same key reuse it', async () => {
    await f.backend.createResource(f.c, await computeSpec(f, { 'occi.credentials.ssh.publickey': KEY }));
    await f.backend.createResource(f.c, await computeSpec(f, { 'occi.credentials.ssh.publickey': KEY }));
    assert.equal(f.world.keypairs.names.length, 1, `imported: ${f.world.keypairs.names.join(', ')}`);
    assert.deepEqual(
      f.world.created.map((s) => s.key_name),
      [f.world.keypairs.names[0], f.world.keypairs.names[0]],
    );
  });

  test('R150: a keypair another request imported first (409) is used as it is', async () => {
    f.world.keypairs.importStatus = 409;
    const created = await f.backend.createResource(f.c, await computeSpec(f, { 'occi.credentials.ssh.publickey': KEY }));
    assert.equal(created.id, SERVER_ID);
    assert.match(String(f.world.created[0]!.key_name), /^snf-occi-/);
  });

  test('R52: a key Nova cannot import is its 400, and no server is made', async () => {
    f.world.keypairs.importStatus = 400;
    await rejectsWith(f.backend.createResource(f.c, await computeSpec(f, { 'occi.credentials.ssh.publickey': KEY })), 400, /Keypair data is invalid/);
    assert.deepEqual(f.world.created, []);
  });

  test('R52: an inline link to a network that does not exist is a 404 naming it, and no server is made', async () => {
    const link = { kind: 'networkinterface' as const, target: { kind: 'network' as const, id: 'no-such-net' }, mixins: [], attributes: {} };
    await rejectsWith(f.backend.createResource(f.c, await computeSpec(f, {}, [link])), 404, /networkinterface target network no-such-net not found/);
    assert.deepEqual(f.world.created, []);
  });
});

describe('openstack reads and deletions by id on the fake world', () => {
  const f = onFakeOpenStack(5000);

  test('R54: a compute id the cloud could not have is not found without asking Nova, for a GET and a DELETE', async () => {
    const from = f.cloud.requests.length;
    assert.equal(await f.backend.get(f.c, 'compute', 'not/an-id'), undefined);
    await rejectsWith(f.backend.delete(f.c, 'compute', 'not/an-id'), 404, /compute not\/an-id not found/);
    assert.deepEqual(paths(f, from, 'GET', '/servers'), []);
  });

  test('R72: a record of one compute passed with the deletion of another is not taken for it', async () => {
    const record = await f.backend.get(f.c, 'compute', SERVER_ID);
    const other = 'a0000000-0000-4000-8000-000000000000';
    const from = f.cloud.requests.length;
    await rejectsWith(f.backend.delete(f.c, 'compute', other, record), 404, new RegExp(`compute ${other} not found`));
    assert.deepEqual(paths(f, from, 'DELETE', '/servers'), []);
    assert.ok(f.world.server, 'the compute of the record is still there');
  });

  test('R90: an action on a storage the request has just read uses that reading, not another GET of the volume', async () => {
    const record = await f.backend.get(f.c, 'storage', 'v1');
    const from = f.cloud.requests.length;
    await rejectsWith(f.backend.action(f.c, 'storage', 'v1', I.STORAGE_ONLINE, {}, record), 409);
    assert.deepEqual(paths(f, from, 'GET', '/volumes/v1'), []);
  });

  test('R54: a record of one storage passed with an action on another is not taken for it', async () => {
    const record = await f.backend.get(f.c, 'storage', 'v1');
    await rejectsWith(f.backend.action(f.c, 'storage', 'v2', I.STORAGE_OFFLINE, {}, record), 404, /storage v2 not found/);
  });

  test('R56: an attached volume on a cloud that extends detached volumes only does not offer resize', async () => {
    Object.assign(f.world.volume, { status: 'in-use', attachments: [{ server_id: SERVER_ID, device: '/dev/vdb', attachment_id: 'a1' }] });
    const record = await f.backend.get(f.c, 'storage', 'v1');
    assert.ok(record && 'refused' in record && record.refused?.includes('resize'), `refused: ${JSON.stringify(record && 'refused' in record ? record.refused : undefined)}`);
  });

  test('R116: a page of computes as records shows the computes on it in full', async () => {
    const page = await f.backend.list(f.c, { kind: 'compute', detail: 'records', page: { limit: 1 } });
    assert.deepEqual(page.items.map((r) => r.id), [SERVER_ID]);
    assert.ok('attributes' in page.items[0]!, 'a record, not a reference');
  });

  test('R65: an update cannot add a mixin that is neither a template nor a zone or group (400)', async () => {
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, { attributes: {}, addMixins: [I.SSH_KEY], removeMixins: [] }),
      400,
      /ssh_key cannot be added to an existing compute/,
    );
  });

  test('R135: a cloud with block storage offers snapshot_tpl, the parent of its snapshots, even with no snapshot yet', async () => {
    const offered = await f.backend.providerMixins(f.c);
    assert.ok(offered.other.some((m) => m.term === 'snapshot_tpl'), offered.other.map((m) => m.term).join(', '));
  });

  test('R79: a link has no actions (400): it follows the compute it belongs to', async () => {
    await rejectsWith(f.backend.action(f.c, 'storagelink', `${SERVER_ID}_v1`, I.STORAGE_ONLINE, {}), 400, /a storagelink has no actions/);
  });
});
