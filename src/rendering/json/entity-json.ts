// Resource and link objects (spec §5.1, §5.2, R60, R109, R132, R140). occi.core.id,
// title and summary appear only as top-level members, and a link's source and
// target only in `source`/`target` (D26, R109). Nothing else: the rendering's
// schema allows no other member, so an entity's URL is not written out; it
// follows from its kind and id (docs/decisions.md: kind location + id).
import { typeId, type AttributeValue, type Kind } from '../../model/category.js';
import { CORE } from '../../model/schemes.js';
import type { EntityView, KindedLocation } from '../document.js';
import { ownObject } from './own.js';

export interface EndpointJson {
  location: string;
  kind?: string;
}

interface EntityJsonBase {
  kind: string;
  mixins?: string[];
  id: string;
  title?: string;
  attributes: Record<string, AttributeValue>;
  actions?: string[];
}

export interface ResourceJson extends EntityJsonBase {
  summary?: string;
  links?: LinkJson[];
}

export interface LinkJson extends EntityJsonBase {
  source?: EndpointJson;
  target?: EndpointJson;
}

export const ID = 'occi.core.id';
export const TITLE = 'occi.core.title';
export const SUMMARY = 'occi.core.summary';
export const SOURCE = 'occi.core.source';
export const TARGET = 'occi.core.target';
export const TARGET_KIND = 'occi.core.target.kind';

const isCoreLink = (k: Kind): boolean => k.scheme === CORE && k.term === 'link';

/** Whether a view is a link (its kind derives from core#link, or it has ends). */
export function isLinkView(view: EntityView): boolean {
  if (view.source !== undefined || view.target !== undefined) return true;
  // Up the parents without kindChain's array: this runs twice for each member of a listing.
  for (let k: Kind | undefined = view.kind; k; k = k.parent) if (isCoreLink(k)) return true;
  return false;
}

const asString = (v: AttributeValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** A link end from the view, else from the occi.core.* attributes (kept consistent by the view's builder). */
export function endpoint(end: KindedLocation | undefined, location?: string, kind?: string): EndpointJson | undefined {
  const loc = end?.location ?? location;
  if (loc === undefined) return undefined;
  const k = end?.kind ? typeId(end.kind) : kind;
  return k === undefined ? { location: loc } : { location: loc, kind: k };
}

const nonEmpty = <T>(name: string, list: T[]): Record<string, T[]> => (list.length > 0 ? { [name]: list } : {});

export function entityJson(view: EntityView): ResourceJson | LinkJson {
  const link = isLinkView(view);
  const attrs = new Map(view.attributes);
  const title = asString(attrs.get(TITLE));
  const summary = link ? undefined : asString(attrs.get(SUMMARY));
  const lifted = [ID, ...(title !== undefined ? [TITLE] : []), ...(summary !== undefined ? [SUMMARY] : [])];
  const source = link ? endpoint(view.source, asString(attrs.get(SOURCE))) : undefined;
  const target = link ? endpoint(view.target, asString(attrs.get(TARGET)), asString(attrs.get(TARGET_KIND))) : undefined;
  if (link) lifted.push(SOURCE, TARGET, TARGET_KIND);
  for (const name of lifted) attrs.delete(name);

  const head = {
    kind: typeId(view.kind),
    ...nonEmpty('mixins', view.mixins.map(typeId)),
    id: view.id,
    ...(title !== undefined ? { title } : {}),
    ...(summary !== undefined ? { summary } : {}),
    attributes: ownObject(attrs),
    ...nonEmpty('actions', view.actions.map(typeId)),
  };
  if (link) {
    return { ...head, ...(source ? { source } : {}), ...(target ? { target } : {}) };
  }
  return { ...head, ...nonEmpty('links', view.links.map((l) => entityJson(l) as LinkJson)) };
}
