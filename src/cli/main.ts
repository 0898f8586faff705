#!/usr/bin/env node
// The snf-occi command: `snf-occi` serves; `snf-occi token` prints the
// embedded cloud's token; `snf-occi --help` documents everything.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { claimDataDir, createApp, createLogger } from '../app.js';
import { initialToken, openLocalCloud } from '../backends/local/index.js';
import { TOKEN_FILE } from '../backends/local/tokens.js';
import { DataDirBusyError } from '../data-dir/lock.js';
import { ConfigError, ENV_VARS, loadConfig, type Config } from '../config/config.js';
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
  --log-level LEVEL     fatal, error, warn, info, debug, trace or silent (SNF_OCCI_LOG_LEVEL)
  --config FILE         JSON configuration file (SNF_OCCI_CONFIG)

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
};

function parse(argv: string[]): { command: string; config: Config; version: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      config: { type: 'string' },
      ...Object.fromEntries(Object.keys(FLAG_PATHS).map((k) => [k, { type: 'string' as const }])),
    },
  });
  const command = positionals[0] ?? 'serve';
  if (positionals.length > 1 || !['serve', 'token'].includes(command)) {
    throw new ConfigError([`unknown command "${positionals.join(' ')}"; see snf-occi --help`]);
  }
  const flags: Record<string, string> = {};
  for (const [flag, path] of Object.entries(FLAG_PATHS)) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v === 'string') flags[path] = v;
  }
  const version = values.version === true;
  const config = loadConfig({ file: values.config as string | undefined, flags });
  return { command, config, version };
}

async function printToken(config: Config): Promise<void> {
  if (!existsSync(join(config.dataDir, TOKEN_FILE))) {
    // A new data directory: opening the cloud makes it and its demo token (none when tokens are configured).
    // Not under a running server, whose tokens it would decide again.
    let lock;
    try {
      lock = claimDataDir(config.dataDir);
    } catch (err) {
      if (!(err instanceof DataDirBusyError)) throw err;
      const who = err.holderPid === undefined ? 'a server' : `a server (PID ${err.holderPid})`;
      throw new Error(`${who} runs on ${config.dataDir} with configured tokens (local.tokens), so there is no demo token; use one of those`);
    }
    try {
      await openLocalCloud({ dataDir: config.dataDir, ...config.local }).close();
    } finally {
      lock.release();
    }
  }
  process.stdout.write(`${initialToken(config.dataDir)}\n`);
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger(config);
  const app = await createApp(config, logger);
  const address = await app.occi.listen();
  const scheme = config.tls ? 'https' : 'http';
  logger.info({ port: address.port, host: address.address, backend: config.backend }, `snf-occi listening on ${scheme}://${address.address}:${address.port}`);
  if (config.backend === 'local') {
    logger.info({ dataDir: config.dataDir }, `embedded cloud in ${config.dataDir}; read its token with: snf-occi token --data-dir ${config.dataDir}`);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    app.occi.shutdown().then(
      () => {
        logger.info('stopped');
        logger.flush();
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
}

async function main(): Promise<void> {
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
