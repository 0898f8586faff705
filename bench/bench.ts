// npm run bench — a real snf-occi process on the embedded cloud, over
// loopback, beside a bare node:http control serving the bytes of GET /-/
// (both started here, measured in the same run on the same machine):
//  1. collections, one client at a time, right after the set-up: latency
//     (p50/p99, ms), the server's CPU time per request, and its peak memory
//     (VmHWM, reset before each; the RSS it started from beside it) for
//     10,000 computes in text and JSON, the first and the middle page of 100
//     of 10,000, a page of 100 of 100, a mixin collection of 1,000 members
//     among 10,000 (each after a second of warm-up); the control's latency
//     before and after;
//  2. /healthz latency while four clients list the 10,000 computes in JSON;
//  3. throughput at BENCH_CONNECTIONS connections (autocannon): GET /-/ taking
//     turns with the control and with a control that writes an access line a
//     request (five rounds, each starting with the next of the three), then a
//     single compute, create+delete, each with the serving process's CPU time
//     per request;
//  4. the access log's cost: GET /-/ at log level info taking turns with the
//     same server build at warn (log-levels.ts).
//   BENCH_SECONDS (default 5) per scenario, BENCH_CONNECTIONS (default 16).
import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServerChild } from '../scripts/support/server-child.js';
import { tempDir } from '../scripts/support/temp-dir.js';
import { controlHeaders, cpuMs, get, middle, peakMiB, resetPeak, sequential, startControl, summarize, type Latency } from './measure.js';
import { compareLogLevels } from './log-levels.js';
import { compute, computes, KIND, tagged, TAG_LOCATION } from './setup.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MANY = 10_000;
/** Rounds of turns of the controls and of GET /-/. */
const ROUNDS = 5;
const TYPES = { text: 'text/plain', json: 'application/occi+json' } as const;
const TOKENS = {
  many: 'bench-many-0123456789abcdefghijklmnop',
  hundred: 'bench-hundred-0123456789abcdefghijkl',
  solo: 'bench-solo-0123456789abcdefghijklmnop',
  churn: 'bench-churn-0123456789abcdefghijklmno',
};

const line = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const say = (text: string): boolean => process.stdout.write(`${text}\n`);

interface Rate {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time the serving process spent per request (µs), from /proc: what a request costs, whoever else runs. */
  cpuUs: number;
}

/** A server taking turns in the throughput rounds. */
interface Side {
  name: string;
  base: string;
  pid: number;
  runs: Rate[];
}

/** The run with the median requests/s. */
const median = (runs: Rate[]): Rate => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

/** autocannon against the process `pid` serves from. */
async function rate(pid: number, opts: autocannon.Options): Promise<Rate> {
  const cpu = cpuMs(pid);
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  const cpuUs = ((cpuMs(pid) - cpu) * 1000) / Math.max(1, r.requests.total);
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, cpuUs };
}

/** create+delete pairs: POST a compute, DELETE its Location. */
function churn(base: string, type: string): autocannon.Options {
  const headers = { 'X-Auth-Token': TOKENS.churn, 'Content-Type': type, Accept: type };
  const body = type === 'text/plain' ? KIND : JSON.stringify({ kind: 'http://schemas.ogf.org/occi/infrastructure#compute' });
  return {
    url: base,
    requests: [
      {
        method: 'POST',
        path: '/compute/',
        headers,
        body,
        onResponse: (_s: number, _b: string, context: Record<string, unknown>, h?: Record<string, string>) => {
          const location = Object.entries(h ?? {}).find(([k]) => k.toLowerCase() === 'location')?.[1];
          context.location = location ? new URL(String(location)).pathname : '/compute/missing';
        },
      },
      { method: 'DELETE', headers, setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => ({ ...req, path: context.location as string }) },
    ] as autocannon.Request[],
  };
}

