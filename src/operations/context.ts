// What every operation needs: who calls, through which backend, and how to
// spell absolute URLs for this server.
import type { Backend, Credentials } from '../port/backend.js';
import type { Store } from '../store/store.js';
import type { Catalog } from './catalog.js';

export interface Limits {
  /** Largest `number` a paginated request may ask for (R117). */
  maxPageSize: number;
  /** Most entities one request may create, associate or list as locations. */
  maxBatch: number;
}

/** What one tenant may define as user mixins (the quotas.* settings of the same names). */
export interface MixinQuotas {
  /** User-defined mixins one tenant may define. */
  userMixins: number;
  /** Longest scheme, term, title and location of a user mixin, in characters. */
  mixinSchemeLength: number;
  mixinTermLength: number;
  mixinTitleLength: number;
  mixinLocationLength: number;
}

export interface OcciContext {
  readonly backend: Backend;
  readonly store: Store;
  readonly creds: Credentials;
  readonly catalog: Catalog;
  /** Scheme, host and port (and path prefix) of this server, without a trailing '/'. */
  readonly base: string;
  /** What the response renders of a collection: its members' locations (text), or whole entities (JSON). */
  readonly listing: 'locations' | 'entities';
  /** The client announced OCCI/1.1 only: render 1.1 state values. */
  readonly occi11: boolean;
  readonly limits: Limits;
  /** Whether DELETE on unbound namespace paths is allowed (D28). */
  readonly allowNamespaceDelete: boolean;
  /** Whether clients may define their own mixins (D11). */
  readonly userMixins: boolean;
  readonly quotas: MixinQuotas;
  /** What computes show when their cloud says nothing of their own (settings compute.*). */
  readonly computeDefaults?: ComputeDefaults;
}

export interface ComputeDefaults {
  /** occi.compute.hostname, `{id}` standing for the compute's id. */
  hostnamePattern?: string;
  /** occi.compute.architecture. */
  architecture?: string;
}

export function absolute(ctx: Pick<OcciContext, 'base'>, path: string): string {
  return ctx.base + path;
}
