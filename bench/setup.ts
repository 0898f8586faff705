// What the bench measures against: tenants with 10,000, 100 and 1 computes
// on the embedded cloud, and a user mixin tagging 1,000 of the 10,000. Made
// through the API: JSON batch creates and location lists, as a client would.
import { get } from './measure.js';

export const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
export const KIND = `Category: compute; scheme="${INFRA}"; class="kind"\n`;
export const TAG_LOCATION = '/tags/bench/';

/** Requests in flight at once while setting up. */
const PARALLEL = 4;

async function send(base: string, token: string, method: string, path: string, type: string, body: string, expect: number): Promise<Response> {
  const r = await fetch(`${base}${path}`, { method, headers: { 'X-Auth-Token': token, 'Content-Type': type, Accept: 'text/plain' }, body });
  if (r.status !== expect) throw new Error(`setup ${method} ${path}: ${r.status} ${(await r.text()).slice(0, 300)}`);
  return r;
}

async function inParallel(jobs: Array<() => Promise<unknown>>): Promise<void> {
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
}

/** Creates `count` computes in JSON batches of `batch` (all or nothing each). */
export async function computes(base: string, token: string, count: number, batch: number): Promise<void> {
  const jobs: Array<() => Promise<unknown>> = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const resources = Array.from({ length: n }, (_, j) => ({ kind: `${INFRA}compute`, title: `vm-${i + j}` }));
    jobs.push(() => send(base, token, 'POST', '/compute/', 'application/occi+json', JSON.stringify({ resources }), 201));
  }
  await inParallel(jobs);
}

/** One compute; its path. */
export async function compute(base: string, token: string): Promise<string> {
  const r = await send(base, token, 'POST', '/compute/', 'text/plain', KIND, 201);
  return new URL(r.headers.get('location')!).pathname;
}

/** Defines a user mixin and tags every `every`-th compute of the tenant with it, `batch` locations per request. */
export async function tagged(base: string, token: string, every: number, batch: number): Promise<number> {
  const mixin = `Category: bench; scheme="http://example.com/bench#"; class="mixin"; location="${TAG_LOCATION}"\n`;
  await send(base, token, 'POST', '/-/', 'text/plain', mixin, 200);
  const listing = await get(base, '/compute/', { 'X-Auth-Token': token, Accept: 'text/uri-list' });
  const urls = listing.body.split('\r\n').filter((u, i) => u !== '' && i % every === 0);
  const jobs: Array<() => Promise<unknown>> = [];
  for (let i = 0; i < urls.length; i += batch) {
    const body = urls.slice(i, i + batch).map((u) => `X-OCCI-Location: ${u}\n`).join('');
    jobs.push(() => send(base, token, 'POST', TAG_LOCATION, 'text/plain', body, 200));
  }
  await inParallel(jobs);
  return urls.length;
}
