// Catalogues are rebuilt only when the provider's templates or the tenant's
// user mixins change: GET /-/ and entity renderings need one on every request.
import type { Backend, Credentials } from '../port/backend.js';
import { typeId, type Mixin } from '../model/category.js';
import type { UserMixinStore } from '../store/user-mixin-store.js';
import { Catalog } from './catalog.js';
import { userMixin } from './user-mixins.js';

interface Entry {
  provider: readonly Mixin[];
  userVersion: number;
  catalog: Catalog;
}

const MAX_ENTRIES = 1000;

export class CatalogCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly backend: Backend,
    private readonly store: UserMixinStore,
  ) {}

  async get(creds: Credentials): Promise<Catalog> {
    const p = await this.backend.providerMixins(creds);
    const provider = [...p.os, ...p.resource, ...p.other];
    const key = `${creds.tenant}\u0000${creds.project ?? ''}`;
    const userVersion = this.store.version(creds.tenant);
    const hit = this.entries.get(key);
    if (hit && hit.userVersion === userVersion && sameMixins(hit.provider, provider)) return hit.catalog;
    const users = this.store.list(creds.tenant).map(userMixin);
    const catalog = new Catalog(provider, users);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { provider, userVersion, catalog });
    return catalog;
  }
}

function sameMixins(a: readonly Mixin[], b: readonly Mixin[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && typeId(a[i]) !== typeId(b[i])) return false;
  return true;
}
