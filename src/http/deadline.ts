// The time a request may take, across every await of its handler.
import { OcciError } from '../errors.js';

/** One deadline for all the work of a request: authentication, catalogue and operation (504 past it). */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private readonly expired: Promise<never>;

  constructor(ms: number) {
    this.expired = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => reject(new OcciError(504, `the request took longer than ${ms} ms`)), ms);
    });
    // Nobody may be racing when it fires; that is not an unhandled rejection.
    this.expired.catch(() => undefined);
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
