// How each replica connects to the shared PostgreSQL: a bounded pool whose
// every wait is bounded too (a connection, a statement, a transaction left
// open), and a name for the database that never shows its password.
import type { ClientConfig, PoolConfig } from 'pg';
import type { StoreSettings } from '../store.js';

/** What the logs, /readyz and start-up messages call the database: host, port and name, never the password. */
export function describeTarget(settings: StoreSettings, env: NodeJS.ProcessEnv = process.env): string {
  let url: URL | undefined;
  try {
    url = new URL(settings.url ?? 'postgres://');
  } catch {
    url = undefined;
  }
  const host = decodeURIComponent(url?.hostname ?? '') || url?.searchParams.get('host') || env.PGHOST || 'localhost';
  const port = url?.port || env.PGPORT || '5432';
  const user = decodeURIComponent(url?.username ?? '') || env.PGUSER || env.USER || 'postgres';
  const database = decodeURIComponent(url?.pathname.slice(1) ?? '') || env.PGDATABASE || user;
  return `PostgreSQL ${database} at ${host.startsWith('/') ? host : `${host}:${port}`} as ${user}`;
}

/** Settings every connection shares, the pool's and the one that listens for changes. */
export function clientConfig(settings: StoreSettings): ClientConfig {
  return {
    connectionString: settings.url,
    application_name: 'snf-occi',
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // Cancelled by the server past this, and given up by the client a little later should the network
    // itself have gone (a cancel that never arrives).
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1_000,
    // A replica stopped in the middle of a transaction (paused, cut off) must not hold a tenant's lock for long.
    idle_in_transaction_session_timeout: Math.max(1_000, 2 * settings.statementTimeoutMs),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

export function poolConfig(settings: StoreSettings): PoolConfig {
  return {
    ...clientConfig(settings),
    max: settings.poolSize,
    idleTimeoutMillis: 30_000,
  };
}
