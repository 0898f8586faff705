// Polling a cloud resource until it settles, bounded by a deadline: the
// cloud's APIs are asynchronous, OCCI answers are not (D24).

export interface WaitOptions {
  deadlineMs: number;
  intervalMs?: number;
}

/**
 * Reads `read()` until `done(value)` holds or the deadline passes; returns
 * the last value read and whether it settled. Errors of `read` propagate.
 */
export async function waitUntil<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  o: WaitOptions,
): Promise<{ value: T; settled: boolean }> {
  const end = Date.now() + o.deadlineMs;
  const interval = o.intervalMs ?? 500;
  for (;;) {
    const value = await read();
    if (done(value)) return { value, settled: true };
    if (Date.now() + interval > end) return { value, settled: false };
    await new Promise((r) => setTimeout(r, interval));
  }
}
