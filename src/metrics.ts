// What GET /metrics shows operators, in Prometheus' text format, made with
// prom-client: request durations by method, route template and status; cloud
// call durations by service and outcome; cache hits, misses, entries and
// bytes; build info; and the process's own metrics (CPU, memory, event loop,
// GC). prom-client is loaded only when metrics are on (enableMetrics), off
// the start-up path of a server that does not serve them; until then every
// recording is a no-op. Label values are bounded: routes are templates,
// never raw paths.
import type * as Prom from 'prom-client';
import { RequestHistogram } from './request-histogram.js';
import { VERSION } from './version.js';

export interface Gauge {
  name: string;
  help: string;
  /** Label values (`{cache: 'catalog'}`) and value. */
  values: ReadonlyArray<[Record<string, string>, number]>;
}

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Parts {
  registry: Prom.Registry;
  requests: RequestHistogram;
  cloudCalls: Prom.Histogram<'service' | 'outcome'>;
  cacheHits: Prom.Counter<'cache'>;
  cacheMisses: Prom.Counter<'cache'>;
  gauges: Map<string, Prom.Gauge<string>>;
  prom: typeof Prom;
}

class Metrics {
  private parts: Parts | undefined;
  private loading: Promise<void> | undefined;
  /**
   * Cache lookups counted here, by cache and outcome, and added to the counters when they are read: a
   * request looks two caches up, and prom-client hashes the labels of every increment.
   */
  private readonly lookups = new Map<string, { cache: string; hit: boolean; n: number }>();

  get enabled(): boolean {
    return this.parts !== undefined;
  }

  /** Loads prom-client and registers the metrics (once per process). */
  enable(): Promise<void> {
    this.loading ??= import('prom-client').then((mod) => {
      const prom = (mod as unknown as { default?: typeof Prom }).default ?? mod;
      const registry = new prom.Registry();
      prom.collectDefaultMetrics({ register: registry });
      const build = new prom.Gauge({ name: 'snf_occi_build_info', help: 'The running snf-occi: version and Node.js version', labelNames: ['version', 'node'], registers: [registry] });
      build.set({ version: VERSION, node: process.version }, 1);
      const requests = new RequestHistogram('snf_occi_http_request_duration_seconds', 'Time to answer an HTTP request, by method, route template and status', SECONDS_BUCKETS);
      // Read by the registry as it reads prom-client's own metrics (request-histogram.ts says why it is ours).
      registry.registerMetric(requests as unknown as Prom.Metric);
      this.parts = {
        prom,
        registry,
        requests,
        cloudCalls: new prom.Histogram({
          name: 'snf_occi_cloud_call_duration_seconds',
          help: 'Time of each HTTP call made to the cloud, by service and outcome (ok, client_error, server_error, timeout, unreachable)',
          labelNames: ['service', 'outcome'],
          buckets: SECONDS_BUCKETS,
          registers: [registry],
        }),
        cacheHits: new prom.Counter({ name: 'snf_occi_cache_hits_total', help: 'Lookups answered by a cache of the server', labelNames: ['cache'], registers: [registry], collect: () => this.addLookups() }),
        cacheMisses: new prom.Counter({ name: 'snf_occi_cache_misses_total', help: 'Lookups a cache of the server could not answer', labelNames: ['cache'], registers: [registry], collect: () => this.addLookups() }),
        gauges: new Map(),
      };
    });
    return this.loading;
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.parts?.requests.observe(method, route, status, seconds);
  }

  cloudCall(service: string, outcome: string, seconds: number): void {
    this.parts?.cloudCalls.labels(service, outcome).observe(seconds);
  }

  cacheLookup(cache: string, hit: boolean): void {
    if (!this.parts) return;
    const key = hit ? cache : `${cache}\u0000miss`;
    const counted = this.lookups.get(key);
    if (counted) counted.n++;
    else this.lookups.set(key, { cache, hit, n: 1 });
  }

  /** The lookups counted since the counters were last read, added to them. */
  private addLookups(): void {
    const p = this.parts;
    if (!p) return;
    for (const c of this.lookups.values()) {
      if (c.n > 0) (c.hit ? p.cacheHits : p.cacheMisses).inc({ cache: c.cache }, c.n);
      c.n = 0;
    }
  }

  /** The exposition text and its content type; `gauges` are values the caller reads now. */
  async render(gauges: readonly Gauge[] = []): Promise<{ contentType: string; body: string }> {
    await this.enable();
    const p = this.parts!;
    for (const g of gauges) {
      let gauge = p.gauges.get(g.name);
      if (!gauge) {
        const labelNames = Object.keys(g.values[0]?.[0] ?? {});
        gauge = new p.prom.Gauge({ name: g.name, help: g.help, labelNames, registers: [p.registry] });
        p.gauges.set(g.name, gauge);
      }
      for (const [labels, value] of g.values) gauge.set(labels, value);
    }
    return { contentType: p.registry.contentType, body: await p.registry.metrics() };
  }
}

export const metrics = new Metrics();
