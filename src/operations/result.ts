// What an operation produced, before it is rendered in the negotiated type.
import type { CategoryView, EntityView } from '../rendering/document.js';

/** Where a page of a collection lies, for the Link headers. */
export interface Paging {
  page: number;
  number: number;
  /** More members follow this page. */
  more: boolean;
  /** Members in all pages, when the backend knows it cheaply. */
  total?: number;
}

export type OcciResult =
  | { type: 'entity'; view: EntityView }
  /** 201: text renderings list the new locations (D1); JSON renders the entities. */
  | { type: 'created'; views: EntityView[] }
  /** A collection by its members' locations (text renderings, R92, R127): small, built whole. `note` is said in a header. */
  | { type: 'collection'; locations: string[]; paging?: Paging; note?: string }
  /**
   * A collection of whole entities (JSON), produced batch by batch so it is
   * written as it comes; resources come before links. `which` names the
   * member an empty collection renders as.
   */
  | { type: 'entities'; batches: AsyncIterable<EntityView[]>; which: 'resources' | 'links' | 'mixed'; paging?: Paging; note?: string }
  | { type: 'categories'; list: CategoryView[] }
  | { type: 'ok' };
