// The clouds a guide chapter runs against, and the environment its shell
// starts with. Each chapter gets its own: a fresh embedded cloud (in this
// process, short boot and action times), or a Synnefo stand-in (the chapter
// starts snf-occi in front of it itself), or the OpenStack named by OS_*.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialToken } from '../../src/backends/local/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startStandin, type Standin } from '../synnefo/standin/index.js';
import type { ServerNeed } from './guide-doc.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What the guide's prose tells a reader to have set; the harness sets the same. */
export interface Cloud {
  env: Record<string, string>;
  /** The chapter's working directory (files its examples write stay there). */
  work: string;
  /** Where the shell keeps its blocks and background servers their logs. */
  scratch: string;
  /** host:port strings of servers, with what a reader sees in their place. */
  addresses: Map<string, string>;
  /** Points curl's `localhost:8888` and `OCCI_ENDPOINT` at a server that listens on `port`. */
  serveAt(port: number): void;
  close(): Promise<void>;
}

export const OPENSTACK_SKIP = 'OpenStack chapter skipped: OS_AUTH_URL is not set (source an openrc, e.g. /var/lib/openstack-lite/demo-openrc, to run it)';

export async function openCloud(need: ServerNeed, options: { failingImages?: string[] } = {}): Promise<Cloud> {
  const dir = mkdtempSync(join(tmpdir(), 'snf-occi-guide-'));
  for (const d of ['home', 'cache', 'config', 'data', 'work', 'scratch']) mkdirSync(join(dir, d));
  const env: Record<string, string> = {
    PATH: `${ROOT}node_modules/.bin:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: join(dir, 'home'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    // curl reads $CURL_HOME/.curlrc: the examples' localhost:8888 is sent to the test server.
    CURL_HOME: dir,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    // Servers the examples start listen on a free loopback port, with their data here.
    SNF_OCCI_PORT: '0',
    SNF_OCCI_HOST: '127.0.0.1',
    SNF_OCCI_DATA_DIR: join(dir, 'data'),
  };
  const addresses = new Map<string, string>();
  let embedded: TestServer | undefined;
  let standin: Standin | undefined;
  const serveAt = (port: number): void => {
    writeFileSync(join(dir, '.curlrc'), `connect-to = localhost:8888:127.0.0.1:${port}\n`);
    env.OCCI_ENDPOINT = `http://127.0.0.1:${port}`;
    addresses.set(`127.0.0.1:${port}`, 'localhost:8888');
  };
  const close = async (): Promise<void> => {
    await embedded?.close();
    await standin?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (need === 'embedded') {
      // No configured tokens: a fresh data directory gets its demo token, as a reader's does.
      embedded = await startServer((c) => {
        c.local.tokens = [];
        c.local.failingImages = options.failingImages ?? [];
      });
      serveAt(embedded.port);
      // `snf-occi token` reads the token of this server's data directory.
      env.SNF_OCCI_DATA_DIR = embedded.dataDir;
      env.AUTH = initialToken(embedded.dataDir);
      env.OCCI_TOKEN = env.AUTH;
    } else if (need === 'synnefo') {
      standin = await startStandin({ release: '0.20' });
      env.ASTAKOS_URL = standin.identityUrl;
      env.SNF_TOKEN = standin.world.users[0]!.token;
      addresses.set(new URL(standin.url).host, 'accounts.example.org');
    } else {
      for (const [k, v] of Object.entries(process.env)) if (k.startsWith('OS_') && v !== undefined) env[k] = v;
    }
  } catch (err) {
    // A server left listening would keep the test process alive.
    await close();
    throw err;
  }
  return {
    env,
    work: join(dir, 'work'),
    scratch: join(dir, 'scratch'),
    addresses,
    serveAt,
    close,
  };
}

/** The port a server started by an example logs first (`{"port": N, …}`), read from its log file. */
export async function portFromLog(log: string, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let text = '';
  for (;;) {
    try {
      text = readFileSync(log, 'utf8');
    } catch {
      text = '';
    }
    const m = /"port":(\d+)/.exec(text);
    if (m) return Number(m[1]);
    if (Date.now() > deadline) throw new Error(`the server the example started logged no port within ${ms / 1000} s; its log:\n${text.slice(0, 4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
