// Building the text structures (spec §4.4) from views: the lines shared by
// text/plain (body) and text/occi (headers). Pure functions.
import {
  effectiveKindAttributes,
  entityAttributes,
  typeId,
  type Action,
  type AttributeDefinition,
  type Category,
} from '../../model/category.js';
import { RESOURCE } from '../../model/infrastructure.js';
import type { CategoryView, EntityView } from '../document.js';
import { renderAttributeValue } from './attribute-value.js';
import { quote, uriText } from './scan.js';

export type LineName = 'Category' | 'Link' | 'X-OCCI-Attribute' | 'X-OCCI-Location';

export interface Line {
  name: LineName;
  value: string;
}

/**
 * One Category value, parameters in grammar order (R123): term, scheme, class,
 * title, rel, location and, in the full form (query interface), attributes and
 * actions (R125). Kind rel = parent (R21); Mixin rel = first depends only (R22);
 * an Action has neither rel nor location (R26).
 */
export function renderCategory(view: CategoryView, full: boolean): string {
  const c = view.category;
  const parts = [c.term, `scheme=${quote(c.scheme)}`, `class="${c.class}"`];
  if (c.title !== undefined) parts.push(`title=${quote(c.title)}`);
  const rel = relOf(c);
  if (rel) parts.push(`rel=${quote(typeId(rel))}`);
  if (view.location !== undefined && c.class !== 'action') parts.push(`location=${quote(view.location)}`);
  if (full) {
    const attributes = attributeList(c);
    if (attributes !== '') parts.push(`attributes=${quote(attributes)}`);
    if (c.class !== 'action' && c.actions.length > 0) parts.push(`actions=${quote(c.actions.map(typeId).join(' '))}`);
  }
  return parts.join('; ');
}

function relOf(c: Category): Category | undefined {
  if (c.class === 'kind') return c.parent;
  if (c.class === 'mixin') return c.depends[0];
  return undefined;
}

/** Kinds: own + inherited (D15) with flags (R25); mixins: own with flags; actions: parameter names. */
function attributeList(c: Category): string {
  if (c.class === 'action') return [...c.attributes.keys()].join(' ');
  const defs = c.class === 'kind' ? effectiveKindAttributes(c).values() : c.attributes.values();
  return [...defs].map(withFlags).join(' ');
}

function withFlags(def: AttributeDefinition): string {
  const flags = [...(def.mutable ? [] : ['immutable']), ...(def.required ? ['required'] : [])];
  return flags.length > 0 ? `${def.name}{${flags.join(' ')}}` : def.name;
}

/**
 * An owned-link reference (R126):
 * `<target>; rel="<target kind>"; self="<link url>"; category="<kind> <mixins>"; attr=value…`.
 */
export function renderLink(link: EntityView): string {
  const targetAttr = attributeOf(link, 'occi.core.target');
  const target = link.target?.location ?? (typeof targetAttr === 'string' ? targetAttr : '');
  // rel is mandatory in the grammar; a target of unknown kind is at least a Resource.
  const targetKind = link.target?.kind ?? RESOURCE;
  const categories = [link.kind, ...link.mixins].map(typeId).join(' ');
  const parts = [
    `<${uriText(target)}>`,
    `rel=${quote(typeId(targetKind))}`,
    `self=${quote(link.location)}`,
    `category=${quote(categories)}`,
  ];
  const defs = entityAttributes(link.kind, link.mixins);
  for (const [name, value] of link.attributes) {
    if (name === 'occi.core.source' || name === 'occi.core.target') continue;
    parts.push(`${name}=${renderAttributeValue(value, defs.get(name))}`);
  }
  return parts.join('; ');
}

/** An applicable action (R56): `<entity url>?action=<term>; rel="<action type id>"`. */
export function renderActionLink(entityUrl: string, action: Action): string {
  return `<${uriText(entityUrl)}?action=${action.term}>; rel=${quote(typeId(action))}`;
}

/**
 * An entity (spec §4.4, example B): Kind then Mixins (short form), owned links,
 * action links, then one attribute per value in view order.
 */
export function entityLines(view: EntityView): Line[] {
  const base = categoryBase(view);
  const lines: Line[] = [view.kind, ...view.mixins].map((c) => ({
    name: 'Category',
    value: renderCategory({ category: c, location: c.location ? absolute(c.location, base) : undefined }, false),
  }));
  if (!view.source) for (const link of view.links) lines.push({ name: 'Link', value: renderLink(link) });
  for (const action of view.actions) lines.push({ name: 'Link', value: renderActionLink(view.location, action) });
  const defs = entityAttributes(view.kind, view.mixins);
  for (const [name, value] of view.attributes) {
    lines.push({ name: 'X-OCCI-Attribute', value: `${name}=${renderAttributeValue(value, defs.get(name))}` });
  }
  return lines;
}

export function categoryLines(list: CategoryView[]): Line[] {
  return list.map((view) => ({ name: 'Category', value: renderCategory(view, true) }));
}

export function locationLines(urls: string[]): Line[] {
  return urls.map((url) => ({ name: 'X-OCCI-Location', value: uriText(url) }));
}

function attributeOf(view: EntityView, name: string): unknown {
  return view.attributes.find(([n]) => n === name)?.[1];
}

/**
 * The server base (origin plus any mount prefix) that category paths hang off,
 * inferred from the entity URL `<base><kind location><id>` (D34: emit absolute
 * URLs). An entity at another URL (PUT-created) falls back to the origin.
 */
function categoryBase(view: EntityView): string {
  let url: URL;
  try {
    url = new URL(view.location);
  } catch {
    return '';
  }
  const path = view.kind.location;
  if (!path) return url.origin;
  const at = url.pathname.lastIndexOf(path);
  const inside = at >= 0 && !url.pathname.includes('/', at + path.length);
  return url.origin + (inside ? url.pathname.slice(0, at) : '');
}

function absolute(location: string, base: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(location) ? location : base + location;
}
