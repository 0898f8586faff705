// The categories one caller can see: the OCCI model, the backend's provider
// mixins (templates) and the caller's own user mixins. Resolves category
// references from requests, leniently where old clients were sloppy.
import { badRequest, conflict } from '../errors.js';
import { typeId, type Action, type Category, type Kind, type Mixin } from '../model/category.js';
import { closest } from '../model/closest.js';
import { isOsTemplate, isResourceTemplate } from '../model/templates.js';
import { MODEL_KINDS, MODEL_MIXINS } from '../model/infrastructure.js';
import { RESERVED_BASE } from '../model/schemes.js';
import type { CategoryRef } from '../rendering/document.js';

/** The template schemes of ooi (OpenStack's OCCI interface), whose terms are image and flavor ids. */
const OOI_SCHEMES = new Set(['http://schemas.openstack.org/template/os#', 'http://schemas.openstack.org/template/resource#']);

/** Catalogues made so far in this process. */
let made = 0;

export class Catalog {
  /** This catalogue's number among those made: tells it from another without holding on to it (repeated-request.ts). */
  readonly serial = ++made;
  readonly kinds: readonly Kind[];
  readonly mixins: readonly Mixin[];
  readonly actions: readonly Action[];
  private readonly byId = new Map<string, Category>();
  private readonly byTerm = new Map<string, Category[]>();
  private readonly byLocation = new Map<string, Kind | Mixin>();
  /** Provider mixins by the cloud's id (image or flavor id), for ooi-style references. */
  private readonly byProviderId = new Map<string, Mixin[]>();

  constructor(providerMixins: readonly Mixin[], userMixins: readonly Mixin[]) {
    this.kinds = MODEL_KINDS;
    this.mixins = [...MODEL_MIXINS, ...providerMixins, ...userMixins];
    const actions = new Set<Action>();
    for (const c of [...this.kinds, ...this.mixins]) c.actions.forEach((a) => actions.add(a));
    this.actions = [...actions];
    for (const c of [...this.kinds, ...this.mixins, ...this.actions]) {
      this.byId.set(typeId(c), c);
      const same = this.byTerm.get(c.term);
      if (same) same.push(c);
      else this.byTerm.set(c.term, [c]);
      if (c.class !== 'action' && c.location) this.byLocation.set(c.location, c);
      if (c.class === 'mixin' && c.providerId !== undefined) {
        const same = this.byProviderId.get(c.providerId);
        if (same) same.push(c);
        else this.byProviderId.set(c.providerId, [c]);
      }
    }
  }

  get all(): Category[] {
    return [...this.kinds, ...this.mixins, ...this.actions];
  }

  byTypeId(id: string): Category | undefined {
    return this.byId.get(id);
  }

  mixinById(id: string): Mixin | undefined {
    const c = this.byId.get(id);
    return c?.class === 'mixin' ? c : undefined;
  }

  atLocation(path: string): Kind | Mixin | undefined {
    return this.byLocation.get(path);
  }

  /** Every bound location (kinds and mixins), for namespace listings. */
  locations(): IterableIterator<[string, Kind | Mixin]> {
    return this.byLocation.entries();
  }

  /**
   * Finds what a request names. The exact scheme+term wins. An empty scheme, or
   * an OCCI scheme that holds no such term (the original's clients sent the
   * infrastructure scheme for templates), falls back to the term alone when that
   * is unambiguous. Unknown → 400 (D17); ambiguous → 409 (spec §3.5.3).
   */
  resolve(ref: CategoryRef): Category | undefined {
    const exact = this.byId.get(ref.scheme + ref.term);
    if (exact && (!ref.class || exact.class === ref.class)) return exact;
    const ooi = OOI_SCHEMES.has(ref.scheme);
    if (ref.scheme !== '' && !ref.scheme.startsWith(RESERVED_BASE) && !ooi) return undefined;
    let candidates: Category[] = ooi ? [] : (this.byTerm.get(ref.term) ?? []);
    // ooi named templates by the cloud's image or flavor id.
    if (candidates.length === 0) candidates = this.byProviderId.get(ref.term) ?? [];
    if (ref.class) candidates = candidates.filter((c) => c.class === ref.class);
    if (candidates.length > 1) {
      throw conflict(`category "${ref.term}" is ambiguous: ${candidates.map(typeId).join(', ')}; give its scheme`);
    }
    return candidates[0];
  }

  /** Like resolve, but unknown is an error naming the reference, with what comes closest and where to look. */
  require(ref: CategoryRef): Category {
    const found = this.resolve(ref);
    if (found) return found;
    const exact = this.byId.get(ref.scheme + ref.term);
    if (exact && ref.class) {
      throw badRequest(`${typeId(exact)} is a ${exact.class}, not a ${ref.class}: send it with class="${exact.class}"`);
    }
    const shown = ref.scheme ? `${ref.scheme.slice(0, 200)}${ref.term.slice(0, 80)}` : `"${ref.term.slice(0, 80)}"`;
    const sameTerm = (this.byTerm.get(ref.term) ?? []).filter((c) => !ref.class || c.class === ref.class);
    if (sameTerm.length > 0) {
      throw badRequest(`unknown category ${shown}: ${ref.term} here is ${sameTerm.map(typeId).join(' or ')}; send that scheme, or none`);
    }
    const near = closest(ref.term, this.byTerm.keys())
      .map((term) => this.byTerm.get(term)![0]!)
      .filter((c) => !ref.class || c.class === ref.class);
    const guess = near.length > 0 ? `: did you mean ${near.map((c) => c.term).join(' or ')}? ${capitalised(whereToLook(near[0]))}` : `; ${whereToLook(near[0])}`;
    throw badRequest(`unknown category ${shown}${guess}`);
  }
}

/** Where a person finds the categories like the one they misspelt. */
function whereToLook(c: Category | undefined): string {
  if (c?.class === 'mixin' && isOsTemplate(c)) return 'the OS templates are listed by GET /-/?category=os_tpl';
  if (c?.class === 'mixin' && isResourceTemplate(c)) return 'the resource templates are listed by GET /-/?category=resource_tpl';
  return 'every category is listed by GET /-/';
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
