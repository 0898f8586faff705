// Schema of the embedded cloud, as numbered migrations. A data dir records the
// last one applied in schema_version; opening it applies the rest, each in a
// transaction, so an old cloud.sqlite is upgraded in place.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { FLAVOR_SEEDS, IMAGE_SEEDS, PUBLIC_NETWORK } from './seed.js';

type Migration = (db: Database.Database) => void;

// Every stateful row carries its state clock: the state and message shown now,
// and the state and message it moves to at pending_until (all NULL when at rest).
const CLOCK_COLUMNS = `
  state TEXT NOT NULL,
  message TEXT,
  pending_state TEXT,
  pending_message TEXT,
  pending_until INTEGER`;

const SCHEMA_1 = `
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  tenant TEXT NOT NULL
);
CREATE TABLE flavors (
  id TEXT PRIMARY KEY,
  term TEXT NOT NULL UNIQUE,
  cores INTEGER NOT NULL,
  ram_mib INTEGER NOT NULL,
  disk_gb INTEGER NOT NULL
);
-- tenant NULL: a public image; otherwise saved by that tenant and visible to it only.
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  term TEXT NOT NULL,
  title TEXT NOT NULL,
  architecture TEXT NOT NULL,
  source_compute TEXT,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX images_term ON images (coalesce(tenant, ''), term);
CREATE TABLE computes (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  title TEXT,
  summary TEXT,
  hostname TEXT,
  image_id TEXT NOT NULL REFERENCES images (id),
  flavor_id TEXT NOT NULL REFERENCES flavors (id),
  ssh_key TEXT,
  user_data TEXT,
  ${CLOCK_COLUMNS},
  created_at INTEGER NOT NULL
);
CREATE INDEX computes_tenant ON computes (tenant);
CREATE INDEX computes_pending ON computes (pending_until) WHERE pending_until IS NOT NULL;
-- tenant NULL: the shared public network.
CREATE TABLE networks (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  title TEXT,
  summary TEXT,
  vlan INTEGER,
  label TEXT,
  ip INTEGER NOT NULL DEFAULT 0,
  address TEXT,
  gateway TEXT,
  allocation TEXT,
  state TEXT NOT NULL,
  message TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX networks_tenant ON networks (tenant);
CREATE TABLE storages (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  title TEXT,
  summary TEXT,
  size REAL NOT NULL,
  ${CLOCK_COLUMNS},
  created_at INTEGER NOT NULL
);
CREATE INDEX storages_tenant ON storages (tenant);
CREATE INDEX storages_pending ON storages (pending_until) WHERE pending_until IS NOT NULL;
CREATE TABLE storage_copies (
  id TEXT PRIMARY KEY,
  storage_id TEXT NOT NULL REFERENCES storages (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('backup', 'snapshot')),
  size REAL NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE network_interfaces (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  compute_id TEXT NOT NULL REFERENCES computes (id) ON DELETE CASCADE,
  network_id TEXT NOT NULL REFERENCES networks (id),
  title TEXT,
  interface TEXT NOT NULL,
  mac TEXT NOT NULL UNIQUE,
  address TEXT,
  allocation TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (compute_id, interface),
  UNIQUE (network_id, address)
);
CREATE INDEX network_interfaces_tenant ON network_interfaces (tenant);
CREATE INDEX network_interfaces_network ON network_interfaces (network_id);
CREATE TABLE storage_links (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  compute_id TEXT NOT NULL REFERENCES computes (id) ON DELETE CASCADE,
  storage_id TEXT NOT NULL UNIQUE REFERENCES storages (id),
  title TEXT,
  deviceid TEXT NOT NULL,
  mountpoint TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (compute_id, deviceid)
);
CREATE INDEX storage_links_tenant ON storage_links (tenant);
`;

function seed(db: Database.Database): void {
  const now = Date.now();
  const flavor = db.prepare('INSERT INTO flavors (id, term, cores, ram_mib, disk_gb) VALUES (?, ?, ?, ?, ?)');
  for (const f of FLAVOR_SEEDS) flavor.run(randomUUID(), f.term, f.cores, f.ramMiB, f.diskGB);
  const image = db.prepare(
    'INSERT INTO images (id, tenant, term, title, architecture, created_at) VALUES (?, NULL, ?, ?, ?, ?)',
  );
  for (const i of IMAGE_SEEDS) image.run(randomUUID(), i.term, i.title, i.architecture, now);
  const p = PUBLIC_NETWORK;
  db.prepare(
    `INSERT INTO networks (id, tenant, title, summary, ip, address, gateway, allocation, state, message, created_at)
     VALUES (?, NULL, ?, ?, 1, ?, ?, ?, 'active', 'up', ?)`,
  ).run(p.id, p.title, p.summary, p.address, p.gateway, p.allocation, now);
}

