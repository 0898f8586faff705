// Nova availability zones → availability_zone mixins (only the available
// ones are offered), and the zone a server runs in.
import type { Mixin } from '../../../model/category.js';
import { availabilityZone } from '../../../model/templates.js';
import type { NovaServer, NovaZone } from '../clients/nova.js';
import { MixinSet } from './mixin-set.js';

export class ZoneIndex extends MixinSet {
  constructor(zones: readonly NovaZone[]) {
    super(zones.filter((z) => z.zoneState?.available === true).map((z) => availabilityZone(z.zoneName)));
  }

  /** The mixin of the server's zone (OS-EXT-AZ:availability_zone), when that zone is offered. */
  zoneOf(server: NovaServer): Mixin | undefined {
    const name = server['OS-EXT-AZ:availability_zone'];
    return name ? this.byId(name) : undefined;
  }
}
