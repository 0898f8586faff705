// npm run bench:replicas — snf-occi scaled out on the OpenStack backend
// (openstack-lite): three replicas sharing one PostgreSQL behind HAProxy
// (round robin), everything started here on this machine. Reports:
//  1. requests/s of GET /-/ and GET /compute/ through HAProxy with 1, 2 and 3
//     replicas in service (the others in maintenance), BENCH_CONNECTIONS
//     connections (BENCH_COMPUTE_CONNECTIONS for /compute/) for BENCH_SECONDS
//     each (autocannon), and the replicas' CPU time per request (from /proc,
//     the figure a busy machine moves least). Controls from the same
//     run: the same HAProxy in front of 1, 2 and 3 bare node:http processes
//     serving the bytes of GET /-/ (what the machine and the balancer allow),
//     and Nova's GET /servers/detail called directly (what the cloud allows
//     GET /compute/, which asks Nova on every request);
//  2. the latency the PostgreSQL store adds against SQLite: one replica on
//     each, requests taking turns between them, one client at a time: a mixin
//     defined and deleted (two writes), an empty mixin collection (a read),
//     and GET /-/, answered from the catalogue cache without the store (the
//     control: what the two replicas differ by when the store is not asked).
// Needs OS_* (. /var/lib/openstack-lite/demo-openrc), PostgreSQL and HAProxy.
// PostgreSQL runs with its defaults here (fsync on), unlike in the tests.
//   BENCH_SECONDS (default 5), BENCH_CONNECTIONS (16), BENCH_ROUNDS (3: the
//   median is reported), BENCH_LATENCY_N (200).
import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startServerChild, type ServerChild } from '../scripts/support/server-child.js';
import { HAPROXY_SKIP, haproxyBin, startHaproxy, type Balancer } from '../test/helpers/haproxy.js';
import { postgresMissing, startPostgres } from '../test/helpers/postgres.js';
import { passwordToken, primaryAccount, SKIP_MESSAGE } from '../test/openstack/os-env.js';
import { cpuMs, get, startControl, summarize, type Control, type Latency } from './measure.js';

const SECONDS = positive('BENCH_SECONDS', 5);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 16);
const LATENCY_N = positive('BENCH_LATENCY_N', 200);
const ROUNDS = positive('BENCH_ROUNDS', 3);
/** GET /compute/ asks Nova every time, and openstack-lite's Nova answers a few a second: more connections only queue there. */
const COMPUTE_CONNECTIONS = positive('BENCH_COMPUTE_CONNECTIONS', 4);
const RUN = `rb${Date.now().toString(36)}`;
const SCHEME = `http://example.com/${RUN}#`;

function positive(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (Number.isInteger(v) && v >= 1) return v;
  process.stderr.write(`bench:replicas: ${name} must be a positive integer, got '${process.env[name]}'\n`);
  process.exit(2);
}

const say = (text: string): boolean => process.stdout.write(`${text}\n`);
const row = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));

interface Rate {
  rps: number;
  p50: number;
  errors: number;
  /** CPU time of all the replicas together per request answered (ms), when measured. */
  cpu?: number;
}

/** The run with the median requests/s. */
const median = (runs: Rate[]): Rate => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

/** Requests/s at `connections`; with `servers`, also their CPU time per request (what a request costs them, whoever else runs). */
async function rate(url: string, headers: Record<string, string>, connections = CONNECTIONS, servers: readonly ServerChild[] = []): Promise<Rate> {
  const cpu = (): number => servers.reduce((sum, s) => sum + cpuMs(s.pid), 0);
  const before = cpu();
  const r = await autocannon({ url, headers, connections, duration: SECONDS });
  const used = cpu() - before;
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, errors: r.errors + r.timeouts + r.non2xx, cpu: r.requests.total > 0 ? used / r.requests.total : undefined };
}

