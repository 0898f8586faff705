// A small bounded cache with per-entry expiry and shared in-flight loads, for
// validated tokens and per-project templates. Bounded in entries and in
// estimated bytes (a project with thousands of images weighs accordingly);
// least recently used entries go first.
import { estimateBytes, Lru } from '../../../lru.js';
import { metrics } from '../../../metrics.js';

/** The default byte budget of one cache. */
export const CACHE_MAX_BYTES = 16 * 1024 * 1024;

export class BoundedCache<V> {
  private readonly entries: Lru<{ value: V; expiresAt: number }>;
  private readonly inflight = new Map<string, Promise<V>>();

  constructor(
    maxEntries: number,
    private readonly now: () => number = Date.now,
    maxBytes = CACHE_MAX_BYTES,
    /** Its name in /metrics' hit and miss counts; unnamed caches are not counted. */
    private readonly name?: string,
  ) {
    this.entries = new Lru({ maxEntries, maxBytes, sizeOf: (e) => estimateBytes(e.value) });
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    const live = e !== undefined && e.expiresAt > this.now();
    if (this.name !== undefined) metrics.cacheLookup(this.name, live);
    if (!live) {
      if (e) this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Deletes every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    this.entries.deletePrefix(prefix);
  }

  /** The cached value, or the result of `load` (one load per key at a time), kept for `ttl(value)` ms. */
  async getOrLoad(key: string, load: () => Promise<V>, ttl: (v: V) => number): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = load().then(
      (v) => {
        this.set(key, v, ttl(v));
        return v;
      },
    ).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  clear(): void {
    this.entries.clear();
    this.inflight.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.entries.bytes;
  }
}
