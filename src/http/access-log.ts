// One log line per answer, for an operator to explain any of them: method,
// path with its query (secret-looking values masked, the request's token
// never), route template, status, duration, tenant, client address, user
// agent, request id and, for errors, the message the client was sent. The
// same answer is timed in /metrics under its route template. Unexpected
// errors are logged at error with their stack, other 5xx at warn, the rest at
// info; a line whose level is off costs nothing but the metric.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { metrics } from '../metrics.js';
import { redactTarget } from '../redact.js';

/** What the access line says of a request besides what the request itself says. */
export interface RequestLog {
  status?: number;
  /** Route template (`/compute/{id}`): bounded, unlike the path. */
  route?: string;
  tenant?: string;
  /** The error message the client was sent. */
  message?: string;
  /** An unexpected error, logged with its stack (never sent to the client). */
  err?: unknown;
}

const MAX_AGENT = 200;

export function logRequest(
  logger: Logger,
  req: IncomingMessage,
  requestId: string,
  log: RequestLog,
  ms: number,
  who: { client: string; token?: string },
): void {
  const method = req.method ?? 'GET';
  const status = log.status ?? 0;
  const route = log.route ?? 'other';
  metrics.request(method, route, status, ms / 1000);
  const level = log.err ? 'error' : status >= 500 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const agent = req.headers['user-agent'];
  const line: Record<string, unknown> = {
    reqId: requestId,
    method,
    path: redactTarget(req.url ?? '', [who.token]),
    route,
    status,
    ms: Math.round(ms * 100) / 100,
    tenant: log.tenant,
    client: who.client,
    agent: agent && agent.length > MAX_AGENT ? `${agent.slice(0, MAX_AGENT)}…` : agent,
  };
  if (log.message !== undefined) line.error = who.token && who.token.length >= 8 ? log.message.split(who.token).join('***') : log.message;
  if (log.err) logger.error({ ...line, err: log.err }, 'request failed');
  else logger[level](line, 'request');
}

/** A request node:http answered by itself (malformed, too large headers, too slow, CONNECT). */
export function logRefusal(logger: Logger, socket: Socket, status: number, reason: string, method = '-'): void {
  metrics.request(method, 'other', status, 0);
  logger.info({ method, route: 'other', status, client: socket.remoteAddress, error: reason }, 'request refused');
}

/** The caller's address: the socket's, or the last X-Forwarded-For entry when the proxy in front is trusted to set it. */
export function clientAddress(req: IncomingMessage, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',');
    const last = list[list.length - 1]?.trim();
    if (last) return last.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}
