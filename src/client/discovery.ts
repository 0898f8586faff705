// The query interface read into a model the client can ask: kinds by term,
// templates and mixins by term or title, actions by term, attributes by
// short name. Names that match nothing or several things are errors that
// list the candidates and the closest match.
import { splitTypeId } from '../model/category.js';
import { CORE, INFRA, PROVIDER_SCHEME_BASES, RESERVED_BASE } from '../model/schemes.js';
import { LookupError } from './errors.js';
import { bareId } from './urls.js';
import type { AttributeInfo, CategoryInfo, Rendering } from './types.js';

export const OS_TPL = `${INFRA}os_tpl`;
export const RESOURCE_TPL = `${INFRA}resource_tpl`;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

export function closest(name: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** An error for a name that matched nothing: the valid choices and the closest one. */
export function noMatch(what: string, name: string, choices: readonly string[]): LookupError {
  const near = closest(name, choices);
  const list = choices.length > 12 ? `${choices.slice(0, 12).join(', ')}, …` : choices.join(', ');
  return new LookupError(`no ${what} named ${name}${near ? `; did you mean ${near}?` : ''}${choices.length ? ` (choices: ${list})` : ''}`, choices);
}

function ambiguous(what: string, name: string, found: readonly string[]): LookupError {
  return new LookupError(`${name} names several ${what}s: ${found.join(', ')}; give one of these instead`, found);
}

export class Discovery {
  readonly kinds: CategoryInfo[];
  readonly mixins: CategoryInfo[];
  readonly actions: CategoryInfo[];
  private readonly byId = new Map<string, CategoryInfo>();

  constructor(
    readonly categories: CategoryInfo[],
    /** The rendering the client speaks with this server. */
    readonly rendering: Rendering,
  ) {
    for (const c of categories) this.byId.set(c.id, c);
    this.kinds = categories.filter((c) => c.class === 'kind');
    this.mixins = categories.filter((c) => c.class === 'mixin');
    this.actions = categories.filter((c) => c.class === 'action');
  }

  category(id: string): CategoryInfo | undefined {
    return this.byId.get(id);
  }

  /**
   * User-defined mixins (tags): a location to tag entities at, nothing else —
   * no attributes, actions, relations or kinds they apply to — and a scheme
   * outside OCCI's and the provider's own.
   */
  tags(): CategoryInfo[] {
    const provider = [RESERVED_BASE, ...PROVIDER_SCHEME_BASES];
    return this.mixins.filter(
      (m) => !!m.location && m.attributes.length === 0 && m.actions.length === 0 && m.rel.length === 0 && m.applies.length === 0 && !provider.some((b) => m.scheme.startsWith(b)),
    );
  }

  /** A kind by term (`compute`), type id, or collection URL. */
  kind(name: string): CategoryInfo {
    const found = this.kinds.filter((k) => k.id === name || k.term === name || k.location === name);
    if (found.length === 1) return found[0] as CategoryInfo;
    if (found.length > 1) throw ambiguous('kind', name, found.map((k) => k.id));
    throw noMatch('kind', name, this.kinds.filter((k) => k.location).map((k) => k.term));
  }

  /** The kinds a kind derives from, itself first. */
  kindChain(kindId: string): CategoryInfo[] {
    const out: CategoryInfo[] = [];
    for (let k = this.byId.get(kindId); k && !out.includes(k); k = k.rel[0] ? this.byId.get(k.rel[0]) : undefined) out.push(k);
    return out;
  }

  isLinkKind(kindId: string): boolean {
    return this.kindChain(kindId).some((k) => k.id === `${CORE}link`) || kindId === `${CORE}link`;
  }

  /** Mixins depending on a family parent (os_tpl, resource_tpl), directly or through others. */
  family(parent: string): CategoryInfo[] {
    const member = (m: CategoryInfo, seen = new Set<string>()): boolean =>
      m.rel.some((r) => r === parent || (!seen.has(r) && seen.add(r) && !!this.byId.get(r) && member(this.byId.get(r) as CategoryInfo, seen)));
    return this.mixins.filter((m) => m.id !== parent && member(m));
  }

  /**
   * A mixin by type id, term or title, among `among` (default: every mixin).
   * Terms win over titles; a name matching several is an error listing them.
   */
  mixin(name: string, among: CategoryInfo[] = this.mixins, what = 'mixin'): CategoryInfo {
    const exact = among.filter((m) => m.id === name || m.location === name);
    if (exact.length === 1) return exact[0] as CategoryInfo;
    const lower = name.toLowerCase();
    const tiers = [
      (m: CategoryInfo) => m.term === name,
      (m: CategoryInfo) => m.title === name,
      (m: CategoryInfo) => m.term.toLowerCase() === lower || m.title?.toLowerCase() === lower,
      // ooi titles its flavors "Flavor: m1.nano": a whole word of the title will do.
      (m: CategoryInfo) => (m.title ?? '').toLowerCase().split(/[\s:,;()]+/).includes(lower),
    ];
    for (const match of tiers) {
      const found = among.filter(match);
      if (found.length === 1) return found[0] as CategoryInfo;
      if (found.length > 1) throw ambiguous(what, name, found.map((m) => m.id));
    }
    throw noMatch(what, name, among.map((m) => m.term));
  }

  osTemplate(name: string): CategoryInfo {
    return this.mixin(name, this.family(OS_TPL), 'OS template');
  }

  resourceTemplate(name: string): CategoryInfo {
    return this.mixin(name, this.family(RESOURCE_TPL), 'resource template');
  }

  /** Every attribute an entity of this kind with these mixins may carry. */
  attributes(kindId: string, mixinIds: readonly string[] = []): AttributeInfo[] {
    const out = new Map<string, AttributeInfo>();
    for (const k of this.kindChain(kindId).reverse()) for (const a of k.attributes) out.set(a.name, a);
    for (const id of mixinIds) for (const a of this.byId.get(id)?.attributes ?? []) out.set(a.name, a);
    return [...out.values()];
  }

  /**
   * A full attribute name from a short one: `title` → occi.core.title,
   * `cores` → occi.compute.cores. Names with dots or unknown ones pass as given.
   */
  attributeName(short: string, kindId: string, mixinIds: readonly string[] = []): string {
    const all = this.attributes(kindId, mixinIds).map((a) => a.name);
    if (all.includes(short)) return short;
    const found = all.filter((n) => n.endsWith(`.${short}`));
    if (found.length === 1) return found[0] as string;
    if (found.length > 1) {
      // occi.compute.state beats occi.compute.state.message; the kind's own prefix beats others.
      const shortest = found.filter((n) => n.split('.').length === Math.min(...found.map((f) => f.split('.').length)));
      if (shortest.length === 1) return shortest[0] as string;
      throw ambiguous('attribute', short, found);
    }
    return short;
  }

  /** The action of a kind or mixin by term (`stop`) or type id. */
  action(name: string, kindId: string, mixinIds: readonly string[] = []): CategoryInfo {
    const ids = [...this.kindChain(kindId), ...mixinIds.map((m) => this.byId.get(m)).filter((m): m is CategoryInfo => !!m)].flatMap((c) => c.actions);
    const defined = ids.map((id) => this.byId.get(id) ?? { ...splitTypeId(id), class: 'action' as const, id, rel: [], applies: [], attributes: [], actions: [] });
    const found = defined.filter((a) => a.id === name || a.term === name);
    if (found.length === 1) return found[0] as CategoryInfo;
    if (found.length > 1) throw ambiguous('action', name, found.map((a) => a.id));
    throw noMatch(`action of ${this.byId.get(kindId)?.term ?? kindId}`, name, defined.map((a) => a.term));
  }

  /** The kind or mixin whose collection holds this URL (the longest location that prefixes it). */
  collectionOf(url: string): CategoryInfo | undefined {
    let best: CategoryInfo | undefined;
    for (const c of [...this.kinds, ...this.mixins]) {
      const loc = c.location;
      if (loc && url.startsWith(loc.endsWith('/') ? loc : `${loc}/`) && (!best || loc.length > (best.location as string).length)) best = c;
    }
    return best;
  }

  /** An entity's URL from its kind and id (for JSON entities that do not carry their location). */
  locate(kindId: string, id: string): string | undefined {
    const loc = this.byId.get(kindId)?.location;
    if (!loc || id === '') return undefined;
    if (/^[a-z]+:\/\//i.test(id)) return id;
    return `${loc.endsWith('/') ? loc : `${loc}/`}${encodeURIComponent(bareId(id))}`;
  }
}
