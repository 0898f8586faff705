// Token buckets, one per key (a hash of a token, a client address), in an LRU
// bounded in entries; a bucket that is forgotten comes back full, which only
// ever favours the client. Serves the per-token rate limit (here) and the
// limit on failed authentications per client address (auth-guard.ts). Past a
// limit: 429 with Retry-After, in whole seconds.
import type { RateLimit } from '../config/tenant-limits.js';
import { quickDigest } from '../digest.js';
import { OcciError } from '../errors.js';
import { Lru } from '../lru.js';

interface Bucket {
  /** Requests that may still be made now (fractional while refilling). */
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

const BUCKET_BYTES = 96;

export interface BucketBounds {
  /** Refill rate; 0 turns the limit off. */
  perSecond: number;
  burst: number;
  maxKeys: number;
}

export class TokenBuckets {
  private readonly buckets: Lru<Bucket>;

  constructor(
    private readonly bounds: BucketBounds,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.buckets = new Lru<Bucket>({ maxEntries: bounds.maxKeys, maxBytes: bounds.maxKeys * 256, sizeOf: () => BUCKET_BYTES });
  }

  get enabled(): boolean {
    return this.bounds.perSecond > 0;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.bounds.burst, at: now };
    bucket.tokens = Math.min(this.bounds.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.bounds.perSecond);
    bucket.at = now;
    return bucket;
  }

  private secondsUntilOne(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.bounds.perSecond));
  }

  /** Counts one use of `key`: 0 when it was allowed, else the whole seconds until one would be. */
  take(key: string): number {
    if (!this.enabled) return 0;
    const bucket = this.refilled(key);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return allowed ? 0 : this.secondsUntilOne(bucket);
  }

  /** Without counting a use: 0 when one would be allowed now, else the seconds until it would. */
  wait(key: string): number {
    if (!this.enabled || this.buckets.peek(key) === undefined) return 0;
    const bucket = this.refilled(key);
    this.buckets.set(key, bucket);
    return bucket.tokens >= 1 ? 0 : this.secondsUntilOne(bucket);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** A short, fixed-size key for a secret: the secret itself is never kept. */
export const hashKey = quickDigest;

/** The per-token limit: each token the backend accepted has its bucket. */
export class RateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly limit: Pick<RateLimit, 'perSecond' | 'burst' | 'maxClients'>,
    now?: () => number,
  ) {
    this.buckets = new TokenBuckets({ perSecond: limit.perSecond, burst: limit.burst, maxKeys: limit.maxClients }, now);
  }

  get enabled(): boolean {
    return this.buckets.enabled;
  }

  /** Counts one request of the token whose digest (hashKey) is `tokenDigest`; throws a 429 when its bucket is empty. */
  take(tokenDigest: string): void {
    if (!this.enabled) return;
    const seconds = this.buckets.take(tokenDigest);
    if (seconds === 0) return;
    const { perSecond, burst } = this.limit;
    throw new OcciError(
      429,
      `too many requests with this token: at most ${perSecond} a second (bursts of ${burst}) are served; ` +
        `retry after ${seconds} s, or ask the operator to raise the setting rateLimit.perSecond`,
      { 'Retry-After': String(seconds) },
    );
  }

  /** Buckets held (for tests and /metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
