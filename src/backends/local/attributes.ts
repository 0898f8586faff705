// Reading request attributes and building record attributes, with 400s that
// name the attribute at fault.
import { badRequest } from '../../errors.js';
import type { AttributeValue, Mixin } from '../../model/category.js';
import { typeId } from '../../model/category.js';
import type { Attributes, UpdateSpec } from '../../port/backend.js';

type Input = Record<string, AttributeValue | null>;

export function optString(attrs: Input, name: string): string | undefined {
  const v = attrs[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
  return v;
}

export function optNumber(attrs: Input, name: string): number | undefined {
  const v = attrs[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${name} must be a number`);
  return v;
}

export function optInteger(attrs: Input, name: string): number | undefined {
  const v = optNumber(attrs, name);
  if (v !== undefined && !Number.isInteger(v)) throw badRequest(`${name} must be an integer`);
  return v;
}

/** Record attributes from column values: NULL columns are left out (unset). */
export function present(values: Record<string, AttributeValue | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const k in values) {
    const v = values[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out;
}

function same(a: AttributeValue | undefined, b: AttributeValue): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What an update really changes, judged against the entity as it is: values
 * equal to the current ones, and nulls for attributes that are unset already,
 * drop out, so a PUT that sends back a GET changes nothing.
 */
export function realChanges(
  current: { attributes: Attributes; mixins: readonly string[] },
  spec: UpdateSpec,
): { attributes: Input; add: Mixin[]; remove: Mixin[] } {
  const attributes: Input = {};
  for (const [name, value] of Object.entries(spec.attributes)) {
    const now = current.attributes[name];
    if (value === null ? now === undefined : same(now, value)) continue;
    attributes[name] = value;
  }
  const add = spec.addMixins.filter((m) => !current.mixins.includes(typeId(m)));
  // A mixin both removed and added (PUT keeping it) stays.
  const remove = spec.removeMixins.filter(
    (m) => current.mixins.includes(typeId(m)) && !spec.addMixins.some((a) => typeId(a) === typeId(m)),
  );
  return { attributes, add, remove };
}

/** Applies `null`-unsets and new values to a nullable column. */
export function nextValue<T>(changes: Input, name: string, current: T | null, read: (i: Input, n: string) => T | undefined): T | null {
  if (!(name in changes)) return current;
  return changes[name] === null ? null : (read(changes, name) ?? null);
}
