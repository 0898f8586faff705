// What happens at the edges of a connection, where node:http alone would lose
// an answer:
// - A pipelined request that node cannot parse ends the connection with a 400;
//   the requests before it on the same connection were already handed to us
//   and may be running. Their answers are written first, then the 400, so a
//   client never retries (and duplicates) work that was done.
// - A body refused for its size (413) is read and thrown away, up to a bound,
//   before the answer: a client that sends its whole body before reading
//   (Python's urllib, with Connection: close) would otherwise have its
//   connection reset under it and never see the 413.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface SocketState {
  /**
   * Requests handed to us on this socket whose answers are not finished yet (one, but when pipelined): an
   * array whose room stays, where a Set made a new table each time it went from one request to none.
   */
  open: IncomingMessage[];
  /** What to do once the complete ones among them have their answers written. */
  whenIdle?: () => void;
}

/** What a response's one 'close' listener needs, kept on the response (a listener made per request cost a closure each). */
const TRACKED = Symbol('tracked');

interface Tracked {
  req: IncomingMessage;
  state: SocketState;
  closed: (() => void) | undefined;
}

type TrackedResponse = ServerResponse & { [TRACKED]?: Tracked };

/** The one 'close' listener of every tracked response. */
function onResponseClose(this: TrackedResponse): void {
  const t = this[TRACKED]!;
  const s = t.state;
  const at = s.open.indexOf(t.req);
  if (at >= 0) {
    s.open[at] = s.open[s.open.length - 1]!; // their order does not matter
    s.open.pop();
  }
  if (s.whenIdle && !waiting(s)) {
    const run = s.whenIdle;
    s.whenIdle = undefined;
    run();
  }
  t.closed?.();
}

export class PipelineGuard {
  private readonly sockets = new WeakMap<Socket, SocketState>();

  constructor(
    /** How long the answers before a malformed request may take before the connection is cut. */
    private readonly maxWaitMs: number,
  ) {}

  /** Call for every request as it arrives; `closed` runs once its answer is finished or abandoned (one listener serves both). */
  track(req: IncomingMessage, res: ServerResponse, closed?: () => void): void {
    const socket = req.socket;
    let state = this.sockets.get(socket);
    if (!state) {
      state = { open: [] };
      this.sockets.set(socket, state);
    }
    state.open.push(req);
    (res as TrackedResponse)[TRACKED] = { req, state, closed };
    // 'close' comes once per response: on() spares once()'s wrapper.
    res.on('close', onResponseClose);
  }

  /** Whether a request on this socket is still arriving (its handler waits for the body). */
  receiving(socket: Socket): boolean {
    for (const req of this.sockets.get(socket)?.open ?? []) if (!req.complete) return true;
    return false;
  }

  /**
   * Runs `answer` (which writes the final answer and closes) once the requests
   * received whole on this socket have their answers written; the socket
   * reads no more meanwhile. A request still arriving (the one that timed out)
   * is not waited for. Past maxWaitMs the socket is destroyed.
   */
  afterEarlierAnswers(socket: Socket, answer: () => void): void {
    const state = this.sockets.get(socket);
    if (!state || !waiting(state)) return answer();
    socket.pause();
    const timer = setTimeout(() => socket.destroy(), this.maxWaitMs);
    timer.unref();
    state.whenIdle = () => {
      clearTimeout(timer);
      if (socket.writable) answer();
      else socket.destroy();
    };
  }
}

/** Whether a request received whole is still waiting for its answer. */
function waiting(state: SocketState): boolean {
  for (const req of state.open) if (req.complete) return true;
  return false;
}

export interface DrainBounds {
  maxBytes: number;
  maxMs: number;
}

/**
 * Reads and discards the rest of a refused request body, so that its answer
 * can be read by a client still sending. Resolves true once the whole body
 * was read; false when it ran past the bounds (the answer must then close the
 * connection, and a client still sending may see it reset).
 */
export function drainRefusedBody(req: IncomingMessage, bounds: DrainBounds): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (req.destroyed || declared > bounds.maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (drained: boolean): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(drained);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > bounds.maxBytes) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onClose = (): void => finish(req.complete);
    const timer = setTimeout(() => finish(false), bounds.maxMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.resume();
  });
}

/** Marks the answer to a refused body as the connection's last when the body could not be drained. */
export async function settleRefusedBody(req: IncomingMessage, res: ServerResponse, bounds: DrainBounds): Promise<void> {
  if (!(await drainRefusedBody(req, bounds))) res.setHeader('Connection', 'close');
}
