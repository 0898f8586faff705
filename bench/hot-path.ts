// npm run bench:hot-path — the one comparison of `npm run bench` that a change
// to the request path moves: an authenticated, cached GET /-/ against the bare
// node:http control serving the same bytes, in text and JSON, taking turns
// HOT_ROUNDS times (default 5) of BENCH_SECONDS (default 3) each at
// BENCH_CONNECTIONS (default 16), after a warm-up of each. It prints, per
// turn and as medians, requests/s and the serving process's CPU time per
// request (from /proc: what a request costs, whoever else runs on the machine),
// and the CPU time this process spent per request (the load generator, and
// the reading of the server's log with HOT_LOG=pipe); and the
// ratio of each turn to the control's turn of the same round, their median
// and range. A second control takes the same turns writing an access line
// per request (snf-occi's fields, through snf-occi's own log writer, to a
// file): what logging each request costs any server, beside what snf-occi
// costs in all.
//   HOT_COMPARE=/path/to/dist/src/cli/main.js   a second snf-occi build (e.g.
//     main's) taking the same turns, to show a change side by side (several,
//     comma-separated, each named by its path in the table);
//   HOT_PROFILE=dir   the server(s) and the controls write a V8 CPU profile
//     there on exit (node --cpu-prof), to see where the microseconds go
//     (file names carry the pids printed; scripts/profile-self.mjs sums them);
//   HOT_COMPUTES=10000   computes made first for another tenant (npm run
//     bench's server holds 10,100: a larger heap costs every request more);
//   HOT_LOG=pipe   the servers' log goes through a pipe this process reads
//     (as `npm run bench` does) instead of a file: the reading then costs
//     CPU on the same two cores, which the control's turns do not pay;
//   HOT_TYPES=text   only these renderings (comma-separated: text, json);
//   HOT_VARY=1   each request carries a header of its own (autocannon's id
//     replacement, on every side): no request repeats the one before on its
//     connection, so snf-occi takes each apart anew (repeated-request.ts);
//   HOT_NODE_ARGS='--perf-basic-prof'   more options for the servers' node
//     (this one names JavaScript functions for `perf record -p <pid>`; the
//     pids are printed at the start).
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerChild, type ServerChild } from '../scripts/support/server-child.js';
import { controlHeaders, cpuMs, get, middle, startControl, type Control } from './measure.js';
import { computes } from './setup.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.HOT_ROUNDS ?? 5);
const TOKEN = 'bench-hot-path-0123456789abcdefghijklmn';
const OTHER = 'bench-hot-other-0123456789abcdefghijklm';
const COMPUTES = Number(process.env.HOT_COMPUTES ?? 0);
const LOG_TO_PIPE = process.env.HOT_LOG === 'pipe';
const VARY = process.env.HOT_VARY === '1';
const ALL_TYPES = { text: 'text/plain', json: 'application/occi+json' } as const;
const wanted = (process.env.HOT_TYPES ?? 'text,json').split(',');
const TYPES = Object.fromEntries(Object.entries(ALL_TYPES).filter(([name]) => wanted.includes(name)));

interface Turn {
  rps: number;
  cpuUs: number;
  /** CPU time this process (the load generator, and the reader of the server's log) spent per request (µs). */
  clientUs: number;
}

interface Side {
  name: string;
  base: string;
  pid: number;
  turns: Turn[];
}

const say = (text: string): boolean => process.stdout.write(`${text}\n`);

