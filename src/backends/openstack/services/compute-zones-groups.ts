// Availability zones and security groups of a compute, pure: what a creation
// adds to the server body, and which groups an update adds or removes. A
// compute stays in the zone it was created in. Groups apply to the ports of a
// compute (Nova keeps none for ports attached later), so they need one.
import type { ResourceRecord, UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict } from '../../../errors.js';
import { typeId, type Mixin } from '../../../model/category.js';
import { AVAILABILITY_ZONE, SECURITY_GROUP } from '../../../model/infrastructure.js';
import { isAvailabilityZone, isSecurityGroup } from '../../../model/templates.js';
import type { Dialect } from '../dialect.js';
import type { ZonesAndGroups } from '../caches/zone-group-cache.js';

export interface ZoneGroupContext extends ZonesAndGroups {
  dialect: Dialect;
}

type Family = 'zone' | 'group';

const FAMILIES: Record<Family, { label: string; parent: Mixin; member: (m: Mixin) => boolean }> = {
  zone: { label: 'availability zone', parent: AVAILABILITY_ZONE, member: isAvailabilityZone },
  group: { label: 'security group', parent: SECURITY_GROUP, member: isSecurityGroup },
};

function familyOf(m: Mixin): Family | undefined {
  for (const family of ['zone', 'group'] as const) {
    const f = FAMILIES[family];
    if (f.member(m) || typeId(m) === typeId(f.parent)) return family;
  }
  return undefined;
}

/** Whether a mixin is an availability zone or a security group (or their abstract parent). */
export function isZoneOrGroup(m: Mixin): boolean {
  return familyOf(m) !== undefined;
}

/** The zones or groups among `mixins`, each resolved to the cloud's; a 400 names any this project cannot have. */
function offered(mixins: readonly Mixin[], family: Family, ctx: ZoneGroupContext): Mixin[] {
  const { label, parent } = FAMILIES[family];
  return mixins
    .filter((m) => familyOf(m) === family)
    .map((m) => {
      if (!ctx.dialect.zonesAndGroups) {
        throw badRequest(`${ctx.dialect.name} offers no availability zones or security groups; remove mixin ${typeId(m)}`);
      }
      if (typeId(m) === typeId(parent)) {
        throw badRequest(`name one ${label} listed in /-/ (a mixin related to ${typeId(parent)}), not ${typeId(parent)} itself`);
      }
      const found = (family === 'zone' ? ctx.zones : ctx.groups).find(m);
      if (!found) throw badRequest(`${label} ${typeId(m)} is not offered to this project; see /-/`);
      return found;
    });
}

/**
 * Server-create members for the zone and groups among a creation's mixins.
 * `withPorts`: whether the server gets a port at boot (a private network link).
 */
export function zoneAndGroupFields(mixins: readonly Mixin[], ctx: ZoneGroupContext, withPorts: boolean): Record<string, unknown> {
  const zones = offered(mixins, 'zone', ctx);
  const groups = offered(mixins, 'group', ctx);
  if (zones.length > 1) throw badRequest(`a compute is in one availability zone, got ${zones.map((z) => z.term).join(' and ')}`);
  if (groups.length > 0 && !withPorts) {
    throw badRequest(
      `security groups apply to network interfaces: link the compute to a private network in the same request, or associate ${groups.map((g) => g.term).join(', ')} once it has one`,
    );
  }
  const fields: Record<string, unknown> = {};
  if (zones[0]) fields.availability_zone = zones[0].providerId;
  // Group ids rather than names: Nova takes either, and names need not be unique.
  if (groups.length > 0) fields.security_groups = groups.map((g) => ({ name: g.providerId }));
  return fields;
}

export interface GroupChanges {
  add: Mixin[];
  remove: Mixin[];
}

/**
 * The security groups an update adds and removes, after checking its zone
 * and group mixins against the compute as it is: a zone change is a 400,
 * a group needs a network interface to apply to (409 otherwise).
 */
export function groupChanges(spec: UpdateSpec, current: ResourceRecord, ctx: ZoneGroupContext): GroupChanges {
  const has = (m: Mixin): boolean => current.mixins.includes(typeId(m));
  const zoneAdds = offered(spec.addMixins, 'zone', ctx);
  const addedIds = new Set(spec.addMixins.map(typeId));
  // Removing what the compute does not carry changes nothing, whatever it is.
  const removed = spec.removeMixins.filter((m) => has(m) && !addedIds.has(typeId(m)));
  if (zoneAdds.some((z) => !has(z)) || removed.some((m) => familyOf(m) === 'zone')) {
    const zone = ctx.zones.mixins.find(has)?.providerId;
    throw badRequest(`cannot move a compute to another availability zone${zone ? ` (compute ${current.id} is in ${zone})` : ''}`);
  }
  const add = offered(spec.addMixins, 'group', ctx).filter((g) => !has(g));
  const remove = removed.filter((m) => familyOf(m) === 'group').map((m) => ctx.groups.find(m) ?? m);
  if (add.length > 0 && !current.links.some((l) => l.kind === 'networkinterface')) {
    throw conflict(
      `compute ${current.id} has no network interface for ${add.map((g) => `security group ${g.term}`).join(', ')} to apply to; link it to a network first`,
    );
  }
  return { add, remove };
}
