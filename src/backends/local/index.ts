// The embedded cloud: a small IaaS on SQLite behind the backend port, so
// snf-occi runs with no cloud at all. Per tenant, persistent, with states
// that move over time (see clock.ts) and refusals where a state forbids.
import { join } from 'node:path';
import { secureDataDir } from '../../data-dir/modes.js';
import { badRequest, notFound, unauthorized } from '../../errors.js';
import type { Action } from '../../model/category.js';
import type {
  ActionOutcome,
  Attributes,
  AuthRequest,
  Backend,
  Credentials,
  EntityKindTerm,
  EntityRecord,
  EntityRef,
  LinkRecord,
  LinkSpec,
  Listing,
  ListQuery,
  ProviderMixins,
  ResourceKindTerm,
  ResourceRecord,
  ResourceSpec,
  RecordQuery,
  UpdateSpec,
} from '../../port/backend.js';
import { StateClock } from './clock.js';
import { Computes } from './computes.js';
import type { Context, EntityStore, ResourceStore } from './context.js';
import { type Db, openDatabase } from './database.js';
import { settledThenRun } from './degraded.js';
import { Ids } from './ids.js';
import { NetworkInterfaces } from './interfaces.js';
import { Links } from './links.js';
import { Lister } from './listing.js';
import { Networks } from './networks.js';
import { StorageLinks } from './storage-links.js';
import { Storages } from './storages.js';
import { Catalogue } from './templates.js';
import { QuotaGuard, type LocalQuotas } from './quotas.js';
import { TokenStore, readInitialToken, settleTokens } from './tokens.js';

export interface LocalCloudOptions {
  dataDir: string;
  /** The valid tokens (at least 32 characters each); when none, the demo token of a new data dir (see tokens.ts). */
  tokens?: Array<{ token: string; tenant: string }>;
  /** Per-tenant limits; those not given are not enforced. */
  quotas?: Partial<LocalQuotas>;
  /** How long a new compute builds before it is active (ms, default 3000). */
  bootMs?: number;
  /** How long an action's transition takes (ms, default 1000). */
  actionMs?: number;
  /** Term of the image used when a create names no OS template (default 'Debian'). */
  defaultOsTemplate?: string;
  /** Term of the flavor used when a create names no resource template nor size (default 'C1R1024D10'). */
  defaultResourceTemplate?: string;
  /** Terms of images whose computes fail to boot and end in `error` (default none). */
  failingImages?: string[];
  /** Clock injection for tests (ms since the epoch). */
  now?: () => number;
  /** Keep the database in memory (tests); the token file is still written to dataDir. */
  memory?: boolean;
}

export const DATABASE_FILE = 'cloud.sqlite';

export class LocalCloud implements Backend {
  readonly name = 'local';
  readonly authChallenge = 'Token realm="snf-occi"';
  private readonly db: Db;
  private readonly clock: StateClock;
  private readonly catalogue: Catalogue;
  private readonly tokens: TokenStore;
  private readonly computes: Computes;
  private readonly stores: Record<EntityKindTerm, EntityStore>;
  private readonly resources: Record<ResourceKindTerm, ResourceStore>;
  private readonly links: Links;
  private readonly quotas: QuotaGuard;
  private readonly lister: Lister;
  /** Work waiting for the running transaction to commit. */
  private onCommit: Array<() => void> = [];

