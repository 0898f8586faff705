// What the access log costs: GET /-/ against two servers of the same build,
// one logging at info (a line per request) and one at warn (none), measured
// in turns (warn, info, warn, info …) in the same run, so the machine's load
// weighs on both alike. The figure to watch: info's requests/s as a share of
// warn's (the target: at least 90%), taken turn by turn (each info turn
// against the warn turn just before it) and the median of those kept: the
// load of these machines moves between rounds by more than the log costs, so
// the ratio of two averages moved between 82% and 103% from run to run. Each
// server's CPU time a request (from /proc) is given beside it.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN } from '../scripts/support/server-child.js';
import { cpuMs, middle } from './measure.js';

export interface LogLevelFigures {
  /** Median requests/s of each level's turns. */
  warn: number;
  info: number;
  /** The median of info / warn, turn by turn. */
  ratio: number;
  /** Each turn's info / warn. */
  ratios: number[];
  /** Median server CPU µs a request at each level. */
  cpuUs: { warn: number; info: number };
  rounds: number;
}

const TOKEN = { token: 'bench-logs-0123456789abcdef0123456789ab', tenant: 'logs' };

interface Server {
  child: ChildProcess;
  base: string;
  dataDir: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** A server at `level`; at warn it logs nothing at start, so it is ready once /healthz answers. */
async function start(level: 'warn' | 'info'): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'snf-occi-bench-logs-'));
  const config = join(dataDir, 'bench.json');
  writeFileSync(config, JSON.stringify({ logLevel: level, rateLimit: { perSecond: 0 }, local: { tokens: [TOKEN] } }));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, '--port', String(port), '--data-dir', dataDir, '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.resume(); // read and dropped, as a log collector would read it
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { child, base, dataDir };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the ${level} server did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A turn at one server: its requests/s, and the server's CPU µs a request. */
async function turn(server: Server, seconds: number, connections: number): Promise<{ rps: number; cpuUs: number }> {
  const cpu = cpuMs(server.child.pid!);
  const r = await autocannon({ url: `${server.base}/-/`, headers: { 'X-Auth-Token': TOKEN.token }, connections, duration: seconds });
  if (r.non2xx + r.errors > 0) throw new Error(`GET /-/ failed ${r.non2xx + r.errors} times`);
  return { rps: r.requests.average, cpuUs: ((cpuMs(server.child.pid!) - cpu) * 1000) / Math.max(1, r.requests.total) };
}

export async function compareLogLevels(seconds: number, connections: number, rounds = 5): Promise<LogLevelFigures> {
  const servers: Record<'warn' | 'info', Server> = { warn: await start('warn'), info: await start('info') };
  try {
    const turns: Record<'warn' | 'info', Array<{ rps: number; cpuUs: number }>> = { warn: [], info: [] };
    // A first short run of each warms the servers (JIT, caches) before anything is counted.
    for (const level of ['warn', 'info'] as const) await turn(servers[level], 1, connections);
    for (let i = 0; i < rounds; i++) for (const level of ['warn', 'info'] as const) turns[level].push(await turn(servers[level], seconds, connections));
    const ratios = turns.info.map((t, i) => t.rps / turns.warn[i]!.rps);
    return {
      warn: Math.round(middle(turns.warn.map((t) => t.rps))),
      info: Math.round(middle(turns.info.map((t) => t.rps))),
      ratio: middle(ratios),
      ratios,
      cpuUs: { warn: middle(turns.warn.map((t) => t.cpuUs)), info: middle(turns.info.map((t) => t.cpuUs)) },
      rounds,
    };
  } finally {
    for (const s of Object.values(servers)) {
      const exited = new Promise((resolve) => s.child.once('exit', resolve));
      s.child.kill('SIGTERM');
      await exited;
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  }
}
