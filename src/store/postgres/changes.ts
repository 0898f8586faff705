// Hearing of changes made through the other replicas: one connection of its
// own LISTENs on a channel that every change to a tenant's mixin definitions
// NOTIFYs, in the same transaction (so the notice goes out exactly when the
// change is committed). PostgreSQL delivers notices to every connection
// listening when they are committed, and to none that is not: so whenever
// this connection is lost, or found dead by the heartbeat, everything is
// taken to have changed, and again once it listens anew (what happened in
// between was not heard). It reconnects by itself, waiting longer each time
// up to a few seconds.
import pg from 'pg';
import type { StoreLog } from '../store.js';
import { causeOf } from './errors.js';

export const CHANNEL = 'snf_occi_user_mixins';

/** The longest a notice's payload may be (PostgreSQL's limit is 8000 bytes). */
const MAX_PAYLOAD = 7_900;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;
/** A silent network (no reset) is noticed by a query this often on the listening connection. */
const HEARTBEAT_MS = 5_000;

/** The payload: who made the change (so its maker skips it) and whose mixins changed; '*' for every tenant. */
export function notice(replica: string, tenant: string): string {
  const payload = `${replica}\n${tenant}`;
  return Buffer.byteLength(payload) <= MAX_PAYLOAD ? payload : `${replica}\n*`;
}

export interface ChangeFeedOptions {
  /** A new, unconnected client with the store's settings. */
  client: () => pg.Client;
  /** This replica's id: its own notices are skipped (it knew of the change first). */
  replica: string;
  /** A tenant's definitions changed elsewhere; undefined: anyone's may have. */
  changed: (tenant: string | undefined) => void;
  log: StoreLog;
  target: string;
}

export class ChangeFeed {
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Why the last attempt to listen failed, for /readyz and the logs. */
  lastError: string | undefined;

  constructor(private readonly o: ChangeFeedOptions) {}

  /** Listens; rejects when the first connection fails (the start reports it). */
  async start(): Promise<void> {
    await this.listen();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Whether notices are being heard now; while not, the store's versions change on every read. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async listen(): Promise<void> {
    const c = this.o.client();
    c.on('error', (err) => this.lost(c, err));
    c.on('end', () => this.lost(c, new Error('Connection ended')));
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || n.payload === undefined) return;
      const cut = n.payload.indexOf('\n');
      if (n.payload.slice(0, cut) === this.o.replica) return;
      const tenant = n.payload.slice(cut + 1);
      this.o.changed(tenant === '*' ? undefined : tenant);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      c.removeAllListeners('end');
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) return void (await c.end().catch(() => undefined));
    this.client = c;
    this.retryMs = FIRST_RETRY_MS;
    this.lastError = undefined;
    // Whatever changed while nobody listened was not heard.
    this.o.changed(undefined);
  }

  private lost(c: pg.Client, err: unknown): void {
    if (c !== this.client) return;
    this.client = undefined;
    this.o.changed(undefined);
    this.lastError = causeOf(err);
    if (this.closed) return;
    this.o.log.warn({ store: this.o.target, err: this.lastError }, 'lost the connection that hears of changes made through other replicas; reconnecting (user mixins are read afresh meanwhile)');
    c.removeAllListeners('end');
    c.on('error', () => undefined);
    void c.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.listen().then(
        () => this.o.log.info({ store: this.o.target }, 'hearing of changes made through other replicas again'),
        (err: unknown) => {
          this.lastError = causeOf(err);
          this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
          this.retry();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** A query on the listening connection: a network that went silent fails it (query_timeout), and the feed reconnects. */
  private async beat(): Promise<void> {
    const c = this.client;
    if (!c) return;
    try {
      await c.query('SELECT 1');
    } catch (err) {
      this.lost(c, err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners('end');
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}
