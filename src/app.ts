// Wires configuration → logger, listener, data directory, backend, store and
// HTTP server, in the order that leaves nothing behind when a start fails:
// the port is bound first, then the data directory is made and taken, then
// the backend and store are opened; requests get 503 until all is ready.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Backend } from './port/backend.js';
import { openLocalCloud } from './backends/local/index.js';
import { onCloudCall } from './cloud-calls.js';
import type { Config } from './config/config.js';
import { lockDataDir, type DataDirLock } from './data-dir/lock.js';
import { privateFile, secureDataDir } from './data-dir/modes.js';
import { prepareDataDir } from './data-dir/prepare.js';
import { createListener } from './http/listener.js';
import { createOcciServer, type OcciServer } from './http/server.js';
import { createLogger } from './log.js';
import { metrics } from './metrics.js';
import { redactUrl } from './redact.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export { createLogger } from './log.js';

export async function openBackend(config: Config): Promise<Backend> {
  if (config.backend === 'openstack') {
    const { openOpenStackBackend } = await import('./backends/openstack/index.js');
    return openOpenStackBackend({ ...config.openstack, keystoneUrl: config.openstack.keystoneUrl! });
  }
  return openLocalCloud({ dataDir: config.dataDir, ...config.local, quotas: config.quotas });
}

/** Makes the data directory (or says at once why it cannot), makes it private and takes it for this server. */
export function claimDataDir(dataDir: string): DataDirLock {
  prepareDataDir(dataDir);
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

/** Logs every call to the cloud at debug level: its service (as `cloud`: `service` names snf-occi), method, path without secrets, status, duration. */
function logCloudCalls(logger: Logger): () => void {
  if (!logger.isLevelEnabled('debug')) return () => undefined;
  return onCloudCall((c) => logger.debug({ cloud: c.service, method: c.method, path: redactUrl(c.url), status: c.status, outcome: c.outcome, ms: Math.round(c.ms * 100) / 100 }, 'cloud call'));
}

/**
 * Binds the port (the server is listening when this resolves), then opens
 * everything else; a failure at any step undoes the steps before it. With a
 * shared store (several replicas in front of an OpenStack cloud) the data
 * directory holds nothing, and is neither made nor locked.
 * `wrap` may put something around the backend (tests observe the port through it).
 */
export async function createApp(config: Config, logger: Logger = createLogger(config), wrap: (b: Backend) => Backend = (b) => b): Promise<App> {
  const listener = createListener(config, logger);
  await listener.listen();
  const closeListener = (): Promise<void> => new Promise((resolve) => listener.server.close(() => resolve()));
  const shared = config.store.url !== undefined;
  let lock: DataDirLock | undefined;
  let backend: Backend | undefined;
  let store: Store | undefined;
  try {
    if (!shared) lock = claimDataDir(config.dataDir);
    const [opened] = await Promise.all([openBackend(config), config.metrics ? metrics.enable() : undefined]);
    backend = wrap(opened);
    store = await openStore(config.store, shared ? undefined : config.dataDir, logger);
    const occi = createOcciServer({ config, backend, store, logger, listener });
    const stopLogging = logCloudCalls(logger);
    const taken = lock;
    const shutdown = occi.shutdown;
    return { occi: { ...occi, shutdown: () => shutdown().finally(() => (stopLogging(), taken?.release())) }, logger, backend };
  } catch (err) {
    await backend?.close();
    await store?.close();
    lock?.release();
    await closeListener();
    throw err;
  }
}
