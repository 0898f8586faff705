// One log line per answer, for an operator to explain any of them: method,
// path with its query (secret-looking values masked, the request's token
// never), route template, status, duration, tenant, client address, user
// agent, request id and, for errors, the message the client was sent. The
// same answer is timed in /metrics under its route template. Unexpected
// errors are logged at error with their stack, other 5xx at warn, the rest at
// info; a line whose level is off costs nothing but the metric.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { stdTimeFunctions, symbols, type Logger } from 'pino';
import { metrics } from '../metrics.js';
import { redactTarget } from '../redact.js';
import { unquoted } from '../rendering/json/quote.js';

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
/** The access line's message. */
const ACCESS_MSG = 'request';

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
  const level = status >= 500 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(log.err ? 'error' : level)) return;
  const agent = req.headers['user-agent'];
  const line: AccessFields = {
    reqId: requestId,
    method,
    path: redactTarget(req.url ?? '', [who.token]),
    route,
    status,
    ms: Math.round(ms * 100) / 100,
    tenant: log.tenant,
    client: who.client,
    agent: agent && agent.length > MAX_AGENT ? `${agent.slice(0, MAX_AGENT)}…` : agent,
    error: log.message !== undefined && who.token && who.token.length >= 8 ? log.message.split(who.token).join('***') : log.message,
  };
  if (log.err) logger.error({ ...withoutUndefined(line), err: log.err }, 'request failed');
  else writeLine(logger, level, line);
}

/** The access line's fields, in the order they are written (a field left undefined is left out, as JSON.stringify does). */
interface AccessFields {
  reqId: string;
  method: string;
  path: string;
  route: string;
  status: number;
  ms: number;
  tenant: string | undefined;
  client: string;
  agent: string | undefined;
  error: string | undefined;
}

function withoutUndefined(fields: AccessFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The access line as JSON.stringify would write its fields (same order, undefined left out), made field by
 * field: JSON.stringify of the object walks its properties generically and cost a cached GET /-/ about a
 * microsecond more. Each quote is part of the text around a value rather than added to the value: every
 * piece joined is a string made, and so the line is a third fewer of them. `ms` is a finite number, written
 * as JSON writes it (JSON.stringify of a number is a call into C++). Joining the pieces from an array
 * instead, which gives one flat string at once, cost more than it saved later.
 */
function accessLine(p: LineParts, level: 'info' | 'warn', f: AccessFields): string {
  let text = `${p.start[level]}${p.time()}${p.bindings},"reqId":"${unquoted(f.reqId)}","method":"${unquoted(f.method)}","path":"${unquoted(f.path)}","route":"${unquoted(f.route)}","status":${f.status},"ms":${Number.isFinite(f.ms) ? f.ms : 'null'}`;
  if (f.tenant !== undefined) text += `,"tenant":"${unquoted(f.tenant)}"`;
  text += `,"client":"${unquoted(f.client)}"`;
  if (f.agent !== undefined) text += `,"agent":"${unquoted(f.agent)}"`;
  if (f.error !== undefined) text += `,"error":"${unquoted(f.error)}"`;
  return text + p.end;
}

type Internals = Record<symbol, unknown>;

/** pino's symbol for a child's message prefix (missing from its typings). */
const MSG_PREFIX = (symbols as unknown as Record<string, symbol>).msgPrefixSym!;

/** What a plain logger's line is made of besides the fields, read from pino once per logger. */
interface LineParts {
  /** `{"level":30` and the like, by level. */
  start: Record<'info' | 'warn', string>;
  /** `,"time":…`, made anew for each line. */
  time: () => string;
  /** The logger's bindings (`,"service":"snf-occi"`). */
  bindings: string;
  /** After the fields: the message and the line's end. */
  end: string;
  stream: { write(line: string): void };
}

/** A logger's line parts, or false when it does something of its own to a line (worked out once per logger). */
const plainLoggers = new WeakMap<Logger, LineParts | false>();

function lineParts(logger: Logger): LineParts | false {
  const l = logger as unknown as Internals;
  const stream = l[symbols.streamSym] as Internals & { write?: unknown };
  const hooks = l[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown };
  const formatters = l[symbols.formattersSym] as { log?: unknown };
  const serializers = l[symbols.serializersSym] as Record<string, unknown>;
  const stringifiers = l[symbols.stringifiersSym] as Internals;
  const plain =
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
    !stringifiers[symbols.wildcardFirstSym];
  if (!plain) return false;
  const levels = l[symbols.lsCacheSym] as Record<number, string>;
  return {
    start: { info: levels[logger.levels.values.info!]!, warn: levels[logger.levels.values.warn!]! },
    time: timeOncePerMillisecond(l[symbols.timeSym] as () => string),
    bindings: l[symbols.chindingsSym] as string,
    end: `,"msg":"${ACCESS_MSG}"${l[symbols.endSym] as string}`,
    stream: stream as unknown as LineParts['stream'],
  };
}

/**
 * pino's default time (`,"time":` and the epoch in milliseconds) made once per millisecond: writing a
 * 13-digit number out cost each access line most of a microsecond, and a busy server writes many lines a
 * millisecond. Any other time function is called for every line.
 */
function timeOncePerMillisecond(time: () => string): () => string {
  if (time !== stdTimeFunctions.epochTime) return time;
  let ms = -1;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== ms) {
      ms = now;
      text = `,"time":${now}`;
    }
    return text;
  };
}

/**
 * The line pino would write, made here (accessJson): pino looks every field up among its serializers and
 * escapes every key again, which cost a cached GET /-/ about a tenth of its time. Only for a logger that does
 * nothing of its own to a line (no mixin, formatter, hook, redaction, prefix or multistream); any other gets
 * its line from pino.
 */
function writeLine(logger: Logger, level: 'info' | 'warn', fields: AccessFields): void {
  let parts = plainLoggers.get(logger);
  if (parts === undefined) plainLoggers.set(logger, (parts = lineParts(logger)));
  if (!parts) return logger[level](withoutUndefined(fields), ACCESS_MSG);
  parts.stream.write(accessLine(parts, level, fields));
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
