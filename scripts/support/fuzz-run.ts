// Drives a fuzz campaign against a live server: several connections kept
// busy with RequestFuzzer's requests, bounded by count and by time, with a
// health probe every few hundred requests. Counts answers by status and
// collects what must never happen: 5xx, dropped connections, hangs, and
// answers that carry a token.
import { RawConnection, header, sendOnce, type Outcome } from './raw-http.js';
import { RequestFuzzer, type FuzzCase, type FuzzTargets } from './malformed.js';

export interface FuzzOptions {
  port: number;
  seed: number;
  /** Stop after this many requests … */
  count: number;
  /** … or after this long, whichever comes first. */
  seconds: number;
  connections: number;
  targets: FuzzTargets;
  /** Probe GET /healthz after every this many requests (default 250). */
  healthEvery?: number;
  timeoutMs?: number;
  /** Called about once a second with the running totals. */
  onProgress?: (stats: FuzzStats) => void;
}

export type IncidentKind = 'server-error' | 'dropped' | 'leak';

export interface Incident {
  kind: IncidentKind;
  family: string;
  what: string;
  /** The start of the request, escaped, to replay it. */
  request: string;
}

export interface FuzzStats {
  seed: number;
  sent: number;
  seconds: number;
  byStatus: Map<number, number>;
  byFamily: Map<string, number>;
  serverErrors: number;
  /** 501 answers to a User-Agent naming a newer OCCI: what R2 prescribes, not a failure. */
  newerOcci501: number;
  drops: number;
  leaks: number;
  healthFailures: string[];
  /** The first few incidents of each kind, to replay. */
  examples: Incident[];
}

const KEEP = 20;

function excerpt(bytes: Buffer, n = 300): string {
  return JSON.stringify(bytes.subarray(0, n).toString('latin1'));
}

const COUNTER = { 'server-error': 'serverErrors', dropped: 'drops', leak: 'leaks' } as const;

function note(stats: FuzzStats, kind: IncidentKind, c: FuzzCase, what: string): void {
  const n = ++stats[COUNTER[kind]];
  if (n <= KEEP) stats.examples.push({ kind, family: c.family, what, request: excerpt(c.bytes) });
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzStats> {
  const fuzzer = new RequestFuzzer(o.seed, o.targets);
  const stats: FuzzStats = {
    seed: o.seed,
    sent: 0,
    seconds: 0,
    byStatus: new Map(),
    byFamily: new Map(),
    serverErrors: 0,
    newerOcci501: 0,
    drops: 0,
    leaks: 0,
    healthFailures: [],
    examples: [],
  };
  const secrets = [o.targets.token, o.targets.otherToken];
  const healthEvery = o.healthEvery ?? 250;
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  let progressAt = started + 1000;

  const health = async (): Promise<void> => {
    const out = await sendOnce(o.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, { timeoutMs: 10_000 });
    if ('dropped' in out) stats.healthFailures.push(`dropped: ${out.dropped}`);
    else if (out.reply.status !== 200) stats.healthFailures.push(`status ${out.reply.status}`);
  };

  const check = (c: FuzzCase, out: Outcome): void => {
    stats.byFamily.set(c.family, (stats.byFamily.get(c.family) ?? 0) + 1);
    if ('dropped' in out) {
      note(stats, 'dropped', c, out.dropped);
      return;
    }
    const r = out.reply;
    stats.byStatus.set(r.status, (stats.byStatus.get(r.status) ?? 0) + 1);
    // 501 is what R2 prescribes for a client asking for a newer OCCI than 1.2.
    if (r.status === 501 && c.newerOcci) stats.newerOcci501++;
    else if (r.status >= 500) note(stats, 'server-error', c, `${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
    const text = r.text;
    const leaked = secrets.find((s) => text.includes(s));
    if (leaked) note(stats, 'leak', c, `answer ${r.status} carries a token`);
    const location = header(r, 'location');
    if (r.status === 201 && location) {
      try {
        fuzzer.learn(new URL(location).pathname);
      } catch {
        // Not a URL: the server's problem shows up elsewhere.
      }
    }
  };

  const worker = async (): Promise<void> => {
    const conn = new RawConnection(o.port);
    try {
      while (stats.sent < o.count && performance.now() < deadline) {
        const n = ++stats.sent;
        const c = fuzzer.next();
        const options = { head: c.head, timeoutMs: o.timeoutMs ?? 30_000 };
        const out = c.fresh ? await sendOnce(o.port, c.bytes, options) : await conn.send(c.bytes, options);
        check(c, out);
        if (n % healthEvery === 0) await health();
        if (o.onProgress && performance.now() > progressAt) {
          progressAt = performance.now() + 1000;
          stats.seconds = (performance.now() - started) / 1000;
          o.onProgress(stats);
        }
      }
    } finally {
      conn.reset();
    }
  };

  await Promise.all(Array.from({ length: o.connections }, worker));
  await health();
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

/** A human summary: counts by status and family, then every kind of incident. */
export function formatStats(s: FuzzStats): string {
  const statuses = [...s.byStatus].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`).join(', ');
  const families = [...s.byFamily].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join(', ');
  const lines = [
    `seed ${s.seed}: ${s.sent} requests in ${s.seconds.toFixed(1)} s (${Math.round(s.sent / Math.max(s.seconds, 0.001))}/s)`,
    `by status: ${statuses}`,
    `by family: ${families}`,
    `5xx: ${s.serverErrors} (besides ${s.newerOcci501} × 501 for a User-Agent naming OCCI/9.9, as R2 prescribes), dropped connections: ${s.drops}, answers carrying a token: ${s.leaks}, failed health probes: ${s.healthFailures.length}`,
  ];
  for (const i of s.examples) lines.push(`  ${i.kind} [${i.family}] ${i.what}\n    request: ${i.request}`);
  for (const h of s.healthFailures.slice(0, KEEP)) lines.push(`  health: ${h}`);
  return lines.join('\n');
}
