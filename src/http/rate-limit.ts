// Per-token rate limiting: a token bucket for each token the backend accepted,
// keyed by a hash of the token (the token itself is never kept as a key). The
// buckets live in an LRU bounded in entries; a bucket that is forgotten comes
// back full, which only ever favours the client. Past the limit: 429 with
// Retry-After, in whole seconds.
import { createHash } from 'node:crypto';
import type { RateLimit } from '../config/tenant-limits.js';
import { OcciError } from '../errors.js';
import { Lru } from '../lru.js';

interface Bucket {
  /** Requests that may still be made now (fractional while refilling). */
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

const BUCKET_BYTES = 96;

export class RateLimiter {
  private readonly buckets: Lru<Bucket>;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.buckets = new Lru<Bucket>({ maxEntries: limit.maxClients, maxBytes: limit.maxClients * 256, sizeOf: () => BUCKET_BYTES });
  }

  get enabled(): boolean {
    return this.limit.perSecond > 0;
  }

  /** Counts one request of `token`; throws a 429 when its bucket is empty. */
  take(token: string): void {
    if (!this.enabled) return;
    const key = createHash('sha256').update(token).digest('base64url').slice(0, 22);
    const now = this.now();
    const { perSecond, burst } = this.limit;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      return;
    }
    this.buckets.set(key, bucket);
    const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    throw new OcciError(
      429,
      `too many requests with this token: at most ${perSecond} a second (bursts of ${burst}) are served; ` +
        `retry after ${seconds} s, or ask the operator to raise the setting rateLimit.perSecond`,
      { 'Retry-After': String(seconds) },
    );
  }

  /** Buckets held (for tests). */
  get size(): number {
    return this.buckets.size;
  }
}
