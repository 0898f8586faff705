// Request bodies in the three renderings: JSON (spec §5), text/plain lines and
// the same lines as text/occi headers (spec §4), written with the server's
// own quoting and value rules.
import { splitTypeId } from '../model/category.js';
import { renderAttributeValue } from '../rendering/text/attribute-value.js';
import { quote, uriText } from '../rendering/text/scan.js';
import { OcciClientError } from './errors.js';
import type { AttributeValue, Rendering } from './types.js';

export interface LinkSpec {
  /** Link kind type id (networkinterface, storagelink …). */
  kind: string;
  target: string;
  /** Kind type id of the target. */
  targetKind?: string;
  /** The source (standalone links); inline links leave it out. */
  source?: string;
  mixins?: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface EntitySpec {
  /** Kind type id. */
  kind: string;
  mixins?: string[];
  /** Full attribute names (occi.core.title …). */
  attributes?: Record<string, AttributeValue>;
  /** Inline links (resources only). */
  links?: LinkSpec[];
}

export interface CategorySpec {
  scheme: string;
  term: string;
  class: 'kind' | 'mixin' | 'action';
  title?: string;
  rel?: string;
  location?: string;
}

export interface Body {
  headers: Record<string, string>;
  body?: string;
}

export const OCCI_JSON = 'application/occi+json';

export const ACCEPT: Record<Rendering, string> = {
  json: OCCI_JSON,
  text: 'text/plain',
  occi: 'text/occi',
};

type Line = [name: 'Category' | 'Link' | 'X-OCCI-Attribute' | 'X-OCCI-Location', value: string];

function category(c: CategorySpec): string {
  const parts = [c.term, `scheme=${quote(c.scheme)}`, `class="${c.class}"`];
  if (c.title !== undefined) parts.push(`title=${quote(c.title)}`);
  if (c.rel !== undefined) parts.push(`rel=${quote(c.rel)}`);
  if (c.location !== undefined) parts.push(`location=${quote(c.location)}`);
  return parts.join('; ');
}

const ref = (id: string, cls: CategorySpec['class']): string => category({ ...splitTypeId(id), class: cls });
const attribute = (name: string, value: AttributeValue): Line => ['X-OCCI-Attribute', `${name}=${renderAttributeValue(value)}`];

function linkValue(l: LinkSpec): string {
  const parts = [`<${uriText(l.target)}>`, `rel=${quote(l.targetKind ?? 'http://schemas.ogf.org/occi/core#resource')}`];
  parts.push(`category=${quote([l.kind, ...(l.mixins ?? [])].join(' '))}`);
  for (const [name, value] of Object.entries(l.attributes ?? {})) parts.push(`${name}=${renderAttributeValue(value)}`);
  return parts.join('; ');
}

/** text/plain: one structure per line; text/occi: the same values as headers, comma-joined. */
function textBody(lines: Line[], rendering: 'text' | 'occi'): Body {
  if (rendering === 'text') {
    return { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: lines.map(([n, v]) => `${n}: ${v}\n`).join('') };
  }
  const headers: Record<string, string> = { 'Content-Type': 'text/occi' };
  for (const [name, value] of lines) {
    if (/[^\x20-\x7e]/.test(value)) {
      throw new OcciClientError(`text/occi carries OCCI data in HTTP headers, which hold ASCII only; send ${name} ${value.slice(0, 40)}… as text/plain or JSON instead`);
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { headers };
}

function json(value: unknown): Body {
  return { headers: { 'Content-Type': OCCI_JSON }, body: JSON.stringify(value) };
}

const CORE_MEMBERS: Array<[string, string]> = [
  ['occi.core.title', 'title'],
  ['occi.core.summary', 'summary'],
];

/** occi.core.title/summary as top-level JSON members (spec §5.1), the rest in `attributes`. */
function jsonAttributes(attrs: Record<string, AttributeValue>): Record<string, unknown> {
  const rest = { ...attrs };
  const out: Record<string, unknown> = {};
  for (const [name, member] of CORE_MEMBERS) {
    if (typeof rest[name] === 'string') {
      out[member] = rest[name];
      delete rest[name];
    }
  }
  if (Object.keys(rest).length > 0) out.attributes = rest;
  return out;
}

function jsonLink(l: LinkSpec): Record<string, unknown> {
  return {
    kind: l.kind,
    ...(l.mixins?.length ? { mixins: l.mixins } : {}),
    ...(l.source !== undefined ? { source: { location: l.source } } : {}),
    target: l.targetKind !== undefined ? { location: l.target, kind: l.targetKind } : { location: l.target },
    ...jsonAttributes(l.attributes ?? {}),
  };
}

/** A resource to create (or a full rendering for PUT). */
export function entityBody(e: EntitySpec, rendering: Rendering): Body {
  if (rendering === 'json') {
    return json({
      kind: e.kind,
      ...(e.mixins?.length ? { mixins: e.mixins } : {}),
      ...jsonAttributes(e.attributes ?? {}),
      ...(e.links?.length ? { links: e.links.map(jsonLink) } : {}),
    });
  }
  const lines: Line[] = [['Category', ref(e.kind, 'kind')], ...(e.mixins ?? []).map((m): Line => ['Category', ref(m, 'mixin')])];
  for (const l of e.links ?? []) lines.push(['Link', linkValue(l)]);
  for (const [n, v] of Object.entries(e.attributes ?? {})) lines.push(attribute(n, v));
  return textBody(lines, rendering);
}

/** A standalone link entity. */
export function linkBody(l: LinkSpec & { source: string }, rendering: Rendering): Body {
  if (rendering === 'json') return json(jsonLink(l));
  const lines: Line[] = [['Category', ref(l.kind, 'kind')], ...(l.mixins ?? []).map((m): Line => ['Category', ref(m, 'mixin')])];
  lines.push(attribute('occi.core.source', l.source), attribute('occi.core.target', l.target));
  for (const [n, v] of Object.entries(l.attributes ?? {})) lines.push(attribute(n, v));
  return textBody(lines, rendering);
}

/** A partial update: mixins to add and attributes to set. */
export function updateBody(u: { mixins?: string[]; attributes?: Record<string, AttributeValue> }, rendering: Rendering): Body {
  if (rendering === 'json') return json({ ...(u.mixins?.length ? { mixins: u.mixins } : {}), attributes: { ...(u.attributes ?? {}) } });
  const lines: Line[] = (u.mixins ?? []).map((m): Line => ['Category', ref(m, 'mixin')]);
  for (const [n, v] of Object.entries(u.attributes ?? {})) lines.push(attribute(n, v));
  return textBody(lines, rendering);
}

export function actionBody(action: string, params: Record<string, AttributeValue>, rendering: Rendering): Body {
  if (rendering === 'json') return json({ action, ...(Object.keys(params).length > 0 ? { attributes: params } : {}) });
  const lines: Line[] = [['Category', ref(action, 'action')]];
  for (const [n, v] of Object.entries(params)) lines.push(attribute(n, v));
  return textBody(lines, rendering);
}

/** User mixin definitions (POST /-/) or references (DELETE /-/). */
export function mixinsBody(mixins: CategorySpec[], rendering: Rendering): Body {
  if (rendering === 'json') {
    return json({
      mixins: mixins.map((m) => ({
        term: m.term,
        scheme: m.scheme,
        ...(m.title !== undefined ? { title: m.title } : {}),
        ...(m.rel !== undefined ? { depends: [m.rel] } : {}),
        ...(m.location !== undefined ? { location: m.location } : {}),
      })),
    });
  }
  return textBody(mixins.map((m): Line => ['Category', category(m)]), rendering);
}

/** Entity URLs for a mixin association (POST/PUT/DELETE on a mixin location). */
export function locationsBody(urls: string[], rendering: Rendering): Body {
  if (rendering === 'json') return json(urls);
  return textBody(urls.map((u): Line => ['X-OCCI-Location', uriText(u)]), rendering);
}

/** Filter headers for a GET on a collection (spec §3.8): categories and attributes. */
export function filterHeaders(f: { categories?: string[]; attributes?: Record<string, AttributeValue> }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (f.categories?.length) headers.Category = f.categories.map((c) => ref(c, 'mixin').replace(/; class="mixin"$/, '')).join(', ');
  const attrs = Object.entries(f.attributes ?? {});
  if (attrs.length > 0) headers['X-OCCI-Attribute'] = attrs.map(([n, v]) => `${n}=${renderAttributeValue(v)}`).join(', ');
  return headers;
}
