// --debug prints every HTTP exchange; --raw prints only the OCCI rendering as
// sent and received. Tokens, passwords and secrets are masked in both.
import { isSecretHeader, mask, maskBody, type Exchange } from '../../client/index.js';

const OCCI_HEADERS = new Set(['category', 'link', 'x-occi-attribute', 'x-occi-location', 'location', 'content-type']);

function headerLines(headers: Record<string, string>, keep: (name: string) => boolean): string[] {
  return Object.entries(headers)
    .filter(([n]) => keep(n.toLowerCase()))
    .map(([n, v]) => `${n}: ${isSecretHeader(n) ? mask(v) : v}`);
}

const clip = (s: string, max = 4000): string => (s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters)` : s);

export function debugText(e: Exchange): string {
  const lines = [`> ${e.method} ${e.url}`, ...headerLines(e.requestHeaders, () => true).map((l) => `> ${l}`)];
  if (e.requestBody) lines.push('>', ...clip(maskBody(e.requestBody)).split('\n').map((l) => `> ${l}`));
  lines.push(`< ${e.status} (${e.ms} ms)`, ...headerLines(e.responseHeaders, () => true).map((l) => `< ${l}`));
  if (e.responseBody) lines.push('<', ...clip(e.responseBody).split('\n').map((l) => `< ${l}`));
  return `${lines.join('\n')}\n`;
}

export function rawText(e: Exchange): string {
  const out = [`${e.method} ${e.url}`, ...headerLines(e.requestHeaders, (n) => OCCI_HEADERS.has(n))];
  if (e.requestBody) out.push('', maskBody(e.requestBody).trimEnd());
  out.push('', `${e.status}`, ...headerLines(e.responseHeaders, (n) => OCCI_HEADERS.has(n)));
  if (e.responseBody) out.push('', e.responseBody.trimEnd());
  return `${out.join('\n')}\n\n`;
}
