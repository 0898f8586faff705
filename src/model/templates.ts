// Provider template mixins (spec §2.8): OS templates (images) and resource
// templates (flavors), built the same way by every backend. Terms are the
// cloud's names where they fit the 1.2 term grammar, so the original's requests
// (`Category: Debian; scheme=;`) match by term.
import { attr } from './attribute-builders.js';
import { attributeMap, isTerm, type AttributeDefinition, type Mixin } from './category.js';
import { AVAILABILITY_ZONE, COMPUTE, OS_TPL, RESOURCE_TPL, SECURITY_GROUP } from './infrastructure.js';
import { AVAILABILITY_ZONE_SCHEME, OS_TPL_SCHEME, RESOURCE_TPL_SCHEME, SECURITY_GROUP_SCHEME } from './schemes.js';

/** Provider attribute names for flavor facts OCCI has no attribute for. */
export const FLAVOR_DISK = 'org.openstack.flavor.disk';
export const FLAVOR_EPHEMERAL = 'org.openstack.flavor.ephemeral';
export const FLAVOR_SWAP = 'org.openstack.flavor.swap';
export const FLAVOR_ID = 'org.openstack.flavor.id';
export const IMAGE_ID = 'org.openstack.image.id';


/** A term valid under the 1.2 text grammar, derived from a cloud name (spaces and odd characters become '_'). */
export function toTerm(name: string, fallback: string): string {
  if (isTerm(name)) return name;
  const cleaned = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.length > 0 ? cleaned : fallback;
}

export interface OsTemplateSpec {
  /** The cloud's image id. */
  id: string;
  term: string;
  title: string;
  /** Scheme override (the OpenStack backend may key schemes per cloud). */
  scheme?: string;
  /** Extra attributes such as the architecture the image is built for. */
  architecture?: 'x86' | 'x64';
}

export function osTemplate(spec: OsTemplateSpec): Mixin {
  const defs: AttributeDefinition[] = [
    { ...attr(IMAGE_ID, 'string', 'Image identifier in the cloud', { default: spec.id }), mutable: false },
  ];
  if (spec.architecture) {
    defs.push(attr('occi.compute.architecture', 'enum', 'Architecture of the image', { default: spec.architecture }));
  }
  return {
    class: 'mixin',
    scheme: spec.scheme ?? OS_TPL_SCHEME,
    term: spec.term,
    title: spec.title,
    location: `/templates/os/${encodeURIComponent(spec.term)}/`,
    attributes: attributeMap(defs),
    depends: [OS_TPL],
    applies: [COMPUTE],
    actions: [],
    origin: 'provider',
    providerId: spec.id,
  };
}

export interface ResourceTemplateSpec {
  /** The cloud's flavor id. */
  id: string;
  term: string;
  title?: string;
  scheme?: string;
  cores: number;
  /** RAM in MiB, as clouds count it; rendered in GiB (occi.compute.memory is GiB). */
  ramMiB: number;
  diskGB: number;
  ephemeralGB?: number;
  swapMiB?: number;
}

export function resourceTemplate(spec: ResourceTemplateSpec): Mixin {
  const memoryGiB = spec.ramMiB / 1024;
  const defs: AttributeDefinition[] = [
    attr('occi.compute.cores', 'integer', 'Number of virtual CPU cores', { default: spec.cores }),
    attr('occi.compute.memory', 'float', 'RAM in gigabytes', { default: memoryGiB }),
    { ...attr(FLAVOR_DISK, 'integer', 'Root disk size in GB', { default: spec.diskGB }), mutable: false },
    { ...attr(FLAVOR_EPHEMERAL, 'integer', 'Ephemeral disk size in GB', { default: spec.ephemeralGB ?? 0 }), mutable: false },
    { ...attr(FLAVOR_SWAP, 'integer', 'Swap size in MiB', { default: spec.swapMiB ?? 0 }), mutable: false },
    { ...attr(FLAVOR_ID, 'string', 'Flavor identifier in the cloud', { default: spec.id }), mutable: false },
  ];
  return {
    class: 'mixin',
    scheme: spec.scheme ?? RESOURCE_TPL_SCHEME,
    term: spec.term,
    title: spec.title ?? `${spec.term}: ${spec.cores} ${spec.cores === 1 ? 'core' : 'cores'}, ${memoryGiB} GiB RAM, ${spec.diskGB} GB disk`,
    location: `/templates/resource/${encodeURIComponent(spec.term)}/`,
    attributes: attributeMap(defs),
    depends: [RESOURCE_TPL],
    applies: [COMPUTE],
    actions: [],
    origin: 'provider',
    providerId: spec.id,
  };
}

