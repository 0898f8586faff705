// What one tenant may hold and how fast one token may call: the quotas of the
// embedded cloud and of user mixins, and the per-token rate limit. Defaults
// are far above what a person or a script of normal size needs; they exist
// so that one tenant cannot fill the disk, the shared network or the memory
// of the server for everybody else.
import type { LocalQuotas } from '../backends/local/quotas.js';
import type { MixinQuotas } from '../operations/context.js';

/**
 * The embedded cloud's quotas (counted from its database) and the user-mixin
 * ones (checked by the operations, on every backend); see their fields there.
 */
export interface Quotas extends LocalQuotas, MixinQuotas {}

export interface RateLimit {
  /** Requests per second one token may make in the long run; 0 turns the limit off. */
  perSecond: number;
  /** Requests one token may make at once after a pause (the bucket's size). */
  burst: number;
  /** Tokens whose buckets are remembered; the least recently seen go first (also the client addresses of failedAuth*). */
  maxClients: number;
  /** Failed authentications one client address may make a minute in the long run; 0 turns the limit off. */
  failedAuthPerMinute: number;
  /** Failed authentications one client address may make at once. */
  failedAuthBurst: number;
  /** How long a token the backend refused is refused again without asking it (ms); 0 asks every time. */
  failedAuthCacheMs: number;
}

export function defaultQuotas(): Quotas {
  return {
    compute: 10_000,
    network: 1_000,
    storage: 10_000,
    networkinterface: 20_000,
    storagelink: 20_000,
    linksPerCompute: 64,
    sharedAddresses: 16,
    savedImages: 100,
    userMixins: 500,
    mixinSchemeLength: 256,
    mixinTermLength: 64,
    mixinTitleLength: 256,
    mixinLocationLength: 256,
  };
}

export function defaultRateLimit(): RateLimit {
  return { perSecond: 100, burst: 500, maxClients: 10_000, failedAuthPerMinute: 60, failedAuthBurst: 30, failedAuthCacheMs: 10_000 };
}

/** Environment variables of these settings (see config.ts ENV_VARS). */
export const TENANT_LIMIT_ENV_VARS: Record<string, string> = {
  SNF_OCCI_RATE_LIMIT: 'rateLimit.perSecond',
  SNF_OCCI_RATE_BURST: 'rateLimit.burst',
  SNF_OCCI_FAILED_AUTH_LIMIT: 'rateLimit.failedAuthPerMinute',
  SNF_OCCI_FAILED_AUTH_BURST: 'rateLimit.failedAuthBurst',
  ...Object.fromEntries(Object.keys(defaultQuotas()).map((name) => [`SNF_OCCI_QUOTA_${snake(name)}`, `quotas.${name}`])),
};

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

export function validateTenantLimits(
  c: { quotas: Quotas; rateLimit: RateLimit },
  int: (path: string, v: unknown, min: number, max: number) => void,
): void {
  for (const name of Object.keys(defaultQuotas()) as Array<keyof Quotas>) int(`quotas.${name}`, c.quotas?.[name], 0, 1_000_000_000);
  int('rateLimit.perSecond', c.rateLimit?.perSecond, 0, 1_000_000);
  int('rateLimit.burst', c.rateLimit?.burst, 1, 10_000_000);
  int('rateLimit.maxClients', c.rateLimit?.maxClients, 1, 10_000_000);
  int('rateLimit.failedAuthPerMinute', c.rateLimit?.failedAuthPerMinute, 0, 1_000_000);
  int('rateLimit.failedAuthBurst', c.rateLimit?.failedAuthBurst, 1, 1_000_000);
  int('rateLimit.failedAuthCacheMs', c.rateLimit?.failedAuthCacheMs, 0, 3_600_000);
}
