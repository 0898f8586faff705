// Configuration: defaults, then a JSON file, then SNF_OCCI_* environment
// variables, then command-line flags; validated at start with messages that
// say which setting is wrong and why.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { coerce, merge, setPath, type Tree } from './merge.js';
import { validateTokens } from './tokens.js';
import { defaultQuotas, defaultRateLimit, TENANT_LIMIT_ENV_VARS, validateTenantLimits, type Quotas, type RateLimit } from './tenant-limits.js';

export type BackendChoice = 'local' | 'openstack';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** Public base URL for Location headers behind a proxy, e.g. https://occi.example.org. */
  publicUrl?: string;
  backend: BackendChoice;
  dataDir: string;
  logLevel: LogLevel;
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
  userMixins: boolean;
  allowNamespaceDelete: boolean;
  /** Serve GET /metrics (counts only, no token needed). */
  metrics: boolean;
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
    userMixins: true,
    allowNamespaceDelete: false,
    metrics: true,
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

/** Environment variables and the setting each one feeds (dotted path into Config). */
export const ENV_VARS: Record<string, string> = {
  SNF_OCCI_PORT: 'port',
  SNF_OCCI_HOST: 'host',
  SNF_OCCI_PUBLIC_URL: 'publicUrl',
  SNF_OCCI_BACKEND: 'backend',
  SNF_OCCI_DATA_DIR: 'dataDir',
  SNF_OCCI_LOG_LEVEL: 'logLevel',
  SNF_OCCI_MAX_BODY_BYTES: 'limits.maxBodyBytes',
  SNF_OCCI_MAX_HEADER_BYTES: 'limits.maxHeaderBytes',
  SNF_OCCI_REQUEST_TIMEOUT_MS: 'limits.requestTimeoutMs',
  SNF_OCCI_MAX_PAGE_SIZE: 'limits.maxPageSize',
  SNF_OCCI_USER_MIXINS: 'userMixins',
  SNF_OCCI_ALLOW_NAMESPACE_DELETE: 'allowNamespaceDelete',
  SNF_OCCI_METRICS: 'metrics',
  SNF_OCCI_MAINTENANCE: 'maintenance',
  SNF_OCCI_TLS_CERT: 'tls.certFile',
  SNF_OCCI_TLS_KEY: 'tls.keyFile',
  SNF_OCCI_CORS_ORIGINS: 'cors.origins',
  SNF_OCCI_BOOT_MS: 'local.bootMs',
  SNF_OCCI_ACTION_MS: 'local.actionMs',
  SNF_OCCI_DEFAULT_OS_TPL: 'local.defaultOsTemplate',
  SNF_OCCI_DEFAULT_RESOURCE_TPL: 'local.defaultResourceTemplate',
  SNF_OCCI_FAILING_IMAGES: 'local.failingImages',
  SNF_OCCI_KEYSTONE_URL: 'openstack.keystoneUrl',
  SNF_OCCI_IDENTITY_VERSION: 'openstack.identityVersion',
  SNF_OCCI_DIALECT: 'openstack.dialect',
  SNF_OCCI_REGION: 'openstack.region',
  SNF_OCCI_INTERFACE: 'openstack.interface',
  SNF_OCCI_BACKEND_TIMEOUT_MS: 'openstack.timeoutMs',
  SNF_OCCI_CA_FILE: 'openstack.caFile',
  SNF_OCCI_INSECURE: 'openstack.insecure',
  SNF_OCCI_VOLUME_TYPE: 'openstack.volumeType',
  SNF_OCCI_SYNNEFO_RELEASE: 'openstack.synnefoRelease',
  SNF_OCCI_HOSTNAME_PATTERN: 'compute.hostnamePattern',
  SNF_OCCI_DEFAULT_ARCHITECTURE: 'compute.defaultArchitecture',
  ...TENANT_LIMIT_ENV_VARS,
};

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON configuration file. */
  file?: string;
  /** Dotted paths → raw string values from the command line. */
  flags?: Record<string, string>;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const base = defaults(env);
  const problems: string[] = [];
  let tree = base as unknown as Tree;
  const file = sources.file ?? env.SNF_OCCI_CONFIG;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push(`${file}: must hold a JSON object`);
      else tree = merge(tree, parsed as Tree);
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  const overrides: Tree = {};
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw !== undefined) setPath(overrides, path, coerce(path, raw, problems, base));
  }
  for (const [path, raw] of Object.entries(sources.flags ?? {})) setPath(overrides, path, coerce(path, raw, problems, base));
  const config = merge(tree, overrides) as unknown as Config;
  validate(config, problems);
  if (problems.length) throw new ConfigError(problems);
  config.dataDir = resolve(config.dataDir);
  return config;
}

