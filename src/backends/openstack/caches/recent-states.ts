// The settled state an action's polling (or a GET of the compute) has just
// seen, per server and per project Keystone confirmed, kept a few seconds.
// The next action on that server checks "allowed now" against it instead of
// reading the server first, only where Nova checks the state again itself
// (compute-actions.ts): the remembered state can let an action through,
// Nova's own refusal is the backstop, and a refusal is always said from the
// server read then.
import type { Cloud } from '../cloud.js';
import type { NovaServer } from '../clients/nova.js';
import { BoundedCache } from './cache.js';

/** How long a settled state counts as recent. */
export const RECENT_STATE_MS = 5_000;

export class RecentStates {
  private readonly cache: BoundedCache<NovaServer>;

  constructor(
    maxServers = 1_000,
    private readonly ttlMs = RECENT_STATE_MS,
    now: () => number = Date.now,
  ) {
    // A server body is a few KiB: a thousand of them stay within 4 MiB.
    this.cache = new BoundedCache(maxServers, now, 4 * 1024 * 1024, 'recent_states');
  }

  /** Keeps a server an action or a read saw settled, for this caller's project only. */
  remember(cloud: Cloud, server: NovaServer): void {
    this.cache.set(key(cloud, String(server.id)), server, this.ttlMs);
  }

  /** The server as this project saw it settled within the last seconds; used once. */
  take(cloud: Cloud, id: string): NovaServer | undefined {
    const k = key(cloud, id);
    const s = this.cache.get(k);
    this.cache.delete(k);
    return s;
  }

  /** Forgets a server this project deleted or changed otherwise. */
  forget(cloud: Cloud, id: string): void {
    this.cache.delete(key(cloud, id));
  }

  clear(): void {
    this.cache.clear();
  }
}

/** The project Keystone confirmed and the compute endpoint, then the server: never a header the caller chose. */
function key(cloud: Cloud, id: string): string {
  return `${cloud.scopeKey}|${id}`;
}