async function turn(side: Side, headers: Record<string, string>, seconds: number): Promise<Turn> {
  const cpu = cpuMs(side.pid);
  const own = process.cpuUsage();
  const r = await autocannon({ url: `${side.base}/-/`, headers: VARY ? { ...headers, 'X-Bench-Request': '[<id>]' } : headers, idReplacement: VARY, connections: CONNECTIONS, duration: seconds });
  if (r.non2xx + r.errors + r.timeouts > 0) throw new Error(`${side.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  const spent = process.cpuUsage(own);
  const n = Math.max(1, r.requests.total);
  return { rps: r.requests.average, cpuUs: ((cpuMs(side.pid) - cpu) * 1000) / n, clientUs: (spent.user + spent.system) / n };
}

const profileArgs = (): string[] => (process.env.HOT_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.HOT_PROFILE] : []);

async function server(main?: string): Promise<ServerChild> {
  const nodeArgs = [...(process.env.HOT_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), ...profileArgs()];
  const s = await startServerChild({ logToFile: !LOG_TO_PIPE, tokens: [{ token: TOKEN, tenant: 'hot' }, { token: OTHER, tenant: 'other' }], logLevel: 'info', nodeArgs, main, env: { SNF_OCCI_BOOT_MS: '0' } });
  if (COMPUTES > 0) await computes(s.base, OTHER, COMPUTES, 100);
  return s;
}

async function main(): Promise<void> {
  const servers = [await server()];
  const compared = (process.env.HOT_COMPARE ?? '').split(',').filter((path) => path !== '');
  for (const main of compared) servers.push(await server(main));
  const controls: Control[] = [];
  const logDir = mkdtempSync(join(tmpdir(), 'hot-path-'));
  try {
    say(`GET /-/ against a bare node:http control: ${ROUNDS} turns of ${SECONDS} s, ${CONNECTIONS} connections, Node ${process.version}`);
    say(`server pid ${servers.map((s) => s.pid).join(', ')}; ${COMPUTES} computes of another tenant${VARY ? '; each request with a header of its own' : ''}`);
    for (const [name, type] of Object.entries(TYPES)) {
      const headers = { 'X-Auth-Token': TOKEN, Accept: type };
      const reference = await get(servers[0]!.base, '/-/', headers);
      if (reference.status !== 200) throw new Error(`GET /-/: ${reference.status} ${reference.body.slice(0, 200)}`);
      const control = await startControl(reference.body, controlHeaders(reference), profileArgs());
      const logging = await startControl(reference.body, controlHeaders(reference), profileArgs(), join(logDir, `control-${name}.log`));
      controls.push(control, logging);
      say(`${name} control pid ${control.pid}, control with an access line pid ${logging.pid}`);
      const sides: Side[] = [
        { name: 'control', base: control.base, pid: control.pid, turns: [] },
        { name: '+ access line', base: logging.base, pid: logging.pid, turns: [] },
        ...servers.map((s, i) => ({ name: i === 0 ? 'this build' : compared.length === 1 ? 'compared build' : compared[i - 1]!, base: s.base, pid: s.pid, turns: [] })),
      ];
      for (const side of sides) await turn(side, headers, 1); // warm-up: JIT, caches
      for (let round = 0; round < ROUNDS; round++) for (const side of sides) side.turns.push(await turn(side, headers, SECONDS));
      const c = middle(sides[0]!.turns.map((t) => t.rps));
      say('');
      say(`${name} (${Buffer.byteLength(reference.body)} bytes):`);
      for (const side of sides) {
        const rps = middle(side.turns.map((t) => t.rps));
        const us = middle(side.turns.map((t) => t.cpuUs));
        const client = middle(side.turns.map((t) => t.clientUs));
        // Each turn beside the control's turn of the same round: the machine's load moves between rounds
        // by more than between two turns in a row, so the median of these ratios moves less than the
        // ratio of the medians.
        const paired = side.turns.map((t, i) => t.rps / sides[0]!.turns[i]!.rps);
        const ratio = side === sides[0] ? '' : `  ${(rps / c).toFixed(2)}× control (turn by turn: median ${middle(paired).toFixed(2)}×, ${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)})`;
        const each = side.turns.map((t) => `${Math.round(t.rps)}/${t.cpuUs.toFixed(1)}`).join(' ');
        say(`  ${side.name.padEnd(14)} ${String(Math.round(rps)).padStart(6)} req/s  ${us.toFixed(1).padStart(5)} µs CPU/req (load generator ${client.toFixed(1)})${ratio}   turns (req/s / µs): ${each}`);
      }
    }
  } finally {
    controls.forEach((c) => c.stop());
    rmSync(logDir, { recursive: true, force: true });
    for (const s of servers) {
      await s.stop();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`hot-path bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
