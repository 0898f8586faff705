// The HTTP server: negotiation, authentication, limits, request ids, errors
// as OCCI errors, graceful shutdown. The socket and what node:http answers by
// itself are in listener.ts, the log line in access-log.ts, the operators'
// paths in health.ts; routing and operations in dispatch.ts and operations/.
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Backend, Credentials } from '../port/backend.js';
import type { Config } from '../config/config.js';
import { notAcceptable, OcciError } from '../errors.js';
import { metrics } from '../metrics.js';
import { CatalogCache } from '../operations/catalog-cache.js';
import type { Catalog } from '../operations/catalog.js';
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
import { knowsCategories, knownRoute } from './catalog-recheck.js';
import { Cors } from './cors.js';
import { authRequest } from './credentials.js';
import { tokenDigest } from './token-digest.js';
import { Deadline } from './deadline.js';
import { DiscoveryCache } from './discovery-cache.js';
import { Health, HEALTH_PATHS } from './health.js';
import { createListener, type Listener } from './listener.js';
import { RateLimiter } from './rate-limit.js';
import { RepeatedRequests } from './repeated-request.js';
import { rendererFor } from './renderers.js';
import { nextRequestId, setServerHeaders, writeAnswer, type Reply } from './reply.js';
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
/** Host names whose base URL is remembered. */
const MAX_BASES = 32;

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
  // A repeat is answered without waiting or not at all: only with a backend that knows a token and its
  // templates at once (the embedded cloud); with another one, every repeat would be taken apart anyway.
  const repeats = backend.authenticateNow && backend.providerMixinsNow ? new RepeatedRequests() : undefined;
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

  /** The bases of Host names seen lately (checked once, not on every request); a few, cleared when full. */
  const bases = new Map<string, string>();
  function baseUrl(req: IncomingMessage): string {
    if (config.publicUrl) return config.publicUrl;
    const host = header(req.headers.host);
    const known = host === undefined ? undefined : bases.get(host);
    if (known !== undefined) return known;
    const checked = host !== undefined && host.length <= MAX_HOST && HOST.test(host);
    const base = `${config.tls ? 'https' : 'http'}://${checked ? host : `${config.host}:${(server.address() as AddressInfo | null)?.port ?? config.port}`}`;
    if (checked) {
      if (bases.size >= MAX_BASES) bases.clear();
      bases.set(host, base);
    }
    return base;
  }

  function sendError(res: ServerResponse, renderer: Renderer, err: unknown, reply: Reply): void {
    const { log, requestId } = reply;
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
    writeAnswer(res, { status, rendered }, reply);
  }

  /** The same for every request: made once. */
  const opLimits = { maxPageSize: limits.maxPageSize, maxBatch: limits.maxBatch };
  const computeDefaults = { hostnamePattern: config.compute.hostnamePattern, architecture: config.compute.defaultArchitecture };

  // Every wait is raced against the request's deadline. What the server already holds (a known token, a
  // current catalogue, a cached answer) is taken without waiting: a cached GET /-/ is answered in the turn
  // of the event loop that read it, with no deadline to make.
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const log: RequestLog = {};
    const reply: Reply = { requestId: nextRequestId(), log, tenant: false };
    const requestId = reply.requestId;
    let renderer: Renderer = textPlainRenderer;
    const method = req.method ?? 'GET';
    const who = { client: clientAddress(req, config.trustForwardedFor), token: undefined as string | undefined };
    let deadline: Deadline | undefined;
    const race = <T>(work: Promise<T>): Promise<T> => (deadline ??= new Deadline(limits.requestTimeoutMs, started)).race(work);
    try {
      // The connection's last discovery answer again, for the very same request (repeated-request.ts). What may
      // have changed since is checked as below, in the same order (CORS headers first, so that a refusal has
      // them too); what it finds is not looked up twice when the answer cannot be sent again.
      const again = draining ? undefined : repeats?.find(req);
      let knownCreds: Credentials | undefined;
      let knownCatalog: Catalog | undefined;
      let taken = false;
      if (again !== undefined) {
        cors.decorate(req, res);
        reply.tenant = true;
        renderer = again.renderer;
        who.token = again.auth.token;
        knownCreds = authGuard.known(again.auth, who.client);
        if (knownCreds !== undefined) {
          log.tenant = knownCreds.tenant;
          rateLimiter.take(again.auth.digest!);
          taken = true;
          knownCatalog = catalogs.now(knownCreds);
          const answer = again.answerFor(knownCatalog);
          if (answer !== undefined) {
            log.route = again.route;
            metrics.cacheLookup('repeat', true);
            return writeAnswer(res, answer, reply);
          }
        }
      }
      const target = parseTarget(req.url);
      const path = target.path;
      const corsAllowed = cors.decorate(req, res);
      if (cors.isPreflight(req)) {
        const status = corsAllowed ? 204 : 403;
        log.route = 'preflight';
        return writeAnswer(res, { status, rendered: { headers: corsAllowed ? cors.preflightHeaders() : {}, body: '' } }, reply);
      }
      const page = consoleSite.claims(path) ? await consoleSite.answer(req, path) : undefined;
      if (page) {
        log.route = 'console';
        return writeAnswer(res, page, reply);
      }
      if (HEALTH_PATHS.has(path)) {
        log.route = path;
        const answer = await health.answer(path, req);
        if (answer) return writeAnswer(res, { status: answer.status, rendered: { headers: answer.headers, body: answer.body } }, reply);
      }
      // Answers for one tenant: never kept by a shared cache.
      reply.tenant = true;
      const occi = requestedOcciVersion(header(req.headers['user-agent']));
      const types = acceptable(header(req.headers.accept)); // indexed: taking it apart as [media, next] makes an iterator
      const media = types[0];
      const next = types[1];
      if (!media) throw notAcceptable(`none of the media types in Accept is served; ask for one of ${ACCEPT_HEADER}`); // R12
      renderer = rendererFor(media, next);
      if (draining) throw new OcciError(503, 'the server is shutting down');
      if (config.maintenance) throw new OcciError(503, 'the server is in maintenance; try again later'); // R148
      const auth = authRequest(req.headers);
      who.token = auth.token;
      if (auth.token) auth.digest = tokenDigest(req.socket, auth.token);
      const creds = knownCreds ?? authGuard.known(auth, who.client) ?? (await race(authGuard.authenticate(auth, who.client)));
      log.tenant = creds.tenant;
      if (!taken) rateLimiter.take(auth.digest!); // set: a request without a token was refused above
      let catalog = knownCatalog ?? catalogs.now(creds) ?? (await race(catalogs.get(creds)));
      let r = knownRoute(catalog, path);
      if (r === undefined) {
        catalog = await race(catalogs.recheck(creds, catalog));
        r = route(catalog, path); // 404 when it still names nothing
      }
      let ctx: OcciContext = {
        backend,
        store,
        creds,
        catalog,
        base: baseUrl(req),
        listing: renderer.listing,
        occi11: occi.onlyV11,
        limits: opLimits,
        allowNamespaceDelete: config.allowNamespaceDelete,
        userMixins: config.userMixins,
        computeDefaults,
        quotas: config.quotas,
      };
      log.route = routeTemplate(r, path);
      if (method === 'OPTIONS') {
        res.setHeader('Allow', allowedMethods(r, config.allowNamespaceDelete).join(', '));
        return writeAnswer(res, { status: 200, rendered: { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: '' } }, reply);
      }
      const hasBody = method === 'POST' || method === 'PUT' || method === 'DELETE';
      const queried = queryFilter(r, method, target.query);
      const body = hasBody ? await readBody(req, limits.maxBodyBytes) : '';
      const payload = hasBody ? parsePayload(header(req.headers['content-type']), body, req.headers) : withQueryFilter(filterPayload(req.headers), queried);
      if (!knowsCategories(catalog, payload)) {
        catalog = await race(catalogs.recheck(creds, catalog));
        ctx = { ...ctx, catalog };
        r = route(catalog, path);
      }
      const call = { method, route: r, query: target.query, headers: req.headers, payload };
      const cached = discoveryCache.lookup(ctx, renderer, call);
      if (cached) {
        repeats?.note(req, { auth, renderer, route: log.route, catalog, answer: cached });
        return writeAnswer(res, cached, reply);
      }
      const result = await race(dispatch(ctx, call));
      if (result.type === 'entities') setServerHeaders(res, reply); // written piece by piece, by answer()
      const whole = await answer(res, renderer, result, { base: ctx.base, path, query: target.query, requestId, bodyless: method === 'HEAD' });
      if (whole) writeAnswer(res, whole, reply);
    } catch (err) {
      // A client still sending the body it was refused for must be able to read the 413.
      if (err instanceof OcciError && err.status === 413) await settleRefusedBody(req, res, { maxBytes: limits.maxBodyBytes * DRAIN_FACTOR, maxMs: DRAIN_MS });
      sendError(res, renderer, err, reply);
    } finally {
      deadline?.clear();
      log.status ??= res.statusCode; // a streamed collection was not sent through writeAnswer()
      // node:http answered this request itself (it took too long to arrive): that is the status the client saw.
      const refused = listener.refusal(req.socket);
      if (refused) Object.assign(log, { status: refused.status, message: refused.reason, err: undefined });
      logRequest(logger, req, requestId, log, performance.now() - started, who);
    }
  }

  const answered = (): void => {
    inFlight--;
    if (inFlight === 0 && idle) idle();
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    pipelines.track(req, res, answered);
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
