// A real HTTP load balancer in front of snf-occi replicas, for the replica
// tests and benchmark: Debian's HAProxy, round robin per request, health
// checks on /healthz every 500 ms, a request whose connection a dead replica
// refused sent to another (the request never reached it, so this is safe for
// any method). Its admin socket moves a server to a new port (a replica
// restarted on another one) or takes it out and back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const HAPROXY_SKIP = 'HAProxy is not installed: apt-get install haproxy, or set SNF_OCCI_HAPROXY to its path';

export function haproxyBin(): string | undefined {
  const given = process.env.SNF_OCCI_HAPROXY;
  if (given) return existsSync(given) ? given : undefined;
  for (const dir of ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && existsSync(join(dir, 'haproxy'))) return join(dir, 'haproxy');
  }
  return undefined;
}


export interface Balancer {
  base: string;
  port: number;
  /** Points server `name` (r1, r2 …) at another port. */
  move(name: string, port: number): Promise<void>;
  /** Answers of the admin socket (e.g. "show servers state"). */
  admin(command: string): Promise<string>;
  stop(): Promise<void>;
}

function config(port: number, socket: string, servers: ReadonlyArray<[string, number]>): string {
  return `global
  maxconn 4096
  stats socket ${socket} mode 600 level admin

defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  retries 2
  option redispatch

frontend occi
  bind 127.0.0.1:${port}
  default_backend replicas

backend replicas
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1
${servers.map(([name, p]) => `  server ${name} 127.0.0.1:${p} check`).join('\n')}
`;
}

/** Starts HAProxy in front of `ports` (servers r1, r2 … in that order); resolves once its port answers. */
export async function startHaproxy(ports: readonly number[]): Promise<Balancer> {
  const bin = haproxyBin();
  if (!bin) throw new Error(HAPROXY_SKIP);
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-lb-'));
  const socket = join(dir, 'admin.sock');
  const servers = ports.map((p, i): [string, number] => [`r${i + 1}`, p]);
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config(port, socket, servers));
    const check = spawnSync(bin, ['-c', '-q', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`haproxy refused its configuration: ${check.stderr || check.stdout}`);
    const c = spawn(bin, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => void (stderr.length < 8192 && (stderr += d.toString())));
    const up = await listening(port, c);
    if (up) {
      child = c;
      break;
    }
    c.kill('SIGKILL');
    // A port taken between choosing and binding it: choose again.
    if (attempt >= 3 || !/cannot bind|Address already in use/i.test(stderr)) throw new Error(`haproxy did not start: ${stderr}`);
  }
  const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  const stopAtExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', stopAtExit);
  const admin = (command: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = connect(socket);
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
      s.end(`${command}\n`);
    });
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    admin,
    move: async (name, to) => {
      const answer = await admin(`set server replicas/${name} addr 127.0.0.1 port ${to}`);
      if (!/changed|no need to change/i.test(answer)) throw new Error(`haproxy did not move ${name}: ${answer}`);
    },
    stop: async () => {
      if (child?.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      process.removeListener('exit', stopAtExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether HAProxy takes connections on `port` before it exits (10 s at most). */
async function listening(port: number, c: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (c.exitCode !== null || c.signalCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
