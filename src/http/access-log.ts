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
import { holdsSecret, redactTarget, withoutSecret } from '../redact.js';
import { unquoted } from '../rendering/json/quote.js';
import type { LineLater, LineOutput } from '../log.js';

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
/** About what an access line holds besides its path and user agent (characters): what it counts for in its batch (log.ts) until made. */
const LINE_CHARS = 250;
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
  if (!log.err) {
    let parts = plainLoggers.get(logger);
    if (parts === undefined) plainLoggers.set(logger, (parts = lineParts(logger)));
    if (parts) return writeAccessLine(parts, level, req, requestId, log, ms, who);
  }
  const agent = req.headers['user-agent'];
  const fields = {
    reqId: requestId,
    method,
    path: redactTarget(req.url ?? '', [who.token]),
    route,
    status,
    ms: Math.round(ms * 100) / 100,
    tenant: log.tenant,
    client: who.client,
    agent: agent === undefined ? undefined : shortAgent(withoutSecret(agent, who.token)),
    error: log.message === undefined ? undefined : withoutSecret(log.message, who.token),
  };
  if (log.err) logger.error({ ...withoutUndefined(fields), err: log.err }, 'request failed');
  else logger[level](withoutUndefined(fields), ACCESS_MSG);
}

const shortAgent = (agent: string): string => (agent.length > MAX_AGENT ? `${agent.slice(0, MAX_AGENT)}…` : agent);

/**
 * Whether the path's text in the log depends on the request's token: a query (whose values are masked when
 * they equal it, decoded), the token in the path, or a path percent-encoded (where it may be, encoded).
 */
const pathNeedsToken = (target: string, token: string | undefined): boolean =>
  target.includes('?') || (token !== undefined && token !== '' && (target.includes(token) || target.includes('%')));

/** Whether the user agent holds the request's token (to be masked there, by withoutSecret's rule). */
const agentHoldsToken = (agent: string | undefined, token: string | undefined): boolean => agent !== undefined && holdsSecret(agent, token);

function withoutUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The access line as pino writes it (the same fields in the same order, undefined ones left out), made here:
 * pino looks every field up among its serializers and escapes every key again, which cost a cached GET /-/
 * about a tenth of its time. A line whose text needs nothing of the request's token (no error message, and
 * neither its path nor its user agent depends on the token) is made when its batch is written (log.ts,
 * LineLater), where the output batches: made without the token, it is the same line, and no token waits.
 */
function writeAccessLine(p: LineParts, level: 'info' | 'warn', req: IncomingMessage, requestId: string, log: RequestLog, ms: number, who: { client: string; token?: string }): void {
  const target = req.url ?? '';
  const agent = req.headers['user-agent'];
  const line = new AccessLine(p, level, p.time(), requestId, req.method ?? 'GET', target, log.route ?? 'other', log.status ?? 0, ms, log.tenant, who.client, agent);
  if (p.stream.writeLater !== undefined && log.message === undefined && !pathNeedsToken(target, who.token) && !agentHoldsToken(agent, who.token)) p.stream.writeLater(line);
  else p.stream.write(line.textWith(log.message, who.token));
}

/**
 * What an access line says, and its text. The text from the method to the status, and the one from the
 * tenant to the line's end, are kept from the line made before: the next request is most often the same
 * again (a client polling, the connections of one client), whose line differs only in its time, id and
 * duration, and making those texts (masking the path, checking each value for characters JSON escapes) was
 * most of a line's cost. A path or user agent that depends on the request's token is masked anew each time. Each
 * quote is part of the text around a value rather than added to the value: every piece joined is a string
 * made, and one more to walk when the batch is written out.
 */
class AccessLine implements LineLater {
  readonly chars: number;

  constructor(
    private readonly p: LineParts,
    private readonly level: 'info' | 'warn',
    private readonly time: string,
    private readonly requestId: string,
    private readonly method: string,
    private readonly target: string,
    private readonly route: string,
    private readonly status: number,
    private readonly ms: number,
    private readonly tenant: string | undefined,
    private readonly client: string,
    private readonly agent: string | undefined,
  ) {
    this.chars = LINE_CHARS + target.length + (agent === undefined ? 0 : agent.length);
  }

  /** The line of a request whose text needs nothing of its token, made when its batch is written. */
  text(): string {
    return this.textWith(undefined, undefined);
  }

