// A raw HTTP/1.1 client over a TCP socket, so fuzzing can send what node:http
// refuses to (CR/LF and non-ASCII in headers, broken request lines, bad
// framing) and can tell a complete answer from a dropped connection.
import net from 'node:net';

export interface RawReply {
  status: number;
  /** Header names lower-cased, in the order received. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** Status line, headers and body as received (latin1), for leak checks. */
  text: string;
}

export type Outcome = { reply: RawReply; ms: number } | { dropped: string; ms: number };

export interface SendOptions {
  /** A HEAD request: the answer has no body whatever its Content-Length says. */
  head?: boolean;
  timeoutMs?: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** Parses one response from the start of `buf`: the reply and its length in bytes, or undefined if incomplete. */
function parseReply(buf: Buffer, head: boolean, closed: boolean): { reply: RawReply; used: number } | undefined {
  let offset = 0;
  for (;;) {
    const end = buf.indexOf(CRLFCRLF, offset);
    if (end < 0) return undefined;
    const lines = buf.subarray(offset, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0].slice(0, 80))}`);
    const status = Number(m[1]);
    const headers = lines.slice(1).map((l): [string, string] => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()];
    });
    const bodyStart = end + 4;
    // 1xx answers (100 Continue) come before the real one.
    if (status >= 100 && status < 200) {
      offset = bodyStart;
      continue;
    }
    let bodyEnd: number;
    let body: Buffer;
    const length = headerValue(headers, 'content-length');
    const chunked = /chunked/i.test(headerValue(headers, 'transfer-encoding') ?? '');
    if (head || status === 204 || status === 304) {
      bodyEnd = bodyStart;
      body = Buffer.alloc(0);
    } else if (length !== undefined) {
      bodyEnd = bodyStart + Number(length);
      if (buf.length < bodyEnd) return undefined;
      body = buf.subarray(bodyStart, bodyEnd);
    } else if (chunked) {
      const parts: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const nl = buf.indexOf('\r\n', at);
        if (nl < 0) return undefined;
        const size = parseInt(buf.subarray(at, nl).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size');
        if (size === 0) {
          const trailerEnd = buf.indexOf(CRLFCRLF, nl);
          if (trailerEnd < 0 && buf.length < nl + 4) return undefined;
          bodyEnd = trailerEnd < 0 ? nl + 4 : trailerEnd + 4;
          break;
        }
        if (buf.length < nl + 2 + size + 2) return undefined;
        parts.push(buf.subarray(nl + 2, nl + 2 + size));
        at = nl + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      // No framing: the body runs to the end of the connection.
      if (!closed) return undefined;
      bodyEnd = buf.length;
      body = buf.subarray(bodyStart);
    }
    return { reply: { status, headers, body, text: buf.subarray(offset, bodyEnd).toString('latin1') }, used: bodyEnd };
  }
}

/**
 * One connection that sends requests one at a time and reads one answer to
 * each. It reconnects when the server closed the last one, or when the caller
 * says the connection must not be reused (after a request with broken framing).
 */
export class RawConnection {
  private socket: net.Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private closed = false;
  private waiter: (() => void) | undefined;
  private error: string | undefined;

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {}

  /** Opens the connection now rather than on the first send. */
  open(): Promise<void> {
    return this.connect();
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, this.host);
      this.socket = socket;
      this.buffer = Buffer.alloc(0);
      this.closed = false;
      this.error = undefined;
      socket.setNoDelay(true);
      socket.once('connect', () => resolve());
      // A replaced socket's late events must not touch the current one.
      socket.on('data', (d: Buffer) => {
        if (this.socket !== socket) return;
        this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
        this.waiter?.();
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        reject(e);
        if (this.socket !== socket) return;
        this.error = e.code ?? e.message;
        this.waiter?.();
      });
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.closed = true;
        this.waiter?.();
      });
    });
  }

  /** Sends `request` and waits for one complete answer, or reports how the connection was lost. */
  async send(request: Buffer | string, options: SendOptions = {}): Promise<Outcome> {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    if (!this.socket || this.closed || this.socket.destroyed) {
      try {
        await this.connect();
      } catch (e) {
        return { dropped: `connect: ${(e as Error).message}`, ms: ms() };
      }
    }
    const socket = this.socket!;
    this.buffer = Buffer.alloc(0);
    socket.write(request);
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => finish({ dropped: `no answer within ${timeoutMs} ms`, ms: ms() }), timeoutMs);
      const finish = (o: Outcome): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        if ('dropped' in o) this.reset();
        resolve(o);
      };
      const check = (): void => {
        let parsed;
        try {
          parsed = parseReply(this.buffer, options.head === true, this.closed);
        } catch (e) {
          finish({ dropped: `unparseable answer: ${(e as Error).message}`, ms: ms() });
          return;
        }
        if (parsed) {
          const close = /close/i.test(headerValue(parsed.reply.headers, 'connection') ?? '');
          // Anything after the answer means the framing went wrong: do not reuse.
          if (close || parsed.used !== this.buffer.length) this.reset();
          finish({ reply: parsed.reply, ms: ms() });
          return;
        }
        if (this.closed || this.error) {
          finish({ dropped: `${this.error ?? 'closed'} after ${this.buffer.length} bytes of answer`, ms: ms() });
        }
      };
      this.waiter = check;
      check();
    });
  }

  /** Writes more bytes of the request in flight (a body that comes late). */
  write(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  /** Forgets the connection; the next send opens a new one. */
  reset(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

/** Sends one request on a fresh connection and closes it. */
export async function sendOnce(port: number, request: Buffer | string, options: SendOptions = {}): Promise<Outcome> {
  const c = new RawConnection(port);
  try {
    return await c.send(request, options);
  } finally {
    c.reset();
  }
}

export function header(reply: RawReply, name: string): string | undefined {
  return headerValue(reply.headers, name.toLowerCase());
}

/** An HTTP/1.1 request as bytes; Content-Length is added when there is a body. Header values are sent as given. */
export function formatRequest(method: string, path: string, headers: Record<string, string | string[]>, body = ''): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length > 0 || method === 'POST' || method === 'PUT') lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bytes]);
}

/**
 * Writes every request at once on one connection (HTTP pipelining) and reads
 * the answers in order. The server parses them together, so their handlers
 * interleave: the closest a test gets to truly simultaneous requests.
 */
export function sendPipelined(port: number, requests: Buffer[], timeoutMs = 20_000): Promise<RawReply[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const replies: RawReply[] = [];
    let buffer = Buffer.alloc(0);
    let closed = false;
    const timer = setTimeout(() => done(new Error(`pipelined answers: got ${replies.length} of ${requests.length} within ${timeoutMs} ms`)), timeoutMs);
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(replies);
    };
    const drain = (): void => {
      for (;;) {
        if (replies.length === requests.length) return done();
        let parsed;
        try {
          parsed = parseReply(buffer, false, closed);
        } catch (e) {
          return done(e as Error);
        }
        if (!parsed) break;
        replies.push(parsed.reply);
        buffer = buffer.subarray(parsed.used);
      }
      if (closed) done(new Error(`connection closed after ${replies.length} of ${requests.length} answers`));
    };
    socket.on('connect', () => socket.write(Buffer.concat(requests)));
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      drain();
    });
    socket.on('error', (e) => done(e));
    socket.on('close', () => {
      closed = true;
      drain();
    });
  });
}

/**
 * Sends a request in two parts: `head` (request line and headers), then,
 * once `meanwhile` has run, `rest` (the body). The server starts handling the
 * request on the headers, so `meanwhile` lands in the middle of it, as a slow
 * client's would.
 */
export async function sendSlowly(port: number, head: Buffer, rest: Buffer, meanwhile: () => Promise<void>, timeoutMs = 20_000): Promise<Outcome> {
  const c = new RawConnection(port);
  try {
    await c.open();
    const reply = c.send(head, { timeoutMs });
    // Give the server time to parse the headers and start on the request.
    await new Promise((r) => setTimeout(r, 50));
    await meanwhile();
    c.write(rest);
    return await reply;
  } finally {
    c.reset();
  }
}
