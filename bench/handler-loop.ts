// npm run bench:handler — what snf-occi's own code costs a cached GET /-/,
// without the kernel, node's HTTP parser or a load generator: the server's
// request handler is called in this process with plain request and response
// objects (16 keep-alive "connections", one token, the log written to this
// process's stdout, best sent to /dev/null), in turns of HANDLER_REQUESTS
// (default 100,000) requests, yielding to the event loop every 64 so the log
// is written as in a server. Several builds take turns in the same process
// (HANDLER_COMPARE=dir,dir… of other builds' dist directories), so that a
// change to the request path shows side by side, turn by turn, far less
// noisily than over loopback (npm run bench:hot-path), where it costs about
// three times as much (cold caches between requests). HANDLER_ROUNDS turns
// each (default 15); HANDLER_LEVEL=warn leaves the access line out.
//   npm run bench:handler > /dev/null
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { middle } from './measure.js';

const ROUNDS = Number(process.env.HANDLER_ROUNDS ?? 15);
const REQUESTS = Number(process.env.HANDLER_REQUESTS ?? 100_000);
const LEVEL = process.env.HANDLER_LEVEL ?? 'info';
const ACCEPT = process.env.HANDLER_ACCEPT ?? 'text/plain';
const TOKEN = 'bench-handler-0123456789abcdefghijklmno';
const THIS_BUILD = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Side {
  name: string;
  handler: Handler;
  stop: () => Promise<void>;
  dataDir: string;
  /** ns per request, one a turn. */
  turns: number[];
}

/** A build's server, made as `snf-occi` makes it, on the embedded cloud with one token. */
async function side(dist: string, name: string): Promise<Side> {
  const load = async (path: string): Promise<any> => import(pathToFileURL(join(dist, path)).href);
  const { defaults } = await load('src/config/config.js');
  const { createApp } = await load('src/app.js');
  const { createServerLog } = await load('src/log.js');
  const config = defaults({});
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-handler-'));
  Object.assign(config, { dataDir, port: 0, host: '127.0.0.1', logLevel: LEVEL, logFormat: 'json' });
  config.local = { ...config.local, tokens: [{ token: TOKEN, tenant: 'bench' }], bootMs: 0 };
  config.rateLimit = { ...config.rateLimit, perSecond: 0, failedAuthPerMinute: 0 };
  const log = createServerLog(config);
  const app = await createApp(config, log.logger);
  const handler = app.occi.server.listeners('request')[0] as Handler;
  return {
    name,
    handler,
    dataDir,
    turns: [],
    stop: async () => {
      await app.occi.shutdown();
      log.flushSync();
    },
  };
}

/** A response that takes what the handler writes and says 'close' once it is ended, as node's does. */
class Response {
  headersSent = false;
  statusCode = 200;
  private closed: (() => void) | undefined;
  writeHead(status: number): void {
    this.statusCode = status;
    this.headersSent = true;
  }
  setHeader(): void {}
  on(event: string, listener: () => void): this {
    if (event === 'close') this.closed = listener;
    return this;
  }
  end(): void {
    if (this.statusCode !== 200) throw new Error(`GET /-/ answered ${this.statusCode}`);
    this.closed?.call(this);
  }
}

const sockets = Array.from({ length: 16 }, () => ({ remoteAddress: '127.0.0.1' }));

async function turn(handler: Handler, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; ) {
    for (let k = 0; k < 64; k++, i++) {
      // As node:http gives them, but for its strings, made anew for each request (comparing those costs more).
      const rawHeaders = ['Host', '127.0.0.1:8888', 'X-Auth-Token', TOKEN, 'Accept', ACCEPT, 'User-Agent', 'bench'];
      const headers = { host: rawHeaders[1], 'x-auth-token': rawHeaders[3], accept: rawHeaders[5], 'user-agent': rawHeaders[7] };
      const req = { method: 'GET', url: '/-/', headers, rawHeaders, socket: sockets[i & 15], complete: true };
      handler(req as unknown as IncomingMessage, new Response() as unknown as ServerResponse);
    }
    await new Promise((r) => setImmediate(r));
  }
  return ((performance.now() - started) * 1e6) / n;
}

async function main(): Promise<void> {
  const compared = (process.env.HANDLER_COMPARE ?? '').split(',').filter((d) => d !== '');
  const sides = [await side(THIS_BUILD, 'this build')];
  for (const dist of compared) sides.push(await side(resolve(dist), dist));
  try {
    for (const s of sides) await turn(s.handler, REQUESTS * 3); // warm-up: JIT, caches
    for (let r = 0; r < ROUNDS; r++) for (const s of sides) s.turns.push(await turn(s.handler, REQUESTS));
    process.stderr.write(`GET /-/ (${ACCEPT}) through the handler in-process, log at ${LEVEL}: ${ROUNDS} turns of ${REQUESTS} requests, Node ${process.version}\n`);
    for (const s of sides) {
      const paired = s.turns.map((t, i) => t / sides[0]!.turns[i]!);
      const against = s === sides[0] ? '' : `  ${middle(paired).toFixed(2)}× this build turn by turn (${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)})`;
      process.stderr.write(`  ${s.name.padEnd(14)} ${Math.round(middle(s.turns))} ns a request (fastest turn ${Math.round(Math.min(...s.turns))})${against}\n`);
    }
  } finally {
    for (const s of sides) {
      await s.stop();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`handler bench failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
