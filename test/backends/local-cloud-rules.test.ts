// The embedded cloud as a whole: tokens across restarts, credentials, quotas,
// templates, listings filtered past SQL, client-chosen ids and writes on a
// refusing disk. Each was a planted mistake that test/backends/ let pass
// (docs/testing.md).
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openLocalCloud } from '../../src/backends/local/index.js';
import { settledThenRun } from '../../src/backends/local/degraded.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from './contract.js';
import { computeAction, harness, nic, olderDataDir, spec, tempDir, template } from './local-harness.js';

describe('local cloud: tokens across restarts (R149)', () => {
  it('accepts a configured token of exactly 32 characters, and refuses an empty one as missing (401)', async () => {
    const token = 'x'.repeat(32);
    const cloud = openLocalCloud({ dataDir: tempDir(), memory: true, tokens: [{ token, tenant: 't' }] });
    assert.equal((await cloud.authenticate({ token })).tenant, 't');
    assert.deepEqual(await cloud.authenticate({ token, project: 'p' }), { token, tenant: 't', project: 'p' });
    await rejectsWith(cloud.authenticate({ token: '' }), 401, /^missing token: send X-Auth-Token$/);
    await cloud.close();
    assert.throws(() => openLocalCloud({ dataDir: tempDir(), memory: true, tokens: [{ token: 'x'.repeat(31), tenant: 't' }] }), /has 31 characters; tokens need at least 32/);
  });

  it('keeps the demo token of a data dir across restarts, and makes a new one, private, over an empty token file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'token'), '\n', { mode: 0o644 });
    const first = openLocalCloud({ dataDir: dir });
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(join(dir, 'token')).mode & 0o777, 0o600);
    await first.close();
    const second = openLocalCloud({ dataDir: dir });
    assert.equal((await second.authenticate({ token })).tenant, 'demo');
    await second.close();
  });

  it('keeps the unkeyed demo token of an older data dir whose token file is gone, and keys it on first use', async () => {
    const old = 'an-older-demo-token-0123456789abcdef';
    const dir = await olderDataDir(old);
    const cloud = openLocalCloud({ dataDir: dir });
    assert.equal((await cloud.authenticate({ token: old })).tenant, 'demo');
    await cloud.close();
    const check = new Database(join(dir, 'cloud.sqlite'), { readonly: true });
    assert.deepEqual(check.prepare('SELECT tenant, keyed FROM tokens').all(), [{ tenant: 'demo', keyed: 1 }]);
    check.close();
  });

  it('shares one token key between two servers on the same data dir', async () => {
    const dir = tempDir();
    const tokens = [{ token: 'shared-secret-0123456789abcdef0123456789', tenant: 'alice' }];
    const a = openLocalCloud({ dataDir: dir, tokens });
    const b = openLocalCloud({ dataDir: dir, tokens });
    assert.equal((await a.authenticate({ token: tokens[0]!.token })).tenant, 'alice', 'the first server reads the rows the second wrote');
    await a.close();
    await b.close();
  });
});

describe('local cloud: quotas', () => {
  it('counts entities of a kind up to the limit, naming what a request adds (403)', async () => {
    const h = await harness({ quotas: { compute: 1, networkinterface: 1 } });
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute')), 403, /^over quota: a tenant may have at most 1 computes, it has 1 \(setting quotas\.compute\)/);
    await h.cloud.delete(h.alice, 'compute', vm.id);
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public')])), 403, /^over quota: a tenant may have at most 1 network interfaces, it has 0 and this request adds 2 \(/);
    const one = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public')]));
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(one.id, 'networkinterface', 'public')), 403, /at most 1 network interfaces, it has 1 \(/);
    await h.cloud.close();
  });

  it('allows exactly linksPerCompute links on a compute', async () => {
    const h = await harness({ quotas: { linksPerCompute: 2 } });
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public')]));
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', 'public')), 403, /at most 2 links; compute .* has 2 and this request adds 1/);
    await h.cloud.close();
  });

  it('counts only addresses on shared networks against sharedAddresses', async () => {
    const h = await harness({ quotas: { sharedAddresses: 1 } });
    const own = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.4.0.0/24' }, [I.IPNETWORK]));
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic(own.id), nic(own.id), nic('public')]));
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', 'public')), 403, /at most 1 addresses on networks shared by every tenant .* it holds 1 and this request takes 1/);
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', own.id));
    await h.cloud.close();
  });

  it('allows exactly savedImages saves, and answers 404 for a compute that is not there before counting', async () => {
    const h = await harness({ quotas: { savedImages: 1 } });
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'web' }));
    h.advance(5000);
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), {});
    h.advance(5000);
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), {}), 403, /^over quota: a tenant may save at most 1 OS templates, it has 1 \(/);
    await rejectsWith(h.cloud.action(h.alice, 'compute', 'no-such-compute', computeAction('save'), {}), 404);
    await h.cloud.close();
  });
});

