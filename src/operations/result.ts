// What an operation produced, before it is rendered in the negotiated type.
import type { CategoryView, EntityView } from '../rendering/document.js';

export type OcciResult =
  | { type: 'entity'; view: EntityView }
  /** 201: text renderings list the new locations (D1); JSON renders the entities. */
  | { type: 'created'; views: EntityView[] }
  /** Members by location; the full view is built only for renderings that need it (JSON). `note` is said in a header. */
  | { type: 'collection'; members: Array<{ location: string; view: () => EntityView }>; which: 'resources' | 'links' | 'mixed'; note?: string }
  | { type: 'categories'; list: CategoryView[] }
  | { type: 'ok' };
