// How a guide's output block is compared with what its command printed (the
// rule docs/guide/README.md states for writers):
// - both sides are normalised first: ids (UUIDs), dates and times, the
//   server's host and port, IPv4 and MAC addresses and Content-Length values
//   become placeholders; colours are dropped; runs of spaces and of table
//   rules count as one (so table widths may change); blank lines and
//   trailing spaces do not count;
// - then every line must match, in order, except that a line holding only
//   `…` matches any number of lines (none included), and `…` inside a line
//   matches any text on that line.
// So a guide is exact where it matters and stable where output varies.

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HTTP_DATE = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\b/g;
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const LOCAL_HOST = /\b(?:localhost|127\.0\.0\.1|\[::1\]):\d{1,5}\b/g;
const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g;
const MAC = /\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi;
const CONTENT_LENGTH = /^(Content-Length:\s*|< Content-Length:\s*)\d+/gim;
const ELLIPSIS = '…';

export function normalise(text: string): string[] {
  return text
    .replace(ANSI, '')
    .replace(/\r/g, '')
    .replace(UUID, '<uuid>')
    .replace(HTTP_DATE, '<date>')
    .replace(ISO_TIME, '<time>')
    .replace(LOCAL_HOST, '<host>')
    .replace(MAC, '<mac>')
    .replace(IPV4, '<ip>')
    .replace(CONTENT_LENGTH, '$1<n>')
    .replace(/─+/g, '─')
    .replace(/[ \t]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function linePattern(line: string): RegExp {
  const parts = line.split(ELLIPSIS).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

export interface Mismatch {
  /** 1-based line of the expected block (after normalisation) that found no match, or the first extra output line. */
  expectedLine: number;
  expected: string;
  actual: string;
}

/** Undefined when `actual` has the shape of `expected`; else where they part. */
export function compareShape(expected: string, actual: string): Mismatch | undefined {
  const want = normalise(expected);
  const got = normalise(actual);
  const patterns = want.map((l) => (l === ELLIPSIS ? null : linePattern(l)));
  // matches[i][j]: want[i..] matches got[j..]; memoised, so `…` lines cost O(n·m) at worst.
  const memo = new Map<number, boolean>();
  let furthest = { i: 0, j: 0 };
  const match = (i: number, j: number): boolean => {
    const key = i * (got.length + 1) + j;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    if (i > furthest.i || (i === furthest.i && j > furthest.j)) furthest = { i, j };
    let ok: boolean;
    if (i === want.length) ok = j === got.length;
    else if (patterns[i] === null) ok = match(i + 1, j) || (j < got.length && match(i, j + 1));
    else ok = j < got.length && patterns[i]!.test(got[j]!) && match(i + 1, j + 1);
    memo.set(key, ok);
    return ok;
  };
  if (match(0, 0)) return undefined;
  const { i, j } = furthest;
  return {
    expectedLine: i + 1,
    expected: want[i] ?? '(end of the block)',
    actual: got[j] ?? '(end of the output)',
  };
}

/** The output as the guide shows it: each server's address (host:port) as a reader's would be. */
export function asReaderSees(output: string, addresses: Map<string, string>): string {
  let out = output.replace(ANSI, '');
  for (const [address, seen] of addresses) out = out.split(address).join(seen);
  return out;
}
