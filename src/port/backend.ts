// The backend port: what a cloud offers, in OCCI terms. The embedded cloud
// (backends/local) and the OpenStack backend (backends/openstack) implement it.
// Every call is asynchronous, gets the caller's credentials, and may fail with
// an OcciError (status + message for the client); anything else becomes 502.
import type { Action, AttributeValue, Mixin } from '../model/category.js';
import type { LifecycleExtension } from '../model/lifecycle.js';
import type { Listing, ListQuery, RecordQuery } from './list-query.js';

export type { Listing, ListPage, ListQuery, RecordQuery } from './list-query.js';

export type ResourceKindTerm = 'compute' | 'network' | 'storage';
export type LinkKindTerm = 'networkinterface' | 'storagelink';
export type EntityKindTerm = ResourceKindTerm | LinkKindTerm;

/** Who is calling, as the backend established it from the token. */
export interface Credentials {
  /** The raw token, passed on to the cloud; never logged. */
  readonly token: string;
  /** Stable identifier of the tenant (project) that owns resources; used to key user mixins. */
  readonly tenant: string;
  /** Optional project chosen by header (X-Project-Id / X-Snf-Project). */
  readonly project?: string;
}

/** Request facts the backend may use to authenticate. */
export interface AuthRequest {
  token: string | undefined;
  project?: string;
  /**
   * quickDigest(token) (digest.ts), when the HTTP layer has it (it remembers one per connection): what a
   * backend keys its memo of known tokens by, instead of hashing the token again.
   */
  digest?: string;
}

export type Attributes = Record<string, AttributeValue>;

/** A reference to another entity of the same cloud. */
export interface EntityRef {
  kind: EntityKindTerm;
  id: string;
}

/** A link as the backend knows it. */
export interface LinkRecord {
  kind: LinkKindTerm;
  id: string;
  source: EntityRef;
  target: EntityRef;
  /** Type ids of the mixins the link carries (e.g. ipnetworkinterface). */
  mixins: string[];
  /** occi.* attribute values, occi.core.title included; source/target/id are not repeated here. */
  attributes: Attributes;
}

/** A resource as the backend knows it, with the links it owns. */
export interface ResourceRecord {
  kind: ResourceKindTerm;
  id: string;
  /** Type ids of the provider and model mixins it carries (templates, ipnetwork, ssh_key …). */
  mixins: string[];
  /** occi.* attribute values, occi.core.title/summary included; occi.core.id is not. */
  attributes: Attributes;
  links: LinkRecord[];
  /** A transition is under way (the cloud's task state): actions are refused until it ends. */
  busy?: boolean;
  /** Terms of actions the model allows in this state but the cloud refuses in its current status (not advertised, R56). */
  refused?: readonly string[];
}

export type EntityRecord = ResourceRecord | LinkRecord;

export function isLinkRecord(r: EntityRecord): r is LinkRecord {
  return r.kind === 'networkinterface' || r.kind === 'storagelink';
}

/** A link to create: inline with a resource (source omitted) or on its own. */
export interface LinkSpec {
  kind: LinkKindTerm;
  source?: EntityRef;
  target: EntityRef;
  mixins: Mixin[];
  attributes: Attributes;
}

/** A resource to create; mixins are resolved (templates, ipnetwork, ssh_key, user_data …). */
export interface ResourceSpec {
  kind: ResourceKindTerm;
  /** A client-chosen id (PUT at a new URL, R50); a backend that cannot honour it throws a 400 OcciError. */
  id?: string;
  mixins: Mixin[];
  /** Validated, typed client attributes (immutable ones already dropped). */
  attributes: Attributes;
  links: LinkSpec[];
}

/** A change to an existing entity. `null` unsets a mutable attribute (PUT). */
export interface UpdateSpec {
  attributes: Record<string, AttributeValue | null>;
  /** Provider mixins to associate; a new template replaces the old one (R69/R70). */
  addMixins: Mixin[];
  /** Provider mixins to disassociate (PUT replaces the set). */
  removeMixins: Mixin[];
}