  constructor(options: LocalCloudOptions) {
    secureDataDir(options.dataDir);
    this.db = openDatabase(options.memory ? undefined : join(options.dataDir, DATABASE_FILE));
    try {
      this.tokens = this.db.transaction(() => {
        const tokens = new TokenStore(this.db);
        settleTokens(tokens, options.dataDir, options.tokens ?? []);
        return tokens;
      })();
      this.quotas = new QuotaGuard(this.db, options.quotas ?? {});
      this.clock = new StateClock(this.db, options.now ?? Date.now);
      this.catalogue = new Catalogue(this.db, {
        os: options.defaultOsTemplate ?? 'Debian',
        resource: options.defaultResourceTemplate ?? 'C1R1024D10',
      });
      const ids = new Ids(this.db);
      const ctx: Context = {
        db: this.db,
        clock: this.clock,
        catalogue: this.catalogue,
        bootMs: options.bootMs ?? 3000,
        actionMs: options.actionMs ?? 1000,
        failingImages: this.catalogue.failingImages(options.failingImages ?? []),
        newId: (tenant, requested) => ids.next(tenant, requested),
        afterCommit: (fn) => this.onCommit.push(fn),
      };
      const networks = new Networks(ctx);
      const storages = new Storages(ctx);
      this.links = new Links(
        new NetworkInterfaces(this.db, networks, this.clock.now),
        new StorageLinks(this.db, storages, this.clock.now),
      );
      this.computes = new Computes(ctx, this.links);
      this.resources = { compute: this.computes, network: networks, storage: storages };
      this.stores = { ...this.resources, networkinterface: this.links.interfaces, storagelink: this.links.storageLinks };
      this.lister = new Lister(this.db, this.clock.now);
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /**
   * Runs one read: a read transaction (one consistent snapshot) that writes
   * nothing; due transitions show their outcome without being settled (clock.ts).
   */
  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.db.transaction(fn).deferred());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Runs one change: due transitions settle first, and the whole call is one write transaction. */
  private run<T>(fn: () => T): Promise<T> {
    this.onCommit = [];
    try {
      const out = settledThenRun(this.db, () => this.clock.settle(), fn);
      for (const f of this.onCommit) f();
      return Promise.resolve(out);
    } catch (e) {
      return Promise.reject(e);
    } finally {
      this.lister.changed();
      this.onCommit = [];
    }
  }

  async authenticate(req: AuthRequest): Promise<Credentials> {
    return this.credentials(req);
  }

  /** Tokens are in the local database: known at once. */
  authenticateNow(req: AuthRequest): Credentials {
    return this.credentials(req);
  }

  private credentials(req: AuthRequest): Credentials {
    if (req.token === undefined || req.token === '') {
      throw unauthorized('missing token: send X-Auth-Token', this.authChallenge);
    }
    const tenant = this.tokens.tenantOf(req.token, req.digest);
    if (tenant === undefined) throw unauthorized('invalid token', this.authChallenge);
    return req.project === undefined ? { token: req.token, tenant } : { token: req.token, tenant, project: req.project };
  }

  async providerMixins(c: Credentials): Promise<ProviderMixins> {
    return this.catalogue.mixinsFor(c.tenant);
  }

  providerMixinsNow(c: Credentials): ProviderMixins {
    return this.catalogue.mixinsFor(c.tenant);
  }

  list(c: Credentials, q: RecordQuery): Promise<Listing<EntityRecord>>;
  list(c: Credentials, q: ListQuery): Promise<Listing<EntityRef>>;
  list(c: Credentials, q: ListQuery): Promise<Listing<EntityRef>> {
    return this.read(() => this.lister.list(this.stores[q.kind].listing, c.tenant, q));
  }

  get(c: Credentials, kind: EntityKindTerm, id: string): Promise<EntityRecord | undefined> {
    return this.read(() => this.stores[kind].get(c.tenant, id));
  }

  createResource(c: Credentials, spec: ResourceSpec): Promise<ResourceRecord> {
    return this.run(() => {
      this.quotas.resource(c.tenant, spec);
      const store = this.resources[spec.kind];
      return store.get(c.tenant, store.create(c.tenant, spec)) as ResourceRecord;
    });
  }

  createLink(c: Credentials, spec: LinkSpec & { source: EntityRef }): Promise<LinkRecord> {
    return this.run(() => {
      if (spec.source.kind !== 'compute' || !this.computes.row(c.tenant, spec.source.id)) {
        throw notFound(`source compute ${spec.source.id} not found`);
      }
      this.quotas.links(c.tenant, spec.source.id, [spec]);
      const id = this.links.create(c.tenant, spec.source.id, spec);
      return this.stores[spec.kind].get(c.tenant, id) as LinkRecord;
    });
  }

  update(c: Credentials, kind: EntityKindTerm, id: string, spec: UpdateSpec): Promise<EntityRecord> {
    return this.run(() => this.stores[kind].update(c.tenant, id, spec));
  }

  delete(c: Credentials, kind: EntityKindTerm, id: string): Promise<void> {
    return this.run(() => this.stores[kind].delete(c.tenant, id));
  }

  action(c: Credentials, kind: EntityKindTerm, id: string, action: Action, params: Attributes): Promise<ActionOutcome> {
    return this.run(() => {
      if (kind === 'networkinterface' || kind === 'storagelink') {
        if (!this.stores[kind].get(c.tenant, id)) throw notFound(`${kind} ${id} not found`);
        throw badRequest(`${kind} has no actions`);
      }
      if (kind === 'compute' && action.term === 'save' && this.computes.row(c.tenant, id)) this.quotas.savedImage(c.tenant);
      return this.resources[kind].action(c.tenant, id, action, params);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

export function openLocalCloud(options: LocalCloudOptions): LocalCloud {
  return new LocalCloud(options);
}

/** The demo token a fresh data dir was given (<dataDir>/token); throws when there is none. */
export function initialToken(dataDir: string): string {
  return readInitialToken(dataDir);
}
