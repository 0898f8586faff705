// Parsing one Category value (spec §4.2): `term; scheme="…"; class="kind"` and
// the optional parameters, leniently (R131): any parameter order, unquoted or
// missing class, empty or missing scheme, spaces around `;`/`=`, trailing `;`.
import { badRequest } from '../../errors.js';
import type { CategoryRef } from '../document.js';
import { excerpt, isAttributeName, isTerm } from './grammar.js';
import { splitOutside, splitPair, unquoteValue, words } from './scan.js';

const CLASSES = new Set(['kind', 'mixin', 'action']);

export function parseCategoryValue(item: string): CategoryRef {
  const [head = '', ...params] = splitOutside(item, ';');
  const term = head.trim();
  if (!isTerm(term)) throw badRequest(`Category ${excerpt(item.trim())}: invalid term ${excerpt(term)}`);
  const ref: CategoryRef = { term, scheme: '' };
  for (const param of params) {
    const pair = splitPair(param);
    if (!pair) continue; // empty segment (trailing `;`) or a bare word: nothing to take
    const v = unquoteValue(pair.value);
    if ('error' in v) throw badRequest(`Category ${term}: parameter ${excerpt(pair.name)}: ${v.error}`);
    applyParameter(ref, pair.name.toLowerCase(), v.value);
  }
  return ref;
}

function applyParameter(ref: CategoryRef, name: string, value: string): void {
  switch (name) {
    case 'scheme':
      ref.scheme = value;
      return;
    case 'class':
      if (value === '') return;
      if (!CLASSES.has(value)) {
        throw badRequest(`Category ${ref.term}: class must be kind, mixin or action, not ${excerpt(value)}`);
      }
      ref.class = value as CategoryRef['class'];
      return;
    case 'title':
      ref.title = value;
      return;
    case 'rel':
      ref.rel = words(value);
      return;
    case 'location':
      ref.location = value;
      return;
    case 'attributes':
      ref.attributes = attributeNames(value, ref.term);
      return;
    case 'actions':
      ref.actions = words(value);
      return;
    default:
      return; // unknown parameters are ignored
  }
}

/** `a.b{immutable} c{required immutable}` → ['a.b', 'c']: names only, flags dropped. */
function attributeNames(list: string, term: string): string[] {
  return attributeList(list, term).map((a) => a.name);
}

/** `a.b{immutable} c{required immutable}` → each name with its flags (clients read discovery with it). */
export function attributeList(list: string, term: string): Array<{ name: string; flags: string[] }> {
  const out: Array<{ name: string; flags: string[] }> = [];
  let i = 0;
  while (i < list.length) {
    const c = list[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const start = i;
    while (i < list.length && list[i] !== ' ' && list[i] !== '\t' && list[i] !== '{') i++;
    const name = list.slice(start, i);
    if (!isAttributeName(name)) throw badRequest(`Category ${term}: invalid attribute name ${excerpt(name)}`);
    const entry = { name, flags: [] as string[] };
    out.push(entry);
    if (list[i] === '{') {
      const close = list.indexOf('}', i);
      if (close < 0) throw badRequest(`Category ${term}: attribute ${name}: unterminated {…} flags`);
      entry.flags = words(list.slice(i + 1, close));
      i = close + 1;
    }
  }
  return out;
}
