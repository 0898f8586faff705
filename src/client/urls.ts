// Locations as real servers give them: absolute (ooi: http://host:8787/occi1.1/compute/),
// root-relative (/compute/), or relative; an endpoint may sit under a path prefix.

/** The server's OCCI root: every relative location resolves against it. */
export class Endpoint {
  /** The root URL, ending in '/'. */
  readonly base: string;
  readonly origin: string;
  /** The root's path, e.g. '/' or '/occi1.1/'. */
  readonly prefix: string;

  constructor(url: string) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new TypeError(`endpoint ${JSON.stringify(url)} is not a URL; give one such as http://localhost:8888`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`endpoint ${url} must be http:// or https://`);
    u.search = '';
    u.hash = '';
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    this.base = u.href;
    this.origin = u.origin;
    this.prefix = u.pathname;
  }

  /** The query interface. */
  get queryInterface(): string {
    return `${this.base}-/`;
  }

  /**
   * An absolute URL for a location. A root-relative location from a server
   * mounted under a prefix is taken to be inside that prefix when it is not
   * already (servers that forget their mount point still work).
   */
  resolve(location: string): string {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location)) return location;
    if (location.startsWith('/')) {
      if (this.prefix !== '/' && !location.startsWith(this.prefix)) return this.origin + this.prefix + location.slice(1);
      return this.origin + location;
    }
    return new URL(location, this.base).href;
  }

  /** Whether a URL is on this server. */
  owns(url: string): boolean {
    return url.startsWith(this.origin + '/');
  }
}

/** A UUID inside `urn:uuid:<uuid>`, or the id itself. */
export function bareId(id: string): string {
  return id.toLowerCase().startsWith('urn:uuid:') ? id.slice('urn:uuid:'.length) : id;
}

/** The last path segment of an entity URL (its id as the URL shows it). */
export function lastSegment(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const parts = path.split('/').filter((p) => p !== '');
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}

/** Adds query parameters to a URL. */
export function withQuery(url: string, params: Record<string, string | number | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, String(v));
  return u.href;
}

/** The `rel="next"` target of an RFC 8288 Link header (paging, as the server may send it). */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(m[2] ?? '')) return new URL(m[1] ?? '', base).href;
  }
  return undefined;
}
