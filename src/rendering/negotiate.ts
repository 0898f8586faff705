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

function concrete(range: string): MediaType | undefined {
  if (range === '*/*' || range === 'text/*') return 'text/plain';
  if (range === 'application/*') return 'application/occi+json';
  return (MEDIA_TYPES as readonly string[]).includes(range) ? (range as MediaType) : undefined;
}

/**
 * The media type to answer in: the supported one with the highest q, exact
 * types before wildcards, then the client's order. A missing Accept means
 * text/plain (D8); nothing acceptable → undefined (406).
 */
export function negotiate(accept: string | undefined): MediaType | undefined {
  if (accept === undefined || accept.trim() === '') return 'text/plain';
  const ranges = parseRanges(accept)
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || Number(a.type.includes('*')) - Number(b.type.includes('*')) || a.order - b.order);
  for (const r of ranges) {
    const t = concrete(r.type);
    if (t) return t;
  }
  return undefined;
}

/** The media type of a request body, lower-cased, without parameters. */
export function requestMediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(';');
  const t = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return t || undefined;
}
