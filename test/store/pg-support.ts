// What the PostgreSQL store tests share: a log the stores write to (shown when
// a case fails), their settings on a URL, and a wait that polls a condition.
import assert from 'node:assert/strict';
import { defaultStoreSettings } from '../../src/config/store-settings.js';
import type { StoreLog, StoreSettings } from '../../src/store/store.js';

/** Log lines the stores wrote, to show when a case fails. */
export const lines: string[] = [];
export const log: StoreLog = {
  info: (f, m) => void lines.push(`info ${m} ${JSON.stringify(f)}`),
  warn: (f, m) => void lines.push(`warn ${m} ${JSON.stringify(f)}`),
};

export const settings = (url: string, more: Partial<StoreSettings> = {}): StoreSettings => ({ ...defaultStoreSettings(), url, ...more });

/** Polls `check` until it holds (anything but false); fails with what was last seen and the stores' last log lines. */
export async function eventually(what: string, check: () => Promise<unknown> | unknown, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const r = await check();
      if (r !== false) return;
      last = r;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms; last seen: ${String(last)}\nstore log:\n${lines.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
