// Finding the four OCCI structures (spec §4.1) in a text/plain body or in
// text/occi headers, before their values are split and parsed.
import { badRequest, type OcciError } from '../../errors.js';
import { excerpt } from './grammar.js';

/** Limits that protect the server (per request, and per single value). */
export const MAX_STRUCTURES = 1000;
export const MAX_VALUE_CHARS = 64 * 1024;

export function tooManyStructures(): OcciError {
  return badRequest(`too many OCCI structures in the request (the limit is ${MAX_STRUCTURES})`);
}

export type StructureName = 'category' | 'link' | 'attribute' | 'location';

export interface RawStructure {
  name: StructureName;
  /** The whole header value: possibly a comma-separated list. */
  value: string;
  /** Where it came from, for error messages ("line 3", "header Category"). */
  origin: string;
}

export type RequestHeaders = Record<string, string | string[] | undefined>;

// rOCCI 5 sends the X-OCCI-* forms (D33); bodies also use `Location:` (§4.5).
const HEADER_NAMES: Record<string, StructureName> = {
  category: 'category',
  'x-occi-category': 'category',
  link: 'link',
  'x-occi-link': 'link',
  'x-occi-attribute': 'attribute',
  'x-occi-location': 'location',
};
const BODY_NAMES: Record<string, StructureName> = { ...HEADER_NAMES, location: 'location' };

export function headerStructures(headers: RequestHeaders): RawStructure[] {
  const out: RawStructure[] = [];
  for (const [key, raw] of Object.entries(headers)) {
    const name = lookup(HEADER_NAMES, key.toLowerCase());
    if (!name || raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) out.push({ name, value: headerText(value, key), origin: `header ${key}` });
  }
  return out;
}

/**
 * Node hands header bytes over one char per byte (latin1). OCCI headers are
 * ASCII (D37), but clients such as curl send UTF-8 as is: read it as UTF-8,
 * and refuse bytes that are not.
 */
function headerText(value: string, key: string): string {
  if (!/[^\x00-\x7f]/.test(value)) return value;
  // Each char is one byte; TextDecoder (not Buffer) keeps this module usable in browsers.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(value, (ch) => ch.charCodeAt(0) & 0xff));
  if (text.includes('\uFFFD')) throw badRequest(`header ${key} is neither ASCII nor UTF-8; send such text in a text/plain body`);
  return text;
}

/**
 * The `Name: value` lines of a body. CRLF, LF or CR end a line; blank lines are
 * skipped; a line starting with SP/HT continues the previous one (obsolete
 * folding, R131). Any other name → 400 naming the line. A client reading an
 * answer passes its own limit (a listing may be long).
 */
export function bodyStructures(body: string, limit = MAX_STRUCTURES): RawStructure[] {
  const out: RawStructure[] = [];
  let lineNo = 0;
  let pos = 0;
  while (pos < body.length) {
    let end = pos;
    while (end < body.length && body[end] !== '\n' && body[end] !== '\r') end++;
    const line = body.slice(pos, end);
    lineNo++;
    pos = end + (body[end] === '\r' && body[end + 1] === '\n' ? 2 : 1);
    const text = line.trim();
    if (text === '') continue;
    const previous = out[out.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && previous) {
      previous.value += ' ' + text;
      continue;
    }
    const colon = text.indexOf(':');
    const name = colon > 0 ? lookup(BODY_NAMES, text.slice(0, colon).trim().toLowerCase()) : undefined;
    if (!name) {
      throw badRequest(`line ${lineNo}: not an OCCI structure (Category, Link, X-OCCI-Attribute, X-OCCI-Location): ${excerpt(text)}`);
    }
    if (out.length >= limit) throw tooManyStructures();
    out.push({ name, value: text.slice(colon + 1), origin: `line ${lineNo}` });
  }
  return out;
}

function lookup(table: Record<string, StructureName>, key: string): StructureName | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
