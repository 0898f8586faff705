// Tokens of the embedded cloud: stored as sha256 hashes with their tenant. A
// fresh data dir gets one random token for tenant 'demo', written to
// <dataDir>/token (mode 0600) so a newcomer can use the server at once.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './database.js';

export const TOKEN_FILE = 'token';
export const DEMO_TENANT = 'demo';

const hash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Tokens remembered after a successful lookup (the embedded cloud has a handful). */
const MAX_KNOWN = 1000;

export class TokenStore {
  private readonly known = new Map<string, string>();
  private readonly insert;
  private readonly lookup;
  private readonly count;

  constructor(db: Db) {
    // A token given again (config reload) keeps one row; its tenant follows the config.
    this.insert = db.prepare(
      'INSERT INTO tokens (hash, tenant) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET tenant = excluded.tenant',
    );
    this.lookup = db.prepare('SELECT tenant FROM tokens WHERE hash = ?').pluck();
    this.count = db.prepare('SELECT count(*) FROM tokens').pluck();
  }

  isEmpty(): boolean {
    return this.count.get() === 0;
  }

  add(token: string, tenant: string): void {
    this.insert.run(hash(token), tenant);
    this.known.delete(token);
  }

  /** The token's tenant. Known tokens are remembered, so a request costs no hash and no query; unknown ones never are. */
  tenantOf(token: string): string | undefined {
    const hit = this.known.get(token);
    if (hit !== undefined) return hit;
    const tenant = this.lookup.get(hash(token)) as string | undefined;
    if (tenant !== undefined) {
      if (this.known.size >= MAX_KNOWN) this.known.clear();
      this.known.set(token, tenant);
    }
    return tenant;
  }
}

/** Creates the demo token and writes it for the operator; run it in a transaction, so a failed write stores nothing. */
export function createInitialToken(store: TokenStore, dataDir: string): void {
  const token = randomBytes(32).toString('base64url');
  store.add(token, DEMO_TENANT);
  const file = join(dataDir, TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync keeps the mode of a file that already existed
}

export function readInitialToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`no token file at ${file}: open the embedded cloud on this data dir first (${(e as Error).message})`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`token file ${file} is empty`);
  return token;
}
