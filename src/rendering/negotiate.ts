// Content negotiation (spec §3.2; R6, R8–R12, D8, D10).

export const MEDIA_TYPES = [
  'text/plain',
  'text/occi+plain',
  'text/occi',
  'text/uri-list',
  'application/occi+json',
  'application/json',
] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** The value of the Accept response header (R5). */
export const ACCEPT_HEADER = MEDIA_TYPES.join(',');

interface Range {
  type: string;
  q: number;
  order: number;
}

const MAX_RANGES = 64;

function parseRanges(accept: string): Range[] {
  const out: Range[] = [];
  const parts = accept.split(',');
  for (let i = 0; i < parts.length && i < MAX_RANGES; i++) {
    const [type, ...params] = parts[i].split(';');
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k.toLowerCase() === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0;
      }
    }
    const t = type.trim().toLowerCase();
    if (t) out.push({ type: t, q, order: i });
  }
  return out;
}

/** The server's own order among types the client rates alike (through a wildcard). */
const PREFERENCE: readonly MediaType[] = [
  'text/plain',
  'application/occi+json',
  'text/occi',
  'text/occi+plain',
  'application/json',
  'text/uri-list',
];

// How a range matches a type: 2 exactly, 1 by major/any, 0 by any/any, -1 not at all.
function specificity(range: string, type: MediaType): number {
  if (range === type) return 2;
  if (range === '*/*') return 0;
  return range.endsWith('/*') && type.startsWith(range.slice(0, -1)) ? 1 : -1;
}

/**
 * The media types the client accepts, best first (RFC 9110 §12.5.1): each
 * type takes the q of its most specific matching range, so `q=0` excludes a
 * type that a wildcard would otherwise admit. Ties go to exact mentions in the
 * client's order, then to the server's preference. A missing Accept means
 * text/plain (D8).
 */
export function acceptable(accept: string | undefined): readonly MediaType[] {
  if (accept === undefined) return ONLY_TEXT;
  // A client sends the same Accept on every request: each distinct one (of bounded length) is worked out once.
  const known = negotiated.get(accept);
  if (known) return known;
  const types = Object.freeze(rate(accept));
  if (accept.length <= MAX_REMEMBERED_CHARS) {
    if (negotiated.size >= MAX_REMEMBERED) negotiated.clear();
    negotiated.set(accept, types);
  }
  return types;
}

const ONLY_TEXT: readonly MediaType[] = Object.freeze(['text/plain']);
/** Accept values remembered, and the longest one remembered: at most about 64 KiB. */
const MAX_REMEMBERED = 128;
const MAX_REMEMBERED_CHARS = 256;
const negotiated = new Map<string, readonly MediaType[]>();

function rate(accept: string): MediaType[] {
  if (accept.trim() === '') return ['text/plain'];
  const ranges = parseRanges(accept);
  // order: the client's position of an exact mention; types admitted only by a wildcard come after, in PREFERENCE order.
  const rated: Array<{ type: MediaType; q: number; order: number }> = [];
  for (const type of PREFERENCE) {
    let best: { q: number; spec: number; order: number } | undefined;
    for (const r of ranges) {
      const spec = specificity(r.type, type);
      if (spec >= 0 && (!best || spec > best.spec)) best = { q: r.q, spec, order: r.order };
    }
    if (best && best.q > 0) rated.push({ type, q: best.q, order: best.spec === 2 ? best.order : Infinity });
  }
  rated.sort((a, b) => b.q - a.q || a.order - b.order);
  return rated.map((r) => r.type);
}

/**
 * The media type of a request body, lower-cased, without parameters. A list
 * counts as its first type: rOCCI-cli 4 sends its default media type
 * `text/plain,text/occi` as the Content-Type of a body it renders as text/plain.
 */
export function requestMediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const t = contentType.split(/[;,]/, 1)[0]!.trim().toLowerCase();
  return t || undefined;
}
