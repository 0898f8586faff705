// Where the bridge keeps its own state (user mixins, memberships, quota
// counters): SQLite in the data directory by default, for one process; a
// PostgreSQL database shared by several replicas when `store.url` names one.
// The PG* environment variables (PGHOST, PGUSER, PGPASSWORD, PGDATABASE …)
// and ~/.pgpass fill in what the URL leaves out, as for psql.
import type { StoreSettings } from '../store/store.js';

export type { StoreSettings } from '../store/store.js';

export function defaultStoreSettings(): StoreSettings {
  return { poolSize: 10, statementTimeoutMs: 5_000, connectTimeoutMs: 5_000, cacheTtlMs: 30_000 };
}

/** Environment variables of these settings (see config.ts ENV_VARS). */
export const STORE_ENV_VARS: Record<string, string> = {
  SNF_OCCI_STORE_URL: 'store.url',
  SNF_OCCI_STORE_POOL_SIZE: 'store.poolSize',
  SNF_OCCI_STORE_STATEMENT_TIMEOUT_MS: 'store.statementTimeoutMs',
  SNF_OCCI_STORE_CONNECT_TIMEOUT_MS: 'store.connectTimeoutMs',
  SNF_OCCI_STORE_CACHE_TTL_MS: 'store.cacheTtlMs',
};

export function validateStoreSettings(
  c: { backend: string; store: StoreSettings },
  int: (path: string, v: unknown, min: number, max: number) => void,
  problems: string[],
): void {
  const s = c.store;
  if (typeof s !== 'object' || s === null) return void problems.push('store: must be an object such as {"url": "postgres://snf@db.example.org/snf_occi"}');
  int('store.poolSize', s.poolSize, 1, 1000);
  int('store.statementTimeoutMs', s.statementTimeoutMs, 100, 600_000);
  int('store.connectTimeoutMs', s.connectTimeoutMs, 100, 600_000);
  int('store.cacheTtlMs', s.cacheTtlMs, 1_000, 3_600_000);
  if (s.url === undefined) return;
  let url: URL | undefined;
  try {
    url = new URL(s.url);
  } catch {
    // The URL may hold a password: never quote it back.
  }
  if (url?.protocol !== 'postgres:' && url?.protocol !== 'postgresql:') {
    return void problems.push('store.url: must be a PostgreSQL URL such as postgres://snf@db.example.org:5432/snf_occi (or postgres:// alone, with PGHOST, PGUSER … in the environment); leave it out to keep the store in the data directory');
  }
  if (c.backend === 'local') {
    problems.push(
      'store.url: the embedded cloud (backend local) runs as one process on its own data directory, so it cannot share a store; ' +
        'several replicas on one PostgreSQL are for the openstack backend, where the cloud holds the shared state. ' +
        'Remove store.url, or set backend to openstack',
    );
  }
}
