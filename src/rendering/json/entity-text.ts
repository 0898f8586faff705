// A resource or link object (entity-json.ts) written straight as JSON text:
// exactly the bytes of JSON.stringify(entityJson(view)), made without the
// object. A whole listing of 10,000 computes spent a quarter of its time in
// JSON.stringify of those objects (3.3 µs for 715 bytes: built with spreads and
// filled name by name, they are slow-shaped) and another tenth building them.
// Whatever an object would write otherwise than in the view's order is left to
// entityJson: a repeated name (held once, last value at the first place) and
// a name that may be an array index (written before the others). The text of
// category identifiers and attribute names is kept once made: building it again
// for every entity cost as much as the rest of the text.
import { typeId, type AttributeValue } from '../../model/category.js';
import type { EntityView } from '../document.js';
import { endpoint, entityJson, ID, isLinkView, SOURCE, SUMMARY, TARGET, TARGET_KIND, TITLE, type EndpointJson } from './entity-json.js';
import { unquoted } from './quote.js';

/** Attributes past this many go to entityJson: the test for repeated names compares every pair. */
const MAX_PAIRWISE = 32;
/** Attribute names whose text is kept: a backend has a few dozen; the bound is a safeguard. */
const MAX_NAMES = 1024;

const categoryTexts = new WeakMap<object, string>();
const nameTexts = new Map<string, string>();

/**
 * A kind's, mixin's or action's type identifier as JSON text after a comma,
 * `,"<type id>"`, as a list's items after the first are written; the first
 * and a kind are its slice (which copies nothing). One piece per item, not two.
 */
function categoryText(c: { scheme: string; term: string }): string {
  let text = categoryTexts.get(c);
  if (text === undefined) {
    text = `,"${unquoted(typeId(c))}"`;
    categoryTexts.set(c, text);
  }
  return text;
}

/** An attribute name as the start of an object member after a comma: `,"name":` (as categoryText). */
function nameText(name: string): string {
  let text = nameTexts.get(name);
  if (text === undefined) {
    text = `,"${unquoted(name)}":`;
    if (nameTexts.size < MAX_NAMES) nameTexts.set(name, text);
  }
  return text;
}

/** A member's value as JSON.stringify writes it (every AttributeValue has a JSON text). */
function valueText(v: AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return `"${unquoted(v)}"`;
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return JSON.stringify(v); // arrays and objects
  }
}

const categoriesText = (list: ReadonlyArray<{ scheme: string; term: string }>): string => {
  let out = '';
  for (const c of list) out += out === '' ? categoryText(c).slice(1) : categoryText(c);
  return `[${out}]`;
};

const endpointText = (e: EndpointJson): string => `{"location":"${unquoted(e.location)}"${e.kind === undefined ? '' : `,"kind":"${unquoted(e.kind)}"`}}`;

/** Whether `name` is one an object would not keep in place: a digit first (maybe an array index), or a name met before. */
function displaced(attrs: EntityView['attributes'], i: number, name: string): boolean {
  const c = name.charCodeAt(0);
  if (c >= 48 && c <= 57) return true;
  for (let j = 0; j < i; j++) if (attrs[j]![0] === name) return true;
  return false;
}

/** JSON.stringify(entityJson(view)), written as text. */
export function entityText(view: EntityView): string {
  const attrs = view.attributes;
  if (attrs.length > MAX_PAIRWISE) return JSON.stringify(entityJson(view));
  const link = isLinkView(view);
  let title: string | undefined;
  let summary: string | undefined;
  let source: string | undefined;
  let target: string | undefined;
  let targetKind: string | undefined;
  let members = '';
  for (let i = 0; i < attrs.length; i++) {
    const [name, value] = attrs[i]!;
    if (displaced(attrs, i, name)) return JSON.stringify(entityJson(view));
    // What entityJson lifts out of `attributes` (see there).
    if (name === ID) continue;
    if (name === TITLE && typeof value === 'string') title = value;
    else if (name === SUMMARY && !link && typeof value === 'string') summary = value;
    else if (link && (name === SOURCE || name === TARGET || name === TARGET_KIND)) {
      const s = typeof value === 'string' ? value : undefined;
      if (name === SOURCE) source = s;
      else if (name === TARGET) target = s;
      else targetKind = s;
    } else {
      members += `${members === '' ? nameText(name).slice(1) : nameText(name)}${valueText(value)}`;
    }
  }
  let out = `{"kind":${categoryText(view.kind).slice(1)}`;
  if (view.mixins.length > 0) out += `,"mixins":${categoriesText(view.mixins)}`;
  out += `,"id":"${unquoted(view.id)}"`;
  if (title !== undefined) out += `,"title":"${unquoted(title)}"`;
  if (summary !== undefined) out += `,"summary":"${unquoted(summary)}"`;
  out += `,"attributes":{${members}}`;
  if (view.actions.length > 0) out += `,"actions":${categoriesText(view.actions)}`;
  if (link) {
    const from = endpoint(view.source, source);
    const to = endpoint(view.target, target, targetKind);
    if (from) out += `,"source":${endpointText(from)}`;
    if (to) out += `,"target":${endpointText(to)}`;
  } else if (view.links.length > 0) {
    let links = '';
    for (const l of view.links) links += `${links === '' ? '' : ','}${entityText(l)}`;
    out += `,"links":[${links}]`;
  }
  return `${out}}`;
}
