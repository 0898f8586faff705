// TLS settings for Node's fetch. fetch takes its CAs from the process unless
// it gets an undici dispatcher, and Node 20 bundles undici without exporting
// it (no npm dependency allowed). The global dispatcher's constructor is that
// bundled Agent class; a data: fetch makes Node install it.
import { readFileSync } from 'node:fs';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

type AgentClass = new (opts: { connect: { ca?: string; rejectUnauthorized?: boolean } }) => object;

/**
 * An undici Agent trusting `caFile` and/or skipping verification, or
 * undefined when neither is asked for. The CA file is read now, so a wrong
 * path fails at startup; the Agent is built on first use.
 */
export function tlsDispatcher(o: { caFile?: string; insecure: boolean }): (() => Promise<object>) | undefined {
  if (o.caFile === undefined && !o.insecure) return undefined;
  const ca = o.caFile === undefined ? undefined : readFileSync(o.caFile, 'utf8');
  let agent: Promise<object> | undefined;
  return () => (agent ??= makeAgent(ca, o.insecure));
}

async function makeAgent(ca: string | undefined, insecure: boolean): Promise<object> {
  await fetch('data:,');
  const current = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  if (typeof current !== 'object' || current === null) {
    throw new Error('caFile/insecure need the undici Agent bundled with Node; it was not found');
  }
  const Agent = current.constructor as AgentClass;
  return new Agent({ connect: { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: !insecure } });
}
