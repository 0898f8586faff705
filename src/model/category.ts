// OCCI Core categories (spec §1.2–1.6): Kind, Mixin, Action and their
// attribute definitions. Pure data; no I/O.

/** JSON type of an attribute value (spec §5.6). */
export type AttributeType = 'string' | 'number' | 'boolean' | 'array' | 'object';

/** The finer scalar type used for validation (the spec's Integer/Float/Enum/URI …). */
export type ValueKind = 'string' | 'integer' | 'float' | 'boolean' | 'enum' | 'uri' | 'list' | 'hash';

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue };

export interface AttributeDefinition {
  readonly name: string;
  readonly valueKind: ValueKind;
  readonly mutable: boolean;
  readonly required: boolean;
  readonly default?: AttributeValue;
  /** Allowed values for an enum. */
  readonly enum?: readonly string[];
  /** ERE/ECMAScript pattern a string must match (anchored by the author). */
  readonly pattern?: string;
  /** The pattern in words, for the message a person reads when a value does not match ("Base64 text …"). */
  readonly patternText?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly description?: string;
}

export type CategoryClass = 'kind' | 'mixin' | 'action';

interface CategoryBase {
  readonly scheme: string;
  readonly term: string;
  readonly title?: string;
  /** Own attributes, keyed by name. */
  readonly attributes: ReadonlyMap<string, AttributeDefinition>;
}

export interface Action extends CategoryBase {
  readonly class: 'action';
}

export interface Kind extends CategoryBase {
  readonly class: 'kind';
  readonly parent?: Kind;
  readonly actions: readonly Action[];
  /** Path of the kind's collection, ending in '/'; absent for core#entity. */
  readonly location?: string;
}

export interface Mixin extends CategoryBase {
  readonly class: 'mixin';
  readonly depends: readonly Mixin[];
  /** Kinds the mixin may be associated with; empty means any. */
  readonly applies: readonly Kind[];
  readonly actions: readonly Action[];
  readonly location: string;
  /** Where it comes from: the OCCI model, the backend (templates), a user (tags). */
  readonly origin: 'model' | 'provider' | 'user';
  /** Provider-side identifier behind a template (image id, flavor id). */
  readonly providerId?: string;
}

export type Category = Kind | Mixin | Action;

/** 1.2 term: (ALPHA | DIGIT) *(ALPHA | DIGIT | "-" | "_" | "."); attribute names share it. */
const TERM = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function isTerm(text: string): boolean {
  return TERM.test(text);
}

/** A scheme: an absolute URI of printable ASCII, without quotes or backslashes, ending with '#' (§4.2). */
export function isScheme(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[\x21\x23-\x5b\x5d-\x7e]*#$/.test(text);
}

export function typeId(c: { scheme: string; term: string }): string {
  return c.scheme + c.term;
}

/** Splits a type identifier `scheme#term` after its last '#'. */
export function splitTypeId(id: string): { scheme: string; term: string } {
  const hash = id.lastIndexOf('#');
  if (hash < 0) return { scheme: '', term: id };
  return { scheme: id.slice(0, hash + 1), term: id.slice(hash + 1) };
}

export function attributeMap(defs: readonly AttributeDefinition[]): ReadonlyMap<string, AttributeDefinition> {
  return new Map(defs.map((d) => [d.name, d]));
}

/** The kind chain from the kind itself up to core#entity. */
export function kindChain(kind: Kind): Kind[] {
  const chain: Kind[] = [];
  for (let k: Kind | undefined = kind; k; k = k.parent) chain.push(k);
  return chain;
}

/** A mixin and everything it depends on, transitively (spec R103). */
export function mixinClosure(mixin: Mixin): Mixin[] {
  const seen = new Set<Mixin>();
  const visit = (m: Mixin): void => {
    if (seen.has(m)) return;
    seen.add(m);
    m.depends.forEach(visit);
  };
  visit(mixin);
  return [...seen];
}

/** Own and inherited attribute definitions of a kind (D15: inherited ones are listed too). */
export function effectiveKindAttributes(kind: Kind): Map<string, AttributeDefinition> {
  const out = new Map<string, AttributeDefinition>();
  for (const k of kindChain(kind).reverse()) for (const [n, d] of k.attributes) out.set(n, d);
  return out;
}

/** Every attribute definition an entity of `kind` with `mixins` exposes. */
export function entityAttributes(kind: Kind, mixins: readonly Mixin[]): Map<string, AttributeDefinition> {
  const out = effectiveKindAttributes(kind);
  for (const m of mixins) for (const dep of mixinClosure(m)) for (const [n, d] of dep.attributes) out.set(n, d);
  return out;
}

/** Whether a mixin may be associated with an entity of this kind (spec §1.5 applies). */
export function mixinAppliesTo(mixin: Mixin, kind: Kind): boolean {
  const applies = mixinClosure(mixin).flatMap((m) => m.applies);
  if (applies.length === 0) return true;
  const chain = kindChain(kind);
  return applies.some((a) => chain.includes(a));
}

/** The nearest abstract template parent (os_tpl / resource_tpl) a mixin depends on, if any. */
export function dependsOn(mixin: Mixin, parent: Mixin): boolean {
  return mixin !== parent && mixinClosure(mixin).includes(parent);
}
