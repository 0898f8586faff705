#!/usr/bin/env node
// The snf-occi command: `snf-occi` serves; `snf-occi token` prints the
// embedded cloud's token (it never makes one); `snf-occi --help` documents
// everything. Mistakes in flags, files and variables stop it with a message
// naming them.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../app.js';
import { DATABASE_FILE } from '../backends/local/index.js';
import { TOKEN_FILE } from '../backends/local/tokens.js';
import { holderPid } from '../data-dir/lock.js';
import { ConfigError, defaultDataDir, ENV_VARS, loadConfig, type Config } from '../config/config.js';
import { strayEnvVars } from '../config/env-vars.js';
import { createServerLog } from '../log.js';
import { closest, didYouMean } from '../model/closest.js';
import { VERSION } from '../version.js';

const HELP = `snf-occi ${VERSION} — an OCCI 1.1/1.2 server for OpenStack-API clouds

Usage:
  snf-occi [serve] [options]     start the server (default: embedded cloud on port 8888)
  snf-occi token [--data-dir D]  print the embedded cloud's access token
  snf-occi --help | --version

Options (each also settable in the JSON config file or the environment):
  --port N              port to listen on; 0 picks a free one (SNF_OCCI_PORT, default 8888)
  --host ADDR           address to bind (SNF_OCCI_HOST, default 127.0.0.1)
  --data-dir DIR        where the embedded cloud and user mixins live
                        (SNF_OCCI_DATA_DIR, default $XDG_DATA_HOME/snf-occi or ~/.local/share/snf-occi)
  --public-url URL      base URL for Location headers behind a proxy (SNF_OCCI_PUBLIC_URL)
  --backend NAME        local (embedded cloud) or openstack (SNF_OCCI_BACKEND)
  --keystone-url URL    Keystone endpoint for the openstack backend (SNF_OCCI_KEYSTONE_URL)
  --os-cloud NAME       the cloud of clouds.yaml whose auth_url, region, interface and CA
                        the openstack backend uses (OS_CLOUD); OS_AUTH_URL, OS_REGION_NAME,
                        OS_INTERFACE, OS_CACERT, OS_INSECURE are read too
  --log-level LEVEL     fatal, error, warn, info, debug (each call to the cloud), trace or silent
                        (SNF_OCCI_LOG_LEVEL)
  --log-format F        auto (readable on a terminal, JSON otherwise), json or pretty (SNF_OCCI_LOG_FORMAT)
  --config FILE         configuration file, JSON or YAML (SNF_OCCI_CONFIG);
                        contrib/snf-occi.yaml explains every setting

Environment variables:
${Object.entries(ENV_VARS)
  .map(([name, path]) => `  ${name.padEnd(32)} ${path}`)
  .join('\n')}

Authentication: send the token as X-Auth-Token (or the original's Auth-Token).
  export AUTH=$(snf-occi token)
  curl -H "Auth-Token: $AUTH" localhost:8888/-/
`;

const FLAG_PATHS: Record<string, string> = {
  port: 'port',
  host: 'host',
  'data-dir': 'dataDir',
  'public-url': 'publicUrl',
  backend: 'backend',
  'keystone-url': 'openstack.keystoneUrl',
  'log-level': 'logLevel',
  'log-format': 'logFormat',
  'os-cloud': 'openstack.cloud',
};

const COMMANDS = ['serve', 'token'];

const BOOLEAN_FLAGS = ['help', 'version'];

