// Keystone tokens kept between runs of the command: a JSON file in the user's
// cache directory, mode 0600, expired tokens dropped on every write.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CachedToken, TokenCache } from '../../client/index.js';

export function tokenCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(base, 'snf-occi', 'occi-tokens.json');
}

export class FileTokenCache implements TokenCache {
  constructor(private readonly file: string) {}

  private read(): Record<string, CachedToken> {
    if (!existsSync(this.file)) return {};
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, CachedToken>;
      return typeof data === 'object' && data !== null ? data : {};
    } catch {
      return {}; // a damaged cache is a cache miss
    }
  }

  private write(data: Record<string, CachedToken>): void {
    const now = Date.now();
    const kept = Object.fromEntries(Object.entries(data).filter(([, t]) => t.expiresAt > now));
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(kept), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  get(key: string): CachedToken | undefined {
    return this.read()[key];
  }

  set(key: string, token: CachedToken): void {
    this.write({ ...this.read(), [key]: token });
  }

  delete(key: string): void {
    const data = this.read();
    delete data[key];
    this.write(data);
  }
}
