// The time a request may take, across every await of its handler. One timer
// serves every request in flight: it sweeps them a few times a second and
// fails those past their time (a timer per request cost each one a
// microsecond to arm and to clear, which a cached answer felt).
import { OcciError } from '../errors.js';

/** How often the requests in flight are checked: a 504 comes at most this late. */
const SWEEP_MS = 20;

/** The deadlines in flight, in a list linked through them (a Set shrank and rehashed as the load came and went). */
let first: Deadline | undefined;
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = performance.now();
  for (let d = first; d; ) {
    const next = d.next;
    if (d.at <= now) d.expire();
    d = next;
  }
  if (!first) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** One deadline for all the work of a request: authentication, catalogue and operation (504 past it). */
export class Deadline {
  readonly at: number;
  /** Neighbours in the list of deadlines in flight. */
  next: Deadline | undefined;
  private prev: Deadline | undefined;
  private failure: OcciError | undefined;
  /** Rejects the race under way (the handler awaits one at a time). */
  private reject: ((err: OcciError) => void) | undefined;

  /** `start`: when the request began (performance.now()), which may be before the deadline is made. */
  constructor(
    private readonly ms: number,
    start = performance.now(),
  ) {
    this.at = start + ms;
    this.next = first;
    if (first) first.prev = this;
    first = this;
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
    this.unlink();
    this.failure = new OcciError(504, `the request took longer than ${this.ms} ms`);
    this.reject?.(this.failure);
  }

  clear(): void {
    this.unlink();
    this.reject = undefined;
  }

  private unlink(): void {
    if (this.prev) this.prev.next = this.next;
    else if (first === this) first = this.next;
    if (this.next) this.next.prev = this.prev;
    this.prev = this.next = undefined;
  }
}
