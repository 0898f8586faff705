// What every part of the embedded cloud shares, and the shape each kind's store takes.
import type { Action } from '../../model/category.js';
import type { ActionOutcome, Attributes, EntityRecord, ResourceSpec, UpdateSpec } from '../../port/backend.js';
import type { StateClock } from './clock.js';
import type { Db } from './database.js';
import type { ListingSpec } from './listing.js';
import type { Catalogue } from './templates.js';

export interface Context {
  db: Db;
  clock: StateClock;
  catalogue: Catalogue;
  bootMs: number;
  actionMs: number;
  /** Terms of the images whose boot fails (the documented `local.failingImages` setting). */
  failingImages: ReadonlySet<string>;
  /** A new entity id: random, or the client's own when free (R50). */
  /** A new id for `tenant`'s entity: random, or the client's own when free (another tenant's id answers 404). */
  newId(tenant: string, requested?: string): string;
  /** Runs `fn` once the current transaction has committed (caches must not see rolled-back rows). */
  afterCommit(fn: () => void): void;
}

/** One kind's entities for one tenant. Calls run inside the cloud's transaction. */
export interface EntityStore {
  /** How collection queries read this kind (listing.ts). */
  readonly listing: ListingSpec;
  get(tenant: string, id: string): EntityRecord | undefined;
  update(tenant: string, id: string, spec: UpdateSpec): EntityRecord;
  delete(tenant: string, id: string): void;
}

/** Resources also create and act (links have no actions, spec §2.1). */
export interface ResourceStore extends EntityStore {
  /** Creates the resource and returns its id. */
  create(tenant: string, spec: ResourceSpec): string;
  action(tenant: string, id: string, action: Action, params: Attributes): ActionOutcome;
}
