// The HTTP server: negotiation, authentication, limits, request ids, errors
// as OCCI errors, graceful shutdown. The socket and what node:http answers by
// itself are in listener.ts, the log line in access-log.ts, the operators'
// paths in health.ts; routing and operations in dispatch.ts and operations/.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { clientAddress, logRequest, type RequestLog } from './access-log.js';
import { AuthGuard } from './auth-guard.js';
import { filterPayload, parsePayload, readBody } from './body.js';
import { dispatch } from './dispatch.js';
import { cacheGauges } from './cache-gauges.js';
import { settleRefusedBody } from './connection-edges.js';
import { ConsoleSite } from './console.js';
import { knowsCategories, knowsPath } from './catalog-recheck.js';
import { Cors } from './cors.js';
import { authRequest } from './credentials.js';
import { Deadline } from './deadline.js';
import { DiscoveryCache } from './discovery-cache.js';
import { Health, HEALTH_PATHS } from './health.js';
import { createListener, SERVER_HEADER, type Listener } from './listener.js';
import { RateLimiter } from './rate-limit.js';
import { rendererFor } from './renderers.js';
import type { Response } from './respond.js';
import { allowedMethods, route, routeTemplate } from './router.js';
import { queryFilter, withQueryFilter } from './query-params.js';
import { storageFailure } from './storage-failure.js';
import { answer } from './stream.js';
import { parseTarget } from './target.js';
import { requestedOcciVersion } from './version-check.js';

export { SERVER_HEADER } from './listener.js';

const MAX_ERROR_CHARS = 1000;
/** Bodies up to this many times the limit are drained after a 413 rather than cut off, for at most DRAIN_MS. */
const DRAIN_FACTOR = 16;
const DRAIN_MS = 10_000;
/** Longest Host a base URL is made from (a DNS name is at most 253 characters). */
const MAX_HOST = 260;

/** Retry-After of a 503 or 429 that says nothing of its own (seconds). */
const DEFAULT_RETRY_AFTER = '30';

export interface OcciServerOptions {
  config: Config;
  backend: Backend;
  store: Store;
  logger: Logger;
  /** The bound socket (app.ts binds it before opening the data directory); made here when absent. */
  listener?: Listener;
}

export interface OcciServer {
  readonly server: http.Server;
  listen(): Promise<AddressInfo>;
  /** Stops accepting, lets requests in flight finish, then closes the backend and store. */
  shutdown(): Promise<void>;
  /** Requests being answered, and whether the server is shutting down (for tests and health). */
  stats(): { inFlight: number; draining: boolean };
}

