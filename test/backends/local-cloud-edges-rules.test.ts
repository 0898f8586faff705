// The embedded cloud's own edges, stated one by one (from the survivors of
// the first Stryker run over src/backends/local/index.ts, issue 14): the
// challenge of its 401 answers, the saved-images quota checked before a save
// only, and close releasing the database file.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { rejectsWith } from './contract.js';
import { computeAction, harness, spec } from './local-harness.js';

describe('local cloud: its edges', () => {
  it('sends its token challenge with a 401', async () => {
    const h = await harness();
    await assert.rejects(h.cloud.authenticate({ token: 'not-a-token-0123456789abcdef0123456' }), (e: unknown) => {
      assert.ok(e instanceof OcciError);
      assert.equal(e.status, 401);
      assert.deepEqual(e.headers, { 'WWW-Authenticate': 'Token realm="snf-occi"' });
      return true;
    });
    assert.equal(h.cloud.authChallenge, 'Token realm="snf-occi"');
    await h.cloud.close();
  });

  it('counts saved images before a save only: other actions run at the limit', async () => {
    const h = await harness({ quotas: { savedImages: 1 }, bootMs: 3000, actionMs: 1000 });
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    h.advance(3000);
    await h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), {});
    h.advance(1000);
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('save'), {}), 403, /at most 1 OS templates/);
    const stopping = await h.cloud.action(h.alice, 'compute', vm.id, computeAction('stop'), {});
    assert.equal(stopping.entity?.attributes['occi.compute.state.message'], 'stopping (poweroff)');
    await h.cloud.close();
  });

  it('releases the database file on close: the write-ahead log folded in and removed', async () => {
    const h = await harness({ memory: false });
    await h.cloud.createResource(h.alice, spec('network', { 'occi.core.title': 'lan' }));
    assert.ok(existsSync(join(h.dir, 'cloud.sqlite-wal')), 'the log while open');
    await h.cloud.close();
    assert.equal(existsSync(join(h.dir, 'cloud.sqlite-wal')), false, 'no log after close');
    await h.cloud.close();
  });
});
