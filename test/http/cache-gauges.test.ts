// What /metrics says the server's caches hold (cache-gauges.ts): each cache
// under its own name, entries for all five, estimated bytes for the two that
// are bounded in bytes, each figure read from its own cache.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cacheGauges, type Caches } from '../../src/http/cache-gauges.js';

describe('cache gauges', () => {
  test('every cache under its own name, each figure from its own cache', () => {
    const caches = {
      catalogs: { usage: { entries: 1, bytes: 1001 } },
      discovery: { usage: { entries: 2, bytes: 2002 } },
      rateLimiter: { size: 3 },
      authGuard: { usage: { addresses: 4, refusedTokens: 5 } },
    } as unknown as Caches;
    assert.deepEqual(cacheGauges(caches), [
      {
        name: 'snf_occi_cache_entries',
        help: 'Entries held by each cache of the server',
        values: [
          [{ cache: 'catalog' }, 1],
          [{ cache: 'discovery' }, 2],
          [{ cache: 'rate_limit' }, 3],
          [{ cache: 'failed_auth_addresses' }, 4],
          [{ cache: 'refused_tokens' }, 5],
        ],
      },
      {
        name: 'snf_occi_cache_bytes',
        help: 'Estimated bytes held by each cache of the server',
        values: [
          [{ cache: 'catalog' }, 1001],
          [{ cache: 'discovery' }, 2002],
        ],
      },
    ]);
  });
});
