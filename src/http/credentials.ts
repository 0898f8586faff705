// Where a request's token comes from: OpenStack's X-Auth-Token, the original
// snf-occi's Auth-Token, or the standard Authorization header (Bearer, or
// Basic with the token as password, R149). The project comes from
// X-Project-Id or the original's X-Snf-Project.
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthRequest } from '../port/backend.js';

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function fromAuthorization(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const space = value.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = value.slice(0, space).toLowerCase();
  const rest = value.slice(space + 1).trim();
  if (scheme === 'bearer') return rest || undefined;
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** The headers a token may come in, lowercased (authRequest reads them in this order). */
export const TOKEN_HEADERS = ['x-auth-token', 'auth-token', 'authorization'] as const;

export function authRequest(headers: IncomingHttpHeaders): AuthRequest {
  return {
    token: first(headers['x-auth-token']) ?? first(headers['auth-token']) ?? fromAuthorization(first(headers.authorization)),
    project: first(headers['x-project-id']) ?? first(headers['x-snf-project']),
  };
}
