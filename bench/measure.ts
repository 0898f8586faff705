// What the bench measures with: sequential latencies (ms with fractions, body
// read in full), a server's peak memory per scenario (/proc), and a bare
// node:http control process serving fixed bytes, started by the bench itself
// so both run in the same process tree on the same machine at the same time.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The median of some figures (the upper of the two middle ones for an even count): what each bench reports of its turns. */
export const middle = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
  bytes: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Names as the server wrote them, each followed by its value. */
  rawHeaders: string[];
  body: string;
}

/** One GET over a keep-alive connection, body read in full. */
export function get(base: string, path: string, headers: Record<string, string>): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function summarize(ms: number[], bytes = 0): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s[s.length - 1] ?? 0, bytes };
}

/** Requests one after another for `seconds` (at least `min` of them); each must answer 200. */
export async function sequential(base: string, path: string, headers: Record<string, string>, seconds: number, min = 5): Promise<Latency> {
  const ms: number[] = [];
  let bytes = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until || ms.length < min) {
    const t = performance.now();
    const r = await get(base, path, headers);
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.slice(0, 200)}`);
    bytes = Buffer.byteLength(r.body);
  }
  return summarize(ms, bytes);
}

/** CPU time a process has used so far (user + system), in ms: what a request costs, whoever else runs. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resets the peak RSS the kernel keeps for a process (Linux: clear_refs 5). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The peak RSS since the last reset, in MiB. */
export function peakMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

export interface Control {
  base: string;
  pid: number;
  stop(): void;
}

/** Headers node writes on its own, whichever server answers (the control's are its own). */
const NODE_WRITES = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * The headers of a reference answer for a control to send with its body, so
 * that both answers are the same bytes but for the date: every header
 * snf-occi wrote (its `X-Request-Id` as a constant of the same length), less
 * those node writes on its own for both.
 */
export function controlHeaders(reference: Pick<Got, 'rawHeaders'>): Record<string, string> {
  const kept: Record<string, string> = {};
  const raw = reference.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (!NODE_WRITES.has(raw[i]!.toLowerCase())) kept[raw[i]!] = raw[i + 1]!;
  return kept;
}

/** A bare node:http server in a child process answering every request with these bytes and headers; `nodeArgs` for its node (e.g. --cpu-prof). */
export function startControl(body: string, headers: Record<string, string>, nodeArgs: string[] = [], logFile?: string): Promise<Control> {
  // With `logFile`, the control also writes an access line per request, as snf-occi's fields, through
  // snf-occi's own log writer (log.ts) to that file: what logging each request costs any server.
  const log = logFile === undefined ? '' : `
    const log = import(${JSON.stringify(pathToFileURL(join(HERE, '../src/log.js')).href)}).then((m) => m.createServerLog({ logLevel: 'info', logFormat: 'json' }));
    const pino = import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('pino')).href)});
    let line = () => undefined;
    let n = 0;
    Promise.all([log, pino]).then(([l, { symbols }]) => {
      const stream = l.logger[symbols.streamSym]; // what access-log.ts writes its lines to
      line = (req, ms) => stream.write(\`{"level":30,"time":\${Date.now()},"service":"snf-occi","reqId":"\${ID}\${(n++ & 0xfffffff).toString(16).padStart(7, '0')}","method":"\${req.method}","path":"\${req.url}","route":"/-/","status":200,"ms":\${Math.round(ms * 100) / 100},"tenant":"bench","client":"\${req.socket.remoteAddress}","agent":"\${req.headers['user-agent']}","msg":"request"}\\n\`);
      process.on('exit', () => l.flushSync());
    });
    const ID = require('node:crypto').randomUUID().slice(0, 29);
  `;
  const source = `
    const http = require('node:http');
    const body = Buffer.from(${JSON.stringify(body)});
    const headers = ${JSON.stringify(headers)};${log}
    const server = http.createServer((req, res) => {
      ${logFile === undefined ? '' : 'const started = performance.now();'}
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(body);
      ${logFile === undefined ? '' : 'line(req, performance.now() - started);'}
    });
    server.listen(0, '127.0.0.1', () => process.stderr.write('port ' + server.address().port + '\\n'));
    process.on('SIGTERM', () => process.exit(0)); // an exit of its own, so that --cpu-prof writes its profile
  `;
  const out = logFile === undefined ? 'ignore' : openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '-e', source], { stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') closeSync(out);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`control server exited with ${code}`)));
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      seen += String(d);
      const port = /port (\d+)/.exec(seen)?.[1];
      if (port === undefined) return;
      child.stderr!.removeAllListeners('data');
      child.stderr!.pipe(process.stderr);
      resolve({ base: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill() });
    });
  });
}
