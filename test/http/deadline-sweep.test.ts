// The one timer behind every request's deadline (deadline.ts): it runs only
// while a deadline is in flight — an idle server wakes up for nothing — and is
// armed again by the next one; a deadline cleared after it expired (the
// handler clears its deadline whatever happened) leaves the others in flight
// in the list, so they still fail with 504 when their time comes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deadline } from '../../src/http/deadline.js';
import { OcciError } from '../../src/errors.js';

const never = new Promise<never>(() => {});

/** `work`'s rejection; a failure naming `what` when it has not settled within `ms` (generous: the machine may be loaded). */
async function rejectionWithin(work: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms)));
  try {
    await Promise.race([work.then(() => assert.fail(`${what}: resolved`)), late]);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(what)) throw err;
    return err;
  } finally {
    clearTimeout(timer);
  }
  return undefined;
}

test('a deadline cleared after it expired leaves the others in flight in the list: they still fail with 504', async () => {
  const later = new Deadline(3000); // long enough that the sweep failing the 10 ms one does not fail it too
  const sooner = new Deadline(10);
  const first = await rejectionWithin(sooner.race(never), 10_000, 'the 10 ms deadline');
  assert.ok(first instanceof OcciError && first.status === 504, String(first));
  sooner.clear(); // as the handler's finally does
  const second = await rejectionWithin(later.race(never), 10_000, 'the 3,000 ms deadline, after the expired one was cleared');
  assert.ok(second instanceof OcciError && second.status === 504, String(second));
  assert.equal((second as OcciError).message, 'the request took longer than 3000 ms');
  later.clear();
});

test('the sweeping timer stops once no deadline is in flight, and the next deadline arms it again', async () => {
  const armed: string[] = [];
  const stopped: string[] = [];
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  // Each timer is told apart by its callback's name: the sweeper's is `sweep`.
  globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    armed.push(fn.name);
    return realSet(fn, ms, ...rest);
  }) as typeof setInterval;
  globalThis.clearInterval = ((h: NodeJS.Timeout | undefined) => {
    stopped.push((h as unknown as { _onTimeout?: { name?: string } } | undefined)?._onTimeout?.name ?? '?');
    return realClear(h);
  }) as typeof clearInterval;
  const stoppedWithin = async (what: string): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!stopped.includes('sweep')) {
      if (Date.now() > deadline) assert.fail(`${what}: the sweeper still runs after 10 s (timers stopped: ${JSON.stringify(stopped)})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    new Deadline(60_000).clear();
    await stoppedWithin('no deadline left');
    armed.length = 0;
    stopped.length = 0;
    const next = new Deadline(60_000);
    assert.deepEqual(armed, ['sweep'], 'the next deadline arms the sweeper again');
    next.clear();
    await stoppedWithin('the next one cleared too');
  } finally {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  }
});
