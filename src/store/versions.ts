// The per-tenant numbers Store.version answers, for the catalogue caches in
// front of the store. Every number handed out is new (one counter for all
// tenants), so "everything may have changed" is a floor raised above every
// number given so far: each tenant's version then changes at once, at no
// cost per tenant.

export class Versions {
  private readonly byTenant = new Map<string, number>();
  private counter = 0;
  private floor = 0;
  private floorAt = performance.now();

  /**
   * `trustMs`: past this long without a raise of the floor, everything is
   * taken to have changed (a backstop for changes this process may not have
   * heard of); Infinity when every change comes through this process.
   */
  constructor(private readonly trustMs = Infinity) {}

  version(tenant: string): number {
    if (performance.now() - this.floorAt > this.trustMs) this.changedAll();
    const v = this.byTenant.get(tenant) ?? 0;
    return v > this.floor ? v : this.floor;
  }

  changed(tenant: string): void {
    this.byTenant.set(tenant, ++this.counter);
  }

  changedAll(): void {
    this.byTenant.clear();
    this.floor = ++this.counter;
    this.floorAt = performance.now();
  }
}
