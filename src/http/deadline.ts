// The time a request may take, across every await of its handler. One timer
// serves every request in flight: it sweeps them a few times a second and
// fails those past their time (a timer per request cost each one a
// microsecond to arm and to clear, which a cached answer felt).
import { OcciError } from '../errors.js';

/** How often the requests in flight are checked: a 504 comes at most this late. */
const SWEEP_MS = 20;

const active = new Set<Deadline>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = performance.now();
  for (const d of active) if (d.at <= now) d.expire();
  if (active.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** One deadline for all the work of a request: authentication, catalogue and operation (504 past it). */
export class Deadline {
  readonly at: number;
  private failure: OcciError | undefined;
  /** Rejects the race under way (the handler awaits one at a time). */
  private reject: ((err: OcciError) => void) | undefined;

  constructor(private readonly ms: number) {
    this.at = performance.now() + ms;
    active.add(this);
    sweeper ??= setInterval(sweep, SWEEP_MS).unref();
  }

  race<T>(work: Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.reject = reject;
      work.then(resolve, reject);
    });
  }

  /** Past its time: the race under way, and any later one, fail with a 504. */
  expire(): void {
    active.delete(this);
    this.failure = new OcciError(504, `the request took longer than ${this.ms} ms`);
    this.reject?.(this.failure);
  }

  clear(): void {
    active.delete(this);
    this.reject = undefined;
  }
}
