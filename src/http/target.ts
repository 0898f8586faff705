// The request target: a safe path and the OCCI query parameters. Paths are
// only ever matched against locations, never used to reach the file system;
// anything that could smuggle a different path (dot segments, encoded slashes,
// backslashes, absolute URLs to other hosts) is refused outright.
import { badRequest } from '../errors.js';

export interface Target {
  path: string;
  query: URLSearchParams;
}

const MAX_TARGET = 4096;

/**
 * The query of every target without one: made once (a URLSearchParams costs most of what taking a plain path
 * apart does), and never changed, since every request shares it.
 */
class NoQuery extends URLSearchParams {
  override append(): never {
    throw new TypeError('the query of a target without one is shared: not to be changed');
  }
  override delete(): never {
    return this.append();
  }
  override set(): never {
    return this.append();
  }
  override sort(): never {
    return this.append();
  }
}
const NO_QUERY: URLSearchParams = new NoQuery();
const SMUGGLED = 'encoded slashes, dots, backslashes and NUL are not allowed in paths';

export function parseTarget(raw: string | undefined): Target {
  if (!raw || raw.length > MAX_TARGET) throw badRequest('request target missing or too long');
  if (!raw.startsWith('/')) throw badRequest('request target must be a path on this server');
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQuery = q < 0 ? '' : raw.slice(q + 1);
  if (rawPath.includes('\\')) throw badRequest(SMUGGLED);
  const encoded = rawPath.includes('%');
  if (encoded && /%2f|%5c|%00|%2e/i.test(rawPath)) throw badRequest(SMUGGLED);
  let path = rawPath;
  try {
    if (encoded) path = decodeURIComponent(rawPath);
  } catch {
    throw badRequest('malformed percent-encoding in path');
  }
  if (path.includes('/.') && path.split('/').some((s) => s === '..' || s === '.')) throw badRequest('dot segments are not allowed in paths');
  if (path.includes('//')) throw badRequest('empty path segments are not allowed');
  // The spec's own example separates parameters with ';' (D23).
  const query = rawQuery === '' ? NO_QUERY : new URLSearchParams(rawQuery.includes(';') ? rawQuery.replace(/;/g, '&') : rawQuery);
  return { path, query };
}