// 2: MAC addresses are unique per network, as in Neutron, not across the
// cloud: a global check told one tenant which MACs another one uses.
const SCHEMA_2 = `
CREATE TABLE network_interfaces_2 (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  compute_id TEXT NOT NULL REFERENCES computes (id) ON DELETE CASCADE,
  network_id TEXT NOT NULL REFERENCES networks (id),
  title TEXT,
  interface TEXT NOT NULL,
  mac TEXT NOT NULL,
  address TEXT,
  allocation TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (compute_id, interface),
  UNIQUE (network_id, address),
  UNIQUE (network_id, mac)
);
INSERT INTO network_interfaces_2 (id, tenant, compute_id, network_id, title, interface, mac, address, allocation, created_at)
  SELECT id, tenant, compute_id, network_id, title, interface, mac, address, allocation, created_at FROM network_interfaces;
DROP TABLE network_interfaces;
ALTER TABLE network_interfaces_2 RENAME TO network_interfaces;
CREATE INDEX network_interfaces_tenant ON network_interfaces (tenant);
CREATE INDEX network_interfaces_network ON network_interfaces (network_id);
`;

// 3: tokens are stored as HMAC-SHA256 under a per-data-dir key (keyed = 1);
// rows of older versions are plain SHA-256 (keyed = 0) until re-keyed.
const SCHEMA_3 = `
ALTER TABLE tokens ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
`;

// 4: what each tenant holds of each kind, kept by triggers, so a quota check
// reads one row instead of counting the tenant's rows (issue 7). Rows of tenant
// NULL (the shared public network) are counted for nobody. Deletes made by
// ON DELETE CASCADE (a compute's links) fire the triggers too. No statement
// changes a row's tenant or an interface's network, so inserts and deletes
// are all there is to follow, but for one count: 'sharedaddress', the
// addresses a tenant's interfaces hold on networks of tenant NULL (what
// quotas.sharedAddresses limits), which also moves when an interface's
// address is written. A later migration that rebuilds one of these tables
// (CREATE ... _2 / DROP / RENAME, as 2 does) drops its triggers with it and
// must create them again.
const COUNTED: ReadonlyArray<[table: string, kind: string]> = [
  ['computes', 'compute'],
  ['storages', 'storage'],
  ['networks', 'network'],
  ['network_interfaces', 'networkinterface'],
  ['storage_links', 'storagelink'],
];
const add = (tenant: string, kind: string, n: number): string =>
  `INSERT INTO quota_counts (tenant, kind, count) VALUES (${tenant}, '${kind}', ${n})
     ON CONFLICT (tenant, kind) DO UPDATE SET count = count + excluded.count;`;
const shared = (ni: 'NEW' | 'OLD'): string =>
  `${ni}.address IS NOT NULL AND EXISTS (SELECT 1 FROM networks WHERE id = ${ni}.network_id AND tenant IS NULL)`;
const SHARED_HELD = `SELECT ni.tenant, 'sharedaddress', count(*) FROM network_interfaces ni JOIN networks n ON n.id = ni.network_id
  WHERE n.tenant IS NULL AND ni.address IS NOT NULL GROUP BY ni.tenant`;
const SCHEMA_4 = `
CREATE TABLE quota_counts (
  tenant TEXT NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (tenant, kind)
) WITHOUT ROWID;
${COUNTED.map(
  ([table, kind]) => `
INSERT INTO quota_counts (tenant, kind, count) SELECT tenant, '${kind}', count(*) FROM ${table} WHERE tenant IS NOT NULL GROUP BY tenant;
CREATE TRIGGER ${table}_counted AFTER INSERT ON ${table} WHEN NEW.tenant IS NOT NULL
BEGIN ${add('NEW.tenant', kind, 1)} END;
CREATE TRIGGER ${table}_uncounted AFTER DELETE ON ${table} WHEN OLD.tenant IS NOT NULL
BEGIN ${add('OLD.tenant', kind, -1)} END;`,
).join('\n')}
INSERT INTO quota_counts (tenant, kind, count) ${SHARED_HELD};
CREATE TRIGGER shared_address_taken AFTER INSERT ON network_interfaces WHEN ${shared('NEW')}
BEGIN ${add('NEW.tenant', 'sharedaddress', 1)} END;
CREATE TRIGGER shared_address_freed AFTER DELETE ON network_interfaces WHEN ${shared('OLD')}
BEGIN ${add('OLD.tenant', 'sharedaddress', -1)} END;
CREATE TRIGGER shared_address_rewritten_old AFTER UPDATE OF address ON network_interfaces WHEN ${shared('OLD')}
BEGIN ${add('OLD.tenant', 'sharedaddress', -1)} END;
CREATE TRIGGER shared_address_rewritten_new AFTER UPDATE OF address ON network_interfaces WHEN ${shared('NEW')}
BEGIN ${add('NEW.tenant', 'sharedaddress', 1)} END;
`;

export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(SCHEMA_1);
    seed(db);
  },
  (db) => db.exec(SCHEMA_2),
  (db) => db.exec(SCHEMA_3),
  (db) => db.exec(SCHEMA_4),
];

/** Applies the migrations the database has not seen yet. */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  const current = row?.version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new Error(`cloud.sqlite has schema version ${current}, newer than this snf-occi (${MIGRATIONS.length})`);
  }
  const setVersion = db.prepare('UPDATE schema_version SET version = ?');
  MIGRATIONS.slice(current).forEach((m, i) => {
    db.transaction(() => {
      m(db);
      setVersion.run(current + i + 1);
    })();
  });
}
