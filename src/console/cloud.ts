// The cloud as the console shows it: the query interface and every compute,
// storage and network, read again by the poller; work under way per entity
// ("stopping…") until the entity reaches the state it is going to.
import { AFTER_ACTION, AuthError, stateOf, type Discovery, type Entity, type OcciClient } from '../client/index.js';
import { Poller } from './poller.js';
import { messageOf } from './format.js';

export interface CloudState {
  discovery?: Discovery;
  computes: Entity[];
  storages: Entity[];
  networks: Entity[];
  loaded: boolean;
  /** The last refresh's failure, in the server's words. */
  error?: string;
  /** Work under way, by entity location: what the page says while it lasts. */
  pending: ReadonlyMap<string, string>;
  /** When the entities were last read (ms). */
  readAt?: number;
}

const signature = (s: CloudState): string =>
  [...s.computes, ...s.storages, ...s.networks].map((e) => `${e.location} ${JSON.stringify(e.attributes)} ${e.mixins.join()} ${e.links.map((l) => l.location).join()}`).join('\n');

/** States on their way to another (building, or a message saying so). */
function changing(e: Entity): boolean {
  const { state, message } = stateOf(e);
  if (state === 'waiting') return true;
  return state !== 'active' && state !== 'online' && state !== 'error' && /ing\b/.test(message ?? '');
}

export class Cloud {
  state: CloudState = { computes: [], storages: [], networks: [], loaded: false, pending: new Map() };
  private readonly listeners = new Set<() => void>();
  private readonly poller = new Poller(() => this.refresh());
  private last = '';

  constructor(
    readonly client: OcciClient,
    /** Called when the server stops taking the token (it expired, or was revoked). */
    private readonly onAuthLost: (message: string) => void,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<CloudState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  start(): void {
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
  }

  /** Reads again soon and keeps reading quickly for a while. */
  kick(): void {
    this.poller.kick();
  }

  /** Reads everything; answers whether something is changing. */
  async refresh(): Promise<boolean> {
    try {
      const c = this.client;
      const [discovery, computes, storages, networks] = await Promise.all([c.discover(), c.listAll('compute'), c.listAll('storage'), c.listAll('network')]);
      const next: CloudState = { ...this.state, discovery, computes, storages, networks, loaded: true, readAt: Date.now() };
      delete next.error;
      const sig = signature(next);
      const moved = sig !== this.last;
      this.last = sig;
      this.set(next);
      return moved || this.state.pending.size > 0 || [...computes, ...storages, ...networks].some(changing);
    } catch (e) {
      if (e instanceof AuthError) this.onAuthLost(messageOf(e));
      this.set({ error: messageOf(e) });
      return false;
    }
  }

  /** Reads the query interface again (after tags were defined or deleted). */
  async rediscover(): Promise<void> {
    this.set({ discovery: await this.client.discover(true) });
  }

  private setPending(location: string, label: string | undefined): void {
    const pending = new Map(this.state.pending);
    if (label === undefined) pending.delete(location);
    else pending.set(location, label);
    this.set({ pending });
  }

  /**
   * Does `work` for an entity with `label` shown beside it; afterwards, for an
   * action that moves the entity to another state, keeps the label until it
   * gets there. Answers the failure's message, or undefined.
   */
  async act(location: string, label: string, work: () => Promise<unknown>, action?: string): Promise<string | undefined> {
    this.setPending(location, label);
    this.kick();
    try {
      await work();
      const target = action ? AFTER_ACTION[action] : undefined;
      if (target) await this.client.waitFor(location, { state: target, intervalMs: 500, maxIntervalMs: 5000, timeoutMs: 15 * 60_000 });
      return undefined;
    } catch (e) {
      return messageOf(e);
    } finally {
      // The page shows the outcome before the label goes.
      await this.refresh();
      this.setPending(location, undefined);
      this.kick();
    }
  }
}
