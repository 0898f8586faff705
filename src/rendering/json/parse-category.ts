// JSON Kind, Mixin and Action objects (spec §5.4) → CategoryRef, as sent to
// the query interface to define user mixins (spec §3.4 POST).
import { badRequest } from '../../errors.js';
import type { CategoryRef } from '../document.js';
import type { JsonObject } from './json-text.js';
import { Budget, indexPath, isObject, member, memberPath, optArray, optString, optStringArray, wrongType } from './members.js';

type Class = 'kind' | 'mixin' | 'action';

/** Attribute names of a definition: the keys of an attribute-description object, or a list of names. */
function attributeNames(o: JsonObject, path: string): string[] | undefined {
  const v = member(o, 'attributes');
  if (v === undefined) return undefined;
  if (isObject(v)) return Object.keys(v);
  return optStringArray(o, 'attributes', path);
}

function required(o: JsonObject, name: string, path: string): string {
  const v = optString(o, name, path);
  if (v === undefined || v === '') throw badRequest(`${memberPath(path, name)} is missing; a category needs a term and a scheme`);
  return v;
}

/** One category definition; `rel` carries a Kind's parent or a Mixin's depends. */
export function parseCategoryDefinition(o: JsonObject, cls: Class, path: string): CategoryRef {
  const ref: CategoryRef = { term: required(o, 'term', path), scheme: required(o, 'scheme', path), class: cls };
  const title = optString(o, 'title', path);
  if (title !== undefined) ref.title = title;
  const rel = cls === 'kind' ? optStringArray(o, 'parent', path, true) : optStringArray(o, 'depends', path, true);
  if (rel !== undefined && cls !== 'action') ref.rel = rel;
  const applies = cls === 'mixin' ? optStringArray(o, 'applies', path, true) : undefined;
  if (applies !== undefined) ref.applies = applies;
  const location = cls === 'action' ? undefined : optString(o, 'location', path);
  if (location !== undefined) ref.location = location;
  const attributes = attributeNames(o, path);
  if (attributes !== undefined) ref.attributes = attributes;
  const actions = cls === 'action' ? undefined : optStringArray(o, 'actions', path);
  if (actions !== undefined) ref.actions = actions;
  return ref;
}

const LISTS: ReadonlyArray<readonly [string, Class]> = [
  ['kinds', 'kind'],
  ['mixins', 'mixin'],
  ['actions', 'action'],
];

/** `{"kinds":[…], "mixins":[…], "actions":[…]}`, in that order. */
export function parseCategoryLists(o: JsonObject, budget: Budget): CategoryRef[] {
  const out: CategoryRef[] = [];
  for (const [name, cls] of LISTS) {
    const list = optArray(o, name, '', `an array of ${cls} objects`) ?? [];
    list.forEach((item, i) => {
      const p = indexPath(name, i);
      if (!isObject(item)) throw wrongType(p, `a ${cls} object {"term": …, "scheme": …}`, item);
      const def = parseCategoryDefinition(item, cls, p);
      budget.category(def.scheme + def.term);
      out.push(def);
    });
  }
  return out;
}
