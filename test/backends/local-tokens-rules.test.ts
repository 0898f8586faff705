// The embedded cloud's token rules, stated one by one (from the survivors of
// the first Stryker run over src/backends/local/, issue 14): a data dir once
// used with configured tokens gets no demo token when they are gone, and says
// what to do; an older data dir's unkeyed demo token keyed by one server
// stays valid on a second server of the same data dir.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLocalCloud } from '../../src/backends/local/index.js';
import { olderDataDir, tempDir } from './local-harness.js';

describe('local cloud: token rules', () => {
  it('makes no demo token in a data dir once used with configured tokens, and says what to configure', async () => {
    const dir = tempDir();
    await openLocalCloud({ dataDir: dir, tokens: [{ token: 'configured-0123456789abcdef0123456789', tenant: 'alice' }] }).close();
    assert.throws(
      () => openLocalCloud({ dataDir: dir }),
      (e: Error) => {
        assert.equal(
          e.message,
          `no token is configured (local.tokens) and the data directory ${dir} has no demo token (it was used with configured tokens): ` +
            'configure local.tokens, each token at least 32 characters (`openssl rand -hex 32`); the demo token is only made in a new data directory',
        );
        return true;
      },
    );
    assert.equal(existsSync(join(dir, 'token')), false, 'no demo token file made');
  });

  it('accepts an older data dir\'s demo token on a second server after the first has keyed it', async () => {
    const old = 'an-older-demo-token-0123456789abcdef';
    const dir = await olderDataDir(old);
    const first = openLocalCloud({ dataDir: dir });
    const second = openLocalCloud({ dataDir: dir });
    try {
      assert.equal((await first.authenticate({ token: old })).tenant, 'demo', 'the first server keys the row');
      assert.equal((await second.authenticate({ token: old })).tenant, 'demo', 'the second finds it keyed, though it still saw an unkeyed row at start');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
