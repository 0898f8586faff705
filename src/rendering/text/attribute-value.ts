// X-OCCI-Attribute values (spec §4.2–4.3): `name=value` in both directions.
// The same syntax serves link attributes inside a Link value.
import { badRequest } from '../../errors.js';
import type { AttributeDefinition, AttributeValue } from '../../model/category.js';
import { excerpt, isAttributeName } from './grammar.js';
import { quote, splitPair, unquoteValue } from './scan.js';

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const NOT_BARE = /[\s",;]/;

/**
 * A value as sent: quoted-string → string; bare number → number; bare
 * true/false → boolean; any other bare token → string (old clients send
 * `occi.core.title = newVM`).
 */
export function parseAttributeValue(raw: string, name: string): AttributeValue {
  const v = unquoteValue(raw);
  if ('error' in v) throw badRequest(`attribute ${name}: ${v.error}`);
  if (v.quoted) return v.value;
  const text = v.value;
  if (text === '') throw badRequest(`attribute ${name} has an empty value`);
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (NOT_BARE.test(text)) {
    throw badRequest(`attribute ${name}: value ${excerpt(text)} must be a quoted string, a number or true/false`);
  }
  return text;
}

/** One `name=value` pair (spaces around `=` allowed). `what` names the structure in messages. */
export function parseAttributePair(item: string, what: string): [string, AttributeValue] {
  const pair = splitPair(item);
  if (!pair) throw badRequest(`${what} ${excerpt(item.trim())}: expected name=value`);
  if (!isAttributeName(pair.name)) throw badRequest(`${what}: invalid attribute name ${excerpt(pair.name)}`);
  return [pair.name, parseAttributeValue(pair.value, pair.name)];
}

/**
 * Writes a value (R122): strings quoted, integers bare, floats bare with a digit
 * on each side of the dot (the definition tells that 4 is a Float: `4.0`),
 * booleans bare, lists and hashes as a quoted JSON string (D25).
 */
export function renderAttributeValue(value: AttributeValue, def?: AttributeDefinition): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return quote(String(value));
    const text = plainDecimal(value);
    return def?.valueKind === 'float' && !text.includes('.') ? `${text}.0` : text;
  }
  return quote(JSON.stringify(value));
}

/** A finite number in positional notation: the grammar has no exponent. */
function plainDecimal(n: number): string {
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text[0] === '-';
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point within `digits` once the exponent is applied.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}
