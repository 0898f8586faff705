// A small bounded cache with per-entry expiry and shared in-flight loads, for
// validated tokens and per-project templates. Bounded in entries and in
// estimated bytes (a project with thousands of images weighs accordingly);
// least recently used entries go first. Listings of the cloud may be served
// stale for a while after they expire, while one load in the background
// renews them (`getOrRefresh`); validated tokens never are (`getOrLoad`).
import { estimateBytes, Lru } from '../../../lru.js';
import { metrics } from '../../../metrics.js';

/** The default byte budget of one cache. */
export const CACHE_MAX_BYTES = 16 * 1024 * 1024;

/** How long after expiry a listing of the cloud is still answered while it is renewed. */
export const STALE_FOR_MS = 10 * 60_000;

interface Entry<V> {
  value: V;
  /** Until then the value is served as it is. */
  expiresAt: number;
  /** Until then an expired value is still served while a refresh runs. */
  staleUntil: number;
}

export class BoundedCache<V> {
  private readonly entries: Lru<Entry<V>>;
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

  /** The value while it is fresh. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    const live = e !== undefined && e.expiresAt > this.now();
    this.count(live);
    if (!live) {
      if (e && e.staleUntil <= this.now()) this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  private count(hit: boolean): void {
    if (this.name !== undefined) metrics.cacheLookup(this.name, hit);
  }

  set(key: string, value: V, ttlMs: number, staleMs = 0): void {
    if (ttlMs <= 0) return;
    const expiresAt = this.now() + ttlMs;
    this.entries.set(key, { value, expiresAt, staleUntil: expiresAt + staleMs });
  }

  /** Forgets the entry and any load under way, whose answer may predate the change that made the caller forget it. */
  delete(key: string): void {
    this.entries.delete(key);
    this.inflight.delete(key);
  }

  /** Deletes every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    this.entries.deletePrefix(prefix);
    for (const k of [...this.inflight.keys()]) if (k.startsWith(prefix)) this.inflight.delete(k);
  }

  /** The cached value, or the result of `load` (one load per key at a time), kept for `ttl(value)` ms. */
  async getOrLoad(key: string, load: () => Promise<V>, ttl: (v: V) => number): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    return this.inflight.get(key) ?? this.start(key, load, ttl, 0);
  }

  /**
   * Like getOrLoad, but a value expired less than `staleMs` ago is answered at
   * once while one load in the background renews it; a failed renewal keeps
   * the old value until the next request tries again.
   */
  async getOrRefresh(key: string, load: () => Promise<V>, ttlMs: number, staleMs: number): Promise<V> {
    const e = this.entries.get(key);
    const now = this.now();
    // A stale value answered at once counts as a hit: the request did not wait for the cloud.
    this.count(e !== undefined && e.staleUntil > now);
    if (e && e.expiresAt > now) return e.value;
    const pending = this.inflight.get(key);
    if (e && e.staleUntil > now) {
      if (!pending) this.start(key, load, () => ttlMs, staleMs).catch(() => undefined);
      return e.value;
    }
    return pending ?? this.start(key, load, () => ttlMs, staleMs);
  }

  private start(key: string, load: () => Promise<V>, ttl: (v: V) => number, staleMs: number): Promise<V> {
    const p: Promise<V> = load().then(
      (v) => {
        // A delete() while loading means the answer may predate the change: answer it, do not keep it.
        if (this.inflight.get(key) === p) this.set(key, v, ttl(v), staleMs);
        return v;
      },
    ).finally(() => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    });
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
