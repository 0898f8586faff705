// Authentication in front of the backend, with two defences against a flood
// of bad tokens (on OpenStack each one would cost a call to Keystone):
// - a token the backend refused (401) is refused again for a short while
//   without asking it, remembered under a hash of the token and project;
// - each client address may fail authentication only so often (a token
//   bucket per address); past it every request from there is answered 429
//   with Retry-After, without reaching the backend, until the bucket refills.
// Both are bounded LRUs, so a client sending endless new tokens or addresses
// cannot grow the memory. Tokens accepted are limited per token (rate-limit.ts).
import type { RateLimit } from '../config/tenant-limits.js';
import { OcciError } from '../errors.js';
import { Lru } from '../lru.js';
import type { AuthRequest, Backend, Credentials } from '../port/backend.js';
import { hashKey, TokenBuckets } from './rate-limit.js';

interface Refusal {
  until: number;
  error: OcciError;
}

export class AuthGuard {
  private readonly failures: TokenBuckets;
  private readonly refused: Lru<Refusal>;

  constructor(
    private readonly backend: Backend,
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.failures = new TokenBuckets({ perSecond: limit.failedAuthPerMinute / 60, burst: limit.failedAuthBurst, maxKeys: limit.maxClients }, now);
    this.refused = new Lru<Refusal>({ maxEntries: limit.maxClients, maxBytes: limit.maxClients * 512, sizeOf: (r) => 128 + r.error.message.length * 2 });
  }

  /** The caller's credentials, from the backend or a recent refusal; `client` is the caller's address. */
  async authenticate(req: AuthRequest, client: string): Promise<Credentials> {
    if (req.token === undefined || req.token === '') return this.backend.authenticate(req); // a 401 that costs nothing
    const key = this.screen(req, client);
    try {
      return await this.backend.authenticate(req);
    } catch (err) {
      throw this.refusal(err, client, key);
    }
  }

  /**
   * The same answer without waiting, when the backend has it at once (authenticateNow): the credentials, or
   * the same refusal thrown. undefined: call authenticate.
   */
  known(req: AuthRequest, client: string): Credentials | undefined {
    if (!this.backend.authenticateNow || req.token === undefined || req.token === '') return undefined;
    const key = this.screen(req, client);
    try {
      return this.backend.authenticateNow(req);
    } catch (err) {
      throw this.refusal(err, client, key);
    }
  }

  /** Throws the 429 of an address past its failures, or a refusal still remembered; the refusal cache's key. */
  private screen(req: AuthRequest, client: string): (() => string) | undefined {
    const wait = this.failures.wait(client);
    if (wait > 0) {
      throw new OcciError(
        429,
        `too many failed authentications from this address: at most ${this.limit.failedAuthPerMinute} a minute; ` +
          `retry after ${wait} s with a valid token`,
        { 'Retry-After': String(wait) },
      );
    }
    const key = this.limit.failedAuthCacheMs > 0 ? (): string => hashKey(`${req.token}\n${req.project ?? ''}`) : undefined;
    // Hashed only when some token was refused lately: the usual request, with a good token, skips it.
    const known = key === undefined || this.refused.size === 0 ? undefined : this.refused.get(key());
    if (known && known.until > this.now()) {
      this.failures.take(client);
      throw known.error;
    }
    return key;
  }

  /** Notes a 401 against the address (and remembers it under `key`); the error, to be thrown again. */
  private refusal(err: unknown, client: string, key: (() => string) | undefined): unknown {
    if (err instanceof OcciError && err.status === 401) {
      this.failures.take(client);
      if (key !== undefined) this.refused.set(key(), { until: this.now() + this.limit.failedAuthCacheMs, error: err });
    }
    return err;
  }

  /** Addresses and refused tokens remembered (for /metrics). */
  get usage(): { addresses: number; refusedTokens: number } {
    return { addresses: this.failures.size, refusedTokens: this.refused.size };
  }
}
