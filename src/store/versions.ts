// The per-tenant numbers Store.version answers, for the catalogue caches in
// front of the store: a tenant's number changes whenever its definitions may
// have. Each tenant counts its own changes (two tenants may well be at the
// same number: the caches key by tenant). "Everything may have changed" opens
// a new epoch at no cost per tenant: a tenant's number moves on once at its
// next read in the new epoch. One small entry per tenant seen, as the
// tenants a server serves are the cloud's own.

interface Counter {
  count: number;
  epoch: number;
}

export class Versions {
  private readonly byTenant = new Map<string, Counter>();
  private epoch = 0;
  private epochAt = performance.now();

  /**
   * `trustMs`: past this long without a new epoch, everything is taken to
   * have changed (a backstop for changes this process may not have heard
   * of); Infinity when every change comes through this process.
   */
  constructor(private readonly trustMs = Infinity) {}

  version(tenant: string): number {
    if (performance.now() - this.epochAt > this.trustMs) this.changedAll();
    const c = this.counter(tenant);
    if (c.epoch !== this.epoch) {
      c.count++;
      c.epoch = this.epoch;
    }
    return c.count;
  }

  changed(tenant: string): void {
    const c = this.counter(tenant);
    c.count++;
    c.epoch = this.epoch;
  }

  changedAll(): void {
    this.epoch++;
    this.epochAt = performance.now();
  }

  private counter(tenant: string): Counter {
    let c = this.byTenant.get(tenant);
    if (!c) {
      c = { count: 0, epoch: this.epoch };
      this.byTenant.set(tenant, c);
    }
    return c;
  }
}
