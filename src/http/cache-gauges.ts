// What the server's own caches hold, for GET /metrics: entries and estimated
// bytes of each, against the bounds they never pass.
import type { Gauge } from '../metrics.js';
import type { CatalogCache } from '../operations/catalog-cache.js';
import type { AuthGuard } from './auth-guard.js';
import type { DiscoveryCache } from './discovery-cache.js';
import type { RateLimiter } from './rate-limit.js';

export interface Caches {
  catalogs: CatalogCache;
  discovery: DiscoveryCache;
  rateLimiter: RateLimiter;
  authGuard: AuthGuard;
}

export function cacheGauges({ catalogs, discovery, rateLimiter, authGuard }: Caches): Gauge[] {
  const c = catalogs.usage;
  const d = discovery.usage;
  const a = authGuard.usage;
  return [
    {
      name: 'snf_occi_cache_entries',
      help: 'Entries held by each cache of the server',
      values: [
        [{ cache: 'catalog' }, c.entries],
        [{ cache: 'discovery' }, d.entries],
        [{ cache: 'rate_limit' }, rateLimiter.size],
        [{ cache: 'failed_auth_addresses' }, a.addresses],
        [{ cache: 'refused_tokens' }, a.refusedTokens],
      ],
    },
    {
      name: 'snf_occi_cache_bytes',
      help: 'Estimated bytes held by each cache of the server',
      values: [
        [{ cache: 'catalog' }, c.bytes],
        [{ cache: 'discovery' }, d.bytes],
      ],
    },
  ];
}
