// Wires configuration → logger, backend, store and HTTP server.
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Backend } from './port/backend.js';
import { openLocalCloud } from './backends/local/index.js';
import type { Config } from './config/config.js';
import { lockDataDir, type DataDirLock } from './data-dir/lock.js';
import { privateFile, secureDataDir } from './data-dir/modes.js';
import { createOcciServer, type OcciServer } from './http/server.js';
import { UserMixinStore } from './store/user-mixin-store.js';

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.logLevel, base: { service: 'snf-occi' } };
  // Standard output is written in batches, at least every 100 ms: a write per access-log line costs every
  // request a system call. What is buffered is flushed at exit.
  const stdout = (): pino.DestinationStream => pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
  return pino(options, destination ? (destination as unknown as pino.DestinationStream) : stdout());
}

export async function openBackend(config: Config): Promise<Backend> {
  if (config.backend === 'openstack') {
    const { openOpenStackBackend } = await import('./backends/openstack/index.js');
    return openOpenStackBackend({ ...config.openstack, keystoneUrl: config.openstack.keystoneUrl! });
  }
  return openLocalCloud({ dataDir: config.dataDir, ...config.local, quotas: config.quotas });
}

/** Makes the data directory private and takes it for this server (one server per data directory). */
export function claimDataDir(dataDir: string): DataDirLock {
  try {
    secureDataDir(dataDir);
    privateFile(join(dataDir, 'store.sqlite'));
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    throw new Error(`the data directory ${dataDir} cannot be prepared (${code}: ${(err as Error).message}); give a writable directory with --data-dir`);
  }
  return lockDataDir(dataDir);
}

export interface App {
  occi: OcciServer;
  logger: Logger;
  backend: Backend;
}

/** `wrap` may put something around the backend (tests observe the port through it). */
export async function createApp(config: Config, logger: Logger = createLogger(config), wrap: (b: Backend) => Backend = (b) => b): Promise<App> {
  const lock = claimDataDir(config.dataDir);
  let backend: Backend | undefined;
  try {
    backend = wrap(await openBackend(config));
    const store = new UserMixinStore(config.dataDir);
    const occi = createOcciServer({ config, backend, store, logger });
    const shutdown = occi.shutdown;
    return { occi: { ...occi, shutdown: () => shutdown().finally(() => lock.release()) }, logger, backend };
  } catch (err) {
    await backend?.close();
    lock.release();
    throw err;
  }
}
