// The store the configuration asks for: SQLite in the data directory (the
// default, for one process), or the PostgreSQL database of store.url shared
// by several replicas. The PostgreSQL driver is loaded only then, so a server
// on SQLite starts as lean as ever.
import type { Store, StoreLog, StoreSettings } from './store.js';
import { UserMixinStore } from './user-mixin-store.js';

export async function openStore(settings: StoreSettings, dataDir: string | undefined, log: StoreLog): Promise<Store> {
  if (settings.url === undefined) return new UserMixinStore(dataDir);
  const { PostgresStore } = await import('./postgres/pg-store.js');
  return PostgresStore.open({ settings, log });
}