describe('local cloud: templates', () => {
  it('seeds its images with their titles', async () => {
    const h = await harness();
    assert.deepEqual((await h.cloud.providerMixins(h.alice)).os.map((m) => m.title), ['Debian 12 bookworm', 'Ubuntu 24.04 LTS', 'CentOS Stream 9']);
    await h.cloud.close();
  });

  it('fits memory exactly (2 GiB is the 2048 MiB flavor), and says what no flavor offers and which is the largest', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.memory': 2 }));
    assert.ok(vm.mixins.some((m) => m.endsWith('#C1R2048D20')));
    await rejectsWith(h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.cores': 64 })), 400, /^no resource template offers occi\.compute\.cores=64; the largest is C8R16384D160$/);
    await h.cloud.close();
  });

  it('shows a saved image among the tenant\'s OS templates at once (R86), an empty name taken as none', async () => {
    const h = await harness();
    const before = await h.cloud.providerMixins(h.alice);
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'web' }));
    h.advance(5000);
    const { mixin } = await h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), { name: '' });
    assert.equal(mixin?.term, 'web-snapshot-1');
    assert.deepEqual((await h.cloud.providerMixins(h.alice)).os.map((m) => m.term), [...before.os.map((m) => m.term), 'web-snapshot-1']);
    assert.ok(await template(h, 'web-snapshot-1'));
    await h.cloud.close();
  });
});

describe('local cloud: listings filtered past SQL', () => {
  it('pages a filter on a derived attribute by cursor without repeating or inventing a page', async () => {
    const h = await harness();
    for (let i = 0; i < 4; i++) await h.cloud.createResource(h.alice, spec('compute', { 'occi.compute.cores': 2 }));
    await h.cloud.createResource(h.alice, spec('compute'));
    const q = { kind: 'compute' as const, detail: 'records' as const, where: [['occi.compute.cores', 2]] as const };
    const first = await h.cloud.list(h.alice, { ...q, page: { limit: 2 } });
    assert.equal(first.items.length, 2);
    assert.equal(first.more, true);
    const second = await h.cloud.list(h.alice, { ...q, page: { limit: 2, after: first.next! } });
    assert.equal(second.items.length, 2);
    assert.equal(second.more, false, 'exactly the last two: no more');
    assert.equal(new Set([...first.items, ...second.items].map((r) => r.id)).size, 4);
    await h.cloud.close();
  });

  it('counts a filter that moves with the clock afresh', async () => {
    const h = await harness();
    await h.cloud.createResource(h.alice, spec('compute'));
    const q = { kind: 'compute' as const, detail: 'refs' as const, where: [['occi.compute.state', 'active']] as const, page: { limit: 5 } };
    assert.equal((await h.cloud.list(h.alice, q)).total, 0, 'building');
    h.advance(5000);
    assert.equal((await h.cloud.list(h.alice, q)).total, 1, 'booted, with no write in between');
    await h.cloud.close();
  });

  it('refuses a cursor it did not hand out, echoing no more than its first 40 characters', async () => {
    const h = await harness();
    await assert.rejects(h.cloud.list(h.alice, { kind: 'compute', detail: 'refs', page: { limit: 5, after: 'abc' } }), /not a cursor of the embedded cloud: abc/);
    const long = `${'x'.repeat(40)}${'y'.repeat(1000)}`;
    await assert.rejects(h.cloud.list(h.alice, { kind: 'compute', detail: 'refs', page: { limit: 5, after: long } }), (e: Error) => e.message === `not a cursor of the embedded cloud: ${'x'.repeat(40)}`);
    await h.cloud.close();
  });
});

describe('local cloud: ids and a refusing disk', () => {
  it('takes a client-chosen id only as a whole lowercase UUID (R50)', async () => {
    const h = await harness();
    const id = '0f0e0d0c-0b0a-4900-8800-000000000001';
    await rejectsWith(h.cloud.createResource(h.alice, { ...spec('compute'), id: `${id}0` }), 400, /lowercase UUID form only/);
    assert.equal((await h.cloud.createResource(h.alice, { ...spec('compute'), id })).id, id);
    await h.cloud.close();
  });

  it('runs a change again read-only only after a storage error, and then answers with the original error', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x)');
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const write = (): number => Number(db.prepare('INSERT INTO t VALUES (1)').run().changes);
    assert.throws(() => settledThenRun(db, () => { throw full; }, write), (e) => e === full, 'the write refused read-only: the disk-full error');
    assert.equal(settledThenRun(db, () => { throw full; }, () => 7), 7, 'a change that writes nothing succeeds');
    const bug = new Error('not a storage problem');
    assert.throws(() => settledThenRun(db, () => { throw bug; }, () => 7), (e) => e === bug, 'any other error is not retried');
    assert.equal(db.pragma('query_only', { simple: true }), 0, 'writable again');
    db.close();
  });
});