const HOST = /^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$/;

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function createOcciServer(opts: OcciServerOptions): OcciServer {
  const { config, backend, store, logger } = opts;
  const listener = opts.listener ?? createListener(config, logger);
  const server = listener.server;
  const catalogs = new CatalogCache(backend, store);
  const discoveryCache = new DiscoveryCache();
  const rateLimiter = new RateLimiter(config.rateLimit);
  const authGuard = new AuthGuard(backend, config.rateLimit);
  const pipelines = listener.pipelines;
  const cors = new Cors(config.cors.origins);
  const consoleSite = new ConsoleSite({ backend, secure: !!config.tls });
  const limits = config.limits;
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;
  const health = new Health(config, backend, store, () => ({ draining }), () => cacheGauges({ catalogs, discovery: discoveryCache, rateLimiter, authGuard }));

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
    if ((r.status === 503 || r.status === 429) && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', DEFAULT_RETRY_AFTER);
    if (r.location) res.setHeader('Location', r.location);
    // Encoded once: measuring a string's UTF-8 length and then writing it would go over it twice.
    const body = r.bytes ?? Buffer.from(r.rendered.body);
    res.setHeader('Content-Length', body.length);
    res.setHeader('X-Request-Id', requestId);
    res.end(body);
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
      health.noteStorageFailure(storage.message);
    }
    if (err instanceof OcciError) {
      status = err.status;
      // Messages may quote what the client sent: never echo more than a screenful of it.
      message = err.message.length > MAX_ERROR_CHARS ? `${err.message.slice(0, MAX_ERROR_CHARS)}…` : err.message;
      extra = err.headers;
    } else {
      log.err = err;
    }
    log.message = message;
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
    const who = { client: clientAddress(req, config.trustForwardedFor), token: undefined as string | undefined };
    const deadline = new Deadline(limits.requestTimeoutMs);
    try {
      const target = parseTarget(req.url);
      const path = target.path;
      const corsAllowed = cors.decorate(req, res);
      if (cors.isPreflight(req)) {
        const status = corsAllowed ? 204 : 403;
        log.route = 'preflight';
        return send(res, { status, rendered: { headers: corsAllowed ? cors.preflightHeaders() : {}, body: '' } }, requestId, log);
      }
      const page = consoleSite.claims(path) ? await consoleSite.answer(req, path) : undefined;
      if (page) return send(res, page, requestId, Object.assign(log, { route: 'console' }));
      if (HEALTH_PATHS.has(path)) {
        log.route = path;
        const answer = await health.answer(path, req);
        if (answer) return send(res, { status: answer.status, rendered: { headers: answer.headers, body: answer.body } }, requestId, log);
      }
      // Answers for one tenant: never kept by a shared cache.
      res.setHeader('Cache-Control', 'no-store');
      const occi = requestedOcciVersion(header(req.headers['user-agent']));
      const [media, next] = acceptable(header(req.headers.accept));
      if (!media) throw notAcceptable(`none of the media types in Accept is served; ask for one of ${ACCEPT_HEADER}`); // R12
      renderer = rendererFor(media, next);
      if (draining) throw new OcciError(503, 'the server is shutting down');
      if (config.maintenance) throw new OcciError(503, 'the server is in maintenance; try again later'); // R148
      const auth = authRequest(req.headers);
      who.token = auth.token;
      const creds = await deadline.race(authGuard.authenticate(auth, who.client));
      log.tenant = creds.tenant;
      rateLimiter.take(creds.token);
      let catalog = await deadline.race(catalogs.get(creds));
      if (!knowsPath(catalog, path)) catalog = await deadline.race(catalogs.recheck(creds, catalog));
      let ctx: OcciContext = {
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
      let r = route(catalog, path);
      log.route = routeTemplate(r, path);
      if (method === 'OPTIONS') {
        res.setHeader('Allow', allowedMethods(r, config.allowNamespaceDelete).join(', '));
        return send(res, { status: 200, rendered: { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: '' } }, requestId, log);
      }
      const hasBody = method === 'POST' || method === 'PUT' || method === 'DELETE';
      const queried = queryFilter(r, method, target.query);
      const body = hasBody ? await readBody(req, limits.maxBodyBytes) : '';
      const payload = hasBody ? parsePayload(header(req.headers['content-type']), body, req.headers) : withQueryFilter(filterPayload(req.headers), queried);
      if (!knowsCategories(catalog, payload)) {
        catalog = await deadline.race(catalogs.recheck(creds, catalog));
        ctx = { ...ctx, catalog };
        r = route(catalog, path);
      }
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
      log.status ??= res.statusCode; // a streamed collection was not sent through send()
      // node:http answered this request itself (it took too long to arrive): that is the status the client saw.
      const refused = listener.refusal(req.socket);
      if (refused) Object.assign(log, { status: refused.status, message: refused.reason, err: undefined });
      logRequest(logger, req, requestId, log, performance.now() - started, who);
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

  listener.serve(onRequest);
  health.start();

  return {
    server,
    listen: () => (server.listening ? Promise.resolve(server.address() as AddressInfo) : listener.listen()),
    stats: () => ({ inFlight, draining }),
    shutdown: async () => {
      draining = true;
      health.stop();
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
