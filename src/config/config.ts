// Configuration: defaults, then (OpenStack backend) the standard OS_*
// variables and clouds.yaml, then a JSON or YAML file, then SNF_OCCI_*
// environment variables, then command-line flags; validated at start with
// messages that name the setting and where it came from (the variable, the
// flag, the file). Unknown keys in the file are errors, with the closest name.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV_VARS } from './env-vars.js';
import { knownSettings, leafPaths, unknownKeys } from './known-keys.js';
import { coerce, merge, setPath, type Tree } from './merge.js';
import { openStackSource } from './openstack-sources.js';
import { defaultQuotas, defaultRateLimit, type Quotas, type RateLimit } from './tenant-limits.js';
import { defaultStoreSettings, type StoreSettings } from './store-settings.js';
import { validate } from './validate.js';

export { ENV_VARS } from './env-vars.js';

export type BackendChoice = 'local' | 'openstack';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** auto: readable lines on a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface Config {
  port: number;
  host: string;
  /** Public base URL for Location headers behind a proxy, e.g. https://occi.example.org. */
  publicUrl?: string;
  backend: BackendChoice;
  dataDir: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  limits: {
    maxBodyBytes: number;
    maxHeaderBytes: number;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxPageSize: number;
    maxBatch: number;
  };
  shutdownGraceMs: number;
  /** What one tenant may hold (see tenant-limits.ts). */
  quotas: Quotas;
  /** How fast one token may call. */
  rateLimit: RateLimit;
  /** Where user mixins and memberships live: SQLite in the data directory, or a shared PostgreSQL (see store-settings.ts). */
  store: StoreSettings;
  userMixins: boolean;
  allowNamespaceDelete: boolean;
  /** Serve GET /metrics (404 when off). */
  metrics: boolean;
  /** When set, GET /metrics asks for it as a bearer token. */
  metricsToken?: string;
  /** How often /readyz's checks (data directory writable, identity service reachable) run. */
  health: { checkIntervalMs: number };
  /** Take the client's address from the last X-Forwarded-For entry (behind a proxy that sets it). */
  trustForwardedFor: boolean;
  /** Answer every OCCI request with 503 (R148); /healthz and /metrics still answer. */
  maintenance: boolean;
  tls?: { certFile: string; keyFile: string };
  /** Origins allowed to call from a browser; empty = CORS off, '*' = any. */
  cors: { origins: string[] };
  local: {
    bootMs: number;
    actionMs: number;
    defaultOsTemplate: string;
    defaultResourceTemplate: string;
    /** Terms of images whose computes fail to boot (they end in `error`), to try error handling. */
    failingImages: string[];
    tokens: Array<{ token: string; tenant: string }>;
  };
  openstack: {
    /** A cloud of clouds.yaml whose auth_url, region, interface, CA … are used for the settings not given here. */
    cloud?: string;
    keystoneUrl?: string;
    identityVersion: 'v3' | 'v2.0' | 'auto';
    dialect: 'openstack' | 'synnefo';
    region?: string;
    interface: 'public' | 'internal';
    timeoutMs: number;
    caFile?: string;
    insecure: boolean;
    /** Volume type of new storage (Synnefo: a detachable ext_* one is picked when unset). */
    volumeType?: string;
    /** The Synnefo release behind the Astakos URL (dialect synnefo); auto detects what it can. */
    synnefoRelease: 'auto' | '0.16' | '0.17' | '0.18' | '0.19' | '0.20';
  };
  /** Defaults rendered for computes whose cloud says nothing of their own (both backends). */
  compute: {
    /** occi.compute.hostname for computes without one, `{id}` standing for the compute's id, e.g. snf-{id}.vm.example.org. */
    hostnamePattern?: string;
    /** occi.compute.architecture for computes whose image does not say. */
    defaultArchitecture?: 'x86' | 'x64';
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'share'), 'snf-occi');
}

export function defaults(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: 8888,
    host: '127.0.0.1',
    backend: 'local',
    dataDir: defaultDataDir(env),
    logLevel: 'info',
    logFormat: 'auto',
    limits: {
      maxBodyBytes: 1024 * 1024,
      maxHeaderBytes: 16 * 1024,
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      maxPageSize: 1000,
      maxBatch: 100,
    },
    shutdownGraceMs: 10_000,
    quotas: defaultQuotas(),
    rateLimit: defaultRateLimit(),
    store: defaultStoreSettings(),
    userMixins: true,
    allowNamespaceDelete: false,
    metrics: true,
    health: { checkIntervalMs: 5000 },
    trustForwardedFor: false,
    maintenance: false,
    cors: { origins: [] },
    local: {
      bootMs: 3000,
      actionMs: 1000,
      defaultOsTemplate: 'Debian',
      defaultResourceTemplate: 'C1R1024D10',
      failingImages: [],
      tokens: [],
    },
    openstack: { identityVersion: 'auto', dialect: 'openstack', interface: 'public', timeoutMs: 30_000, insecure: false, synnefoRelease: 'auto' },
    compute: {},
  };
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Path of a configuration file: JSON, or YAML when it ends in .yaml or .yml. */
  file?: string;
  /** Dotted paths → raw string values from the command line. */
  flags?: Record<string, string>;
  /** Dotted paths → the flag that set them (--port), for messages. */
  flagNames?: Record<string, string>;
}

