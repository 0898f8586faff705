// The hostile tenant, for the fuzz, load and soak scripts: one valid token
// that tries to grow the server's memory for everybody. It asks GET /-/ with a
// new X-Project-Id and Host each time, in every rendering; defines mixins with
// 900 KB titles, then as many mixins as its quota allows at the longest title
// allowed; and creates computes, links on the shared network and storage up
// to its quotas. The server's RSS is read before and after, each time once the
// server has been idle long enough for it to level off (V8 gives back the heap
// that a burst of traffic made it take after a few idle seconds; with
// heap-report.js preloaded a full GC is asked for too). It may grow by at most
// GROWTH_LIMIT_MIB; the RSS right after the burst and the peak are reported
// beside it.
import http from 'node:http';
import { memoryOf, type ServerChild } from './server-child.js';

export const GROWTH_LIMIT_MIB = 30;
const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const ACCEPTS = ['text/plain', 'application/occi+json', 'text/occi', 'application/json'];

export interface HostileOptions {
  /** GET /-/ requests with distinct X-Project-Id and Host (default 16,000). */
  discoveries?: number;
  /** Computes to try to create; creation stops at the first 403 (default 20,000: past the default quota). */
  creates?: number;
  /** Requests of a well-behaved client first, the control the growth is measured from (default 8,000). */
  warmup?: number;
  /** Parallel connections (default 8). */
  connections?: number;
  /** Called before and after to settle the heap (e.g. SIGUSR2 to heap-report.js); resolves once done. */
  collect?: () => Promise<void>;
}

export interface StepMemory {
  step: string;
  rssMiB: number;
}

export interface HostileReport {
  rssBeforeMiB: number;
  rssAfterMiB: number;
  peakMiB: number;
  growthMiB: number;
  withinLimit: boolean;
  /** Answers by step and status, e.g. "discover 200": 16000. */
  answers: Map<string, number>;
  /** RSS after each step. */
  steps: StepMemory[];
  serverErrors: number;
  seconds: number;
}

interface Answer {
  status: number;
  body: string;
}

export async function hostileTenant(server: ServerChild, token: string, o: HostileOptions = {}): Promise<HostileReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? 8 });
  const answers = new Map<string, number>();
  let serverErrors = 0;
  const call = (step: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const h: Record<string, string> = { 'X-Auth-Token': token, ...headers };
      if (body !== undefined) h['Content-Length'] = String(Buffer.byteLength(body));
      const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers: h, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const key = `${step} ${status}`;
          answers.set(key, (answers.get(key) ?? 0) + 1);
          if (status >= 500) serverErrors++;
          resolve({ status, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const parallel = async (n: number, work: (i: number) => Promise<unknown>): Promise<void> => {
    let next = 0;
    const lanes = Array.from({ length: o.connections ?? 8 }, async () => {
      while (next < n) await work(next++);
    });
    await Promise.all(lanes);
  };
  const plain = { 'Content-Type': 'text/plain' };
  const started = performance.now();
  const steps: StepMemory[] = [];
  const mark = (step: string): void => void steps.push({ step, rssMiB: memoryOf(server.pid).rssMiB });

  // The control: the same kind of traffic from a well-behaved client (one project, one host) first, so
  // that the 'before' figure includes what any busy server holds (V8 sizes its heap to the traffic).
  await parallel(o.warmup ?? 8_000, (i) => call('control', 'GET', i % 5 === 4 ? '/compute/' : '/-/', { Accept: ACCEPTS[i % ACCEPTS.length]! }));
  const before = await levelledRss(server, o.collect);
  mark('control');

  await parallel(o.discoveries ?? 16_000, (i) =>
    call('discover', 'GET', '/-/', { 'X-Project-Id': `project-${i}`, Host: `h${i}.tenant.example`, Accept: ACCEPTS[i % ACCEPTS.length]! }),
  );
  // In JSON: a text rendering refuses any value over 64 KiB before the quota is even looked at.
  mark('distinct projects and hosts');
  const huge = 'T'.repeat(900 * 1024);
  await parallel(10, (i) =>
    call('huge mixin', 'POST', '/-/', { 'Content-Type': 'application/occi+json' }, JSON.stringify({ mixins: [{ term: `huge${i}`, scheme: 'http://hostile.example/#', title: huge, location: `/huge${i}/` }] })),
  );
  // As many mixins as the quota allows (500 by default), each with the longest title allowed (256), 100 a request.
  const title = 'T'.repeat(256);
  for (let batch = 0; batch < 20; batch++) {
    const lines = Array.from({ length: 100 }, (_, k) => {
      const n = batch * 100 + k;
      return `Category: m${n}; scheme="http://hostile.example/#"; class="mixin"; title="${title}"; location="/m${n}/"`;
    });
    const r = await call('mixins', 'POST', '/-/', plain, lines.join('\n') + '\n');
    if (r.status !== 200) break;
  }
  mark('mixins');
  await parallel(200, (i) => call('discover with mixins', 'GET', '/-/', { Host: `m${i}.tenant.example`, Accept: ACCEPTS[i % ACCEPTS.length]! }));
  mark('discovery of the mixins');
  await parallel(40, () =>
    call('link to public', 'POST', '/compute/', plain, `Category: compute; scheme="${INFRA}"; class="kind"\nLink: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"\n`),
  );
  let full = false;
  await parallel(o.creates ?? 20_000, async () => {
    if (full) return;
    const r = await call('create', 'POST', '/compute/', plain, `Category: compute; scheme="${INFRA}"; class="kind"\n`);
    if (r.status === 403) full = true;
  });
  mark('mass creation');
  await parallel(200, () => call('storage', 'POST', '/storage/', plain, `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n`));
  await call('list', 'GET', '/compute/', { Accept: 'text/uri-list' });
  agent.destroy();
  mark('storage and a listing');

  const after = await levelledRss(server, o.collect);
  const growth = Math.round((after - before) * 10) / 10;
  return {
    rssBeforeMiB: before,
    rssAfterMiB: after,
    peakMiB: memoryOf(server.pid).peakMiB,
    growthMiB: growth,
    withinLimit: growth <= GROWTH_LIMIT_MIB,
    answers,
    steps,
    serverErrors,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/**
 * The RSS once it no longer moves: 10 idle seconds first (V8's memory reducer waits about that long
 * before it gives memory back), then a reading every 2 s (after a GC when possible) until two agree
 * within 1 MiB, 40 s at most.
 */
async function levelledRss(server: ServerChild, collect: (() => Promise<void>) | undefined): Promise<number> {
  await new Promise((r) => setTimeout(r, 10_000));
  let last = Number.NaN;
  for (let i = 0; i < 15; i++) {
    await collect?.();
    const rss = memoryOf(server.pid).rssMiB;
    if (Math.abs(rss - last) < 1) return rss;
    last = rss;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return last;
}

export function formatHostile(r: HostileReport): string {
  const steps = [...r.answers].map(([k, v]) => `${k}: ${v}`).join(', ');
  return [
    `hostile tenant (${r.seconds} s): ${steps}`,
    `  RSS after each step: ${r.steps.map((s) => `${s.step} ${s.rssMiB}`).join(', ')} MiB`,
    `  5xx: ${r.serverErrors}; server RSS, levelled off once idle: ${r.rssBeforeMiB} → ${r.rssAfterMiB} MiB (${r.growthMiB >= 0 ? '+' : ''}${r.growthMiB} MiB, ` +
      `limit +${GROWTH_LIMIT_MIB}: ${r.withinLimit ? 'within' : 'OVER'}); peak ${r.peakMiB} MiB`,
  ].join('\n');
}
