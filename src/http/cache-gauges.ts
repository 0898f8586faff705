// What the server's own caches hold, for GET /metrics: entries and estimated
// bytes of each, against the bounds they never pass.
import type { Gauge } from '../metrics.js';
import type { CatalogCache } from '../operations/catalog-cache.js';
import type { DiscoveryCache } from './discovery-cache.js';
import type { RateLimiter } from './rate-limit.js';

export function cacheGauges(catalogs: CatalogCache, discovery: DiscoveryCache, rateLimiter: RateLimiter): Gauge[] {
  const c = catalogs.usage;
  const d = discovery.usage;
  return [
    {
      name: 'snf_occi_cache_entries',
      help: 'Entries held by each cache of the server',
      values: [
        ['cache="catalog"', c.entries],
        ['cache="discovery"', d.entries],
        ['cache="rate_limit"', rateLimiter.size],
      ],
    },
    {
      name: 'snf_occi_cache_bytes',
      help: 'Estimated bytes held by each cache of the server',
      values: [
        ['cache="catalog"', c.bytes],
        ['cache="discovery"', d.bytes],
      ],
    },
  ];
}
