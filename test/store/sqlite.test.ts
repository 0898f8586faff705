// The store contract on SQLite, the default store of one process: in memory,
// and in a data directory's file, opened again to find what was stored.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';
import { freshTenant, row, storeContract, typeIdOf } from './contract.js';

storeContract('SQLite in memory', async () => new UserMixinStore(undefined));

const dir = mkdtempSync(join(tmpdir(), 'snf-occi-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite in a data directory', async () => new UserMixinStore(dir));

describe('SQLite store file', () => {
  it('keeps what it acknowledged across a restart', async () => {
    const t = freshTenant();
    const first = new UserMixinStore(dir);
    await first.add(t, [row('kept')]);
    await first.associate(t, typeIdOf('kept'), [{ kind: 'compute', id: '1' }]);
    await first.close();
    const again = new UserMixinStore(dir);
    assert.deepEqual(await again.list(t), [row('kept')]);
    assert.deepEqual(await again.mixinsOf(t, 'compute', '1'), [typeIdOf('kept')]);
    await again.close();
  });
});
