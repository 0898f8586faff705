// npm run soak — a long run of mixed traffic (reads, filters, paging,
// creates, updates, actions, deletes, user mixins, in text and JSON) against
// a real snf-occi process on loopback, with a bounded population of
// entities. Every minute it prints the server's RSS (/proc/<pid>/status) and
// its heap after a full GC; at the end, whether memory levelled off.
// Exits 1 on any 5xx or dropped connection.
//   --seconds S / SOAK_SECONDS (600)   --report-every S / SOAK_REPORT_SECONDS (60)
//   --workers N / SOAK_WORKERS (8)
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Prng } from './support/prng.js';
import { heapReporting, levelled, sample, type Sample } from './support/heap-sample.js';
import { formatHostile, hostileTenant } from './support/hostile.js';
import { memoryOf, startServerChild } from './support/server-child.js';
import { runScript } from './support/run-script.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const KIND = `Category: compute; scheme="${INFRA}"; class="kind"`;
const ACTIONS = `${INFRA.slice(0, -1)}/compute/action#`;
const NET_LINK = `Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`;
const TOKENS = Array.from({ length: 3 }, (_, i) => ({ token: `soak-tenant${i}-token-0123456789abcdef0123456`, tenant: `tenant${i}` }));
const HOSTILE = { token: 'soak-hostile-token-0123456789abcdef0123456', tenant: 'hostile' };
/** Computes each worker keeps at most: creates and deletes balance around it. */
const POPULATION = 25;

interface Counters {
  requests: number;
  byStatus: Map<number, number>;
  serverErrors: number;
  drops: number;
  /** The first few 5xx and drops, to look into. */
  examples: string[];
  /** Answers outside the expected ones for their request (4xx), by request shape. */
  unexpected: Map<string, number>;
}

function setting(flag: string | undefined, env: string, fallback: number): number {
  const raw = flag ?? process.env[env];
  const n = raw === undefined ? fallback : Number(raw);
  if (!(n > 0)) throw new Error(`${env}: "${raw}" is not a positive number`);
  return n;
}

class Worker {
  private readonly computes: string[] = [];
  private readonly mixins: string[] = [];
  private n = 0;

  constructor(
    private readonly id: number,
    private readonly base: string,
    private readonly token: string,
    private readonly r: Prng,
    private readonly c: Counters,
  ) {}

