// Turns a parsed entity rendering into what the backend is asked to do:
// categories resolved and checked (R40–R45), attributes typed and checked
// (R44, R49, R63), inline links resolved to local targets (D35).
import type { Attributes, EntityKindTerm, LinkKindTerm, LinkSpec } from '../port/backend.js';
import { badRequest, forbidden } from '../errors.js';
import {
  entityAttributes,
  mixinAppliesTo,
  typeId,
  type AttributeDefinition,
  type AttributeValue,
  type Kind,
  type Mixin,
} from '../model/category.js';
import { closest } from '../model/closest.js';
import { NETWORK, NETWORKINTERFACE, STORAGE, STORAGELINK } from '../model/infrastructure.js';
import { familyParentMisuse, isOsTemplate, isResourceTemplate } from '../model/templates.js';
import { validateValue } from '../model/validate.js';
import type { AttributeBag, CategoryRef, LinkInput } from '../rendering/document.js';
import type { OcciContext } from './context.js';
import { entityOf, ENTITY_KINDS, type EntityLocation } from './locations.js';

/** Attributes that belong to the link structure rather than to its values. */
const LINK_ENDS = new Set(['occi.core.source', 'occi.core.target', 'occi.core.target.kind', 'occi.core.source.kind']);

export interface ResolvedCategories {
  kind?: Kind;
  /** Model and provider mixins: the backend's business. */
  mixins: Mixin[];
  /** User mixins (tags): the store's business. */
  tags: Mixin[];
}

export function termOfKind(kind: Kind): EntityKindTerm | undefined {
  for (const [term, k] of ENTITY_KINDS) if (k === kind) return term;
  return undefined;
}

/** Resolves the categories of an entity rendering; exactly one kind when `needKind`. */
export function resolveCategories(ctx: OcciContext, refs: readonly CategoryRef[], needKind: boolean): ResolvedCategories {
  const kinds: Kind[] = [];
  const mixins: Mixin[] = [];
  const tags: Mixin[] = [];
  for (const ref of refs) {
    const c = ctx.catalog.require(ref);
    if (c.class === 'action') throw badRequest(`action ${typeId(c)} cannot be part of an entity rendering`);
    if (c.class === 'kind') {
      if (!kinds.includes(c)) kinds.push(c);
    } else if (c.origin === 'user') {
      if (!tags.includes(c)) tags.push(c);
    } else {
      const misuse = familyParentMisuse(c);
      if (misuse) throw badRequest(misuse);
      if (!mixins.includes(c)) mixins.push(c);
    }
  }
  if (kinds.length > 1) throw badRequest(`an entity has exactly one kind, and this one names ${kinds.map(typeId).join(' and ')}: keep one`); // R41
  if (needKind && kinds.length === 0) throw badRequest('the request names no kind: add its Category, e.g. Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"'); // R40
  for (const [label, pick] of [['os_tpl', isOsTemplate], ['resource_tpl', isResourceTemplate]] as const) {
    const found = mixins.filter(pick);
    if (found.length > 1) throw badRequest(`at most one ${label} per request, got ${found.map((m) => m.term).join(', ')}`);
  }
  return { kind: kinds[0], mixins, tags };
}

/** Every mixin must apply to the kind (R45, R102, D3 → 403). */
export function checkApplicable(kind: Kind, mixins: readonly Mixin[]): void {
  for (const m of mixins) {
    if (!mixinAppliesTo(m, kind)) throw forbidden(`mixin ${typeId(m)} does not apply to ${typeId(kind)}`);
  }
}

/**
 * The OCCI mixins a request's attributes imply: an attribute only a model
 * mixin defines (occi.credentials.ssh.publickey: ssh_key) brings that mixin
 * along when it applies to the kind, as ooi does, since the intent is plain.
 */
export function addImpliedMixins(ctx: OcciContext, kind: Kind, cats: ResolvedCategories, given: AttributeBag, current: readonly Mixin[] = []): void {
  const defs = entityAttributes(kind, [...current, ...cats.mixins]);
  for (const name of Object.keys(given)) {
    if (defs.has(name) || LINK_ENDS.has(name)) continue;
    const owners = ctx.catalog.mixins.filter((m) => m.origin === 'model' && m.attributes.has(name) && mixinAppliesTo(m, kind));
    if (owners.length === 1 && !cats.mixins.includes(owners[0]!)) cats.mixins.push(owners[0]!);
  }
}

/** Why an attribute is unknown, with what comes closest and where the kind's attributes are listed. */
function unknownAttribute(kind: Kind, defs: Map<string, AttributeDefinition>, name: string, catalogMixins: readonly Mixin[]): string {
  const elsewhere = catalogMixins.find((m) => m.origin === 'model' && m.attributes.has(name));
  if (elsewhere) {
    const to = elsewhere.applies.map((k) => k.term).join(', ') || 'every kind';
    return `attribute ${name} belongs to the mixin ${elsewhere.term} (${typeId(elsewhere)}), which applies to ${to}, not ${kind.term}`;
  }
  const near = closest(name, defs.keys());
  const guess = near.length > 0 ? `: did you mean ${near.join(' or ')}?` : '';
  return `unknown attribute ${name.slice(0, 120)} for a ${kind.term}${guess}; its attributes: GET /-/?category=${kind.term}`;
}

