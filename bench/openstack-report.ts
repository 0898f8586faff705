// The table `npm run bench:openstack` prints: p50/p99 of both sides, their
// difference, snf-occi's own time (outside its cloud calls, own-time.ts), and
// the cloud calls snf-occi made per OCCI request; a cycle (stop+start) also
// has a row for each of its steps.

export type Mode = 'new token' | 'cached token';

export interface Row {
  operation: string;
  mode: Mode;
  n: number;
  direct: number[];
  occi: number[];
  occiRequests: number;
  calls: Map<string, number>;
  /** A step of the cycle in the row before (stop, start): its calls are counted there. */
  step?: string;
  /** Per OCCI request, the time snf-occi spent outside its cloud calls (own-time.ts). */
  own?: number[];
}

/** How long `f` took, in ms. */
export async function timed(f: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

/** Per step of a cycle (e.g. stop, start) and side, the times measured. */
export class Laps {
  readonly direct = new Map<string, number[]>();
  readonly occi = new Map<string, number[]>();

  async time(side: 'direct' | 'occi', step: string, f: () => Promise<void>): Promise<void> {
    const ms = await timed(f);
    this[side].set(step, [...(this[side].get(step) ?? []), ms]);
  }

  /** A row for each step, after the cycle's own. */
  rows(mode: Mode): Row[] {
    return [...this.occi].map(([step, occi]) => {
      const direct = this.direct.get(step) ?? [];
      return { operation: `↳ ${step} (one action of the cycle)`, mode, n: occi.length, direct, occi, occiRequests: occi.length, calls: new Map(), step };
    });
  }

  clear(): void {
    this.direct.clear();
    this.occi.clear();
  }
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
    line(['operation', 'token', 'direct p50/p99 ms', 'snf-occi p50/p99 ms', 'added p50/p99 ms', "snf-occi's own p50/max ms", 'cloud calls per OCCI request']),
    line(['---', '---', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const r of rows) {
    const [d50, d99, o50, o99] = [percentile(r.direct, 50), percentile(r.direct, 99), percentile(r.occi, 50), percentile(r.occi, 99)];
    const total = [...r.calls.values()].reduce((x, y) => x + y, 0);
    const by = [...r.calls].sort((x, y) => y[1] - x[1]).map(([s, n]) => `${s} ${ratio(n / r.occiRequests)}`).join(', ');
    const per = `${ratio(total / r.occiRequests)}${by ? ` (${by})` : ''}`;
    const calls = r.step ? '(in the cycle)' : r.operation.includes('cycle') ? `${per}; ${ratio(total / r.n)} per cycle of ${ratio(r.occiRequests / r.n)} requests` : per;
    const own = r.own?.length ? `${ms(percentile(r.own, 50))} / ${ms(percentile(r.own, 100))}` : '';
    out.push(line([`${r.operation} ×${r.n}`, r.mode, `${ms(d50)} / ${ms(d99)}`, `${ms(o50)} / ${ms(o99)}`, `${signed(o50 - d50)} / ${signed(o99 - d99)}`, own, calls]));
  }
  return out.join('\n');
}
