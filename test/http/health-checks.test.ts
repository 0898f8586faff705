// The background readiness checks behind /readyz (health.ts): they run again
// every health.checkIntervalMs, so a part that fails later is reported and one
// that recovers is cleared; stop() ends them (a server shut down asks its
// parts nothing more); with a shared store (store.url) there is no data
// directory to probe. Waits poll /readyz with a deadline.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaults } from '../../src/config/config.js';
import { Health } from '../../src/http/health.js';
import type { Backend } from '../../src/port/backend.js';
import { eventually } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'snf-occi-health-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const req = { headers: {} } as IncomingMessage;

/** A Health over a cloud whose readiness answers `cloud.reason`, checking every `intervalMs`. */
function health(cloud: { reason?: string }, intervalMs: number, configure: (c: ReturnType<typeof defaults>) => void = () => {}): Health {
  const config = defaults();
  config.dataDir = dir;
  config.health.checkIntervalMs = intervalMs;
  configure(config);
  const backend = { readiness: async () => cloud.reason } as unknown as Backend;
  return new Health(config, backend, { readiness: async () => undefined }, () => ({ draining: false }), () => []);
}

const reasons = async (h: Health): Promise<string[]> => {
  const a = await h.answer('/readyz', req);
  return a!.status === 200 ? [] : (JSON.parse(a!.body).reasons as string[]);
};

test('the checks run again every interval: a cloud that fails later is reported, and cleared once it is back', async () => {
  const cloud: { reason?: string } = {};
  const h = health(cloud, 50);
  h.start();
  try {
    await eventually(() => reasons(h), (r) => r.length === 0);
    cloud.reason = 'the identity service is unreachable';
    assert.deepEqual(await eventually(() => reasons(h), (r) => r.length > 0), ['the identity service is unreachable']);
    cloud.reason = undefined;
    await eventually(() => reasons(h), (r) => r.length === 0);
  } finally {
    h.stop();
  }
  assert.deepEqual(readdirSync(dir), [], 'the probe file is removed after each check');
});

test('stop() ends the checks: the timer start() armed is cleared', () => {
  const armed: NodeJS.Timeout[] = [];
  const cleared: unknown[] = [];
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  globalThis.setInterval = ((fn: () => void, ms?: number) => {
    const t = realSet(fn, ms);
    armed.push(t);
    return t;
  }) as typeof setInterval;
  globalThis.clearInterval = ((t: NodeJS.Timeout | undefined) => {
    cleared.push(t);
    realClear(t);
  }) as typeof clearInterval;
  const h = health({}, 60_000);
  try {
    h.start();
    assert.equal(armed.length, 1, 'start() arms one timer');
    h.stop();
    assert.deepEqual(cleared, armed, 'stop() clears it');
  } finally {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
    for (const t of armed) realClear(t);
  }
});

test('with a shared store (store.url) the data directory is not probed: a missing one is no reason', async () => {
  const missing = join(dir, 'never-made');
  const h = health({}, 60_000, (c) => {
    c.store.url = 'postgres://occi@127.0.0.1:1/occi';
    c.dataDir = missing;
  });
  h.start();
  try {
    assert.deepEqual(await eventually(() => reasons(h), (r) => !r.includes('the first health check has not finished yet')), []);
  } finally {
    h.stop();
  }
});
