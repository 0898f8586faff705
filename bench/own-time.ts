// snf-occi's own time in a request to a cloud: the request's duration less
// the span of the cloud calls it made, read from the server's debug log (one
// access line per request, one line per cloud call, each with the time it
// ended and how long it took). What the cloud takes varies by tens of
// milliseconds from call to call on a busy machine, so the p50 of 15 requests
// minus the p50 of 15 direct calls moves by as much between runs; the time
// the bridge spends outside the cloud calls, request by request, does not.
// Requests must be sequential (the bench's are). Every call under way during
// a request counts in its span, the background renewal of a cache too (every
// few seconds), so the figure leans low, never high: it is what the bridge
// spends at most outside the cloud's time.

/** A log line of interest: the time it was written (ms since the epoch) and the duration it reports. */
interface Timed {
  end: number;
  ms: number;
  /** An access line: its request's path (with query); a cloud call has none. */
  path?: string;
}

export class OwnTimes {
  private lines: Timed[] = [];
  /** Requests that began before this (ms since the epoch) are not counted: the log reaches us in batches, late. */
  private since = 0;

  /** Takes one line of the server's stdout (pino JSON); others than access lines and cloud calls are ignored. */
  take(line: string): void {
    if (!line.includes('"msg":"request"') && !line.includes('"msg":"cloud call"')) return;
    let entry: { time?: number; ms?: number; msg?: string; path?: string; route?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (typeof entry.time !== 'number' || typeof entry.ms !== 'number') return;
    if (entry.msg === 'request' && (entry.route === '/metrics' || entry.time - entry.ms < this.since)) return; // the bench's own counting, or earlier
    this.lines.push({ end: entry.time, ms: entry.ms, ...(entry.msg === 'request' ? { path: entry.path ?? '' } : {}) });
  }

  /** Forgets what was read, and counts only the requests that begin from now on. */
  clear(): void {
    this.lines = [];
    this.since = Date.now();
  }

  /**
   * For each request whose path includes `pathPart` (all when absent): its duration less the span of the
   * cloud calls made within it (the log's times are whole milliseconds, so each figure is ±1 ms).
   */
  times(pathPart = ''): number[] {
    const calls = this.lines.filter((l) => l.path === undefined);
    const out: number[] = [];
    for (const r of this.lines) {
      if (r.path === undefined || !r.path.includes(pathPart)) continue;
      const start = r.end - r.ms;
      // Calls under way during the request, cut to it: one it waits for that began before it (a renewal another request set off) counts too.
      const during = calls.filter((c) => c.end >= start - 1 && c.end - c.ms <= r.end + 1);
      if (during.length === 0) {
        out.push(r.ms);
        continue;
      }
      const span = Math.min(r.end, Math.max(...during.map((c) => c.end))) - Math.max(start, Math.min(...during.map((c) => c.end - c.ms)));
      out.push(Math.max(0, r.ms - span));
    }
    return out;
  }
}
