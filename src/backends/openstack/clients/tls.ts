// The connections to the cloud: Node's fetch with an undici Agent of our own,
// which keeps connections to each service open between calls (a request
// after a pause does not pay a new TCP and TLS handshake), bounds how many
// it opens per service, and carries the TLS settings. Node 20 bundles undici
// without exporting it (no npm dependency allowed). The global dispatcher's
// constructor is that bundled Agent class; a data: fetch makes Node install it.
import { readFileSync } from 'node:fs';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

interface AgentOptions {
  connect?: { ca?: string; rejectUnauthorized?: boolean };
  keepAliveTimeout?: number;
  keepAliveMaxTimeout?: number;
  connections?: number;
}

type AgentClass = new (opts: AgentOptions) => object;

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
export function tlsDispatcher(o: { caFile?: string; insecure: boolean }): (() => Promise<object>) | undefined {
  if (o.caFile === undefined && !o.insecure) return undefined;
  return cloudDispatcher(o);
}

/** The Agent's factory; `close` ends its connections (when it was ever made). */
export interface CloudDispatcher {
  (): Promise<object>;
  close(): Promise<void>;
}

/** The Agent every call to the cloud goes through: kept-alive, bounded connections, with the TLS settings. */
export function cloudDispatcher(o: { caFile?: string; insecure: boolean }): CloudDispatcher {
  const ca = o.caFile === undefined ? undefined : readFileSync(o.caFile, 'utf8');
  let agent: Promise<object> | undefined;
  const get = (): Promise<object> => (agent ??= makeAgent(ca, o.insecure));
  return Object.assign(get, {
    close: async (): Promise<void> => {
      const made = agent;
      agent = undefined;
      if (made) await ((await made) as { close?: () => Promise<void> }).close?.();
    },
  });
}

async function makeAgent(ca: string | undefined, insecure: boolean): Promise<object> {
  await fetch('data:,');
  const current = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  if (typeof current !== 'object' || current === null) {
    throw new Error('the connections to the cloud need the undici Agent bundled with Node; it was not found');
  }
  const Agent = current.constructor as AgentClass;
  return new Agent({
    connect: { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: !insecure },
    keepAliveTimeout: KEEP_ALIVE.idleMs,
    keepAliveMaxTimeout: KEEP_ALIVE.maxIdleMs,
    connections: KEEP_ALIVE.perService,
  });
}
