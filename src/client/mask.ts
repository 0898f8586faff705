// Secrets out of exchanges before anyone sees them: tokens in headers,
// passwords and secrets in Keystone bodies. The occi command's --debug and
// the console's "Learn OCCI" panels show exchanges only through these.
import type { Exchange } from './types.js';

const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'authorization', 'auth-token']);

export function mask(value: string): string {
  return value.length <= 8 ? '***' : `${value.slice(0, 4)}…(masked)`;
}

/** Passwords, secrets and tokens inside a JSON request or answer body. */
export function maskBody(body: string): string {
  return body.replace(/("(?:password|secret|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1"***"');
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([n, v]) => [n, isSecretHeader(n) ? mask(v) : v]));
}

/** The exchange with every secret masked, ready to show. */
export function maskExchange(e: Exchange): Exchange {
  return {
    ...e,
    requestHeaders: maskHeaders(e.requestHeaders),
    ...(e.requestBody !== undefined ? { requestBody: maskBody(e.requestBody) } : {}),
    responseHeaders: maskHeaders(e.responseHeaders),
    responseBody: maskBody(e.responseBody),
  };
}
