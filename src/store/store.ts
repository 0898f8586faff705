// The bridge's own state behind one interface (DESIGN.md store/): user-defined
// mixins (tags, D39) and their memberships, per tenant. Every method that
// reads or writes returns a Promise, so a networked implementation
// (PostgreSQL, for several replicas) fits behind it; SQLite is the default.

export interface UserMixinRow {
  scheme: string;
  term: string;
  title: string | null;
  location: string;
}

/** An entity tagged with a user mixin. */
export interface Member {
  kind: string;
  id: string;
}

export interface Store {
  /**
   * Whether other processes write to it too (several replicas): then a
   * version may lag a change made elsewhere by the moment its notice takes.
   */
  readonly shared: boolean;
  /**
   * Changes whenever the tenant's mixin definitions change, for catalogue
   * caching. Synchronous: a counter the store keeps beside its data (bumped by
   * its own writes; a shared store bumps it on its peers' notifications).
   */
  version(tenant: string): number;
  list(tenant: string): Promise<UserMixinRow[]>;
  /**
   * Stores definitions, all or none; a name or location taken meanwhile is a
   * 409. Nothing is stored when the tenant would then hold more than `max`
   * (added false); `defined` is how many it held.
   */
  add(tenant: string, rows: UserMixinRow[], max?: number): Promise<{ added: boolean; defined: number }>;
  /** Removes a definition and every association with it (R33). */
  remove(tenant: string, scheme: string, term: string): Promise<void>;
  /** The members of one mixin, in association order. */
  members(tenant: string, mixin: string): Promise<Member[]>;
  /** The members of any of these mixins, each once. */
  membersOfAny(tenant: string, mixins: readonly string[]): Promise<Member[]>;
  /**
   * Adds members; `replace` first drops every current member (R97). Writes
   * nothing and answers false when the mixin is no longer defined.
   */
  associate(tenant: string, mixin: string, members: readonly Member[], replace?: boolean): Promise<boolean>;
  dissociate(tenant: string, mixin: string, members: readonly Member[]): Promise<void>;
  /** The user mixins (type ids) one entity carries. */
  mixinsOf(tenant: string, kind: string, id: string): Promise<string[]>;
  /** The user mixins of each of these entities that carries any, keyed `kind/id`. */
  mixinsOfEach(tenant: string, entities: readonly Member[]): Promise<Map<string, string[]>>;
  /** Drops the memberships of a deleted entity. */
  forget(tenant: string, kind: string, id: string): Promise<void>;
  /**
   * Why the store cannot serve now (its database unreachable …), undefined
   * when it can: for readiness probes, never called per request.
   */
  readiness(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The key `mixinsOfEach` answers by. */
export function memberKey(kind: string, id: string): string {
  return `${kind}/${id}`;
}

/** Adds `value` to the list kept under `key`, which the first value makes (how a store groups rows by member). */
export function pushTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/** What a store logs (the server's pino logger fits). */
export interface StoreLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Where the store lives (config/store-settings.ts has the defaults and checks). */
export interface StoreSettings {
  /** postgres://user@host:5432/db: a shared PostgreSQL store. Unset: SQLite in the data directory. */
  url?: string;
  /** Connections each replica keeps open at most (besides one that listens for changes). */
  poolSize: number;
  /** Longest a statement may run before PostgreSQL cancels it (the request gets 503). */
  statementTimeoutMs: number;
  /** Longest to wait for a connection, new or from the pool, before the request gets 503. */
  connectTimeoutMs: number;
  /**
   * Longest a replica trusts the user mixins it cached without hearing from the
   * database: a backstop should a change notification ever go missing.
   */
  cacheTtlMs: number;
}
