// Provider mixins of one family (availability zones, security groups), found
// by scheme and term or by the cloud's id. Two cloud names can map to the same
// term; the first keeps it, so every category of the catalog stays unique.
import { typeId, type Mixin } from '../../../model/category.js';

export class MixinSet {
  readonly mixins: Mixin[] = [];
  private readonly byTypeId = new Map<string, Mixin>();
  private readonly byCloudId = new Map<string, Mixin>();

  constructor(candidates: Iterable<Mixin>) {
    for (const m of candidates) {
      const id = typeId(m);
      if (this.byTypeId.has(id) || m.providerId === undefined) continue;
      this.mixins.push(m);
      this.byTypeId.set(id, m);
      this.byCloudId.set(m.providerId, m);
    }
  }

  /** The member with the same scheme and term. */
  find(m: Mixin): Mixin | undefined {
    return this.byTypeId.get(typeId(m));
  }

  /** The member standing for the cloud's object with this id (a zone's name, a group's id). */
  byId(id: string): Mixin | undefined {
    return this.byCloudId.get(id);
  }
}
