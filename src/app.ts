// Wires configuration → logger, backend, store and HTTP server.
import { pino, type Logger } from 'pino';
import type { Backend } from './port/backend.js';
import { openLocalCloud } from './backends/local/index.js';
import type { Config } from './config/config.js';
import { createOcciServer, type OcciServer } from './http/server.js';
import { UserMixinStore } from './store/user-mixin-store.js';

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.logLevel, base: { service: 'snf-occi' } };
  return destination ? pino(options, destination as unknown as pino.DestinationStream) : pino(options);
}

export async function openBackend(config: Config): Promise<Backend> {
  if (config.backend === 'openstack') {
    const { openOpenStackBackend } = await import('./backends/openstack/index.js');
    return openOpenStackBackend({ ...config.openstack, keystoneUrl: config.openstack.keystoneUrl! });
  }
  return openLocalCloud({ dataDir: config.dataDir, ...config.local });
}

export interface App {
  occi: OcciServer;
  logger: Logger;
  backend: Backend;
}

export async function createApp(config: Config, logger: Logger = createLogger(config)): Promise<App> {
  const backend = await openBackend(config);
  const store = new UserMixinStore(config.dataDir);
  const occi = createOcciServer({ config, backend, store, logger });
  return { occi, logger, backend };
}
