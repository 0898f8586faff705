// The rendering-neutral forms that parsers produce and renderers consume.
// Parsers (text, JSON) turn a request into a Payload; the operations layer
// resolves its category references against the catalogue. Renderers turn
// views (resolved model objects plus absolute locations) into a response.
import type { Action, AttributeValue, Category, Kind, Mixin } from '../model/category.js';

/** A category as named in a request; scheme may be '' and class may be absent (lenient parsing). */
export interface CategoryRef {
  term: string;
  scheme: string;
  class?: 'kind' | 'mixin' | 'action';
  title?: string;
  /** text `rel` / JSON `parent` or `depends` (type ids). */
  rel?: string[];
  /** JSON `applies` (type ids). */
  applies?: string[];
  location?: string;
  /** Attribute names listed in a full category rendering (flags dropped). */
  attributes?: string[];
  /** Action type ids listed in a full category rendering. */
  actions?: string[];
}

export type AttributeBag = Record<string, AttributeValue>;

/** A link as given in a request: inline in a resource, or a link entity itself. */
export interface LinkInput {
  categories: CategoryRef[];
  target?: string;
  targetKind?: string;
  source?: string;
  /** The link's own URL (text `self`, JSON `location`), when the client gave it. */
  self?: string;
  attributes: AttributeBag;
}

/** One entity rendering from a request. For a link entity, source/target are in `link`. */
export interface EntityInput {
  categories: CategoryRef[];
  /** Every attribute, occi.core.* included (JSON top-level title/summary/id are folded in, D26). */
  attributes: AttributeBag;
  links: LinkInput[];
  /** Set when the rendering is a link entity (JSON link object, or text with occi.core.source/target). */
  link?: LinkInput;
  /** The URL the client gave for the entity (JSON `location`), if any. */
  location?: string;
}

/**
 * Everything a request body (or, for text/occi, its headers) carried. Which
 * parts matter depends on the operation: a create reads `entities`, an
 * association reads `locations`, the query interface reads `categories`, an
 * action reads `categories` (the action) and `attributes` (its parameters).
 */
export interface Payload {
  /** Every Category named, in order (text: Category lines; JSON: kind + mixins, the action, or mixin definitions). */
  categories: CategoryRef[];
  /** Top-level attributes (text: X-OCCI-Attribute lines; JSON: entity or action attributes). */
  attributes: AttributeBag;
  /** Entity renderings (text: at most one; JSON: one or a collection). */
  entities: EntityInput[];
  /** Entity URLs listed (text: X-OCCI-Location; JSON: a URL array, or collection members' location/id). */
  locations: string[];
  /** True when nothing at all was sent. */
  empty: boolean;
}

export function emptyPayload(): Payload {
  return { categories: [], attributes: {}, entities: [], locations: [], empty: true };
}

/**
 * The payload of a request that sends none (the usual GET): one for all, frozen, since every request shares
 * it; an operation that builds on a payload makes its own (emptyPayload).
 */
export const NO_PAYLOAD: Payload = Object.freeze({
  categories: Object.freeze([]) as unknown as CategoryRef[],
  attributes: Object.freeze({}),
  entities: Object.freeze([]) as unknown as EntityInput[],
  locations: Object.freeze([]) as unknown as string[],
  empty: true,
});

// ---- Views for rendering. Locations are absolute URLs. ----

export interface KindedLocation {
  location: string;
  kind?: Kind;
}

export interface EntityView {
  kind: Kind;
  mixins: Mixin[];
  /** The entity's URL. */
  location: string;
  /** occi.core.id value. */
  id: string;
  /** Attribute values in rendering order; occi.core.id/title/summary/source/target included where set. */
  attributes: Array<[string, AttributeValue]>;
  /** Actions applicable now (rendered as action links / JSON `actions`). */
  actions: Action[];
  /** Owned links (resources only). */
  links: EntityView[];
  /** For links only. */
  source?: KindedLocation;
  target?: KindedLocation;
}

/** A category together with the absolute URL of its location (kinds and mixins). */
export interface CategoryView {
  category: Category;
  /** Absolute location URL, when the category has one. */
  location?: string;
}

/** Renders the four kinds of response bodies in one media type. */
export interface Rendered {
  headers: Record<string, string | string[]>;
  body: string;
}

/** A collection written entity by entity: the text that adds each one (opening the collection first), then the close. */
export interface CollectionWriter {
  readonly headers: Record<string, string>;
  entity(view: EntityView): string;
  end(): string;
}

export interface Renderer {
  readonly mediaType: string;
  /** What this type renders of a collection: locations only (text types), or whole entities (JSON). */
  readonly listing: 'locations' | 'entities';
  categories(list: CategoryView[]): Rendered;
  entity(view: EntityView): Rendered;
  /** A collection: full views for JSON, locations for the text types. */
  collection(views: EntityView[], kindOfCollection: 'resources' | 'links' | 'mixed'): Rendered;
  /**
   * A collection of whole entities written as they come (listing 'entities'):
   * resources before links; an empty one renders as `kindOfCollection`
   * ('mixed': resources).
   */
  collectionWriter?(kindOfCollection: 'resources' | 'links' | 'mixed'): CollectionWriter;
  /** Locations only (create responses, association results). */
  locations(urls: string[]): Rendered;
  /** A plain success with nothing to say (text/occi body OK). */
  ok(): Rendered;
  error(status: number, message: string, requestId: string): Rendered;
}
