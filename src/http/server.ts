// The HTTP server: negotiation, authentication, limits, request ids, logging,
// errors as OCCI errors, graceful shutdown. Routing and operations live in
// dispatch.ts and operations/.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Backend } from '../port/backend.js';
import type { Config } from '../config/config.js';
import { notAcceptable, OcciError } from '../errors.js';
import { CatalogCache } from '../operations/catalog-cache.js';
import type { OcciContext } from '../operations/context.js';
import type { Renderer } from '../rendering/document.js';
import { acceptable, ACCEPT_HEADER } from '../rendering/negotiate.js';
import { textPlainRenderer } from '../rendering/text/render.js';
import type { Store } from '../store/store.js';
import { metrics } from '../metrics.js';
import { VERSION } from '../version.js';
import { filterPayload, parsePayload, readBody } from './body.js';
import { dispatch } from './dispatch.js';
import { cacheGauges } from './cache-gauges.js';
import { PipelineGuard, settleRefusedBody } from './connection-edges.js';
import { ConsoleSite } from './console.js';
import { Cors } from './cors.js';
import { authRequest } from './credentials.js';
import { Deadline } from './deadline.js';
import { DiscoveryCache } from './discovery-cache.js';
import { RateLimiter } from './rate-limit.js';
import { rendererFor } from './renderers.js';
import type { Response } from './respond.js';
import { allowedMethods, route } from './router.js';
import { queryFilter, withQueryFilter } from './query-params.js';
import { storageFailure } from './storage-failure.js';
import { answer } from './stream.js';
import { parseTarget } from './target.js';
import { requestedOcciVersion } from './version-check.js';

export const SERVER_HEADER = `snf-occi/${VERSION} OCCI/1.2 OCCI/1.1`;

/**
 * Answers on a raw socket and closes it for good. The server allows half-open sockets, so end() alone would
 * leave a client that never closes holding the socket (slowloris); it is destroyed once the answer is
 * flushed, or after a grace period when the client does not read.
 */