/** Reads a configuration file: YAML (parser loaded only then) or JSON. */
function readFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  if (!/\.ya?ml$/i.test(file)) return JSON.parse(text);
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const base = defaults(env);
  const problems: string[] = [];
  /** Where each setting that is not a default came from. */
  const origins = new Map<string, string>();
  let fromFile: Tree = {};
  const file = sources.file ?? env.SNF_OCCI_CONFIG;
  if (file) {
    try {
      const parsed = readFile(file);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push(`${file}: must hold an object of settings, such as {"port": 8888}`);
      else {
        fromFile = withoutEmpty(parsed as Tree);
        problems.push(...unknownKeys(fromFile, knownSettings(base as unknown as Tree), file));
        for (const path of leafPaths(fromFile)) origins.set(path, `in ${file}`);
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.push(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message.split('\n')[0]}`);
    }
  }
  const overrides: Tree = {};
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined) continue;
    origins.set(path, name);
    setPath(overrides, path, coerce(path, raw, problems, base));
  }
  for (const [path, raw] of Object.entries(sources.flags ?? {})) {
    origins.set(path, sources.flagNames?.[path] ?? `--${path}`);
    setPath(overrides, path, coerce(path, raw, problems, base));
  }
  let tree = merge(merge(base as unknown as Tree, fromFile), overrides);
  const chosen = tree as unknown as Config;
  if (chosen.backend === 'openstack') {
    const os = openStackSource(env, chosen.openstack?.cloud ?? env.OS_CLOUD);
    problems.push(...os.problems);
    for (const [path, origin] of os.origins) if (!origins.has(path)) origins.set(path, origin);
    tree = merge(merge(merge(base as unknown as Tree, { openstack: os.settings }), fromFile), overrides);
  }
  const config = tree as unknown as Config;
  validate(config, problems);
  reconcileTimeouts(config, origins, problems);
  if (problems.length) throw new ConfigError(problems.map((p) => withOrigin(p, origins)));
  config.dataDir = resolve(config.dataDir);
  return config;
}

/** A key with nothing under it (`tls:` in YAML, all its settings commented out) leaves the setting as it was. */
function withoutEmpty(tree: Tree): Tree {
  const out: Tree = {};
  for (const [k, v] of Object.entries(tree)) {
    if (v === null) continue;
    out[k] = typeof v === 'object' && !Array.isArray(v) ? withoutEmpty(v as Tree) : v;
  }
  return out;
}

/** `port: …` becomes `SNF_OCCI_PORT (setting port): …`, `--port: …` or `port: … (set in FILE)` after where it came from. */
function withOrigin(problem: string, origins: ReadonlyMap<string, string>): string {
  const m = /^([A-Za-z][\w.]*)(\[\d+\])?(?: \([^)]*\))?: /.exec(problem);
  if (!m) return problem;
  const origin = origins.get(m[1]!);
  if (!origin) return problem;
  const rest = problem.slice(m[1]!.length);
  if (origin.startsWith('in ')) return `${problem} (set ${origin})`;
  if (origin.startsWith('--')) return `${origin}${rest}`;
  return `${origin} (setting ${m[1]})${rest}`;
}

/**
 * Timeouts that cannot hold together: the headers of a request must arrive
 * within the time the whole request may take. A headers timeout left at its
 * default follows a shorter request timeout; one set by hand is an error.
 */
function reconcileTimeouts(c: Config, origins: ReadonlyMap<string, string>, problems: string[]): void {
  const { requestTimeoutMs, headersTimeoutMs } = c.limits ?? {};
  if (typeof requestTimeoutMs !== 'number' || typeof headersTimeoutMs !== 'number' || headersTimeoutMs <= requestTimeoutMs) return;
  if (!origins.has('limits.headersTimeoutMs')) return void (c.limits.headersTimeoutMs = requestTimeoutMs);
  problems.push(
    `limits.headersTimeoutMs: ${headersTimeoutMs} ms is longer than limits.requestTimeoutMs (${requestTimeoutMs} ms), ` +
      'but the headers are part of the request; lower limits.headersTimeoutMs or raise limits.requestTimeoutMs',
  );
}
