// Waiting for an entity to reach a state: polls with backoff until the state
// is reached, a failure state is seen, the entity is gone (when waiting for
// that), or the deadline passes; progress goes to a callback on every poll.
import { EntityFailedError, WaitTimeoutError } from './errors.js';
import type { Entity } from './types.js';

export interface Progress {
  /** The entity as last seen (undefined once it is gone). */
  entity?: Entity;
  state?: string;
  message?: string;
  elapsedMs: number;
  polls: number;
}

export interface WaitOptions {
  /** The state to reach (default active); ignored when waiting for a deletion. */
  state?: string;
  /** States that end the wait in failure (default error). */
  failStates?: string[];
  /** Default 10 minutes. */
  timeoutMs?: number;
  /** First pause between polls (default 250 ms), growing by half each time up to maxIntervalMs (default 5 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** The state a new entity of each kind settles in. */
export const READY: Readonly<Record<string, string>> = { compute: 'active', storage: 'online', network: 'active', networkinterface: 'active', storagelink: 'active' };

/** Where each action leaves an entity (OCCI infrastructure state diagrams); actions not named leave the state as it was. */
export const AFTER_ACTION: Readonly<Record<string, string>> = {
  start: 'active',
  stop: 'inactive',
  restart: 'active',
  suspend: 'suspended',
  save: 'active',
  up: 'active',
  down: 'inactive',
  online: 'online',
  offline: 'offline',
};

/** The state attribute of an entity: occi.<kind term>.state, else any *.state. */
export function stateOf(e: Entity): { state?: string; message?: string } {
  const term = e.kind.slice(e.kind.lastIndexOf('#') + 1);
  const name = `occi.${term}.state` in e.attributes ? `occi.${term}.state` : Object.keys(e.attributes).find((n) => n.endsWith('.state'));
  if (!name) return {};
  const state = e.attributes[name];
  const message = e.attributes[`${name}.message`];
  return {
    ...(typeof state === 'string' ? { state } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls `probe` (which gives undefined once the entity is gone) until `done`
 * says so. Failure states end the wait with EntityFailedError.
 */
export async function poll(
  probe: () => Promise<Entity | undefined>,
  done: (e: Entity | undefined, state: string | undefined) => boolean,
  what: string,
  o: WaitOptions = {},
): Promise<Entity | undefined> {
  const started = Date.now();
  const timeout = o.timeoutMs ?? 600_000;
  const fail = o.failStates ?? ['error'];
  let pause = o.intervalMs ?? 250;
  for (let polls = 1; ; polls++) {
    const entity = await probe();
    const { state, message } = entity ? stateOf(entity) : {};
    const elapsedMs = Date.now() - started;
    o.onProgress?.({ ...(entity ? { entity } : {}), ...(state ? { state } : {}), ...(message ? { message } : {}), elapsedMs, polls });
    if (done(entity, state)) return entity;
    if (entity && state !== undefined && fail.includes(state)) {
      throw new EntityFailedError(`${entity.title ?? entity.location} went to ${state}${message ? `: ${message}` : ''} while waiting for ${what}`, state, message);
    }
    if (elapsedMs >= timeout) {
      throw new WaitTimeoutError(`gave up waiting for ${what} after ${Math.round(elapsedMs / 1000)} s; last state: ${state ?? (entity ? 'unknown' : 'gone')}`, state);
    }
    await sleep(Math.min(pause, Math.max(0, timeout - elapsedMs)), o.signal);
    pause = Math.min(pause * 1.5, o.maxIntervalMs ?? 5000);
  }
}