  /** With the error message the client was sent, and the request's token to mask in it, the path and the user agent. */
  textWith(message: string | undefined, token: string | undefined): string {
    const { p, method, target, route, status, tenant, client, agent } = this;
    const k = p.kept;
    let middle: string;
    // Kept only for a path whose masked text cannot depend on the request's token, so that no token is kept
    // here, nor compared with another request's.
    if (pathNeedsToken(target, token)) middle = middleText(method, redactTarget(target, [token]), route, status);
    else {
      if (target !== k.target || method !== k.method || route !== k.route || status !== k.status) {
        k.target = target;
        k.method = method;
        k.route = route;
        k.status = status;
        k.middle = middleText(method, redactTarget(target), route, status);
      }
      middle = k.middle;
    }
    let end: string;
    if (message !== undefined || agentHoldsToken(agent, token)) end = tailText(tenant, client, agent === undefined ? undefined : withoutSecret(agent, token), message === undefined ? undefined : withoutSecret(message, token)) + p.end;
    else {
      if (tenant !== k.tenant || client !== k.client || agent !== k.agent) {
        k.tenant = tenant;
        k.client = client;
        k.agent = agent;
        k.tail = tailText(tenant, client, agent, undefined) + p.end;
      }
      end = k.tail;
    }
    return `${p.start[this.level]}${this.time}${p.bindings},"reqId":"${unquoted(this.requestId)}${middle}${msText(this.ms)}${end}`;
  }
}

/** From the end of the request id to `"ms":`. */
const middleText = (method: string, path: string, route: string, status: number): string =>
  `","method":"${unquoted(method)}","path":"${unquoted(path)}","route":"${unquoted(route)}","status":${status},"ms":`;

function tailText(tenant: string | undefined, client: string, agent: string | undefined, error: string | undefined): string {
  let text = tenant === undefined ? '' : `,"tenant":"${unquoted(tenant)}"`;
  text += `,"client":"${unquoted(client)}"`;
  if (agent !== undefined) text += `,"agent":"${unquoted(shortAgent(agent))}"`;
  if (error !== undefined) text += `,"error":"${unquoted(error)}"`;
  return text;
}

/**
 * A duration in milliseconds to two decimals, as JSON writes Math.round(ms * 100) / 100: written from its
 * whole hundredths, as small integers (whose text V8 keeps), rather than as a fraction (a call into C++).
 */
export function msText(ms: number): string {
  const h = Math.round(ms * 100);
  if (!(h >= 0 && h < 0x40000000)) return Number.isFinite(h) ? String(h / 100) : 'null';
  const whole = (h / 100) | 0;
  const part = h - whole * 100;
  if (part === 0) return `${whole}`;
  if (part % 10 === 0) return `${whole}.${part / 10}`;
  return part < 10 ? `${whole}.0${part}` : `${whole}.${part}`;
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
  stream: LineOutput;
  /** What the last line made was made of, and its texts (AccessLine). */
  kept: Kept;
}

interface Kept {
  target: string | undefined;
  method: string | undefined;
  route: string | undefined;
  status: number;
  /** From the method to `"ms":`. */
  middle: string;
  tenant: string | undefined;
  client: string | undefined;
  agent: string | undefined;
  /** From the tenant to the line's end, for a line without an error (made with the first line: a client is always some text). */
  tail: string;
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
    kept: { target: undefined, method: undefined, route: undefined, status: -1, middle: '', tenant: undefined, client: undefined, agent: undefined, tail: '' },
  };
}

/** How often the wall clock is read for the access lines' time (ms): in between, the monotonic clock counts on from it. */
const WALL_CLOCK_EVERY_MS = 1000;

/**
 * pino's default time (`,"time":` and the epoch in milliseconds) made once per millisecond: writing a
 * 13-digit number out cost each access line most of a microsecond, and a busy server writes many lines a
 * millisecond. The milliseconds are counted on the monotonic clock from the wall clock, read once a second:
 * performance.now() cost a line less than Date.now(), which V8 answers in its runtime. Date.now() leaves out
 * the fraction of its millisecond, so the largest offset read is the one least behind, and is kept; one
 * smaller by more than a millisecond is the wall clock set back. A line's time is thus at most a millisecond
 * behind Date.now(), and follows a change of the wall clock within a second. Any other time function is
 * called for every line.
 */
export function timeOncePerMillisecond(time: () => string, monotonic: () => number = () => performance.now(), wall: () => number = Date.now): () => string {
  if (time !== stdTimeFunctions.epochTime) return time;
  let readAt = -Infinity;
  let offset = -Infinity;
  let ms = -1;
  let text = '';
  return () => {
    const at = monotonic();
    if (at - readAt >= WALL_CLOCK_EVERY_MS) {
      readAt = at;
      const read = wall() - at;
      if (read > offset || read < offset - 1) offset = read;
    }
    const now = Math.floor(offset + at);
    if (now !== ms) {
      ms = now;
      text = `,"time":${now}`;
    }
    return text;
  };
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