/** Four clients list the 10,000 computes in JSON while one asks /healthz, one request after another. */
async function healthzUnderLoad(base: string): Promise<{ health: Latency; listing: Latency }> {
  const listings: number[] = [];
  const health: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const lister = async (): Promise<void> => {
    while (performance.now() < until) {
      const t = performance.now();
      const r = await get(base, '/compute/', { 'X-Auth-Token': TOKENS.many, Accept: 'application/occi+json' });
      if (r.status !== 200) throw new Error(`listing under load: ${r.status}`);
      listings.push(performance.now() - t);
    }
  };
  const prober = async (): Promise<void> => {
    while (performance.now() < until) {
      const t = performance.now();
      const r = await get(base, '/healthz', {});
      if (r.status !== 200) throw new Error(`/healthz under load: ${r.status}`);
      health.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await Promise.all([lister(), lister(), lister(), lister(), prober()]);
  return { health: summarize(health), listing: summarize(listings) };
}

async function main(): Promise<void> {
  const tokens = Object.entries(TOKENS).map(([tenant, token]) => ({ token, tenant }));
  // The server's log goes to a file, as with systemd's StandardOutput=append: (hot-path.ts says why).
  const server = await startServerChild({ logToFile: true, tokens, logLevel: 'info', env: { SNF_OCCI_BOOT_MS: '0', SNF_OCCI_ACTION_MS: '0' } });
  const base = server.base;
  const controls: Array<{ stop(): void }> = [];
  try {
    say(`setting up ${MANY} computes, 100, 1, and a mixin tagging 1,000 …`);
    await computes(base, TOKENS.many, MANY, 100);
    await computes(base, TOKENS.hundred, 100, 100);
    const solo = await compute(base, TOKENS.solo);
    const members = await tagged(base, TOKENS.many, MANY / 1000, 100);

    // Collections first, on a server that has done nothing else since its set-up.
    const textHeaders = { 'X-Auth-Token': TOKENS.solo, Accept: 'text/plain' };
    const reference = await get(base, '/-/', textHeaders);
    const same = controlHeaders(reference);
    const textControl = await startControl(reference.body, same);
    controls.push(textControl);
    const controlBefore = await sequential(textControl.base, '/-/', textHeaders, SECONDS);
    const scenarios: Array<[string, string, string, string]> = [];
    for (const [name, type] of Object.entries(TYPES)) {
      scenarios.push(
        [`GET /compute/ of ${MANY} (${name})`, TOKENS.many, '/compute/', type],
        [`first page of 100 of ${MANY} (${name})`, TOKENS.many, '/compute/?page=1&number=100', type],
        [`middle page of 100 of ${MANY} (${name})`, TOKENS.many, '/compute/?page=50&number=100', type],
        [`page of 100 of 100 (${name})`, TOKENS.hundred, '/compute/?page=1&number=100', type],
        [`mixin collection: ${members} of ${MANY} (${name})`, TOKENS.many, TAG_LOCATION, type],
      );
    }
    const latency: string[] = [];
    for (const [scenario, token, path, type] of scenarios) {
      // A second of the same requests first: code warmed up, and the previous scenario's garbage collected.
      await sequential(base, path, { 'X-Auth-Token': token, Accept: type }, 1);
      resetPeak(server.pid);
      const [cpu, rss] = [cpuMs(server.pid), peakMiB(server.pid)];
      const l = await sequential(base, path, { 'X-Auth-Token': token, Accept: type }, SECONDS);
      const perRequest = (cpuMs(server.pid) - cpu) / l.n;
      latency.push(line([scenario, l.n, ms(l.p50), ms(l.p99), ms(perRequest), Math.round(l.bytes / 1024), `${peakMiB(server.pid)} (from ${rss})`]));
    }
    const controlAfter = await sequential(textControl.base, '/-/', textHeaders, SECONDS);
    resetPeak(server.pid);
    const loadedFrom = peakMiB(server.pid);
    const loaded = await healthzUnderLoad(base);
    const loadedPeak = peakMiB(server.pid);

    const throughput: string[] = [];
    const logDir = tempDir('bench-control-log-');
    for (const [name, type] of Object.entries(TYPES)) {
      const headers = { 'X-Auth-Token': TOKENS.solo, Accept: type };
      const body = type === 'text/plain' ? reference : await get(base, '/-/', headers);
      // Controls of their own for each rendering, started for its turns: the text control that served the
      // latency runs above spent 44 µs a request in these turns where a fresh one spent 39 (11:25,
      // 6 December 2026), which made snf-occi's text ratio look ten points better than it was. The second
      // writes an access line per request through snf-occi's own log writer: what logging alone costs a
      // server here, beside what snf-occi costs in all.
      const bare = await startControl(body.body, controlHeaders(body));
      const logging = await startControl(body.body, controlHeaders(body), [], join(logDir, `${name}.log`));
      controls.push(bare, logging);
      const sides: Side[] = [
        { name: `control: bare node:http, same ${Buffer.byteLength(body.body)} bytes (${name})`, base: bare.base, pid: bare.pid, runs: [] },
        { name: `control + an access line a request (${name})`, base: logging.base, pid: logging.pid, runs: [] },
        { name: `GET /-/ (${name})`, base, pid: server.pid, runs: [] },
      ];
      // The machine's speed drifts: the three take turns, each round starting with the next of them (a
      // place in a round is then nobody's), and each turn is set beside the control's of the same round.
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < sides.length; i++) {
          const side = sides[(round + i) % sides.length]!;
          side.runs.push(await rate(side.pid, { url: `${side.base}/-/`, headers }));
        }
      }
      const control = sides[0]!;
      const c = median(control.runs);
      for (const side of sides) {
        const r = median(side.runs);
        const paired = side.runs.map((run, i) => run.rps / control.runs[i]!.rps);
        const ratio = side === control ? '' : `${(r.rps / c.rps).toFixed(2)}× control (turn by turn ${middle(paired).toFixed(2)}×); `;
        throughput.push(line([side.name, r.rps, r.p50, r.p99, r.errors, middle(side.runs.map((run) => run.cpuUs)).toFixed(1), `${ratio}${side.runs.map((run) => run.rps).join(', ')}`]));
      }
      const one = await rate(server.pid, { url: `${base}${solo}`, headers });
      throughput.push(line([`GET /compute/<id> (${name})`, one.rps, one.p50, one.p99, one.errors, one.cpuUs.toFixed(1), '']));
      const cd = await rate(server.pid, churn(base, type));
      throughput.push(line([`create+delete (${name}, per request)`, cd.rps, cd.p50, cd.p99, cd.errors, cd.cpuUs.toFixed(1), '']));
    }

    say(`snf-occi bench: ${SECONDS} s per scenario, embedded cloud, Node ${process.version}, logging at info`);
    say('');
    say('Collections, one client at a time (the server otherwise idle):');
    say('');
    say(line(['scenario', 'requests', 'p50 ms', 'p99 ms', 'server CPU ms/request', 'KiB', 'peak RSS MiB (from)']));
    say(line(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
    const control = (when: string, c: Latency): boolean => say(line([`control ${when}: bare node:http, GET of the /-/ bytes`, c.n, ms(c.p50), ms(c.p99), '', Math.round(c.bytes / 1024), '']));
    control('before', controlBefore);
    latency.forEach((l) => say(l));
    control('after', controlAfter);
    say('');
    const h = loaded.health;
    const j = loaded.listing;
    say(`/healthz while 4 clients list ${MANY} computes in JSON: p50 ${ms(h.p50)} ms, p99 ${ms(h.p99)} ms, max ${ms(h.max)} ms (${h.n} probes);`);
    say(`  the listings meanwhile: p50 ${ms(j.p50)} ms, p99 ${ms(j.p99)} ms (${j.n}); server peak RSS ${loadedPeak} MiB (from ${loadedFrom})`);
    say('');
    say(`Throughput, ${CONNECTIONS} connections (autocannon; latency in whole ms):`);
    say('');
    say(line(['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/request (median)', 'each run, requests/s']));
    say(line(['---', '---:', '---:', '---:', '---:', '---:', '---']));
    throughput.forEach((l) => say(l));
    say('');
  } finally {
    controls.forEach((c) => c.stop());
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  // Apart from the server above, so that neither is measured while the other runs.
  const logs = await compareLogLevels(SECONDS, CONNECTIONS);
  process.stdout.write(
    `Access log cost, GET /-/ (text), ${logs.rounds} turns of ${SECONDS} s at each level, ${CONNECTIONS} connections: ` +
      `log level warn ${logs.warn} requests/s (${logs.cpuUs.warn.toFixed(1)} µs of server CPU a request), info ${logs.info} (${logs.cpuUs.info.toFixed(1)} µs): ` +
      `info is ${percent(logs.ratio)} of warn turn by turn (median; each turn ${logs.ratios.map(percent).join(', ')}; target ≥ 90%)\n`,
  );
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
