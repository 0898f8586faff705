// The server's log: pino, written asynchronously in batches (at least every
// 100 ms: a write per access line would cost every request a system call, and
// the request path never waits for the terminal or the pipe), bounded (past 16 MiB not yet written,
// lines are dropped rather than held), flushed on exit and on a crash, and
// harmless when its output goes away: once stdout is a broken pipe (`snf-occi
// | head`), lines are dropped and the server carries on and stops as asked.
// JSON lines, or readable lines on a terminal (pino-pretty, loaded only then).
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import sonicBoom from 'sonic-boom';
import type { Config } from './config/config.js';

/** Bytes waiting to be written past which new lines are dropped. */
const MAX_PENDING = 16 * 1024 * 1024;

export interface ServerLog {
  logger: Logger;
  /** Writes what is pending, synchronously (on exit); never throws, never waits on a stalled output. */
  flushSync(): void;
}

/**
 * A line whose text is made only when its batch is written (an access line, access-log.ts): a request then
 * only notes what its line will say, and the batch's lines are made one after another, while the code
 * and the data that make them are still in the processor's caches. Made in the middle of each request, a
 * cached GET /-/'s access line cost over loopback about three times what it cost made in a row.
 */
export interface LineLater {
  /** Made when the batch is handed over: in a timer, in another line's write, at exit. */
  text(): string;
  /** What it counts for towards its batch's size: about what it holds until it is made (characters). */
  readonly chars: number;
}

/** Where pino's lines go; `writeLater` for a line made when it is written (keeping its place among the others). */
export interface LineOutput {
  write(line: string): void;
  writeLater?(line: LineLater): void;
}

interface Output extends LineOutput {
  flushSync(): void;
}

/**
 * Characters of lines gathered before they are handed to the output together: each hand-over is a write
 * through libuv's thread pool (a wake-up of another thread, a system call, a callback), about a hundred
 * access lines' worth of it at this size, where at 4 KiB it was a tenth of every cached GET /-/'s time.
 */
const BATCH_CHARS = 32 * 1024;
/** Longest a gathered line waits to be written (ms). */
const BATCH_MS = 100;

export interface LineBatch extends Required<LineOutput> {
  /** Makes the lines not yet made and hands everything gathered to `write`, in the order it came. */
  handOver(): void;
}

/** A line's text; one that cannot be made must not lose the batch, nor throw into a timer or another line's write. */
function made(line: LineLater): string {
  try {
    return line.text();
  } catch (err) {
    return `${JSON.stringify({ level: 50, time: Date.now(), service: 'snf-occi', msg: 'a log line could not be made', error: err instanceof Error ? err.message : 'not an Error' })}\n`;
  }
}

/** Lines gathered into batches of BATCH_CHARS, handed to `write` when full or BATCH_MS after the first. */
export function lineBatch(write: (text: string) => void): LineBatch {
  let batch: Array<string | LineLater> = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const handOver = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const lines = batch;
    batch = [];
    chars = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (typeof line !== 'string') lines[i] = made(line);
    }
    const text = lines.join('');
    if (text !== '') write(text);
  };
  const add = (line: string | LineLater, length: number): void => {
    batch.push(line);
    chars += length;
    if (chars >= BATCH_CHARS) handOver();
    else timer ??= setTimeout(handOver, BATCH_MS).unref();
  };
  return { write: (line) => add(line, line.length), writeLater: (line) => add(line, line.chars), handOver };
}

/**
 * stdout through sonic-boom, asynchronous; a broken or stalled stdout never blocks nor crashes the server.
 * Lines are gathered (lineBatch) and handed over a batch at a time: sonic-boom measures the bytes of all the
 * text it holds on every write (flattening it first), which, a line at a time, cost more than making the line.
 */
function stdoutDestination(): Required<Output> {
  let broken = false;
  let exiting = false;
  // sonic-boom 5 itself, not pino's 4: 4's flushSync retried an EPIPE forever, so a server whose stdout was
  // closed (`snf-occi | head`) could hang at exit when the pipe broke before an asynchronous write said so.
  const dest = new sonicBoom.SonicBoom({ fd: 1, sync: false, minLength: 0, maxLength: MAX_PENDING, retryEAGAIN: () => !exiting && !broken });
  dest.on('error', () => {
    broken = true; // EPIPE, EBADF, EAGAIN given up: the output is gone
  });
  const batch = lineBatch((text) => {
    if (!broken) dest.write(text);
  });
  return {
    write: (line) => {
      if (!broken) batch.write(line);
    },
    writeLater: (line) => {
      if (!broken) batch.writeLater(line);
    },
    flushSync: () => {
      exiting = true;
      if (broken) return;
      try {
        batch.handOver();
        dest.flushSync();
      } catch {
        broken = true;
      }
    },
  };
}

/** The readable form for a person at a terminal: one line a record, with its fields. */
function prettyDestination(out: Output): Output {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return {
    write: (line) => {
      try {
        out.write(prettify(JSON.parse(line) as object));
      } catch {
        out.write(line);
      }
    },
    flushSync: () => out.flushSync(),
  };
}

export function createServerLog(config: Pick<Config, 'logLevel' | 'logFormat'>): ServerLog {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
  const raw = stdoutDestination();
  const out = pretty ? prettyDestination(raw) : raw;
  // writeLater only where lines are batched: a person's terminal gets each line as it comes.
  const destination: LineOutput = pretty ? { write: (s) => out.write(s) } : { write: (s) => out.write(s), writeLater: (l) => raw.writeLater(l) };
  const logger = pino({ level: config.logLevel, base: { service: 'snf-occi' } }, destination);
  return { logger, flushSync: () => out.flushSync() };
}

/** A logger writing to `destination` as it is (tests). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.logLevel, base: { service: 'snf-occi' } };
  return destination ? pino(options, destination as unknown as pino.DestinationStream) : pino(options);
}