/** Puts servers r1 … rN of `lb` in service and the others in maintenance; resolves once HAProxy sees exactly those up. */
async function inService(lb: Balancer, n: number, total: number): Promise<void> {
  for (let i = 1; i <= total; i++) await lb.admin(`set server replicas/r${i} state ${i <= n ? 'ready' : 'maint'}`);
  const deadline = Date.now() + 20_000;
  let state = '';
  while (Date.now() < deadline) {
    state = await lb.admin('show servers state replicas');
    const up = state.split('\n').filter((l) => / r\d+ 127\.0\.0\.1 2 /.test(l)).length;
    if (up === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`HAProxy did not put ${n} servers in service within 20 s: ${state}`);
}

/** One exchange with a body, read in full; anything but `expected` stops the bench. */
async function send(base: string, method: string, path: string, headers: Record<string, string>, body: string, expected: number): Promise<void> {
  const res = await fetch(`${base}${path}`, { method, headers: { ...headers, 'Content-Type': 'text/plain' }, body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${base}${path}: ${res.status} ${text.slice(0, 300)}`);
}

async function throughput(replicas: ServerChild[], controls: Control[], token: string, nova: string): Promise<void> {
  const lb = await startHaproxy(replicas.map((r) => r.port));
  const controlLb = await startHaproxy(controls.map((c) => Number(new URL(c.base).port)));
  const headers = { 'X-Auth-Token': token, Accept: 'text/plain' };
  try {
    say(`\nThroughput through HAProxy, ${CONNECTIONS} connections, ${SECONDS} s each, median of ${ROUNDS} rounds (autocannon; p50 in whole ms):\n`);
    say(row(['replicas', 'GET /-/ req/s', 'p50 ms', 'replicas\' CPU ms/req', 'control: bare node:http req/s', `GET /compute/ req/s (${COMPUTE_CONNECTIONS} conn.)`, 'p50 ms', 'replicas\' CPU ms/req', 'control: Nova /servers/detail req/s']));
    say(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    // Rounds in turn up and down (1, 2, 3, then 3, 2, 1 …), so that the machine's other work, which changes
    // over minutes, weighs on every count alike; each figure is the median of its rounds.
    const runs = new Map<number, Rate[][]>();
    for (let round = 0; round < ROUNDS; round++) {
      const counts = replicas.map((_, i) => i + 1);
      for (const n of round % 2 === 0 ? counts : counts.reverse()) {
        await inService(lb, n, replicas.length);
        await inService(controlLb, n, controls.length);
        // One second of warm-up: every replica in service has validated the token and cached the catalogue.
        await autocannon({ url: `${lb.base}/-/`, headers, connections: n * 2, duration: 1 });
        const query = await rate(`${lb.base}/-/`, headers, CONNECTIONS, replicas);
        const control = await rate(`${controlLb.base}/-/`, headers);
        const computes = await rate(`${lb.base}/compute/`, headers, COMPUTE_CONNECTIONS, replicas);
        const direct = await rate(`${nova}/servers/detail`, { 'X-Auth-Token': token, Accept: 'application/json' }, COMPUTE_CONNECTIONS);
        runs.set(n, [...(runs.get(n) ?? []), [query, control, computes, direct]]);
      }
    }
    for (const [n, rounds] of [...runs].sort((a, b) => a[0] - b[0])) {
      const [query, control, computes, direct] = [0, 1, 2, 3].map((k) => median(rounds.map((r) => r[k]!)));
      const errors = rounds.flat().reduce((s, r) => s + r.errors, 0);
      const perRequest = (r: Rate): string => (r.cpu === undefined ? '–' : ms(r.cpu));
      say(row([n, query!.rps, query!.p50, perRequest(query!), control!.rps, computes!.rps, computes!.p50, perRequest(computes!), direct!.rps]) + (errors ? ` ${errors} errors` : ''));
    }
  } finally {
    await lb.stop();
    await controlLb.stop();
  }
}

/** `op` on both servers taking turns (which goes first alternates), LATENCY_N times each. */
async function interleaved(op: (base: string, i: number) => Promise<void>, a: string, b: string): Promise<[Latency, Latency]> {
  const times: [number[], number[]] = [[], []];
  const bases = [a, b];
  for (let i = 0; i < LATENCY_N; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const t = performance.now();
      await op(bases[k]!, i);
      times[k]!.push(performance.now() - t);
    }
  }
  return [summarize(times[0]), summarize(times[1])];
}

async function storeLatency(sqlite: ServerChild, shared: ServerChild, token: string): Promise<void> {
  const headers = { 'X-Auth-Token': token, Accept: 'text/plain' };
  const category = (term: string): string => `Category: ${term}; scheme="${SCHEME}"; class="mixin"`;
  const read = async (base: string, path: string): Promise<void> => {
    const r = await get(base, path, headers);
    if (r.status !== 200) throw new Error(`GET ${base}${path}: ${r.status} ${r.body.slice(0, 300)}`);
  };
  for (const s of [sqlite, shared]) await send(s.base, 'POST', '/-/', headers, `${category('empty')}; location="/${RUN}/empty/"\n`, 200);
  const ops: Array<[string, (base: string, i: number) => Promise<void>]> = [
    ['GET /-/ (control: no store query)', (base) => read(base, '/-/')],
    ['GET an empty mixin collection (a read)', (base) => read(base, `/${RUN}/empty/`)],
    [
      'define a mixin, then delete it (two writes)',
      async (base, i) => {
        await send(base, 'POST', '/-/', headers, `${category(`m${i}`)}; location="/${RUN}/m${i}/"\n`, 200);
        await send(base, 'DELETE', '/-/', headers, `${category(`m${i}`)}\n`, 200);
      },
    ],
  ];
  say(`\nLatency added by the PostgreSQL store, one client, ${LATENCY_N} requests on each store taking turns (ms):\n`);
  say(row(['request', 'SQLite p50', 'SQLite p99', 'PostgreSQL p50', 'PostgreSQL p99', 'added at p50']));
  say(row(['---', '---:', '---:', '---:', '---:', '---:']));
  for (const [name, op] of ops) {
    await interleaved(op, sqlite.base, shared.base); // warm-up, not counted
    const [a, b] = await interleaved(op, sqlite.base, shared.base);
    say(row([name, ms(a.p50), ms(a.p99), ms(b.p50), ms(b.p99), ms(b.p50 - a.p50)]));
  }
}

async function main(): Promise<void> {
  const account = primaryAccount();
  const missing = !account ? SKIP_MESSAGE.replace(/^# SKIPPED: /, '') : (postgresMissing() ?? (haproxyBin() ? undefined : HAPROXY_SKIP));
  if (missing) {
    process.stderr.write(`bench:replicas cannot run: ${missing}\n`);
    process.exit(2);
  }
  const token = await passwordToken(account!);
  const nova = token.endpoints.compute;
  if (!nova) throw new Error('the token has no compute endpoint in its catalogue');
  const cluster = await startPostgres({ durable: true });
  const children: ServerChild[] = [];
  const controls: Control[] = [];
  try {
    const url = await cluster.createDatabase('bench');
    const replica = (store: Record<string, unknown>): Promise<ServerChild> =>
      startServerChild({ tokens: [], config: { backend: 'openstack', openstack: { keystoneUrl: account!.authUrl }, store, quotas: { userMixins: 1000 } } });
    // Logging at info (a line per request) on every replica alike, as in production.
    children.push(...(await Promise.all([replica({ url }), replica({ url }), replica({ url }), replica({})])));
    const replicas = children.slice(0, 3);
    const sqlite = children[3]!;
    const queryBody = (await get(replicas[0]!.base, '/-/', { 'X-Auth-Token': token.token, Accept: 'text/plain' })).body;
    for (let i = 0; i < 3; i++) controls.push(await startControl(queryBody, { 'Content-Type': 'text/plain' }));
    say(`bench:replicas — ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, PostgreSQL at ${cluster.url().replace(/^postgres:\/\/[^@]*@/, '')} (fsync on), GET /-/ is ${Buffer.byteLength(queryBody)} bytes`);
    await throughput(replicas, controls, token.token, nova);
    await storeLatency(sqlite, replicas[0]!, token.token);
    say(`\nload average at the end: ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    for (const c of controls) c.stop();
    await Promise.all(children.map(async (c) => (await c.stop(), rmSync(c.dataDir, { recursive: true, force: true }))));
    await cluster.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:replicas failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