/** Reads the command line; unknown flags and commands are refused with the closest known one. */
function parse(argv: string[]): { command: string; config: Config; version: boolean } {
  const known = ['config', ...BOOLEAN_FLAGS, ...Object.keys(FLAG_PATHS)];
  const { values, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      config: { type: 'string' },
      ...Object.fromEntries(Object.keys(FLAG_PATHS).map((k) => [k, { type: 'string' as const }])),
    },
  });
  const problems: string[] = [];
  /** Positionals that are the value of an unknown option (`--prot 9000`), not commands. */
  const valuesOfUnknown = new Set<number>();
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (!known.includes(t.name)) {
      if (t.inlineValue !== true) valuesOfUnknown.add(t.index + 1);
      const near = closest(t.name, known).map((n) => `--${n}`);
      problems.push(`${t.rawName} is not an option${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`);
    } else if (!BOOLEAN_FLAGS.includes(t.name) && typeof t.value !== 'string') problems.push(`${t.rawName} needs a value, e.g. ${t.rawName} ${EXAMPLES[t.name] ?? 'VALUE'}`);
  }
  const words = (tokens ?? []).filter((t) => t.kind === 'positional' && !valuesOfUnknown.has(t.index)).map((t) => (t as { value: string }).value);
  const command = words[0] ?? 'serve';
  if (words.length > 1 || !COMMANDS.includes(command)) {
    const hint = didYouMean(command, COMMANDS);
    problems.push(`unknown command "${words.join(' ')}"${hint ? ` (${hint})` : ''}; the commands are serve (the default) and token`);
  }
  if (problems.length) throw new ConfigError([...problems, 'snf-occi --help lists every option']);
  const flags: Record<string, string> = {};
  const flagNames: Record<string, string> = {};
  for (const [flag, path] of Object.entries(FLAG_PATHS)) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v === 'string') [flags[path], flagNames[path]] = [v, `--${flag}`];
  }
  const config = loadConfig({ file: values.config as string | undefined, flags, flagNames });
  return { command, config, version: values.version === true };
}

const EXAMPLES: Record<string, string> = { port: '8888', host: '127.0.0.1', 'data-dir': '/var/lib/snf-occi', config: '/etc/snf-occi/snf-occi.yaml', 'log-level': 'info' };

/** Prints the demo token of an existing data directory; makes nothing, and says where to look when there is none. */
function printToken(config: Config): void {
  const dir = config.dataDir;
  const file = join(dir, TOKEN_FILE);
  if (existsSync(file)) return void process.stdout.write(`${readFileSync(file, 'utf8').trim()}\n`);
  const running = holderPid(dir);
  if (config.local.tokens.length > 0 || existsSync(join(dir, DATABASE_FILE))) {
    const who = running === undefined ? `the data directory ${dir} was used` : `a server (PID ${running}) runs on ${dir}`;
    throw new Error(`${who} with configured tokens (local.tokens), so there is no demo token; use one of those`);
  }
  const fallback = defaultDataDir();
  throw new Error(
    `there is no embedded cloud in ${dir} (${existsSync(dir) ? 'no token there' : 'no such directory'}); ` +
      `start the server first (snf-occi${dir === fallback ? '' : ` --data-dir ${dir}`}), which makes it and its token` +
      (dir === fallback ? '' : `, or give the server's directory with --data-dir (its default is ${fallback})`),
  );
}

async function serve(config: Config): Promise<void> {
  const { logger, flushSync } = createServerLog(config);
  // Lines still waiting are written on any exit, a crash included.
  process.on('exit', flushSync);
  const crash = (err: unknown): void => {
    logger.fatal({ err }, 'crashed');
    process.exit(70);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  for (const name of strayEnvVars(process.env)) {
    const hint = didYouMean(name, Object.keys(ENV_VARS));
    if (hint) logger.warn(`${name} is set but is no setting; ${hint} It is ignored.`);
  }
  // A signal during the start is answered once the server is up (stopping it then), not by dying half-made.
  let stopping: string | undefined;
  let app: App | undefined;
  const stop = (signal: string): void => {
    if (stopping && app === undefined) return;
    stopping = signal;
    if (app === undefined) return;
    const running = app;
    app = undefined;
    // Whatever happens to the drain or to the output, the process ends in time.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000);
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    running.occi.shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const started = await createApp(config, logger);
  const address = started.occi.server.address() as AddressInfo;
  const scheme = config.tls ? 'https' : 'http';
  logger.info({ port: address.port, host: address.address, backend: config.backend }, `snf-occi listening on ${scheme}://${address.address}:${address.port}`);
  if (config.backend === 'local') {
    logger.info({ dataDir: config.dataDir }, `embedded cloud in ${config.dataDir}; read its token with: snf-occi token --data-dir ${config.dataDir}`);
  }
  app = started;
  if (stopping) stop(stopping);
}

async function main(): Promise<void> {
  // A closed stdout or stderr (`snf-occi | head`) must not crash nor stall the command.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) return void process.stdout.write(HELP);
  let parsed;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`snf-occi: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (parsed.version) return void process.stdout.write(`${VERSION}\n`);
  if (parsed.command === 'token') return printToken(parsed.config);
  return serve(parsed.config);
}

main().catch((err: unknown) => {
  process.stderr.write(`snf-occi: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
