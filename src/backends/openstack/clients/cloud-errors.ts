// How a cloud's failure becomes an OcciError: pure functions, no I/O.
// OpenStack services wrap their messages in a few body shapes; the client
// gets the cloud's own words for the statuses it can act on, and a gateway
// status for everything that is the cloud's (or our) fault.
import { OcciError } from '../../../errors.js';
import { withoutSecret } from '../../../redact.js';

/** Statuses passed through to the OCCI client with the cloud's message. */
const PASS_THROUGH = new Set([400, 403, 404, 409, 413]);
const MAX_MESSAGE = 500;

/**
 * The human message inside an OpenStack error body: Nova/Cinder
 * `{"badRequest":{"message":…}}`, Neutron `{"NeutronError":{"message":…}}`,
 * Keystone `{"error":{"message":…}}`, or a bare `{"message":…}`. Text bodies
 * (Glance answers errors in text/HTML) are reduced to their first non-empty line.
 */
export function cloudMessage(body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return firstTextLine(trimmed);
  }
  return messageIn(parsed);
}

function messageIn(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!isRecord(v)) return undefined;
  for (const key of ['message', 'detail', 'faultstring', 'title']) {
    const m = v[key];
    if (typeof m === 'string' && m !== '') return m;
  }
  // Wrapped shapes: one member holding the real error.
  for (const inner of Object.values(v)) {
    if (isRecord(inner)) {
      const m = messageIn(inner);
      if (m !== undefined) return m;
    }
  }
  return undefined;
}

function firstTextLine(text: string): string | undefined {
  // HTML error pages repeat the status in <title>/<h1>; the detail follows them.
  const withoutHeadings = text.replace(/<(title|h1)>[\s\S]*?<\/\1>/gi, ' ');
  const stripped = (/\S/.test(withoutHeadings.replace(/<[^>]*>/g, '')) ? withoutHeadings : text).replace(/<[^>]*>/g, ' ');
  const line = stripped
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '');
  return line;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Makes a cloud's message fit to show a client: secrets masked, any Python
 * traceback (file paths, database errors) cut off, one line, bounded length.
 */
export function sanitize(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) out = withoutSecret(out, s);
  const traceback = out.indexOf('Traceback (most recent call last)');
  if (traceback >= 0) out = out.slice(0, traceback);
  out = out.replace(/\s+/g, ' ').trim() || 'no message';
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

export interface CloudFailure {
  service: string;
  status: number;
  body: string;
  secrets: readonly string[];
  challenge: string;
}

/** The OcciError for a non-2xx cloud answer. */
export function errorForStatus(f: CloudFailure): OcciError {
  const raw = cloudMessage(f.body);
  const message = sanitize(raw ?? `${f.service} answered HTTP ${f.status}`, f.secrets);
  const limited = limitError(f, message);
  if (limited) return limited;
  if (PASS_THROUGH.has(f.status)) return new OcciError(f.status, message);
  if (f.status === 401) {
    return new OcciError(401, `${f.service} rejected the token: ${message}`, { 'WWW-Authenticate': f.challenge });
  }
  return new OcciError(502, `${f.service} failed (HTTP ${f.status}): ${message}`);
}

/**
 * The cloud's own quotas rule on this backend. Nova says "Quota exceeded for
 * instances: …" with 403 (413 `overLimit` on older clouds), Neutron answers
 * 409 with type OverQuota, Cinder 413 `overLimit` ("…exceeded for quota
 * 'volumes'", "…exceeds allowed gigabytes quota"), Synnefo 413 "Resource
 * Limit Exceeded" with the resource in its details. Each becomes an answer
 * naming the quota when the cloud does: 403 for a refusal the cloud gave as
 * 403 or 409, 413 where the cloud itself answered 413 (its clients know that
 * status as the quota's). An `overLimit` that is a rate limit is a 429.
 */
