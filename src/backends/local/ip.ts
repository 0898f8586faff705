// IP addresses and CIDR ranges as big integers, IPv4 and IPv6 alike, so the
// embedded cloud can validate network attributes and hand out addresses.
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface Ip {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** The network address (host bits zero). */
  base: bigint;
  prefix: number;
}

const bitsOf = (f: Family): number => (f === 4 ? 32 : 128);

function parseV6(text: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  let s = text;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** Parses a plain address; undefined when it is not one (node:net decides the syntax). */
export function parseIp(text: string): Ip | undefined {
  if (isIPv4(text)) return { family: 4, value: parseV4(text) };
  if (isIPv6(text) && !text.includes('%')) return { family: 6, value: parseV6(text) };
  return undefined;
}

/** The canonical text of an address (RFC 5952 for IPv6: lowercase, longest zero run compressed). */
export function formatIp(ip: Ip): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => ((ip.value >> shift) & 0xffn).toString()).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export type CidrProblem = 'syntax' | 'host-bits';

/** Parses `address/prefix`; a range whose host bits are set is refused rather than silently truncated. */
export function parseCidr(text: string): Cidr | CidrProblem {
  const slash = text.indexOf('/');
  if (slash < 0) return 'syntax';
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(prefixText)) return 'syntax';
  const prefix = Number(prefixText);
  if (prefix > bitsOf(ip.family)) return 'syntax';
  if ((ip.value & hostMask(ip.family, prefix)) !== 0n) return 'host-bits';
  return { family: ip.family, base: ip.value, prefix };
}

function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

export function formatCidr(c: Cidr): string {
  return `${formatIp({ family: c.family, value: c.base })}/${c.prefix}`;
}

/**
 * The addresses a host may take: the network address is never one, nor is the
 * IPv4 broadcast address. Empty (first > last) for /31, /32 and /128.
 */
export function hostRange(c: Cidr): { first: bigint; last: bigint } {
  const top = c.base | hostMask(c.family, c.prefix);
  return { first: c.base + 1n, last: c.family === 4 ? top - 1n : top };
}

export function isHostOf(c: Cidr, ip: Ip): boolean {
  const { first, last } = hostRange(c);
  return ip.family === c.family && ip.value >= first && ip.value <= last;
}

/** The lowest host address not in `taken` (canonical texts), if any is left. */
export function firstFree(c: Cidr, taken: ReadonlySet<string>): string | undefined {
  const { first, last } = hostRange(c);
  for (let v = first; v <= last; v++) {
    const text = formatIp({ family: c.family, value: v });
    if (!taken.has(text)) return text;
  }
  return undefined;
}
