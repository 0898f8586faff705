// One log line per answer, for an operator to explain any of them: method,
// path with its query (secret-looking values masked, the request's token
// never), route template, status, duration, tenant, client address, user
// agent, request id and, for errors, the message the client was sent. The
// same answer is timed in /metrics under its route template. Unexpected
// errors are logged at error with their stack, other 5xx at warn, the rest at
// info; a line whose level is off costs nothing but the metric.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { symbols, type Logger } from 'pino';
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
  else writeLine(logger, level, line, 'request');
}

type Internals = Record<symbol, unknown>;

/** pino's symbol for a child's message prefix (missing from its typings). */
const MSG_PREFIX = (symbols as unknown as Record<string, symbol>).msgPrefixSym!;

/** Whether a logger writes a line exactly as JSON.stringify would make it (worked out once per logger). */
const plainLoggers = new WeakMap<Logger, boolean>();

function isPlain(logger: Logger): boolean {
  const l = logger as unknown as Internals;
  const stream = l[symbols.streamSym] as Internals & { write?: unknown };
  const hooks = l[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown };
  const formatters = l[symbols.formattersSym] as { log?: unknown };
  const serializers = l[symbols.serializersSym] as Record<string, unknown>;
  const stringifiers = l[symbols.stringifiersSym] as Internals;
  return (
    typeof stream?.write === 'function' &&
    !stream[symbols.needsMetadataGsym] &&
    !l[symbols.mixinSym] &&
    !(l as Record<string | symbol, unknown>)[MSG_PREFIX] &&
    !hooks?.logMethod &&
    !hooks?.streamWrite &&
    !formatters?.log &&
    l[symbols.messageKeySym] === 'msg' &&
    Object.keys(serializers).every((k) => k === 'err') &&
    Object.keys(stringifiers).length === 0 &&
    !stringifiers[symbols.wildcardFirstSym]
  );
}

/**
 * The line pino would write, made by JSON.stringify: pino looks every field up among its serializers and
 * escapes every key again, which cost a cached GET /-/ about a tenth of its time. Only for a logger that does
 * nothing of its own to a line (no mixin, formatter, hook, redaction, prefix or multistream); any other gets
 * its line from pino.
 */
function writeLine(logger: Logger, level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
  let plain = plainLoggers.get(logger);
  if (plain === undefined) plainLoggers.set(logger, (plain = isPlain(logger)));
  if (!plain) return logger[level](fields, msg);
  const l = logger as unknown as Internals;
  const levelPart = (l[symbols.lsCacheSym] as Record<number, string>)[logger.levels.values[level]!];
  const time = (l[symbols.timeSym] as () => string)();
  const line = `${levelPart}${time}${l[symbols.chindingsSym] as string},${JSON.stringify(fields).slice(1, -1)},"msg":${JSON.stringify(msg)}${l[symbols.endSym] as string}`;
  (l[symbols.streamSym] as { write(line: string): void }).write(line);
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
