// The lexical layer of the text renderings: quote-aware splitting, quoted-string
// reading and writing. Every function is a single linear pass (no regex that
// could backtrack), so hostile input costs time proportional to its length.

/**
 * Splits `text` on `sep` outside quoted strings and outside a `<…>` that opens a
 * segment (a link target). Inside quotes a backslash escapes the next character.
 * A single quote opens a quoted string only where a value starts (after `=` or
 * at a segment's start), so `O'Brien` stays a word. Segments are returned
 * untrimmed; an unterminated quote or `<` runs to the end.
 */
export function splitOutside(text: string, sep: ',' | ';'): string[] {
  const parts: string[] = [];
  let start = 0;
  let quote = '';
  let inAngle = false;
  let atSegmentStart = true;
  let afterEquals = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (inAngle) {
      if (c === '>') inAngle = false;
      continue;
    }
    if (c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
      atSegmentStart = true;
      afterEquals = false;
      continue;
    }
    if (c === ' ' || c === '\t') continue;
    if (c === '"' || (c === "'" && (atSegmentStart || afterEquals))) quote = c;
    else if (c === '<' && atSegmentStart) inAngle = true;
    atSegmentStart = false;
    afterEquals = c === '=';
  }
  parts.push(text.slice(start));
  return parts;
}

const UNESCAPE: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/**
 * Reads the quoted-string that starts at text[start] (a `"`, or a `'` as some
 * clients write, closed by the same mark). Understands the RFC 7230
 * quoted-pair (`\x` → x) plus `\n`, `\r`, `\t` and `\uXXXX`, which our
 * renderer writes instead of raw control characters. Returns null when
 * unterminated.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } | null {
  const mark = text[start];
  let out = '';
  let from = start + 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === mark) return { value: out + text.slice(from, i), end: i + 1 };
    if (c === '\\') {
      if (i + 1 >= text.length) return null;
      const next = text[i + 1];
      const hex = next === 'u' ? /^[0-9A-Fa-f]{4}/.exec(text.slice(i + 2, i + 6))?.[0] : undefined;
      out += text.slice(from, i) + (hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (UNESCAPE[next] ?? next));
      i += hex !== undefined ? 5 : 1;
      from = i + 1;
    }
  }
  return null;
}

/**
 * A parameter or attribute value: a quoted-string (nothing but spaces may follow
 * it) or the bare text. Returns an error phrase instead of throwing so callers
 * can name the structure in their message.
 */
export function unquoteValue(raw: string): { value: string; quoted: boolean } | { error: string } {
  const text = raw.trim();
  if (text[0] !== '"' && text[0] !== "'") return { value: text, quoted: false };
  const q = readQuoted(text, 0);
  if (!q) return { error: 'unterminated quoted string' };
  if (q.end !== text.length) return { error: 'unexpected text after the closing quote' };
  return { value: q.value, quoted: true };
}

/** Control and line-breaking characters (C0, DEL, NEL, LS, PS): never written raw. */
function isUnsafe(code: number): boolean {
  return code < 0x20 || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029;
}

const SHORT: Record<number, string> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x22: '\\"', 0x5c: '\\\\' };

/**
 * Writes a quoted-string: `"` and `\` escaped, CR/LF/TAB as `\r` `\n` `\t`,
 * other control and line-breaking characters as `\uXXXX` (never raw, R129).
 */
export function quote(value: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const rep = SHORT[code] ?? (isUnsafe(code) ? `\\u${code.toString(16).padStart(4, '0')}` : undefined);
    if (rep !== undefined) {
      out += value.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return out + value.slice(from) + '"';
}

/** Splits on runs of spaces/tabs, dropping empties (for `rel`, `actions`, `category` lists). */
export function words(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const blank = i === text.length || text[i] === ' ' || text[i] === '\t';
    if (blank && start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    } else if (!blank && start < 0) start = i;
  }
  return out;
}

/** A `name=value` split at the first `=`, both sides trimmed; null without `=`. */
export function splitPair(text: string): { name: string; value: string } | null {
  const eq = text.indexOf('=');
  if (eq < 0) return null;
  return { name: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

/** What uriText encodes: controls, space, DEL, `"`, `<`, `>`. */
const NOT_IN_URI = /[\x00-\x20\x7f"<>]/;

/**
 * A URL as written bare (inside `<…>` or as an X-OCCI-Location): characters that
 * can never appear in a URI and would break the syntax (controls, space, `"`,
 * `<`, `>`) are percent-encoded, so no raw CR/LF ever reaches the output.
 */
export function uriText(url: string): string {
  // Nearly every URL needs nothing: one native scan says so, where the loop below cost a listing of 10,000 a few ms.
  if (!NOT_IN_URI.test(url)) return url;
  let out = '';
  let from = 0;
  for (let i = 0; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x22 || code === 0x3c || code === 0x3e) {
      out += url.slice(from, i) + '%' + code.toString(16).toUpperCase().padStart(2, '0');
      from = i + 1;
    }
  }
  return out + url.slice(from);
}
