// Per-tenant quotas of the embedded cloud, checked against its own database in
// the transaction of the call that would go past them: a refused call leaves
// nothing behind (a compute whose inline links are over a quota is not made
// either). What a tenant holds of each kind is one row of quota_counts, kept
// by the database's triggers (migration 4), so a check costs the same at 10
// computes and at 50,000 (issue 7). Limits not given are not enforced.
import { overQuota } from '../../errors.js';
import type { EntityKindTerm, LinkSpec, ResourceSpec } from '../../port/backend.js';
import type { Db } from './database.js';

/** What one tenant may hold in the embedded cloud (the quotas.* settings of the same names). */
export interface LocalQuotas {
  /** Entities of each kind. */
  compute: number;
  network: number;
  storage: number;
  networkinterface: number;
  storagelink: number;
  /** Interfaces and storage links of one compute together. */
  linksPerCompute: number;
  /** Addresses one tenant holds on networks every tenant shares (the public network). */
  sharedAddresses: number;
  /** OS templates one tenant saved from its computes. */
  savedImages: number;
}

const PLURAL: Record<EntityKindTerm, string> = {
  compute: 'computes',
  network: 'networks',
  storage: 'storages',
  networkinterface: 'network interfaces',
  storagelink: 'storage links',
};

type Count = { get(...args: unknown[]): unknown };

export class QuotaGuard {
  /** What a tenant holds of a kind (an entity kind, or 'sharedaddress'). */
  private readonly held: Count;
  private readonly linksOf: Count;
  private readonly sharedRanged: Count;
  private readonly saved: Count;

  constructor(
    db: Db,
    private readonly q: Partial<LocalQuotas>,
  ) {
    const count = (sql: string): Count => db.prepare(sql).pluck();
    this.held = count('SELECT count FROM quota_counts WHERE tenant = ? AND kind = ?');
    this.linksOf = count(
      'SELECT (SELECT count(*) FROM network_interfaces WHERE compute_id = ?) + (SELECT count(*) FROM storage_links WHERE compute_id = ?)',
    );
    this.sharedRanged = count('SELECT count(*) FROM networks WHERE id = ? AND tenant IS NULL AND address IS NOT NULL');
    this.saved = count('SELECT count(*) FROM images WHERE tenant = ?');
  }

  /** Before creating a resource and its inline links. */
  resource(tenant: string, spec: ResourceSpec): void {
    this.kind(tenant, spec.kind, 1);
    this.links(tenant, undefined, spec.links);
  }

  /** Before creating links from an existing compute (or, without one, from the compute being made). */
  links(tenant: string, computeId: string | undefined, links: readonly LinkSpec[]): void {
    if (links.length === 0) return;
    for (const kind of ['networkinterface', 'storagelink'] as const) {
      const n = links.filter((l) => l.kind === kind).length;
      if (n > 0) this.kind(tenant, kind, n);
    }
    const perCompute = this.q.linksPerCompute;
    if (perCompute !== undefined) {
      const has = computeId === undefined ? 0 : Number(this.linksOf.get(computeId, computeId));
      if (has + links.length > perCompute) {
        const held = computeId === undefined ? 'a new compute' : `compute ${computeId} has ${has}`;
        throw overQuota(`a compute may have at most ${perCompute} links; ${held} and this request adds ${links.length}`, 'quotas.linksPerCompute', 'remove some links');
      }
    }
    const shared = this.q.sharedAddresses;
    if (shared !== undefined) {
      const adds = links.filter((l) => l.kind === 'networkinterface' && Number(this.sharedRanged.get(l.target.id)) > 0).length;
      if (adds > 0) {
        const held = this.has(tenant, 'sharedaddress');
        if (held + adds > shared) {
          throw overQuota(
            `a tenant may hold at most ${shared} addresses on networks shared by every tenant (such as public); it holds ${held} and this request takes ${adds}`,
            'quotas.sharedAddresses',
            'remove some interfaces on shared networks',
          );
        }
      }
    }
  }

  /** Before saving a compute as a new OS template. */
  savedImage(tenant: string): void {
    const max = this.q.savedImages;
    if (max === undefined) return;
    const has = Number(this.saved.get(tenant));
    if (has + 1 > max) throw overQuota(`a tenant may save at most ${max} OS templates, it has ${has}`, 'quotas.savedImages');
  }

  private kind(tenant: string, kind: EntityKindTerm, adding: number): void {
    const max = this.q[kind];
    if (max === undefined) return;
    const has = this.has(tenant, kind);
    if (has + adding > max) {
      const adds = adding === 1 ? '' : ` and this request adds ${adding}`;
      throw overQuota(`a tenant may have at most ${max} ${PLURAL[kind]}, it has ${has}${adds}`, `quotas.${kind}`, 'delete some');
    }
  }

  /** A tenant that never held any of a kind has no row. */
  private has(tenant: string, kind: EntityKindTerm | 'sharedaddress'): number {
    return Number(this.held.get(tenant, kind) ?? 0);
  }
}
