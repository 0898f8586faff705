// Cyclades and Astakos faults as snf-django-lib renders them
// (snf_django/lib/api/__init__.py render_fault() L226-249: {name: {code, message, details}} L242-245).
export class Fault extends Error {
  constructor(
    readonly code: number,
    readonly faultName: string,
    message: string,
    readonly details = '',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { [this.faultName]: { code: this.code, message: this.message, details: this.details } };
  }
}

export const badRequest = (m: string): Fault => new Fault(400, 'badRequest', m);
export const unauthorized = (m: string): Fault => new Fault(401, 'unauthorized', m);
export const forbidden = (m: string): Fault => new Fault(403, 'forbidden', m);
export const itemNotFound = (m: string): Fault => new Fault(404, 'itemNotFound', m);
export const conflict = (m: string): Fault => new Fault(409, 'conflict', m);
export const buildInProgress = (m: string): Fault => new Fault(409, 'buildInProgress', m);
export const notImplemented = (m: string): Fault => new Fault(501, 'notImplemented', m);
export const notAllowed = (allowed: string[]): Fault => new Fault(405, 'notAllowed', 'Method not allowed', '', { Allow: allowed.join(',') });

/** Unknown URLs under an API: api_endpoint_not_found() answers 400, not 404 (snf_django/lib/api/__init__.py L252-254). */
export const endpointNotFound = (): Fault => badRequest('API endpoint not found');

/**
 * A quota refusal as synnefo/quotas/__init__.py render_overlimit_exception()
 * L195-219 words it (message and details L215-218), inside an overLimit fault
 * (413) raised by issue_commission() L102.
 */
export function overLimit(resource: string, available: number, requested = 1): Fault {
  const details = `Limit for resource '${resource}' exceeded for your account. Available: ${available}, Requested: ${requested}`;
  return new Fault(413, 'overLimit', 'Resource Limit Exceeded for your account.', details);
}

/**
 * snf_django/lib/api/utils.py get_attribute() L123-136: a missing required
 * attribute (L126-128) or one of the wrong type (L129-132) is a 400 naming it.
 */
export function attribute<T>(doc: unknown, name: string, kind: 'object' | 'string' | 'list' | 'id' | 'any', required = true): T | undefined {
  const v = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)[name] : undefined;
  if (v === undefined || v === null) {
    if (required) throw badRequest(`Malformed request. Missing attribute '${name}'.`);
    return undefined;
  }
  const ok =
    kind === 'any' ||
    (kind === 'object' && typeof v === 'object' && !Array.isArray(v)) ||
    (kind === 'string' && typeof v === 'string') ||
    (kind === 'list' && Array.isArray(v)) ||
    (kind === 'id' && (typeof v === 'string' || typeof v === 'number'));
  if (!ok) throw badRequest(`Malformed request. Invalid '${name}' field`);
  return v as T;
}
