// Typed access to the members of a parsed JSON request, with errors that name
// the member path (e.g. `resources[1].attributes`), and the per-request budget
// on how many entities, categories and links one body may carry.
import { badRequest, type OcciError } from '../../errors.js';
import type { Json, JsonObject } from './json-text.js';

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `path.name`, or just `name` at the top level. */
export const memberPath = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
export const indexPath = (path: string, i: number): string => `${path === '' ? 'body' : path}[${i}]`;
/** A client-chosen name, quoted for a message and cut short when long. */
export const quoteName = (name: string): string => JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
/** Attribute names contain dots that are not nesting (R133), so they are quoted. */
export const keyPath = (path: string, key: string): string => `${path}[${quoteName(key)}]`;

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export function wrongType(path: string, expected: string, v: Json): OcciError {
  return badRequest(`${path === '' ? 'the body' : path} must be ${expected}, not ${typeName(v)}`);
}

/** An own member of `o`. null counts as absent: many clients serialise unset optional members as null. */
export function member(o: JsonObject, name: string): Json | undefined {
  if (!Object.hasOwn(o, name)) return undefined;
  const v = o[name];
  return v === null ? undefined : v;
}

export function has(o: JsonObject, name: string): boolean {
  return member(o, name) !== undefined;
}

export function optString(o: JsonObject, name: string, path: string, expected = 'a string'): string | undefined {
  const v = member(o, name);
  if (v === undefined || typeof v === 'string') return v;
  throw wrongType(memberPath(path, name), expected, v);
}

export function optObject(o: JsonObject, name: string, path: string, expected: string): JsonObject | undefined {
  const v = member(o, name);
  if (v === undefined || isObject(v)) return v;
  throw wrongType(memberPath(path, name), expected, v);
}

export function optArray(o: JsonObject, name: string, path: string, expected: string): Json[] | undefined {
  const v = member(o, name);
  if (v === undefined || Array.isArray(v)) return v;
  throw wrongType(memberPath(path, name), expected, v);
}

/** An array of strings; `single` also accepts one bare string (lenient input). */
export function optStringArray(o: JsonObject, name: string, path: string, single = false): string[] | undefined {
  const v = member(o, name);
  if (v === undefined) return undefined;
  if (single && typeof v === 'string') return [v];
  const p = memberPath(path, name);
  if (!Array.isArray(v)) throw wrongType(p, 'an array of strings', v);
  return v.map((item, i) => {
    if (typeof item !== 'string') throw wrongType(indexPath(p, i), 'a string', item);
    return item;
  });
}

/** Most entities, categories or links one request may carry. */
export const MAX_ITEMS = 1000;

type Counted = 'entities' | 'links';

/**
 * Counts what a request carries, so an oversized one fails before its members
 * are worked on. Entities and links are counted one by one; categories by
 * distinct type identifier, since a thousand computes may all name the same
 * template.
 */
export class Budget {
  private readonly used: Record<Counted, number> = { entities: 0, links: 0 };
  private readonly categories = new Set<string>();

  spend(what: Counted, n: number): void {
    this.used[what] += n;
    if (this.used[what] > MAX_ITEMS) throw tooMany(what);
  }

  category(typeId: string): void {
    this.categories.add(typeId);
    if (this.categories.size > MAX_ITEMS) throw tooMany('distinct categories');
  }
}

const tooMany = (what: string): OcciError =>
  badRequest(`the request carries more than ${MAX_ITEMS} ${what}; split it into several requests`);
