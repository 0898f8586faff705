// The listening socket and what node:http answers by itself. It is bound
// before anything is written to the data directory, so a busy port stops the
// start with a message and leaves nothing behind; until the server is ready,
// requests are answered 503 with Retry-After. Malformed requests, oversized
// headers, requests that time out and CONNECT never reach the handler: they
// are answered here, with our headers, and logged like any other.
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { VERSION } from '../version.js';
import { logRefusal } from './access-log.js';
import { PipelineGuard } from './connection-edges.js';

export const SERVER_HEADER = `snf-occi/${VERSION} OCCI/1.2 OCCI/1.1`;

const STATUS_TEXT: Record<number, string> = http.STATUS_CODES as Record<number, string>;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Listener {
  readonly server: http.Server;
  readonly pipelines: PipelineGuard;
  /** Binds the port; rejects with a message saying what to do when it cannot. */
  listen(): Promise<AddressInfo>;
  /** Hands every request to `handler` from now on. */
  serve(handler: Handler): void;
  /** What node:http answered on this socket by itself while a request was arriving on it (a 408): that request's status. */
  refusal(socket: Socket): { status: number; reason: string } | undefined;
}

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

function starting(_req: IncomingMessage, res: ServerResponse): void {
  const body = 'Service Unavailable: the server is starting; try again in a moment\n';
  res.writeHead(503, { Server: SERVER_HEADER, 'Retry-After': '1', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function createListener(config: Config, logger: Logger): Listener {
  const limits = config.limits;
  const pipelines = new PipelineGuard(limits.requestTimeoutMs);
  let handler: Handler = starting;
  const refusals = new WeakMap<Socket, { status: number; reason: string }>();
  const serverOptions: http.ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the request timeout on this period (30 s by default): check often enough to honour short limits.
    connectionsCheckingInterval: Math.max(50, Math.min(limits.requestTimeoutMs, limits.headersTimeoutMs) / 4),
  };
  const onRequest: Handler = (req, res) => handler(req, res);
  const server: http.Server = config.tls
    ? https.createServer({ ...serverOptions, cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, onRequest)
    : http.createServer(serverOptions, onRequest);

  // Malformed requests and oversized headers never reach the handler: answer them here, with our headers (R1).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason = status === 431 ? `request headers larger than ${limits.maxHeaderBytes} bytes` : status === 408 ? 'the request took too long to arrive' : 'malformed request';
    const body = `${STATUS_TEXT[status]}: ${reason}\n`;
    // A request whose handler waits for its body is logged by the handler, with this status.
    if (pipelines.receiving(socket)) refusals.set(socket, { status, reason });
    else logRefusal(logger, socket, status, reason);
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
    logRefusal(logger, socket, 405, 'CONNECT is not supported', 'CONNECT');
    closeWith(
      socket,
      `HTTP/1.1 405 Method Not Allowed\r\nServer: ${SERVER_HEADER}\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  return {
    server,
    pipelines,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(bindFailure(err, config))));
        server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
      }),
    serve: (h) => {
      handler = h;
    },
    refusal: (socket) => refusals.get(socket),
  };
}

/** Why the port could not be bound, and what to do. */
export function bindFailure(err: NodeJS.ErrnoException, config: Pick<Config, 'port' | 'host'>): string {
  const where = `port ${config.port} on ${config.host}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `${where} is already in use by another program (another snf-occi?); choose another port with --port N (or SNF_OCCI_PORT), or --port 0 for any free one`;
    case 'EACCES':
      return `${where} needs privileges this user does not have (ports below 1024 are reserved); choose a port of 1024 or more with --port, and put a proxy in front`;
    case 'EADDRNOTAVAIL':
      return `${config.host} is not an address of this machine; choose one with --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${config.host} cannot be resolved; give an address with --host, such as 127.0.0.1 or 0.0.0.0`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}
