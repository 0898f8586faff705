// Attribute value validation against definitions (spec §1.3, §4.3, §5.6).
// A value of the wrong type is a 400 naming the attribute.
import { badRequest } from '../errors.js';
import type { AttributeDefinition, AttributeValue } from './category.js';

const MAX_STRING = 64 * 1024;

function fail(def: AttributeDefinition, expected: string, got: AttributeValue): never {
  // JSON has no infinities: String() shows them as they were sent (1e999 is Infinity, not null).
  const shown = typeof got === 'string' ? `the string ${JSON.stringify(got.slice(0, 40))}` : typeof got === 'number' ? String(got) : `${JSON.stringify(got)?.slice(0, 40)}`;
  throw badRequest(`attribute ${def.name} must be ${expected}, got ${shown}`);
}

function checkRange(def: AttributeDefinition, n: number): number {
  if (!Number.isFinite(n)) fail(def, 'a finite number', n);
  if (def.minimum !== undefined && n < def.minimum) throw badRequest(`attribute ${def.name} must be at least ${def.minimum}, got ${n}`);
  if (def.maximum !== undefined && n > def.maximum) throw badRequest(`attribute ${def.name} must be at most ${def.maximum}, got ${n}`);
  return n;
}

/** Returns the value typed per the definition, or throws a 400 naming the attribute. */
export function validateValue(def: AttributeDefinition, value: AttributeValue): AttributeValue {
  switch (def.valueKind) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(def, 'an integer', value);
      return checkRange(def, value);
    case 'float':
      if (typeof value !== 'number') fail(def, 'a number', value);
      return checkRange(def, value);
    case 'boolean':
      // ooi and some clients quote booleans (spec §4.3).
      if (value === 'true') return true;
      if (value === 'false') return false;
      if (typeof value !== 'boolean') fail(def, 'true or false', value);
      return value;
    case 'enum':
      if (typeof value !== 'string') fail(def, 'a string', value);
      if (def.enum && !def.enum.includes(value)) {
        throw badRequest(`attribute ${def.name} must be one of ${def.enum.join(', ')}, got ${JSON.stringify(value.slice(0, 40))}`);
      }
      return value;
    case 'string':
    case 'uri':
      if (typeof value !== 'string') fail(def, 'a string', value);
      if (value.length > MAX_STRING) throw badRequest(`attribute ${def.name} is longer than ${MAX_STRING} characters`);
      // Tab and line ends are text (renderings escape them); other control characters are not.
      if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(value)) throw badRequest(`attribute ${def.name} contains control characters`);
      if (def.pattern !== undefined && !new RegExp(def.pattern).test(value)) {
        throw badRequest(`attribute ${def.name} must be ${def.patternText ?? `text matching ${def.pattern}`}`);
      }
      return value;
    case 'list':
      if (!Array.isArray(value)) fail(def, 'a list', value);
      return value;
    case 'hash':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(def, 'an object', value);
      return value;
  }
}
