// Reads a live server's databases (read-only, next to its WAL writer) and
// lists what must never exist, whatever the interleaving of requests:
// memberships of entities or mixins that are gone, links whose ends are gone,
// quota counts that are not what the rows count (migration 4's triggers).
import Database from 'better-sqlite3';
import { join } from 'node:path';

const TABLES: Record<string, string> = {
  compute: 'computes',
  network: 'networks',
  storage: 'storages',
  networkinterface: 'network_interfaces',
  storagelink: 'storage_links',
};

export interface Broken {
  /** Memberships whose entity no longer exists. */
  orphanMembers: string[];
  /** Memberships of a user mixin that is no longer defined. */
  undefinedMixins: string[];
  /** Links whose source compute or target is gone. */
  danglingLinks: string[];
  /** Per tenant and kind, a kept quota count that differs from the rows. */
  wrongCounts: string[];
}

/** What each tenant holds of each kind, counted from the rows: "tenant kind" → count (none when 0). */
const HELD = `
  SELECT tenant, 'compute' AS kind, count(*) AS n FROM computes GROUP BY tenant
  UNION ALL SELECT tenant, 'network', count(*) FROM networks WHERE tenant IS NOT NULL GROUP BY tenant
  UNION ALL SELECT tenant, 'storage', count(*) FROM storages GROUP BY tenant
  UNION ALL SELECT tenant, 'networkinterface', count(*) FROM network_interfaces GROUP BY tenant
  UNION ALL SELECT tenant, 'storagelink', count(*) FROM storage_links GROUP BY tenant
  UNION ALL SELECT ni.tenant, 'sharedaddress', count(*) FROM network_interfaces ni JOIN networks n ON n.id = ni.network_id
    WHERE n.tenant IS NULL AND ni.address IS NOT NULL GROUP BY ni.tenant`;

function wrongCounts(cloud: Database.Database): string[] {
  const byKey = (sql: string) => new Map((cloud.prepare(sql).all() as Array<{ tenant: string; kind: string; n: number }>).map((r) => [`${r.tenant} ${r.kind}`, r.n]));
  const rows = byKey(HELD);
  const kept = byKey('SELECT tenant, kind, count AS n FROM quota_counts WHERE count <> 0');
  return [...new Set([...rows.keys(), ...kept.keys()])].filter((k) => rows.get(k) !== kept.get(k)).map((k) => `${k}: kept ${kept.get(k) ?? 0}, rows ${rows.get(k) ?? 0}`);
}

function open(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

export function brokenInvariants(dataDir: string): Broken {
  const store = open(join(dataDir, 'store.sqlite'));
  const cloud = open(join(dataDir, 'cloud.sqlite'));
  try {
    const members = store.prepare('SELECT tenant, mixin, kind, entity_id AS id FROM membership').all() as Array<{ tenant: string; mixin: string; kind: string; id: string }>;
    const defined = new Set((store.prepare('SELECT tenant, scheme, term FROM user_mixin').all() as Array<{ tenant: string; scheme: string; term: string }>).map((r) => `${r.tenant} ${r.scheme}${r.term}`));
    const orphanMembers: string[] = [];
    const undefinedMixins: string[] = [];
    for (const m of members) {
      const table = TABLES[m.kind];
      const exists = table && cloud.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(m.id) !== undefined;
      if (!exists) orphanMembers.push(`${m.tenant}: ${m.mixin} → ${m.kind}/${m.id}`);
      if (!defined.has(`${m.tenant} ${m.mixin}`)) undefinedMixins.push(`${m.tenant}: ${m.mixin} → ${m.kind}/${m.id}`);
    }
    const danglingLinks = [
      ...(cloud
        .prepare(
          `SELECT 'networkinterface/' || id AS l FROM network_interfaces
           WHERE compute_id NOT IN (SELECT id FROM computes) OR network_id NOT IN (SELECT id FROM networks)
           UNION ALL SELECT 'storagelink/' || id FROM storage_links
           WHERE compute_id NOT IN (SELECT id FROM computes) OR storage_id NOT IN (SELECT id FROM storages)`,
        )
        .pluck()
        .all() as string[]),
    ];
    return { orphanMembers, undefinedMixins, danglingLinks, wrongCounts: wrongCounts(cloud) };
  } finally {
    store.close();
    cloud.close();
  }
}

export const NOTHING_BROKEN: Broken = { orphanMembers: [], undefinedMixins: [], danglingLinks: [], wrongCounts: [] };