/** What an action produced: the entity afterwards, and for save the new OS template. */
export interface ActionOutcome {
  entity?: EntityRecord;
  mixin?: Mixin;
}

/** Templates and other provider mixins the cloud offers to this caller. */
export interface ProviderMixins {
  os: Mixin[];
  resource: Mixin[];
  /** Anything else the provider offers (e.g. availability zones). */
  other: Mixin[];
}

/** A user's password login, exchanged for a token by the console's sign-in (never stored). */
export interface PasswordLogin {
  username: string;
  password: string;
  /** Project name to scope the token to; unscoped when absent. */
  project?: string;
  /** Domain name of the user and the project (default: Default). */
  domain?: string;
}

export interface IssuedToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Why an entity is read. For an action, a backend may leave the links out
 * (the record then goes to `action`, whose answer brings them) and may
 * answer from a state it saw settle moments ago where the cloud checks the
 * action again itself and a refusal is said from the state read then.
 */
export interface ReadPurpose {
  action: string;
}

export interface Backend {
  readonly name: string;
  /** Establishes the caller; rejects a missing or bad token with a 401 OcciError. */
  authenticate(req: AuthRequest): Promise<Credentials>;
  /**
   * authenticate's answer when the backend has it without waiting (a token it knows and still trusts), so a
   * request whose answer is cached is served in one turn of the event loop; it refuses as authenticate
   * would. undefined (or absent): call authenticate.
   */
  authenticateNow?(req: AuthRequest): Credentials | undefined;
  /** The challenge sent with 401 answers (WWW-Authenticate). */
  readonly authChallenge: string;
  /** Why the backend cannot serve now (its cloud unreachable …); undefined when it can. Polled every few seconds, never per request. */
  readiness?(): Promise<string | undefined>;
  /** Actions the cloud runs beyond the spec's state diagrams (advertised and allowed); none when absent. */
  readonly lifecycle?: LifecycleExtension;
  /** Gets a token for a user name and password, where the cloud has them (absent on the embedded cloud). */
  issueToken?(login: PasswordLogin): Promise<IssuedToken>;
  providerMixins(c: Credentials): Promise<ProviderMixins>;
  /** providerMixins' answer when the backend has it without waiting; undefined (or absent): call providerMixins. */
  providerMixinsNow?(c: Credentials): ProviderMixins | undefined;
  /** Entities of one kind, as much of them as a collection request needs (see list-query.ts). */
  list(c: Credentials, q: RecordQuery): Promise<Listing<EntityRecord>>;
  list(c: Credentials, q: ListQuery): Promise<Listing<EntityRef>>;
  /**
   * undefined when the entity does not exist for this caller. `purpose`:
   * the request reads it to check and run an action (see ReadPurpose).
   */
  get(c: Credentials, kind: EntityKindTerm, id: string, purpose?: ReadPurpose): Promise<EntityRecord | undefined>;
  createResource(c: Credentials, spec: ResourceSpec): Promise<ResourceRecord>;
  /** A link on its own (source given). */
  createLink(c: Credentials, spec: LinkSpec & { source: EntityRef }): Promise<LinkRecord>;
  /**
   * The writes take the entity as this request has just read it (from get or
   * list), when it has: a backend may act on it rather than read it again.
   */
  update(c: Credentials, kind: EntityKindTerm, id: string, spec: UpdateSpec, current?: EntityRecord): Promise<EntityRecord>;
  delete(c: Credentials, kind: EntityKindTerm, id: string, current?: EntityRecord): Promise<void>;
  action(c: Credentials, kind: EntityKindTerm, id: string, action: Action, params: Attributes, current?: EntityRecord): Promise<ActionOutcome>;
  /**
   * Deletes provider mixins the caller's project made and may delete (an OS
   * template saved from a compute, a storage snapshot), all or none: one it
   * may not delete is refused with a 403 saying why before any is deleted.
   * Absent: no provider mixin can be deleted.
   */
  deleteMixins?(c: Credentials, mixins: readonly Mixin[]): Promise<void>;
  /** Releases what the backend holds (database handles, timers). */
  close(): Promise<void>;
}
