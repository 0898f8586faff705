// A private PostgreSQL cluster for tests and benchmarks: Debian's postgresql
// package, initdb in a temporary directory, the server on a free loopback
// port and its own socket directory, run as the `postgres` user when we are
// root (initdb and postgres refuse to run as root; CI runs as root), in a
// temporary directory that user can reach. The server is our child process:
// stop() shuts it down fast (SIGINT), start() brings it back on the same data
// and port (the restart tests), destroy() removes everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

export const PG_SKIP = 'PostgreSQL is not installed (initdb and postgres not found): apt-get install postgresql, or set SNF_OCCI_PG_BIN to its bin directory';

/** The directory holding initdb and postgres: SNF_OCCI_PG_BIN, Debian's newest /usr/lib/postgresql/N/bin, or PATH. */
export function postgresBin(): string | undefined {
  const has = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  const given = process.env.SNF_OCCI_PG_BIN;
  if (given) return has(given) ? given : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(join(debian, v, 'bin'))) return join(debian, v, 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && has(dir)) return dir;
  return undefined;
}

const NO_USER = 'running as root, and there is no postgres user to run PostgreSQL as (PostgreSQL refuses root; the postgresql package makes that user, or: useradd --system postgres)';

/** Why the tests cannot start a PostgreSQL here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (!postgresBin()) return PG_SKIP;
  if (process.getuid?.() === 0 && !postgresUser()) return NO_USER;
  return undefined;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** uid and gid to run PostgreSQL as: ours, or the postgres user's when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const user = postgresUser();
  if (!user) throw new Error(NO_USER);
  return user;
}

/**
 * A parent for the cluster's directory that its user can reach: the system's
 * temporary directory, unless (as root) TMPDIR points somewhere another user
 * cannot pass through (such as /root/tmp); /tmp then.
 */
function parentFor(owner: { uid?: number }): string {
  const tmp = tmpdir();
  if (owner.uid === undefined) return tmp;
  for (let d = tmp; ; d = dirname(d)) {
    const st = statSync(d);
    if (st.uid !== owner.uid && (st.mode & 0o001) === 0) return '/tmp';
    if (d === dirname(d)) return tmp;
  }
}


export interface PgCluster {
  port: number;
  /** The URL of a database of the cluster (default: postgres). */
  url(database?: string): string;
  /** Makes a new, empty database and answers its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser on the postgres database. */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Fast shutdown (SIGINT): clients are disconnected; resolves once the server has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same data and port; resolves once it takes connections. */
  start(): Promise<void>;
  destroy(): Promise<void>;
  /** The server's log so far (for failure messages). */
  log(): string;
}

export async function startPostgres(options: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error(PG_SKIP);
  const owner = runAs();
  const dir = mkdtempSync(join(parentFor(owner), 'snf-occi-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...owner, cwd: dir, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  let port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // Tests: no fsync (a crash of the machine is not what they test). Benchmarks keep PostgreSQL's defaults.
  const speed = options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

  const spawnServer = (): void => {
    const out = openSync(logFile, 'a');
    const c = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...speed], {
      ...owner,
      cwd: dir,
      stdio: ['ignore', out, out],
    });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
  };
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : '');
  const url = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`;

  const ready = async (): Promise<void> => {
    const deadline = Date.now() + 30_000;
    let last: unknown;
    while (Date.now() < deadline) {
      if (child?.exitCode !== null || child?.signalCode !== null) throw new Error(`PostgreSQL exited while starting: ${log()}`);
      const c = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 1000 });
      try {
        await c.connect();
        await c.end();
        return;
      } catch (err) {
        last = err;
        await c.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`PostgreSQL did not take connections within 30 s (last: ${String(last)}): ${log()}`);
  };

  const start = async (): Promise<void> => {
    spawnServer();
    await ready();
  };
  const stop = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  const killAtExit = (): void => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAtExit);

  // A port taken between choosing it and binding it: choose again.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt >= 3 || !/could not (bind|create listen)/i.test(log())) throw err;
      port = await freePort();
    }
  }

  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    const c = new pg.Client({ connectionString: url() });
    await c.connect();
    try {
      return (await c.query<R>(text, values)).rows;
    } finally {
      await c.end();
    }
  };

  return {
    get port() {
      return port;
    },
    url,
    createDatabase: async (name) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      await sql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    sql,
    stop,
    start,
    destroy: async () => {
      await stop();
      process.removeListener('exit', killAtExit);
      rmSync(dir, { recursive: true, force: true });
    },
    log,
  };
}
