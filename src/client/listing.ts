// Collection helpers: bounded parallel reads and the client's own check of
// filters on full renderings.
import type { ListOptions } from './client.js';
import type { Entity } from './types.js';

/** Runs `f` over `items`, at most `limit` at a time, keeping the order. */
export async function mapLimit<T, R>(items: T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const matches = (e: Entity, o: ListOptions): boolean =>
  Object.entries(o.attributes ?? {}).every(([n, v]) => String(e.attributes[n]) === String(v)) &&
  (o.categories ?? []).every((c) => e.kind === c || e.mixins.includes(c));
