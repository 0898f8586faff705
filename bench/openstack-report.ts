// The table `npm run bench:openstack` prints: p50/p99 of both sides, their
// difference, and the cloud calls snf-occi made per OCCI request.

export type Mode = 'new token' | 'cached token';

export interface Row {
  operation: string;
  mode: Mode;
  n: number;
  direct: number[];
  occi: number[];
  occiRequests: number;
  calls: Map<string, number>;
}

/** Nearest-rank percentile (with 30 samples, p99 is the slowest). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const signed = (v: number): string => (v >= 0 ? `+${ms(v)}` : `−${ms(-v)}`);
const ratio = (v: number): string => String(Math.round(v * 100) / 100);

export function table(rows: Row[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [
    line(['operation', 'token', 'direct p50/p99 ms', 'snf-occi p50/p99 ms', 'added p50/p99 ms', 'cloud calls per OCCI request']),
    line(['---', '---', '---:', '---:', '---:', '---']),
  ];
  for (const r of rows) {
    const [d50, d99, o50, o99] = [percentile(r.direct, 50), percentile(r.direct, 99), percentile(r.occi, 50), percentile(r.occi, 99)];
    const total = [...r.calls.values()].reduce((x, y) => x + y, 0);
    const by = [...r.calls].sort((x, y) => y[1] - x[1]).map(([s, n]) => `${s} ${ratio(n / r.occiRequests)}`).join(', ');
    const per = `${ratio(total / r.occiRequests)}${by ? ` (${by})` : ''}`;
    const calls = r.operation.includes('cycle') ? `${per}; ${ratio(total / r.n)} per cycle of ${ratio(r.occiRequests / r.n)} requests` : per;
    out.push(line([`${r.operation} ×${r.n}`, r.mode, `${ms(d50)} / ${ms(d99)}`, `${ms(o50)} / ${ms(o99)}`, `${signed(o50 - d50)} / ${signed(o99 - d99)}`, calls]));
  }
  return out.join('\n');
}