export type AttributeMode = 'create' | 'update' | 'replace';

/**
 * Checks and types client attributes. Unknown names → 400. Immutable ones are
 * ignored on create and replace (D12) and refused on partial update (403, R63).
 */
export function checkAttributes(
  kind: Kind,
  mixins: readonly Mixin[],
  given: AttributeBag,
  mode: AttributeMode,
  linkEnds = false,
  catalogMixins: readonly Mixin[] = [],
): Attributes {
  const defs = entityAttributes(kind, mixins);
  const out: Attributes = {};
  for (const [name, value] of Object.entries(given)) {
    if (linkEnds && LINK_ENDS.has(name)) continue;
    const def = defs.get(name);
    if (!def) throw badRequest(unknownAttribute(kind, defs, name, catalogMixins));
    if (name === 'occi.core.id') continue; // server-assigned (D12); checked against the URL by the caller.
    if (!def.mutable) {
      if (mode === 'update') throw forbidden(`attribute ${name} is immutable: the server sets it; leave it out of the update`); // R63, D4
      continue;
    }
    out[name] = validateValue(def, value);
  }
  if (mode === 'create') requireAttributes(defs, out);
  return out;
}

function requireAttributes(defs: Map<string, AttributeDefinition>, values: Attributes): void {
  for (const def of defs.values()) {
    if (def.required && def.mutable && values[def.name] === undefined && def.default === undefined && !LINK_ENDS.has(def.name)) {
      throw badRequest(`attribute ${def.name} is required: give it a value (X-OCCI-Attribute: ${def.name}=…)`); // R44
    }
  }
}

const LINK_KIND_FOR_TARGET = new Map<Kind, Kind>([
  [NETWORK, NETWORKINTERFACE],
  [STORAGE, STORAGELINK],
]);

/** The local entity a link targets, of a kind the link kind accepts (D35). */
function linkTarget(ctx: OcciContext, input: LinkInput): EntityLocation {
  if (!input.target) throw badRequest('a link needs a target: the network or storage it links to, as occi.core.target (JSON: target.location)'); // R106
  let target: EntityLocation;
  try {
    target = entityOf(ctx, input.target);
  } catch {
    throw badRequest(`link target ${input.target.slice(0, 200)} is not a network or storage of this server: give its URL, e.g. /network/<id>`); // D35
  }
  return target;
}

/** Resolves a link rendering: kind (given, or inferred from the target), mixins, target, attributes. */
export function resolveLink(ctx: OcciContext, input: LinkInput, mode: 'create' | 'inline'): LinkSpec & { tags: Mixin[] } {
  const target = linkTarget(ctx, input);
  const targetKind = ENTITY_KINDS.get(target.kind)!;
  const cats = resolveCategories(ctx, input.categories, false);
  const kind = cats.kind ?? LINK_KIND_FOR_TARGET.get(targetKind);
  if (!kind || (kind !== NETWORKINTERFACE && kind !== STORAGELINK)) {
    throw badRequest(`cannot link to ${input.target}: links go to a network (networkinterface) or a storage (storagelink)`);
  }
  if (LINK_KIND_FOR_TARGET.get(targetKind) !== kind) {
    throw badRequest(`a ${kind.term} link must target a ${kind === NETWORKINTERFACE ? 'network' : 'storage'}, not ${input.target}`);
  }
  addImpliedMixins(ctx, kind, cats, input.attributes);
  checkApplicable(kind, [...cats.mixins, ...cats.tags]);
  const attributes = checkAttributes(kind, cats.mixins, input.attributes, 'create', true, ctx.catalog.mixins);
  const spec: LinkSpec & { tags: Mixin[] } = {
    kind: termOfKind(kind) as LinkKindTerm,
    target: { kind: target.kind, id: target.id },
    mixins: cats.mixins,
    attributes,
    tags: cats.tags,
  };
  if (mode === 'create') {
    if (!input.source) throw badRequest('a link needs a source: the compute it belongs to, as occi.core.source (JSON: source.location)'); // R106
    const source = entityOf(ctx, input.source);
    if (source.kind !== 'compute') throw badRequest(`link source ${input.source} must be a compute of this server, not a ${source.kind}`); // R107
    spec.source = { kind: source.kind, id: source.id };
  }
  return spec;
}

/** The string value of a link end given as an attribute (text renderings). */
export function stringAttribute(bag: AttributeBag, name: string): string | undefined {
  const v: AttributeValue | undefined = bag[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`attribute ${name} must be a string (a URL)`);
  return v;
}