function validate(c: Config, problems: string[]): void {
  const int = (path: string, v: unknown, min: number, max: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push(`${path}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  };
  const oneOf = (path: string, v: unknown, values: readonly string[]): void => {
    if (typeof v !== 'string' || !values.includes(v)) problems.push(`${path}: must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  };
  int('port', c.port, 0, 65535);
  if (typeof c.host !== 'string' || c.host === '') problems.push('host: must be an address to bind, e.g. 127.0.0.1 or 0.0.0.0');
  if (c.publicUrl !== undefined) {
    try {
      const u = new URL(c.publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
      if (u.search || u.hash) throw new Error('no query or fragment allowed');
      c.publicUrl = c.publicUrl.replace(/\/+$/, '');
    } catch (err) {
      problems.push(`publicUrl: "${c.publicUrl}" is not an http(s) URL (${(err as Error).message})`);
    }
  }
  oneOf('backend', c.backend, ['local', 'openstack']);
  if (typeof c.dataDir !== 'string' || c.dataDir === '') problems.push('dataDir: must be a directory path');
  oneOf('logLevel', c.logLevel, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  int('limits.maxBodyBytes', c.limits.maxBodyBytes, 1024, 1024 * 1024 * 1024);
  int('limits.maxHeaderBytes', c.limits.maxHeaderBytes, 1024, 1024 * 1024);
  int('limits.requestTimeoutMs', c.limits.requestTimeoutMs, 100, 3_600_000);
  int('limits.headersTimeoutMs', c.limits.headersTimeoutMs, 100, 3_600_000);
  int('limits.keepAliveTimeoutMs', c.limits.keepAliveTimeoutMs, 0, 3_600_000);
  int('limits.maxPageSize', c.limits.maxPageSize, 1, 1_000_000);
  int('limits.maxBatch', c.limits.maxBatch, 1, 10_000);
  int('shutdownGraceMs', c.shutdownGraceMs, 0, 3_600_000);
  int('local.bootMs', c.local.bootMs, 0, 3_600_000);
  int('local.actionMs', c.local.actionMs, 0, 3_600_000);
  if (!Array.isArray(c.local.failingImages) || c.local.failingImages.some((t) => typeof t !== 'string')) {
    problems.push('local.failingImages: must be a list of image terms, e.g. ["CentOS"]');
  }
  validateTenantLimits(c, int);
  validateTokens(c.local.tokens, problems);
  if (!Array.isArray(c.cors?.origins) || c.cors.origins.some((o) => typeof o !== 'string' || (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)))) {
    problems.push('cors.origins: must be a list of origins such as https://app.example.org, or "*"');
  }
  if (c.tls) {
    if (typeof c.tls.certFile !== 'string' || typeof c.tls.keyFile !== 'string') problems.push('tls: needs both certFile and keyFile');
    else for (const f of [c.tls.certFile, c.tls.keyFile]) if (!existsSync(f)) problems.push(`tls: ${f} does not exist`);
  }
  oneOf('openstack.identityVersion', c.openstack.identityVersion, ['v3', 'v2.0', 'auto']);
  oneOf('openstack.dialect', c.openstack.dialect, ['openstack', 'synnefo']);
  oneOf('openstack.interface', c.openstack.interface, ['public', 'internal']);
  int('openstack.timeoutMs', c.openstack.timeoutMs, 100, 600_000);
  oneOf('openstack.synnefoRelease', c.openstack.synnefoRelease, ['auto', '0.16', '0.17', '0.18', '0.19', '0.20']);
  if (c.openstack.volumeType !== undefined && (typeof c.openstack.volumeType !== 'string' || c.openstack.volumeType === '')) problems.push('openstack.volumeType: must be the id of a volume type, as the cloud lists it');
  if (c.backend === 'openstack') {
    if (!c.openstack.keystoneUrl) problems.push('openstack.keystoneUrl: required with the openstack backend (--keystone-url or SNF_OCCI_KEYSTONE_URL)');
    else {
      try {
        new URL(c.openstack.keystoneUrl);
      } catch {
        problems.push(`openstack.keystoneUrl: "${c.openstack.keystoneUrl}" is not a URL`);
      }
    }
  }
  validateCompute(c.compute, problems, oneOf);
}

/** A hostname pattern must give each compute a host name of its own: {id} in a DNS name. */
function validateCompute(c: Config['compute'], problems: string[], oneOf: (path: string, v: unknown, values: readonly string[]) => void): void {
  if (typeof c !== 'object' || c === null) return void problems.push('compute: must be an object such as {"hostnamePattern": "snf-{id}.vm.example.org"}');
  const p = c.hostnamePattern;
  const sample = typeof p === 'string' ? p.split('{id}').join('42') : '';
  if (p !== undefined && (typeof p !== 'string' || !p.includes('{id}') || !/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(sample))) {
    problems.push(`compute.hostnamePattern: must be a host name with {id} where the compute's id goes, e.g. snf-{id}.vm.example.org, got ${JSON.stringify(p)}`);
  }
  if (c.defaultArchitecture !== undefined) oneOf('compute.defaultArchitecture', c.defaultArchitecture, ['x86', 'x64']);
}
