// Polling a cloud resource until it settles, bounded by a deadline: the
// cloud's APIs are asynchronous, OCCI answers are not (D24). Polls start
// close together, since most transitions on a healthy cloud end within a
// second, and spread out for the slow ones, so a long wait costs few calls.

export interface WaitOptions {
  deadlineMs: number;
  /** A fixed period instead of the adaptive one (a probe that must not poll faster). */
  intervalMs?: number;
}

/** The first pause of the adaptive schedule, its growth per poll and its ceiling. */
export const POLL = { firstMs: 50, factor: 1.5, maxMs: 2_000 } as const;

/** The pause before poll n+1 (n from 0): 50, 75, 112 … ms up to 2 s. */
export function pollDelay(n: number, fixedMs?: number): number {
  if (fixedMs !== undefined) return fixedMs;
  return Math.min(POLL.maxMs, Math.round(POLL.firstMs * POLL.factor ** n));
}

/**
 * Reads `read()` until `done(value)` holds or the deadline passes; returns
 * the last value read and whether it settled. Errors of `read` propagate.
 * The first read is immediate: the caller may already hold the answer.
 */
export async function waitUntil<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  o: WaitOptions,
): Promise<{ value: T; settled: boolean }> {
  const end = Date.now() + o.deadlineMs;
  for (let n = 0; ; n++) {
    const value = await read();
    if (done(value)) return { value, settled: true };
    const left = end - Date.now();
    if (left <= 0) return { value, settled: false };
    await new Promise((r) => setTimeout(r, Math.min(pollDelay(n, o.intervalMs), left)));
  }
}
