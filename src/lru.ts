// A map bounded both in entries and in (estimated) bytes, least recently used
// first out. Every cache the server keeps is one of these, so no client can
// grow the server's memory past a known figure whatever it sends. A named
// one counts its hits and misses for /metrics.
import { metrics } from './metrics.js';

export interface LruBounds<V> {
  maxEntries: number;
  maxBytes: number;
  /** Estimated bytes one entry holds (its key is counted apart). */
  sizeOf: (value: V) => number;
  /** The cache's name in /metrics (snf_occi_cache_hits_total{cache="…"}); unnamed ones are not counted. */
  name?: string;
}

interface Slot<V> {
  value: V;
  bytes: number;
}

export class Lru<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private total = 0;
  /** The youngest key: looking it up again needs no reordering (one tenant asking in a row). */
  private youngest: string | undefined;

  constructor(private readonly bounds: LruBounds<V>) {}

  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (this.bounds.name !== undefined) metrics.cacheLookup(this.bounds.name, slot !== undefined);
    if (!slot) return undefined;
    if (key !== this.youngest) {
      // Re-inserting moves the key to the young end of the Map's order.
      this.slots.delete(key);
      this.slots.set(key, slot);
      this.youngest = key;
    }
    return slot.value;
  }

  /** Without touching the entry's age. */
  peek(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /** Stores the value, evicting the oldest entries past the bounds; a value larger than the whole budget is not kept. */
  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.bounds.sizeOf(value) + key.length * 2 + ENTRY_OVERHEAD;
    if (bytes > this.bounds.maxBytes) return;
    this.slots.set(key, { value, bytes });
    this.youngest = key;
    this.total += bytes;
    while (this.slots.size > this.bounds.maxEntries || this.total > this.bounds.maxBytes) {
      this.delete(this.slots.keys().next().value as string);
    }
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    if (key === this.youngest) this.youngest = undefined;
    this.total -= slot.bytes;
  }

  /** Deletes every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const k of [...this.slots.keys()]) if (k.startsWith(prefix)) this.delete(k);
  }

  clear(): void {
    this.slots.clear();
    this.youngest = undefined;
    this.total = 0;
  }

  get size(): number {
    return this.slots.size;
  }

  /** The estimated bytes held, entries and keys. */
  get bytes(): number {
    return this.total;
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }
}

/** What a Map entry and its bookkeeping cost besides key and value. */
const ENTRY_OVERHEAD = 64;

/**
 * A rough, deliberately generous estimate of the memory a JSON-like value
 * holds: strings at two bytes a character, a fixed cost per object, array
 * slot and Map entry. Objects reached twice count once. Walks at most
 * `maxNodes` values; past that the rest is guessed from the average so far.
 */
export function estimateBytes(value: unknown, maxNodes = 1_000_000): number {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [value];
  let bytes = 0;
  let nodes = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++nodes > maxNodes) return Math.ceil((bytes / nodes) * (nodes + stack.length));
    if (typeof v === 'string') bytes += 16 + v.length * 2;
    else if (typeof v === 'number' || typeof v === 'bigint') bytes += 16;
    else if (typeof v === 'boolean' || v === null || v === undefined) bytes += 8;
    else if (typeof v === 'object') {
      if (seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Map) {
        bytes += 64 + v.size * 32;
        for (const [k, item] of v) stack.push(k, item);
      } else if (v instanceof Set) {
        bytes += 64 + v.size * 16;
        for (const item of v) stack.push(item);
      } else if (Array.isArray(v)) {
        bytes += 32 + v.length * 8;
        for (const item of v) stack.push(item);
      } else {
        bytes += 48;
        for (const [k, item] of Object.entries(v)) {
          bytes += 8 + k.length;
          stack.push(item);
        }
      }
    }
  }
  return bytes;
}
