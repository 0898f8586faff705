// The client's view of OCCI: what discovery and entity renderings say, in one
// shape whatever the rendering (JSON, text/plain, text/occi) they came in.
import type { AttributeValue } from '../model/category.js';

export type { AttributeValue };

/** How requests and answers are rendered: auto picks JSON when the server offers it, else text/plain. */
export type RenderingChoice = 'auto' | 'json' | 'text' | 'occi';
export type Rendering = Exclude<RenderingChoice, 'auto'>;

export interface AttributeInfo {
  name: string;
  /** JSON type, when the server said (JSON discovery only). */
  type?: string;
  mutable: boolean;
  required: boolean;
  default?: AttributeValue;
  description?: string;
  /** Allowed values, when the server gave an enum pattern. */
  enum?: string[];
}

export interface CategoryInfo {
  class: 'kind' | 'mixin' | 'action';
  scheme: string;
  term: string;
  /** scheme + term. */
  id: string;
  title?: string;
  /** Absolute URL of the collection (kinds and mixins). */
  location?: string;
  /** Kind: [parent]; mixin: depends (text gives only the first). */
  rel: string[];
  /** Mixin: kinds it applies to (JSON only; empty means any or unknown). */
  applies: string[];
  attributes: AttributeInfo[];
  /** Action type ids (kinds and mixins). */
  actions: string[];
}

export interface Entity {
  /** Absolute URL of the entity. */
  location: string;
  /** occi.core.id as given (`urn:uuid:…`, a bare UUID, or anything opaque). */
  id: string;
  /** Kind type id. */
  kind: string;
  mixins: string[];
  title?: string;
  summary?: string;
  /** Every attribute, occi.core.* included. */
  attributes: Record<string, AttributeValue>;
  /** Type ids of the actions applicable now. */
  actions: string[];
  /** Owned links (resources). */
  links: Link[];
}

export interface Link extends Entity {
  source?: string;
  target?: string;
  targetKind?: string;
}

/** One page of a collection. */
export interface Page {
  entities: Entity[];
  /** Locations of members the rendering did not describe (text renderings list locations only). */
  locations: string[];
  /** URL of the next page, when the server said there is one. */
  next?: string;
}

/** One HTTP exchange, as the debug and raw hooks see it (headers as sent: mask secrets before printing). */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  ms: number;
}

/** An answer as the server wrote it (OcciClient.raw). */
export interface RawAnswer {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}
