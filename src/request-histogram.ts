// The request duration histogram of /metrics, counted here and read by
// prom-client's registry when /metrics is asked. prom-client's own Histogram
// checks and hashes the labels of every observation, which cost a cached
// GET /-/ about 3 % of its time; here an observation is a lookup in nested
// Maps (keys the server already holds as strings and numbers) and an
// increment in a typed array. The registry reads it as it reads a
// Histogram (the same get()/getForPromString() shape), so the exposition is
// the one prom-client prints: same name, help, labels, buckets, order.

/** One (method, route, status): its label object is kept, so the registry formats it once. */
interface Series {
  labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A value of the shape prom-client's registry formats (see prom-client's histogram.js). */
interface Value {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
  /** prom-client sets it (null on buckets, undefined on sum and count). */
  exemplar?: null | undefined;
}

export class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** route → status → method → series: every key is a string or number the request already has. */
  private byRoute = new Map<string, Map<number, Map<string, Series>>>();
  /** In the order first seen, as prom-client lists them. */
  private series: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    let byStatus = this.byRoute.get(route);
    if (!byStatus) this.byRoute.set(route, (byStatus = new Map()));
    let byMethod = byStatus.get(status);
    if (!byMethod) byStatus.set(status, (byMethod = new Map()));
    let s = byMethod.get(method);
    if (!s) {
      s = { labels: { method, route, status: String(status) }, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      byMethod.set(method, s);
      this.series.push(s);
    }
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /** What prom-client's Histogram gives its registry for the text exposition. */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: Value[]; aggregator: string }> {
    const bucket = `${this.name}_bucket`;
    const values: Value[] = [];
    for (const s of this.series) {
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += s.counts[i]!;
        values.push({ labels: { le }, value: acc, metricName: bucket, exemplar: null, sharedLabels: s.labels });
      });
      values.push(
        { labels: { le: '+Inf' }, value: s.count, metricName: bucket, exemplar: null, sharedLabels: s.labels },
        { labels: {}, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined, sharedLabels: s.labels },
        { labels: {}, value: s.count, metricName: `${this.name}_count`, exemplar: undefined, sharedLabels: s.labels },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The same, with the series' labels merged into each value's (prom-client's JSON form). */
  async get(): Promise<{ name: string; help: string; type: string; values: Value[]; aggregator: string }> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return data;
  }

  reset(): void {
    this.byRoute = new Map();
    this.series = [];
  }
}
