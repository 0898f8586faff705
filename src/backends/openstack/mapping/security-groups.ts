// Neutron security groups → security_group mixins, and the groups a server
// is in. Terms are the groups' names; names that would give several groups
// the same term get the id appended (as templates do), so each group keeps a
// mixin of its own.
import type { Mixin } from '../../../model/category.js';
import { securityGroup, toTerm } from '../../../model/templates.js';
import type { NeutronPort, NeutronSecurityGroup } from '../clients/neutron.js';
import type { NovaServer } from '../clients/nova.js';
import { MixinSet } from './mixin-set.js';
import { uniqueTerms } from './templates.js';

export class GroupIndex extends MixinSet {
  /** Groups by name, for names held by exactly one group: Nova reports a server's groups by name only. */
  private readonly byName = new Map<string, Mixin>();

  constructor(groups: readonly NeutronSecurityGroup[]) {
    const terms = uniqueTerms(groups, (g) => g.name, (g) => String(g.id), 'sg');
    const named = groups.map((g) => {
      const id = String(g.id);
      const term = terms.get(g)!;
      // A disambiguated term stands in for the name, so the mixin (and its title) shows it.
      const name = term === toTerm(g.name, `sg-${id}`) ? g.name : term;
      return { name: g.name, mixin: securityGroup({ id, name, ...(g.description ? { description: g.description } : {}) }) };
    });
    super(named.map((n) => n.mixin));
    const count = new Map<string, number>();
    for (const { name } of named) count.set(name, (count.get(name) ?? 0) + 1);
    for (const { name, mixin } of named) if (count.get(name) === 1) this.byName.set(name, mixin);
  }

  /**
   * The groups of a server: the union of its ports' groups (Neutron applies
   * groups per port); a server without ports falls back to the names (or
   * ids) Nova reports for it. Groups the project is not offered are left out.
   */
  groupsOf(server: NovaServer, ports: readonly NeutronPort[]): Mixin[] {
    const found =
      ports.length > 0
        ? ports.flatMap((p) => p.security_groups ?? []).map((id) => this.byId(String(id)))
        : (server.security_groups ?? []).map((g) => this.byName.get(g.name) ?? this.byId(g.name));
    return [...new Set(found.filter((m): m is Mixin => m !== undefined))];
  }
}
