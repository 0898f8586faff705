// The connections to the cloud: an undici Agent of our own, which keeps
// connections to each service open between calls (a request after a pause
// does not pay a new TCP and TLS handshake), bounds how many it opens per
// service, and carries the TLS settings. Node 20 bundles undici without
// exporting it (no npm dependency allowed). The global dispatcher's
// constructor is that bundled Agent class; a data: fetch makes Node install it.
// Calls go through the Agent's own `request` (undici's plain API), not
// fetch: the same connections, without fetch's streams and objects, which
// cost about 0.6 ms of CPU a call on these machines (docs/performance.md).
import { readFileSync } from 'node:fs';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** What JsonHttp uses of an undici Dispatcher: its plain `request`. */
export interface Dispatcher {
  request(o: {
    origin: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal: AbortSignal;
  }): Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined>; body: { text(): Promise<string> } }>;
}

interface AgentOptions {
  connect?: { ca?: string; rejectUnauthorized?: boolean };
  keepAliveTimeout?: number;
  keepAliveMaxTimeout?: number;
  connections?: number;
}

type AgentClass = new (opts: AgentOptions) => Dispatcher;

/**
 * How long an idle connection is kept when the service does not say (its
 * Keep-Alive header wins, up to the maximum), and how many connections one
 * service gets at most: enough for every request of a busy server in
 * parallel, few enough that one caller cannot open thousands.
 */
export const KEEP_ALIVE = { idleMs: 30_000, maxIdleMs: 120_000, perService: 64 } as const;

/**
 * An undici Agent trusting `caFile` and/or skipping verification, or
 * undefined when neither is asked for. The CA file is read now, so a wrong
 * path fails at startup; the Agent is built on first use.
 */
export function tlsDispatcher(o: { caFile?: string; insecure: boolean }): (() => Promise<Dispatcher>) | undefined {
  if (o.caFile === undefined && !o.insecure) return undefined;
  return cloudDispatcher(o);
}

/** The Agent's factory; `close` ends its connections (when it was ever made). */
export interface CloudDispatcher {
  (): Promise<Dispatcher>;
  close(): Promise<void>;
}

/** The Agent every call to the cloud goes through: kept-alive, bounded connections, with the TLS settings. */
export function cloudDispatcher(o: { caFile?: string; insecure: boolean }): CloudDispatcher {
  const ca = o.caFile === undefined ? undefined : readFileSync(o.caFile, 'utf8');
  let agent: Promise<Dispatcher> | undefined;
  const get = (): Promise<Dispatcher> => (agent ??= makeAgent(ca, o.insecure));
  return Object.assign(get, {
    close: async (): Promise<void> => {
      const made = agent;
      agent = undefined;
      if (made) await ((await made) as Dispatcher & { close?: () => Promise<void> }).close?.();
    },
  });
}

let bundled: Promise<Dispatcher> | undefined;

/** Node's own global dispatcher (the one fetch uses), for a client made without settings of its own. */
export function globalDispatcher(): Promise<Dispatcher> {
  return (bundled ??= installedGlobal());
}

async function installedGlobal(): Promise<Dispatcher> {
  await fetch('data:,');
  const current = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  if (typeof current !== 'object' || current === null || typeof (current as Partial<Dispatcher>).request !== 'function') {
    throw new Error('the connections to the cloud need the undici Agent bundled with Node; it was not found');
  }
  return current as Dispatcher;
}

async function makeAgent(ca: string | undefined, insecure: boolean): Promise<Dispatcher> {
  const Agent = (await globalDispatcher()).constructor as AgentClass;
  return new Agent({
    connect: { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: !insecure },
    keepAliveTimeout: KEEP_ALIVE.idleMs,
    keepAliveMaxTimeout: KEEP_ALIVE.maxIdleMs,
    connections: KEEP_ALIVE.perService,
  });
}