function closeWith(socket: Socket, answer: string): void {
  const timer = setTimeout(() => socket.destroy(), 2000);
  timer.unref();
  socket.end(answer, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}

const MAX_ERROR_CHARS = 1000;
/** Bodies up to this many times the limit are drained after a 413 rather than cut off, for at most DRAIN_MS. */
const DRAIN_FACTOR = 16;
const DRAIN_MS = 10_000;
/** Longest Host a base URL is made from (a DNS name is at most 253 characters). */
const MAX_HOST = 260;

const STATUS_TEXT: Record<number, string> = http.STATUS_CODES as Record<number, string>;

export interface OcciServerOptions {
  config: Config;
  backend: Backend;
  store: Store;
  logger: Logger;
}

export interface OcciServer {
  readonly server: http.Server;
  listen(): Promise<AddressInfo>;
  /** Stops accepting, lets requests in flight finish, then closes the backend and store. */
  shutdown(): Promise<void>;
}

/** What the access log line says of a request besides method and path. */
interface RequestLog {
  status?: number;
  /** An unexpected error, logged with its stack (never sent to the client). */
  err?: unknown;
}

const HOST = /^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$/;

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function createOcciServer(opts: OcciServerOptions): OcciServer {
  const { config, backend, store, logger } = opts;
  const catalogs = new CatalogCache(backend, store);
  const discoveryCache = new DiscoveryCache();
  const rateLimiter = new RateLimiter(config.rateLimit);
  const pipelines = new PipelineGuard(config.limits.requestTimeoutMs);
  const cors = new Cors(config.cors.origins);
  const consoleSite = new ConsoleSite({ backend, secure: !!config.tls });
  const limits = config.limits;
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  function baseUrl(req: IncomingMessage): string {
    if (config.publicUrl) return config.publicUrl;
    const host = header(req.headers.host);
    const safe = host && host.length <= MAX_HOST && HOST.test(host) ? host : `${config.host}:${(server.address() as AddressInfo | null)?.port ?? config.port}`;
    return `${config.tls ? 'https' : 'http'}://${safe}`;
  }

  /** Sends a response and notes its status for the access log line. */
  function send(res: ServerResponse, r: Response, requestId: string, log: RequestLog): void {
    if (res.headersSent) return;
    log.status = r.status;
    res.statusCode = r.status;
    for (const [name, value] of Object.entries(r.rendered.headers)) res.setHeader(name, value);
    if (r.location) res.setHeader('Location', r.location);
    res.setHeader('Content-Length', Buffer.byteLength(r.rendered.body));
    res.setHeader('X-Request-Id', requestId);
    res.end(r.rendered.body);
  }

  function sendError(res: ServerResponse, renderer: Renderer, err: unknown, requestId: string, log: RequestLog): void {
    if (res.headersSent) return void (log.err = err); // a collection cut short while it was written: the log says why
    let status = 500;
    let message = 'internal error; the request id identifies it in the server log';
    let extra: Record<string, string> = {};
    const storage = storageFailure(err);
    if (storage) {
      log.err = err;
      err = storage;
    }
    if (err instanceof OcciError) {
      status = err.status;
      // Messages may quote what the client sent: never echo more than a screenful of it.
      message = err.message.length > MAX_ERROR_CHARS ? `${err.message.slice(0, MAX_ERROR_CHARS)}…` : err.message;
      extra = err.headers;
    } else {
      log.err = err;
    }
    let rendered;
    try {
      rendered = renderer.error(status, message, requestId);
    } catch {
      rendered = textPlainRenderer.error(status, message, requestId);
    }
    for (const [k, v] of Object.entries(extra)) rendered.headers[k] = v;
    send(res, { status, rendered }, requestId, log);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    res.setHeader('Server', SERVER_HEADER);
    res.setHeader('Accept', ACCEPT_HEADER);
    let renderer: Renderer = textPlainRenderer;
    const method = req.method ?? 'GET';
    const log: RequestLog = {};
    let path = '';
    const deadline = new Deadline(limits.requestTimeoutMs);
    try {
      const target = parseTarget(req.url);
      path = target.path;
      const corsAllowed = cors.decorate(req, res);
      if (cors.isPreflight(req)) {
        const status = corsAllowed ? 204 : 403;
        return send(res, { status, rendered: { headers: corsAllowed ? cors.preflightHeaders() : {}, body: '' } }, requestId, log);
      }
      const page = await consoleSite.answer(req, path);
      if (page) return send(res, page, requestId, log);
      if (path === '/metrics' && config.metrics) {
        return send(res, { status: 200, rendered: { headers: { 'Content-Type': 'text/plain; version=0.0.4' }, body: metrics.render(cacheGauges(catalogs, discoveryCache, rateLimiter)) } }, requestId, log);
      }
      if (path === '/healthz') {
        const rendered = { headers: { 'Content-Type': 'application/json' }, body: draining ? '{"status":"draining"}' : '{"status":"ok"}' };
        return send(res, { status: draining ? 503 : 200, rendered }, requestId, log);
      }
      const occi = requestedOcciVersion(header(req.headers['user-agent']));
      const [media, next] = acceptable(header(req.headers.accept));
      if (!media) throw notAcceptable(`none of the media types in Accept is served; ask for one of ${ACCEPT_HEADER}`); // R12
      renderer = rendererFor(media, next);
      if (draining) throw new OcciError(503, 'the server is shutting down');
      if (config.maintenance) throw new OcciError(503, 'the server is in maintenance; try again later'); // R148
      const creds = await deadline.race(backend.authenticate(authRequest(req.headers)));
      rateLimiter.take(creds.token);
      const catalog = await deadline.race(catalogs.get(creds));
      const ctx: OcciContext = {
        backend,
        store,
        creds,
        catalog,
        base: baseUrl(req),
        listing: renderer.listing,
        occi11: occi.onlyV11,
        limits: { maxPageSize: limits.maxPageSize, maxBatch: limits.maxBatch },
        allowNamespaceDelete: config.allowNamespaceDelete,
        userMixins: config.userMixins,
        computeDefaults: { hostnamePattern: config.compute.hostnamePattern, architecture: config.compute.defaultArchitecture },
        quotas: config.quotas,
      };
      const r = route(catalog, path);
      if (method === 'OPTIONS') {
        res.setHeader('Allow', allowedMethods(r, config.allowNamespaceDelete).join(', '));
        return send(res, { status: 200, rendered: { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: '' } }, requestId, log);
      }
      const hasBody = method === 'POST' || method === 'PUT' || method === 'DELETE';
      const queried = queryFilter(r, method, target.query);
      const body = hasBody ? await readBody(req, limits.maxBodyBytes) : '';
      const payload = hasBody ? parsePayload(header(req.headers['content-type']), body, req.headers) : withQueryFilter(filterPayload(req.headers), queried);
      const call = { method, route: r, query: target.query, headers: req.headers, payload };
      const cached = discoveryCache.lookup(ctx, renderer, call);
      const result = cached ? undefined : await deadline.race(dispatch(ctx, call));
      const whole = cached ?? (await answer(res, renderer, result!, { base: ctx.base, path, query: target.query, requestId, bodyless: method === 'HEAD' }));
      if (whole) send(res, whole, requestId, log);
    } catch (err) {
      // A client still sending the body it was refused for must be able to read the 413.
      if (err instanceof OcciError && err.status === 413) await settleRefusedBody(req, res, { maxBytes: limits.maxBodyBytes * DRAIN_FACTOR, maxMs: DRAIN_MS });
      sendError(res, renderer, err, requestId, log);
    } finally {
      deadline.clear();
      const ms = Math.round((performance.now() - started) * 100) / 100;
      log.status ??= res.statusCode; // a streamed collection was not sent through send()
      const line = { reqId: requestId, method, path: path.slice(0, 200), status: log.status, ms };
      metrics.request(method, log.status);
      if (log.err) logger.error({ ...line, err: log.err }, 'request failed');
      else logger.info(line, 'request');
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    pipelines.track(req, res);
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0 && idle) idle();
    });
    void handle(req, res);
  };

  const serverOptions: http.ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the request timeout on this period (30 s by default): check often enough to honour short limits.
    connectionsCheckingInterval: Math.max(50, Math.min(limits.requestTimeoutMs, limits.headersTimeoutMs) / 4),
  };
  const server: http.Server = config.tls
    ? https.createServer({ ...serverOptions, cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, onRequest)
    : http.createServer(serverOptions, onRequest);

  // Malformed requests and oversized headers never reach the handler: answer them here, with our headers (R1).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = `${STATUS_TEXT[status]}: ${status === 431 ? `request headers larger than ${limits.maxHeaderBytes} bytes` : 'malformed request'}\n`;
    // Requests before the bad one on this connection get their own answers first.
    pipelines.afterEarlierAnswers(socket, () =>
      closeWith(
        socket,
        `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nServer: ${SERVER_HEADER}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      ),
    );
  });

  // CONNECT (tunnelling) is not part of OCCI: answer it rather than let node:http drop the socket.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    const body = 'Method Not Allowed: CONNECT is not supported\n';
    closeWith(
      socket,
      `HTTP/1.1 405 Method Not Allowed\r\nServer: ${SERVER_HEADER}\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
      }),
    shutdown: async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
      await Promise.race([drained, grace]);
      server.closeAllConnections();
      await closed;
      await backend.close();
      await store.close();
    },
  };
}
