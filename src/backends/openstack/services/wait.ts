// Polling a cloud resource until it settles, bounded by a deadline: the
// cloud's APIs are asynchronous, OCCI answers are not (D24). Polls start
// close together, since most transitions on a healthy cloud end within a
// second, and spread out for the slow ones, so a long wait costs few calls.
import { gatewayTimeout } from '../../../errors.js';

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

export interface GoneOptions<T> extends WaitOptions {
  /** What is being deleted, as the client names it ("compute 42"). */
  what: string;
  /** The cloud reports the deletion failed: stop waiting and answer that value. */
  failed?: (v: T) => boolean;
  /** Where it stands when the deadline passes, in the cloud's words ("status ACTIVE, task deleting"). */
  describe?: (v: T) => string;
}

/**
 * After the cloud accepted a delete: waits until `read` finds nothing, so a
 * GET after the DELETE answers 404 (R72). Returns undefined once gone, or the
 * value the cloud reports failed. When the deadline passes first it throws a
 * 504 saying the cloud is still at it: a DELETE never answers 200 for
 * something still there, and OCCI 1.2 has no asynchronous answer (D24: 202
 * would need a task resource to poll).
 */
export async function untilGone<T>(read: () => Promise<T | undefined>, o: GoneOptions<T>): Promise<T | undefined> {
  const { value, settled } = await waitUntil(read, (v) => v === undefined || (o.failed?.(v) ?? false), o);
  if (settled) return value;
  const where = value !== undefined && o.describe ? ` (${o.describe(value)})` : '';
  throw gatewayTimeout(
    `${o.what} is still being deleted: the cloud accepted the deletion but had not finished it after ${Math.round(o.deadlineMs / 100) / 10} s${where}. It goes on without this request: GET it until the answer is 404`,
  );
}
