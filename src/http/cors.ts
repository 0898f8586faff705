// CORS for browser clients: off unless origins are configured. Preflights are
// answered without a token (browsers never send one on a preflight).
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Every request header the server reads, so a page may send any of them. */
const ALLOW_HEADERS = [
  'Authorization',
  'X-Auth-Token',
  'Auth-Token',
  'X-Project-Id',
  'X-Snf-Project',
  'Content-Type',
  'Accept',
  'Category',
  'X-OCCI-Category',
  'X-OCCI-Attribute',
  'X-OCCI-Location',
  'Link',
  'User-Agent',
].join(', ');
/** The answer headers a page needs to read. */
const EXPOSE_HEADERS = [
  'Location',
  'X-OCCI-Location',
  'Category',
  'Link',
  'X-OCCI-Attribute',
  'X-OCCI-Error',
  'X-OCCI-Note',
  'X-Request-Id',
  'Retry-After',
  'WWW-Authenticate',
  'Server',
  'Allow',
].join(', ');
const METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';

export class Cors {
  private readonly any: boolean;
  private readonly origins: Set<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.origins = new Set(origins);
  }

  get enabled(): boolean {
    return this.any || this.origins.size > 0;
  }

  private allowed(origin: string | undefined): origin is string {
    return origin !== undefined && (this.any || this.origins.has(origin));
  }

  /** Adds the CORS headers of an actual request; true when the origin is allowed. */
  decorate(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (!this.enabled) return false;
    res.setHeader('Vary', 'Origin');
    if (!this.allowed(origin)) return false;
    res.setHeader('Access-Control-Allow-Origin', this.any ? '*' : origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    return true;
  }

  /** Whether the request is a preflight this server should answer by itself. */
  isPreflight(req: IncomingMessage): boolean {
    return this.enabled && req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  }

  preflightHeaders(): Record<string, string> {
    return { 'Access-Control-Allow-Methods': METHODS, 'Access-Control-Allow-Headers': ALLOW_HEADERS, 'Access-Control-Max-Age': '600' };
  }
}