  private async call(method: string, path: string, expect: number[], init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response | undefined> {
    this.c.requests++;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'X-Auth-Token': this.token, ...(init.body ? { 'Content-Type': 'text/plain' } : {}), ...init.headers },
        body: init.body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      if (++this.c.drops <= 20) this.c.examples.push(`dropped: ${method} ${path}: ${(e as Error).message}`);
      return undefined;
    }
    const text = await res.text();
    this.c.byStatus.set(res.status, (this.c.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) {
      if (++this.c.serverErrors <= 20) this.c.examples.push(`5xx: ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    } else if (!expect.includes(res.status)) {
      const key = `${method} ${path.replace(/[0-9a-f-]{36}/g, '<id>').replace(/\/w\d+m\d+\//, '/<mixin>/')} → ${res.status}`;
      this.c.unexpected.set(key, (this.c.unexpected.get(key) ?? 0) + 1);
    }
    return res;
  }

  private pickCompute(): string | undefined {
    return this.computes.length ? this.r.pick(this.computes) : undefined;
  }

  private accept(): Record<string, string> {
    return { Accept: this.r.pick(['text/plain', 'text/plain', 'application/occi+json', 'text/occi', 'text/uri-list']) };
  }

  /** text/uri-list renders listings only: an entity asked for in it is a 400 (D9). */
  private static expected(headers: Record<string, string>): number[] {
    return headers.Accept === 'text/uri-list' ? [400] : [200];
  }

  async step(): Promise<void> {
    const op = this.r.weighted<string>([
      [8, 'discover'],
      [10, 'list'],
      [4, 'filter'],
      [4, 'page'],
      [20, 'get'],
      [10, 'create'],
      [8, 'update'],
      [8, 'action'],
      [6, 'delete'],
      [2, 'define-mixin'],
      [5, 'tag'],
      [3, 'untag'],
      [2, 'list-mixin'],
      [1, 'delete-mixin'],
    ]);
    const vm = this.pickCompute();
    switch (op) {
      case 'discover':
        await this.call('GET', '/-/', [200], { headers: this.r.chance(0.5) ? { Accept: 'application/occi+json' } : {} });
        return;
      case 'list':
        await this.call('GET', this.r.pick(['/compute/', '/link/', '/resource/', '/', '/network/']), [200], { headers: this.accept() });
        return;
      case 'filter':
        await this.call('GET', '/compute/', [200], { headers: { 'X-OCCI-Attribute': `occi.core.title="w${this.id}-${this.r.int(50)}"` } });
        return;
      case 'page':
        await this.call('GET', `/compute/?page=${1 + this.r.int(3)}&number=${1 + this.r.int(10)}`, [200]);
        return;
      case 'get':
        if (vm) {
          const headers = this.accept();
          await this.call('GET', vm, Worker.expected(headers), { headers });
        }
        return;
      case 'create':
        if (this.computes.length >= POPULATION) return this.remove(this.computes[0]);
        return this.create();
      case 'update':
        if (vm) await this.call('POST', vm, [200], { body: `X-OCCI-Attribute: occi.core.title="w${this.id}-${this.r.int(50)}"\n` });
        return;
      case 'action': {
        if (!vm) return;
        const term = this.r.pick(['stop', 'start', 'restart', 'suspend']);
        // 409 when the state forbids it or a transition is under way (D2).
        await this.call('POST', `${vm}?action=${term}`, [200, 409], { body: `Category: ${term}; scheme="${ACTIONS}"; class="action"\n` });
        return;
      }
      case 'delete':
        if (vm && this.computes.length > POPULATION / 2) return this.remove(vm);
        return this.create();
      case 'define-mixin': {
        if (this.mixins.length >= 5) return;
        const name = `w${this.id}m${this.n++}`;
        const r = await this.call('POST', '/-/', [200], { body: `Category: ${name}; scheme="http://soak.example/#"; class="mixin"; location="/${name}/"\n` });
        if (r?.status === 200) this.mixins.push(name);
        return;
      }
      case 'tag':
        if (vm && this.mixins.length) await this.call('POST', `/${this.r.pick(this.mixins)}/`, [200], { headers: { 'X-OCCI-Location': vm } });
        return;
      case 'untag':
        if (vm && this.mixins.length) await this.call('DELETE', `/${this.r.pick(this.mixins)}/`, [200], { headers: { 'X-OCCI-Location': vm } });
        return;
      case 'list-mixin':
        if (this.mixins.length) await this.call('GET', `/${this.r.pick(this.mixins)}/`, [200]);
        return;
      default: {
        if (!this.mixins.length) return;
        const name = this.mixins.splice(this.r.int(this.mixins.length), 1)[0];
        await this.call('DELETE', '/-/', [200], { body: `Category: ${name}; scheme="http://soak.example/#"; class="mixin"\n` });
      }
    }
  }

  private async create(): Promise<void> {
    const lines = [KIND, `X-OCCI-Attribute: occi.core.title="w${this.id}-${this.r.int(50)}"`];
    if (this.r.chance(0.3)) lines.push(NET_LINK);
    if (this.mixins.length && this.r.chance(0.3)) lines.push(`Category: ${this.r.pick(this.mixins)}; scheme="http://soak.example/#"; class="mixin"`);
    const json = this.r.chance(0.2);
    const r = json
      ? await this.call('POST', '/compute/', [201], {
          body: JSON.stringify({ kind: `${INFRA}compute`, title: `w${this.id}-json` }),
          headers: { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' },
        })
      : await this.call('POST', '/compute/', [201], { body: lines.join('\n') + '\n' });
    const location = r?.headers.get('location');
    if (r?.status === 201 && location) this.computes.push(new URL(location).pathname);
  }

  private async remove(vm: string): Promise<void> {
    const r = await this.call('DELETE', vm, [200]);
    const at = this.computes.indexOf(vm);
    if ((r?.status === 200 || r?.status === 404) && at >= 0) this.computes.splice(at, 1);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, 'report-every': { type: 'string' }, workers: { type: 'string' } } });
  const seconds = setting(values.seconds, 'SOAK_SECONDS', 600);
  const every = setting(values['report-every'], 'SOAK_REPORT_SECONDS', 60);
  const workers = setting(values.workers, 'SOAK_WORKERS', 8);
  const heap = heapReporting();
  const heapLines = heap.lines;
  const server = await startServerChild({
    tokens: [...TOKENS, HOSTILE],
    nodeArgs: heap.nodeArgs,
    onStderrLine: heap.onStderrLine,
    // A third of the creates take a public address: more than one tenant may hold by default.
    config: { quotas: { sharedAddresses: 64 } },
    env: { SNF_OCCI_BOOT_MS: '200', SNF_OCCI_ACTION_MS: '100' },
  });
  // First a hostile tenant, then the soak: memory must level off after it too.
  const hostile = await hostileTenant(server, HOSTILE.token, { collect: async () => void (await sample(server, heapLines, 0, 0)) });
  process.stdout.write(`${formatHostile(hostile)}\n`);
  const counters: Counters = { requests: 0, byStatus: new Map(), serverErrors: 0, drops: 0, examples: [], unexpected: new Map() };
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const deadline = started + seconds * 1000;
  const samples: Sample[] = [];
  const print = (s: Sample): void => {
    const at = Math.round(s.at);
    const minute = `${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`;
    process.stdout.write(
      `[${minute}] ${s.requests} requests (${Math.round(s.requests / Math.max(s.at, 1))}/s), 5xx ${counters.serverErrors}, dropped ${counters.drops}, ` +
        `RSS ${s.rssMiB} MiB, heap used ${s.heapUsedMiB} MiB of ${s.heapTotalMiB} MiB\n`,
    );
  };
  try {
    process.stdout.write(`soak: ${server.base} (pid ${server.pid}), ${seconds} s, ${workers} workers, memory every ${every} s\n`);
    samples.push(await sample(server, heapLines, 0, 0));
    print(samples[0]);
    const reporter = (async () => {
      for (let k = 1; performance.now() < deadline; k++) {
        const wait = started + k * every * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, deadline - performance.now()))));
        // The final sample is taken after the workers stop.
        if (performance.now() >= deadline - 1000) break;
        const s = await sample(server, heapLines, elapsed(), counters.requests);
        samples.push(s);
        print(s);
      }
    })();
    const loops = Array.from({ length: workers }, async (_, i) => {
      const w = new Worker(i, server.base, TOKENS[i % TOKENS.length].token, new Prng(1000 + i), counters);
      // Bounded by time, and by count as a backstop.
      for (let n = 0; n < 50_000_000 && performance.now() < deadline; n++) await w.step();
    });
    await Promise.all([...loops, reporter]);
    const last = await sample(server, heapLines, elapsed(), counters.requests);
    samples.push(last);
    print(last);

    const statuses = [...counters.byStatus].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`).join(', ');
    const rss = levelled(samples, (s) => s.rssMiB, 10);
    const heap = levelled(samples, (s) => s.heapUsedMiB, 3);
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const out = [
      '',
      `requests: ${counters.requests} in ${Math.round(elapsed())} s (${Math.round(counters.requests / elapsed())}/s); by status: ${statuses}`,
      `5xx: ${counters.serverErrors}, dropped: ${counters.drops}, server alive: ${alive ? 'yes' : 'NO'}, server error log lines: ${server.errors.length}`,
      ...[...counters.unexpected].map(([k, v]) => `  unexpected: ${k} ×${v}`),
      ...counters.examples.map((e) => `  ${e}`),
      ...server.errors.slice(0, 5).map((e) => `  log: ${e}`),
      `memory: RSS ${samples[0].rssMiB} → ${last.rssMiB} MiB (peak ${memoryOf(server.pid).peakMiB} MiB), heap after GC ${samples[0].heapUsedMiB} → ${last.heapUsedMiB} MiB`,
      `over ${rss.over}: RSS ${rss.growth >= 0 ? '+' : ''}${rss.growth} MiB, heap ${heap.growth >= 0 ? '+' : ''}${heap.growth} MiB → memory levelled off: ${rss.flat && heap.flat ? 'yes' : 'NO'}`,
    ];
    process.stdout.write(out.join('\n') + '\n');
    return counters.serverErrors + counters.drops + hostile.serverErrors > 0 || !alive || !hostile.withinLimit ? 1 : 0;
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

runScript('soak', main);
