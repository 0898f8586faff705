// Catalogues are rebuilt only when the provider's templates or the tenant's
// user mixins change: GET /-/ and entity renderings need one on every request.
// They are kept per tenant as the backend authenticated it, never per header a
// client chooses (X-Project-Id, Host), in an LRU bounded in entries and bytes.
// With a store other replicas write too, a request naming a mixin this
// catalogue lacks makes it look at the store again (recheck): a mixin defined
// through another replica a moment ago is found even before its notice comes.
import type { Backend, Credentials, ProviderMixins } from '../port/backend.js';
import { typeId, type Mixin } from '../model/category.js';
import type { Store, UserMixinRow } from '../store/store.js';
import { estimateBytes, Lru } from '../lru.js';
import { Catalog } from './catalog.js';
import { userMixin } from './user-mixins.js';

interface Entry {
  /** What the backend answered: the same object again (its own cache) needs no comparing. */
  answered: ProviderMixins;
  provider: readonly Mixin[];
  userVersion: number;
  /** The user mixins it was made from, as text, to tell whether the store holds others now. */
  users: string;
  catalog: Catalog;
  /** Estimated once, when the entry is made. */
  bytes: number;
}

export const CATALOG_CACHE_BOUNDS = { maxEntries: 1000, maxBytes: 16 * 1024 * 1024 };

/** What one category costs in the catalogue's indexes (by id, by term, by location). */
const INDEX_BYTES_PER_CATEGORY = 256;

export class CatalogCache {
  private readonly entries: Lru<Entry>;

  constructor(
    private readonly backend: Backend,
    private readonly store: Store,
    bounds = CATALOG_CACHE_BOUNDS,
  ) {
    this.entries = new Lru<Entry>({ ...bounds, sizeOf: (e) => e.bytes, name: 'catalog' });
  }

  async get(creds: Credentials): Promise<Catalog> {
    const p = await this.backend.providerMixins(creds);
    const key = creds.tenant;
    const userVersion = this.store.version(creds.tenant);
    const hit = this.entries.get(key);
    if (hit && hit.userVersion === userVersion && hit.answered === p) return hit.catalog;
    const provider = [...p.os, ...p.resource, ...p.other];
    if (hit && hit.userVersion === userVersion && sameMixins(hit.provider, provider)) {
      hit.answered = p;
      return hit.catalog;
    }
    return this.make(key, p, userVersion, await this.store.list(creds.tenant));
  }

  /**
   * get's answer without waiting, when the backend has its provider mixins at once and the catalogue made
   * from them is still current; undefined: call get.
   */
  now(creds: Credentials): Catalog | undefined {
    const p = this.backend.providerMixinsNow?.(creds);
    if (p === undefined) return undefined;
    const hit = this.entries.peek(creds.tenant);
    if (!hit || hit.answered !== p || hit.userVersion !== this.store.version(creds.tenant)) return undefined;
    this.entries.get(creds.tenant); // counted as a hit, and made the youngest, as get would
    return hit.catalog;
  }

  /**
   * The catalogue as the store has it now, for a request naming something
   * `catalog` lacks: the same one when nothing changed (and always with a
   * store no other process writes, whose versions are exact).
   */
  async recheck(creds: Credentials, catalog: Catalog): Promise<Catalog> {
    if (!this.store.shared) return catalog;
    const key = creds.tenant;
    const userVersion = this.store.version(creds.tenant);
    const rows = await this.store.list(creds.tenant);
    const hit = this.entries.peek(key);
    if (hit?.catalog === catalog && hit.users === usersText(rows)) return catalog;
    return this.make(key, await this.backend.providerMixins(creds), userVersion, rows);
  }

  private make(key: string, answered: ProviderMixins, userVersion: number, rows: readonly UserMixinRow[]): Catalog {
    const provider = [...answered.os, ...answered.resource, ...answered.other];
    const users = rows.map(userMixin);
    const catalog = new Catalog(provider, users);
    const bytes = estimateBytes([provider, users]) + catalog.all.length * INDEX_BYTES_PER_CATEGORY;
    this.entries.set(key, { answered, provider, userVersion, users: usersText(rows), catalog, bytes });
    return catalog;
  }

  /** Entries held and their estimated bytes (for tests and the reliability scripts). */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.bytes };
  }
}

function usersText(rows: readonly UserMixinRow[]): string {
  return rows.map((r) => `${r.scheme}${r.term} ${r.location} ${r.title ?? ''}`).join('\n');
}

function sameMixins(a: readonly Mixin[], b: readonly Mixin[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && typeId(a[i]) !== typeId(b[i])) return false;
  return true;
}
