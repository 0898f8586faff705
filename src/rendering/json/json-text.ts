// Reading a JSON request body safely. A single iterative pass checks the
// syntax and the nesting depth before JSON.parse runs, so that a hostile body
// (deep nesting, huge arrays of brackets) is refused cheaply and every syntax
// error names its line, column and offset, which JSON.parse does not always do.
import { badRequest } from '../../errors.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [member: string]: Json;
}

/** Deepest nesting of arrays and objects a request may use. */
export const MAX_DEPTH = 32;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
/** A run of string characters that need no attention (the common case, skipped in one step). */
const PLAIN = /[^"\\\u0000-\u001f]+/y;
const SIMPLE_ESCAPES = '"\\/bfnrt';

class SyntaxFault {
  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly tooDeep = false,
  ) {}
}

function where(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1} (offset ${offset})`;
}

function describe(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  return JSON.stringify(String.fromCodePoint(text.codePointAt(i) ?? 0));
}

/** Returns the offset just past the string literal that starts at `start` (a '"'). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    PLAIN.lastIndex = i;
    if (PLAIN.test(text)) i = PLAIN.lastIndex;
    if (i >= text.length) throw new SyntaxFault(start, 'unterminated string');
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 0x20) throw new SyntaxFault(i, 'raw control character in a string (escape it)');
    if (c === 92) {
      const e = text[i + 1];
      if (e !== undefined && SIMPLE_ESCAPES.includes(e)) i += 2;
      else if (e === 'u') {
        HEX4.lastIndex = i + 2;
        if (!HEX4.test(text)) throw new SyntaxFault(i, '\\u must be followed by four hex digits');
        i += 6;
      } else throw new SyntaxFault(i, `invalid escape \\${e ?? ''}`);
    } else i++;
  }
}

function skipScalar(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) throw new SyntaxFault(i, 'malformed number');
    return NUMBER.lastIndex;
  }
  for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return i + literal.length;
  throw new SyntaxFault(i, `unexpected ${describe(text, i)}, expected a value`);
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

/** Throws a SyntaxFault at the first syntax error or at the first container nested too deep. */
function scan(text: string, maxDepth: number): void {
  const open: string[] = [];
  let state: State = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      if (state === 'after' && open.length === 0) return;
      throw new SyntaxFault(i, 'unexpected end of input');
    }
    const c = text[i] as string;
    switch (state) {
      case 'value':
      case 'valueOrClose':
        if (c === ']' && state === 'valueOrClose') {
          open.pop();
          i++;
          state = 'after';
        } else if (c === '{' || c === '[') {
          if (open.length >= maxDepth) throw new SyntaxFault(i, `nesting deeper than ${maxDepth} levels`, true);
          open.push(c);
          i++;
          state = c === '{' ? 'keyOrClose' : 'valueOrClose';
        } else {
          i = skipScalar(text, i);
          state = 'after';
        }
        break;
      case 'key':
      case 'keyOrClose':
        if (c === '}' && state === 'keyOrClose') {
          open.pop();
          i++;
          state = 'after';
        } else if (c === '"') {
          i = skipString(text, i);
          state = 'colon';
        } else throw new SyntaxFault(i, `unexpected ${describe(text, i)}, expected a double-quoted member name`);
        break;
      case 'colon':
        if (c !== ':') throw new SyntaxFault(i, `unexpected ${describe(text, i)}, expected ':' after a member name`);
        i++;
        state = 'value';
        break;
      case 'after': {
        const top = open[open.length - 1];
        if (top === undefined) throw new SyntaxFault(i, `unexpected ${describe(text, i)} after the JSON value`);
        const close = top === '{' ? '}' : ']';
        if (c === ',') state = top === '{' ? 'key' : 'value';
        else if (c === close) open.pop();
        else throw new SyntaxFault(i, `unexpected ${describe(text, i)}, expected ',' or '${close}'`);
        i++;
        break;
      }
    }
  }
}

/**
 * Parses a request body as JSON. Invalid JSON or nesting deeper than
 * `maxDepth` → 400 naming the position. A leading byte-order mark is ignored.
 */
export function readJson(body: string, maxDepth = MAX_DEPTH): Json {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    scan(text, maxDepth);
  } catch (e) {
    if (!(e instanceof SyntaxFault)) throw e;
    const what = e.tooDeep ? 'JSON body too deeply nested' : 'invalid JSON';
    throw badRequest(`${what} at ${where(text, e.offset)}: ${e.reason}`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    // The scan accepts exactly the JSON grammar, so this is a safety net only.
    throw badRequest(`invalid JSON: ${(e as Error).message}`);
  }
}
