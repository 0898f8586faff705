// The paths for operators, answered without a tenant's token:
// - /healthz, liveness: 200 while the process serves at all;
// - /readyz, readiness: 503 with the reasons while the server should get no
//   traffic: shutting down, in maintenance, its data directory not writable
//   (or a write refused by its disk lately), the shared store's database
//   unreachable (several replicas; no data directory then), the cloud's
//   identity service unreachable. The checks that cost something run in the background every
//   health.checkIntervalMs, never per probe;
// - /metrics (404 when metrics are off; a bearer token when metricsToken is set).
import { timingSafeEqual } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { metrics, type Gauge } from '../metrics.js';
import type { Backend } from '../port/backend.js';
import type { Store } from '../store/store.js';

export interface HealthAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const HEALTH_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The file written and removed to see that the data directory takes writes. */
export const PROBE_FILE = '.ready-probe';

export class Health {
  private timer: NodeJS.Timeout | undefined;
  private checked: string[] | undefined;
  private storageFailureAt = -Infinity;
  private storageFailure = '';
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    private readonly backend: Backend,
    private readonly store: Pick<Store, 'readiness'>,
    private readonly state: () => { draining: boolean },
    private readonly gauges: () => Gauge[],
  ) {}

  /** Starts the background checks, the first one now. */
  start(): void {
    const run = (): void => {
      this.running ??= this.check().finally(() => (this.running = undefined));
    };
    run();
    this.timer = setInterval(run, this.config.health.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A write the server's disk refused (full, read-only): not ready for a while after. */
  noteStorageFailure(message: string): void {
    this.storageFailureAt = performance.now();
    this.storageFailure = message;
  }

  private async check(): Promise<void> {
    const problems: string[] = [];
    if (this.config.store.url === undefined) {
      const probe = join(this.config.dataDir, PROBE_FILE);
      try {
        writeFileSync(probe, 'ok\n', { mode: 0o600 });
        rmSync(probe, { force: true });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        problems.push(`the data directory ${this.config.dataDir} cannot be written (${e.code ?? 'error'}: ${e.message})`);
      }
    }
    for (const part of [this.store, this.backend]) {
      try {
        const reason = await part.readiness?.();
        if (reason) problems.push(reason);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    this.checked = problems;
  }

  /** Why the server is not ready; empty when it is. */
  reasons(): string[] {
    const out: string[] = [];
    if (this.state().draining) out.push('the server is shutting down');
    if (this.config.maintenance) out.push('the server is in maintenance (setting maintenance)');
    if (this.checked === undefined) out.push('the first health check has not finished yet');
    else out.push(...this.checked);
    if (performance.now() - this.storageFailureAt < 2 * this.config.health.checkIntervalMs) out.push(this.storageFailure);
    return out;
  }

  /** The answer for a health path, or undefined for any other path. */
  async answer(path: string, req: IncomingMessage): Promise<HealthAnswer | undefined> {
    const json = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
    if (path === '/healthz') return { status: 200, headers: json, body: '{"status":"ok"}' };
    if (path === '/readyz') {
      const reasons = this.reasons();
      if (reasons.length === 0) return { status: 200, headers: json, body: '{"status":"ready"}' };
      return { status: 503, headers: { ...json, 'Retry-After': String(Math.ceil(this.config.health.checkIntervalMs / 1000)) }, body: JSON.stringify({ status: 'not ready', reasons }) };
    }
    if (path !== '/metrics') return undefined;
    const text = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
    if (!this.config.metrics) return { status: 404, headers: text, body: 'Not Found: metrics are off on this server (setting metrics)\n' };
    if (this.config.metricsToken !== undefined && !bearerMatches(req.headers.authorization, this.config.metricsToken)) {
      return { status: 401, headers: { ...text, 'WWW-Authenticate': 'Bearer realm="snf-occi metrics"' }, body: 'Unauthorized: /metrics needs the token of the setting metricsToken, as Authorization: Bearer <token>\n' };
    }
    const { contentType, body } = await metrics.render(this.gauges());
    return { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' }, body };
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!.trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
