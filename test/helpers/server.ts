// Starts a real snf-occi server on an ephemeral loopback port, on a fresh
// embedded cloud, and speaks raw HTTP to it (repeated headers included).
import { rmSync } from 'node:fs';
import http from 'node:http';
import { Writable } from 'node:stream';
import { createApp, createLogger, type App } from '../../src/app.js';
import { defaults, type Config } from '../../src/config/config.js';
import type { Backend } from '../../src/port/backend.js';
import { tempDir } from '../../scripts/support/temp-dir.js';
import { checkAddressable, checkJsonAnswer } from './occi-json.js';

export { entityPath } from './occi-json.js';

export const ALICE = 'alice-token-0123456789abcdef0123456789';
export const BOB = 'bob-token-0123456789abcdef0123456789';

export const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
export const CORE = 'http://schemas.ogf.org/occi/core#';
export const COMPUTE_KIND = `compute; scheme="${INFRA}"; class="kind"`;

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  headers?: Record<string, string | string[]>;
  /** Text is sent as UTF-8; a Buffer as its bytes. */
  body?: string | Buffer;
  /** Token to send; null sends none. Defaults to alice's. */
  token?: string | null;
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  logs: string[];
  config: Config;
  /** The server's parts (backend, logger), for tests that reach inside. */
  app: App;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Wraps the backend the server uses (a spy, a gate). */
  backend?: (b: Backend) => Backend;
}

export async function startServer(overrides: (c: Config) => void = () => {}, options: StartOptions = {}): Promise<TestServer> {
  // Removed at exit too, when a test never closes its server.
  const dataDir = tempDir('snf-occi-test-');
  const config = defaults();
  config.port = 0;
  config.dataDir = dataDir;
  config.logLevel = 'info';
  config.local.bootMs = 60;
  config.local.actionMs = 60;
  config.local.tokens = [
    { token: ALICE, tenant: 'alice' },
    { token: BOB, tenant: 'bob' },
  ];
  // Tests send as fast as the machine allows: a rate limit would make them depend on its speed.
  // The rate limit's own tests turn it back on.
  config.rateLimit.perSecond = 0;
  config.rateLimit.failedAuthPerMinute = 0;
  overrides(config);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(config, sink);
  const app = await createApp(config, logger, options.backend);
  const address = await app.occi.listen();
  const port = address.port;
  const url = `http://127.0.0.1:${port}`;
  const agent = new http.Agent({ keepAlive: false });
  const request = (method: string, path: string, o: RequestOptions = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...(o.headers ?? {}) };
      const token = o.token === undefined ? ALICE : o.token;
      if (token !== null) headers['X-Auth-Token'] = token;
      if (o.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(o.body));
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          try {
            checkAnswer(method, path, status, String(res.headers['content-type'] ?? ''), body);
          } catch (err) {
            return reject(err);
          }
          resolve({ status, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      });
      req.on('error', reject);
      if (o.body !== undefined) req.write(o.body);
      req.end();
    });
  return {
    url,
    port,
    dataDir,
    logs,
    config,
    app,
    request,
    close: async () => {
      await app.occi.shutdown();
      agent.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const ENTITY_PATH = /^\/(?:compute|network|storage|networkinterface|storagelink)\/[^/?]+$/;

/** A spec reference a person cannot look up: "(R54)", "(D10)", "(§4.2)", "R117" … */
const SPEC_CODE = /\((?:[RD]\d+|§\s*\d)[^)]*\)|\b[RD]\d{1,3}\b/;

/**
 * Every answer of an OCCI path is checked: JSON against the OCCI 1.2 JSON
 * schema (R140), and no error message cites the spec.
 */
export function checkAnswer(method: string, path: string, status: number, contentType: string, body: string): void {
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return;
  const what = `${method} ${path} → ${status}`;
  if (status >= 400 && SPEC_CODE.test(body.split('\nrequest-id:')[0]!.replace(/"request_id":"[^"]*"/, ''))) {
    throw new Error(`${what}: the error message cites the spec, which its reader cannot look up: ${body.slice(0, 300)}`);
  }
  // The web console's own paths answer plain JSON, not OCCI.
  if (!/^application\/(?:occi\+)?json/.test(contentType) || path.startsWith('/console/')) return;
  checkJsonAnswer(status, body, what);
  const bare = path.split('?')[0]!;
  if (method === 'GET' && status === 200 && ENTITY_PATH.test(bare)) checkAddressable(bare, body, what);
}

/**
 * Polls until `check` passes; past the deadline it fails, showing the last
 * value seen (a wait that times out silently lets the test go on and fail
 * somewhere that says nothing of why).
 */
export async function eventually<T>(probe: () => Promise<T>, check: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last seen: ${shown(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function shown(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** The X-OCCI-Location values of a text/plain body. */
export function locations(body: string): string[] {
  return body
    .split('\n')
    .filter((l) => l.startsWith('X-OCCI-Location:'))
    .map((l) => l.slice('X-OCCI-Location:'.length).trim());
}

/** The value of one attribute in a text/plain entity body. */
export function attribute(body: string, name: string): string | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`X-OCCI-Attribute: ${name}=`));
  return line?.slice(`X-OCCI-Attribute: ${name}=`.length);
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** The values of a text/occi header: split on commas outside quotes and outside a `<…>` that opens a value. */
export function headerValues(v: string | string[] | undefined): string[] {
  const out: string[] = [];
  for (const value of ([] as string[]).concat(v ?? [])) {
    let cur = '';
    let quoted = false;
    let angle = false;
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (ch === '\\' && quoted) {
        cur += ch + value[++i];
        continue;
      }
      if (ch === '"') quoted = !quoted;
      if (!quoted && ch === '<' && cur.trim() === '') angle = true;
      if (!quoted && ch === '>') angle = false;
      if (ch === ',' && !quoted && !angle) {
        out.push(cur.trim());
        cur = '';
      } else cur += ch;
    }
    if (cur.trim()) out.push(cur.trim());
  }
  return out;
}
