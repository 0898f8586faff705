// Computes listed by the embedded cloud, stated as a rule (from the survivors
// of the first Stryker run over src/backends/local/compute-records.ts,
// issue 14): every attribute a listing filters on in SQL gives what the
// records say, the key, the user data and the clock's state message too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { assertFiltersAlike, computeAction, harness, spec } from './local-harness.js';

describe('local cloud: compute listing rules', () => {
  it('filters computes by every listed attribute exactly as the records say', async () => {
    const h = await harness({ bootMs: 3000, actionMs: 1000 });
    await h.cloud.createResource(
      h.alice,
      spec('compute', { 'occi.core.title': 'Web', 'occi.core.summary': 'front', 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAA web' }, [I.SSH_KEY]),
    );
    const db = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'DB', 'occi.core.summary': 'back', 'occi.compute.userdata': 'I2Nsb3VkLWNvbmZpZw==' }, [I.USER_DATA]));
    h.advance(3000);
    await h.cloud.action(h.alice, 'compute', db.id, computeAction('stop'), {});
    await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': 'Cache', 'occi.compute.hostname': 'cache-1' }));
    const names = [
      'occi.core.title',
      'occi.core.summary',
      'occi.compute.hostname',
      'occi.compute.state',
      'occi.compute.state.message',
      'occi.credentials.ssh.publickey',
      'occi.compute.userdata',
    ];
    const all = await assertFiltersAlike(h, 'compute', names, typeId(I.SSH_KEY));
    assert.equal(all.length, 3);
    assert.deepEqual(new Set(all.map((r) => r.attributes['occi.compute.state.message'])), new Set(['running', 'stopping (poweroff)', 'building']));
    await h.cloud.close();
  });
});
