// OCCI errors: every failure the server reports carries an HTTP status and a
// message meant for the client. Anything else that escapes is a 500.

export class OcciError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. WWW-Authenticate or Allow. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OcciError';
  }
}

export const badRequest = (m: string): OcciError => new OcciError(400, m);
export const unauthorized = (m: string, challenge: string): OcciError =>
  new OcciError(401, m, { 'WWW-Authenticate': challenge });
export const forbidden = (m: string): OcciError => new OcciError(403, m);
export const notFound = (m: string): OcciError => new OcciError(404, m);
export const methodNotAllowed = (allow: readonly string[]): OcciError =>
  new OcciError(405, `method not allowed here; allowed: ${allow.join(', ')}`, { Allow: allow.join(', ') });
export const notAcceptable = (m: string): OcciError => new OcciError(406, m);
export const conflict = (m: string): OcciError => new OcciError(409, m);
export const tooLarge = (m: string): OcciError => new OcciError(413, m);
export const unsupportedMediaType = (m: string): OcciError => new OcciError(415, m);
export const badGateway = (m: string): OcciError => new OcciError(502, m);
export const unavailable = (m: string): OcciError => new OcciError(503, m);
export const gatewayTimeout = (m: string): OcciError => new OcciError(504, m);

/**
 * 403 for a request past one of the tenant's quotas. The message names the
 * limit and its value, what the caller can do, and the setting that raises it.
 */
export const overQuota = (limit: string, setting: string, remedy?: string): OcciError =>
  new OcciError(403, `over quota: ${limit} (setting ${setting}); ${remedy ? `${remedy}, or ask` : 'ask'} the operator to raise ${setting}`);
