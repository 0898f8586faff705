// Process-wide counters for operators (GET /metrics, Prometheus text format):
// requests by method and status, and calls made to the cloud by service.
export class Metrics {
  private readonly counters = new Map<string, number>();

  private add(key: string, n = 1): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + n);
  }

  request(method: string, status: number): void {
    this.add(`snf_occi_requests_total{method="${method}",status="${status}"}`);
  }

  backendCall(service: string): void {
    this.add(`snf_occi_backend_calls_total{service="${service}"}`);
  }

  /** The exposition text, with HELP and TYPE lines per metric family; `gauges` are values the caller reads now. */
  render(gauges: readonly Gauge[] = []): string {
    const families: Array<[string, string]> = [
      ['snf_occi_requests_total', 'OCCI requests answered, by method and status'],
      ['snf_occi_backend_calls_total', 'HTTP calls made to the cloud, by service'],
    ];
    const lines: string[] = [];
    for (const [name, help] of families) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, value] of [...this.counters].sort()) if (key.startsWith(`${name}{`)) lines.push(`${key} ${value}`);
    }
    for (const g of gauges) {
      lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
      for (const [labels, value] of g.values) lines.push(`${g.name}{${labels}} ${value}`);
    }
    lines.push(`# HELP process_resident_memory_bytes Resident memory`, `# TYPE process_resident_memory_bytes gauge`, `process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    return lines.join('\n') + '\n';
  }
}

export interface Gauge {
  name: string;
  help: string;
  /** Label text (`cache="catalog"`) and value. */
  values: ReadonlyArray<[string, number]>;
}

export const metrics = new Metrics();
