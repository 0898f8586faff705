// Polling with backoff: quick while something changes, slower and slower
// while nothing does, and not at all while the tab is hidden (it catches up
// at once when shown again).

export interface PollerOptions {
  minMs?: number;
  maxMs?: number;
  factor?: number;
}

export class Poller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private stopped = true;
  private intervalMs: number;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly factor: number;

  /** `tick` answers whether something is changing (poll again soon). */
  constructor(
    private readonly tick: () => Promise<boolean>,
    o: PollerOptions = {},
  ) {
    this.minMs = o.minMs ?? 1000;
    this.maxMs = o.maxMs ?? 30_000;
    this.factor = o.factor ?? 1.6;
    this.intervalMs = this.minMs;
  }

  private readonly onVisibility = (): void => {
    if (!document.hidden) this.kick();
  };

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    document.addEventListener('visibilitychange', this.onVisibility);
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Polls now and quickly after (a user just changed something). */
  kick(): void {
    this.intervalMs = this.minMs;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    void this.run();
  }

  /** The pause before the next poll (for the page to show). */
  get nextMs(): number {
    return this.intervalMs;
  }

  private async run(): Promise<void> {
    if (this.stopped || document.hidden) return;
    this.running = true;
    let changing = true;
    try {
      changing = await this.tick();
    } finally {
      this.running = false;
    }
    const rerun = this.again;
    this.again = false;
    this.intervalMs = changing || rerun ? this.minMs : Math.min(this.maxMs, Math.round(this.intervalMs * this.factor));
    if (!this.stopped) this.timer = setTimeout(() => void this.run(), rerun ? 0 : this.intervalMs);
  }
}