function limitError(f: CloudFailure, message: string): OcciError | undefined {
  if (f.status !== 403 && f.status !== 409 && f.status !== 413 && f.status !== 429) return undefined;
  const shape = errorShape(f.body);
  if (f.status === 429 || (shape.key === 'overLimit' && RATE.test(message))) {
    const wait = Math.max(1, Math.ceil(Number(shape.retryAfter) || 1));
    return new OcciError(429, `the cloud limits the rate of requests: ${message}; retry after ${wait} s`, { 'Retry-After': String(wait) });
  }
  if (!(QUOTA.test(message) || shape.type === 'OverQuota' || shape.key === 'overLimit')) return undefined;
  const details = shape.details ? sanitize(shape.details, f.secrets) : undefined;
  const which = quotaName(details ? `${message} ${details}` : message);
  const said = `${message.replace(/\.+$/, '')}${details ? ` (${details.replace(/\.+$/, '')})` : ''}`;
  return new OcciError(
    f.status === 413 ? 413 : 403,
    `over the cloud's quota${which ? ` for ${which}` : ''}: ${said}. Free some of it, or ask the cloud's administrators to raise the project's quota`,
  );
}

/** How the clouds word "over quota" (a 403 that merely mentions quotas, such as a policy refusal, is not one). */
const QUOTA = /quota exceeded|exceeded for quota|exceeds? (?:the )?(?:allowed |available )?[\w-]* ?quota|ExceedsAvailableQuota|limit ?exceeded|over ?quota|maximum number of [\w ]+ exceeded/i;
const RATE = /rate.?limit/i;

/** The quota a message names: Nova, Neutron, Cinder and Synnefo wordings. */
function quotaName(message: string): string | undefined {
  const patterns = [
    /Quota exceeded for resources: \[([^\]]*)\]/i,
    /Quota exceeded for ([\w-]+(?:, [\w-]+)*)/i,
    /exceeded for quota '([\w-]+)'/i,
    /allowed ([\w-]+) quota/i,
    /Limit for resource '([^']+)'/i,
  ];
  for (const p of patterns) {
    const m = p.exec(message);
    if (m) return m[1]!.replace(/['"]/g, '').trim();
  }
  return undefined;
}

/** The wrapper key of an OpenStack error body (`overLimit`, `forbidden` …), Neutron's error type, Synnefo's details and any retryAfter. */
function errorShape(body: string): { key?: string; type?: string; details?: string; retryAfter?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};
  const key = Object.keys(parsed)[0];
  const inner = key === undefined ? undefined : parsed[key];
  if (!isRecord(inner)) return { key };
  const type = typeof inner.type === 'string' ? inner.type : undefined;
  const details = typeof inner.details === 'string' && inner.details !== '' ? inner.details : undefined;
  const retryAfter = typeof inner.retryAfter === 'string' || typeof inner.retryAfter === 'number' ? String(inner.retryAfter) : undefined;
  return { key, type, details, retryAfter };
}

/** The OcciError for a request that got no HTTP answer at all. */
export function errorForTransport(service: string, err: unknown, timeoutMs: number): OcciError {
  if (isTimeout(err)) return new OcciError(504, `${service} did not answer within ${timeoutMs} ms`);
  const code = causeCode(err);
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new OcciError(503, `${service} is unreachable (${code})`);
  }
  if (code !== undefined && TLS_TRUST.test(code)) {
    return new OcciError(502, `${service} presented a TLS certificate that is not trusted (${code}); configure caFile`);
  }
  return new OcciError(502, `${service} broke the connection${code ? ` (${code})` : ''}`);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || causeCode(err) === 'UND_ERR_HEADERS_TIMEOUT');
}

/** Whether the failure happened before the request reached the cloud (safe to retry even a POST). */
export function isConnectFailure(err: unknown): boolean {
  const code = causeCode(err);
  return code !== undefined && UNREACHABLE.has(code);
}

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (isRecord(e) && typeof e.code === 'string') return e.code;
    e = isRecord(e) || e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}
