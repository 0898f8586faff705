// Tokens of the embedded cloud. The valid ones are decided at every start:
// the configured tokens (local.tokens) when there are any, and only those, so
// removing one revokes it; otherwise the demo token of <dataDir>/token, made
// (for tenant 'demo', mode 0600) only in a new data directory. They are stored
// as HMAC-SHA256 under a random key kept in the database, never in clear.
// Data directories of older versions hold unkeyed SHA-256 hashes: their demo
// token still works, and its row is re-keyed on first use.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { quickDigest } from '../../digest.js';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './database.js';

export const TOKEN_FILE = 'token';
export const DEMO_TENANT = 'demo';
/** Shortest token accepted: 32 characters (`openssl rand -hex 32` makes 64). */
export const MIN_TOKEN_LENGTH = 32;

const sha256 = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Tokens remembered after a successful lookup (the embedded cloud has a handful). */
const MAX_KNOWN = 1000;

export interface TokenGrant {
  token: string;
  tenant: string;
}

export class TokenStore {
  private readonly key: Buffer;
  /** Tenants of tokens seen, by the token's digest (never the token itself): a hash costs a quarter of an HMAC. */
  private readonly known = new Map<string, string>();
  private legacy: boolean;
  private readonly q;

  constructor(private readonly db: Db) {
    const stored = db.prepare("SELECT value FROM secrets WHERE name = 'token-key'").pluck().get() as Buffer | undefined;
    this.key = stored ?? randomBytes(32);
    if (!stored) db.prepare("INSERT INTO secrets (name, value) VALUES ('token-key', ?)").run(this.key);
    this.q = {
      insert: db.prepare('INSERT OR REPLACE INTO tokens (hash, tenant, keyed) VALUES (?, ?, 1)'),
      lookup: db.prepare('SELECT tenant FROM tokens WHERE hash = ? AND keyed = 1').pluck(),
      lookupLegacy: db.prepare('SELECT tenant FROM tokens WHERE hash = ? AND keyed = 0').pluck(),
      rekey: db.prepare('UPDATE tokens SET hash = ?, keyed = 1 WHERE hash = ? AND keyed = 0'),
      legacyDemo: db.prepare('SELECT count(*) FROM tokens WHERE keyed = 0 AND tenant = ?').pluck(),
      dropAllBut: db.prepare('DELETE FROM tokens WHERE NOT (keyed = 0 AND tenant = ?)'),
      count: db.prepare('SELECT count(*) FROM tokens').pluck(),
      clear: db.prepare('DELETE FROM tokens'),
    };
    this.legacy = this.hasLegacy();
  }

  private mac(token: string): string {
    return createHmac('sha256', this.key).update(token, 'utf8').digest('hex');
  }

  private hasLegacy(): boolean {
    return (this.db.prepare('SELECT count(*) FROM tokens WHERE keyed = 0').pluck().get() as number) > 0;
  }

  isEmpty(): boolean {
    return this.q.count.get() === 0;
  }

  /** Makes `grants` the only valid tokens. */
  replaceAll(grants: readonly TokenGrant[]): void {
    this.q.clear.run();
    for (const g of grants) this.q.insert.run(this.mac(g.token), g.tenant);
    this.known.clear();
    this.legacy = false;
  }

  /** Keeps only the demo token of an older data directory whose token file is gone; whether there was one. */
  keepLegacyDemo(): boolean {
    if ((this.q.legacyDemo.get(DEMO_TENANT) as number) === 0) return false;
    this.q.dropAllBut.run(DEMO_TENANT);
    this.known.clear();
    return true;
  }

  /**
   * The token's tenant. Known tokens are remembered by their digest (`digest`, quickDigest of the token, when
   * the caller has it), so a request costs no query and no HMAC; unknown ones never are.
   */
  tenantOf(token: string, digest?: string): string | undefined {
    const memo = digest ?? quickDigest(token);
    const hit = this.known.get(memo);
    if (hit !== undefined) return hit;
    const mac = this.mac(token);
    let tenant = this.q.lookup.get(mac) as string | undefined;
    if (tenant === undefined && this.legacy) tenant = this.fromLegacy(token, mac);
    if (tenant !== undefined) {
      if (this.known.size >= MAX_KNOWN) this.known.clear();
      this.known.set(memo, tenant);
    }
    return tenant;
  }

  /** A token of an older data directory: valid, and stored keyed from now on (when the disk allows). */
  private fromLegacy(token: string, mac: string): string | undefined {
    const tenant = this.q.lookupLegacy.get(sha256(token)) as string | undefined;
    if (tenant === undefined) return undefined;
    try {
      this.q.rekey.run(mac, sha256(token));
      this.legacy = this.hasLegacy();
    } catch {
      // A full or read-only disk: the token stays valid unkeyed; it is re-keyed once writes work again.
    }
    return tenant;
  }
}

/**
 * Decides the valid tokens at start (run it in a transaction): the configured
 * ones when any, else the demo token. Throws, saying what to do, when there is
 * no token to give.
 */
export function settleTokens(store: TokenStore, dataDir: string, configured: readonly TokenGrant[]): void {
  const short = configured.find((t) => t.token.length < MIN_TOKEN_LENGTH);
  if (short) {
    throw new Error(
      `the token of tenant ${short.tenant} in local.tokens has ${short.token.length} characters; tokens need at least ${MIN_TOKEN_LENGTH}: make one with \`openssl rand -hex 32\``,
    );
  }
  const file = join(dataDir, TOKEN_FILE);
  if (configured.length > 0) {
    store.replaceAll(configured);
    rmSync(file, { force: true }); // the demo token is not valid beside configured ones
    return;
  }
  const demo = readTokenFile(file);
  if (demo !== undefined) return store.replaceAll([{ token: demo, tenant: DEMO_TENANT }]);
  if (store.keepLegacyDemo()) return;
  if (store.isEmpty()) return createInitialToken(store, dataDir);
  throw new Error(
    `no token is configured (local.tokens) and the data directory ${dataDir} has no demo token (it was used with configured tokens): ` +
      'configure local.tokens, each token at least 32 characters (`openssl rand -hex 32`); the demo token is only made in a new data directory',
  );
}

/** Creates the demo token and writes it for the operator; run it in a transaction, so a failed write stores nothing. */
function createInitialToken(store: TokenStore, dataDir: string): void {
  const token = randomBytes(32).toString('base64url');
  store.replaceAll([{ token, tenant: DEMO_TENANT }]);
  const file = join(dataDir, TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync keeps the mode of a file that already existed
}

function readTokenFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const token = text.trim();
  return token === '' ? undefined : token;
}

export function readInitialToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  const token = readTokenFile(file);
  if (token === undefined) {
    throw new Error(
      `no demo token at ${file}: the embedded cloud makes one only in a new data directory with no local.tokens configured; with tokens configured, use one of those`,
    );
  }
  return token;
}