/** The template default of an attribute, if the mixin carries one (R48). */
export function templateDefault(mixin: Mixin, name: string): unknown {
  return mixin.attributes.get(name)?.default;
}

/** Paths under which the provider's mixins live, now or later (a saved image adds a template): not for user mixins. */
export const PROVIDER_MIXIN_PATHS: readonly string[] = ['/templates/', '/availability_zone/', '/security_group/', '/mixin/', '/os_tpl/', '/resource_tpl/', '/snapshot_tpl/'];

/** The parents of the provider's mixin families: they name a family, and no entity carries one itself. */
const FAMILY_PARENTS: readonly Mixin[] = [OS_TPL, RESOURCE_TPL, AVAILABILITY_ZONE, SECURITY_GROUP];

/** A refusal for naming a family parent where a member is meant, or undefined for any other mixin. */
export function familyParentMisuse(m: Mixin): string | undefined {
  if (!FAMILY_PARENTS.includes(m)) return undefined;
  return `${m.scheme}${m.term} names the family of ${m.term} mixins, not one of them: associate one of its members (GET /-/?category=${m.term} lists them)`;
}

/** What a listing of a family parent's location tells the reader: it has no members, and where its family is. */
export function familyParentNote(m: Mixin): string | undefined {
  if (!FAMILY_PARENTS.includes(m)) return undefined;
  return `${m.term} is the parent of the ${m.term} family and has no members of its own: ` +
    `list the family with GET /-/?category=${m.term}, and the computes carrying one of them with GET /compute/?category=<its term>`;
}

export function isOsTemplate(m: Mixin): boolean {
  return m.depends.includes(OS_TPL);
}

export function isResourceTemplate(m: Mixin): boolean {
  return m.depends.includes(RESOURCE_TPL);
}

/** A cloud's availability zone as a mixin: associate it at creation to place a compute there. */
export function availabilityZone(name: string): Mixin {
  const term = toTerm(name, 'zone');
  return {
    class: 'mixin',
    scheme: AVAILABILITY_ZONE_SCHEME,
    term,
    title: `Availability zone ${name}`,
    location: `/availability_zone/${encodeURIComponent(term)}/`,
    attributes: attributeMap([]),
    depends: [AVAILABILITY_ZONE],
    applies: [COMPUTE],
    actions: [],
    origin: 'provider',
    providerId: name,
  };
}

export interface SecurityGroupSpec {
  /** The cloud's security group id. */
  id: string;
  name: string;
  description?: string;
}

/** A security group as a mixin: associating it with a compute applies the group's rules to it. */
export function securityGroup(spec: SecurityGroupSpec): Mixin {
  const term = toTerm(spec.name, `sg-${spec.id}`);
  return {
    class: 'mixin',
    scheme: SECURITY_GROUP_SCHEME,
    term,
    title: spec.description ? `${spec.name}: ${spec.description}` : `Security group ${spec.name}`,
    location: `/security_group/${encodeURIComponent(term)}/`,
    attributes: attributeMap([]),
    depends: [SECURITY_GROUP],
    applies: [COMPUTE],
    actions: [],
    origin: 'provider',
    providerId: spec.id,
  };
}

export function isAvailabilityZone(m: Mixin): boolean {
  return m.depends.includes(AVAILABILITY_ZONE);
}

export function isSecurityGroup(m: Mixin): boolean {
  return m.depends.includes(SECURITY_GROUP);
}
