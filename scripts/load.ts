// npm run load — throughput and latency under many connections: autocannon
// against a real snf-occi process on loopback, at 64 and 256 connections, on
// GET /-/, GET /compute/ (100 computes), GET /compute/<id> and create+delete.
// Each run is bounded in time. Prints requests/s, p50/p97.5/p99 and errors.
//   --seconds S / LOAD_SECONDS (10)   --connections 64,256 / LOAD_CONNECTIONS
import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEntity } from './support/fixtures.js';
import { heapReporting, sample } from './support/heap-sample.js';
import { formatHostile, hostileTenant } from './support/hostile.js';
import { memoryOf, startServerChild } from './support/server-child.js';
import { runScript } from './support/run-script.js';

const KIND = 'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"';
const COMPUTES = 100;
const TOKENS = {
  many: 'load-many-token-0123456789abcdef0123456',
  solo: 'load-solo-token-0123456789abcdef0123456',
  churn: 'load-churn-token-0123456789abcdef0123456',
  hostile: 'load-hostile-token-0123456789abcdef0123456',
};

interface Row {
  scenario: string;
  connections: number;
  rps: number;
  p50: number;
  p975: number;
  p99: number;
  requests: number;
  errors: number;
  /** What the errors were: socket errors, timeouts, and answers by status outside 2xx. */
  detail: string;
}

function locationOf(headers: Record<string, string> | undefined): string {
  // autocannon keeps the server's header-name case.
  const value = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'location')?.[1];
  return value ? new URL(String(value)).pathname : '/compute/missing';
}

async function run(scenario: string, connections: number, seconds: number, opts: autocannon.Options): Promise<Row> {
  const r = await autocannon({ connections, duration: seconds, ...opts });
  return {
    scenario,
    connections,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p975: r.latency.p97_5,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
    detail: [
      r.errors ? `${r.errors} socket errors` : '',
      r.timeouts ? `${r.timeouts} timeouts` : '',
      ...Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, v]) => `${v.count} × ${code}`),
    ].filter(Boolean).join(', '),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, connections: { type: 'string' } } });
  const seconds = Number(values.seconds ?? process.env.LOAD_SECONDS ?? 10);
  const levels = String(values.connections ?? process.env.LOAD_CONNECTIONS ?? '64,256').split(',').map(Number);
  if (!(seconds > 0) || levels.some((n) => !(n > 0))) throw new Error('--seconds and --connections must be positive numbers');
  const heap = heapReporting();
  const server = await startServerChild({
    tokens: Object.entries(TOKENS).map(([tenant, token]) => ({ token, tenant })),
    nodeArgs: heap.nodeArgs,
    onStderrLine: heap.onStderrLine,
    env: { SNF_OCCI_BOOT_MS: '0', SNF_OCCI_ACTION_MS: '0' },
  });
  const base = server.base;
  try {
    process.stdout.write(`load: ${base} (pid ${server.pid}), ${seconds} s per run, connections ${levels.join(' and ')}, Node ${process.version}\n`);
    for (let i = 0; i < COMPUTES; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => createEntity(base, TOKENS.many, '/compute/', [KIND, `X-OCCI-Attribute: occi.core.title="vm-${i + j}"`])));
    }
    const solo = await createEntity(base, TOKENS.solo, '/compute/', [KIND]);
    const rows: Row[] = [];
    for (const connections of levels) {
      const go = (scenario: string, opts: autocannon.Options): Promise<Row> => run(scenario, connections, seconds, opts);
      rows.push(await go('GET /-/', { url: `${base}/-/`, headers: { 'X-Auth-Token': TOKENS.many } }));
      rows.push(await go(`GET /compute/ (${COMPUTES} computes)`, { url: `${base}/compute/`, headers: { 'X-Auth-Token': TOKENS.many } }));
      rows.push(await go('GET /compute/<id>', { url: `${base}${solo}`, headers: { 'X-Auth-Token': TOKENS.solo } }));
      rows.push(
        await go('create+delete (per request)', {
          url: base,
          requests: [
            {
              method: 'POST',
              path: '/compute/',
              headers: { 'X-Auth-Token': TOKENS.churn, 'Content-Type': 'text/plain' },
              body: `${KIND}\n`,
              onResponse: (_status: number, _body: string, context: Record<string, unknown>, headers?: Record<string, string>) => {
                context.location = locationOf(headers);
              },
            },
            {
              method: 'DELETE',
              headers: { 'X-Auth-Token': TOKENS.churn },
              setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => ({ ...req, path: context.location as string }),
            },
          ] as autocannon.Request[],
        }),
      );
      process.stdout.write(`  done at ${connections} connections\n`);
    }
    // Last, a hostile tenant on the same server, with many connections.
    const hostile = await hostileTenant(server, TOKENS.hostile, { connections: 64, collect: async () => void (await sample(server, heap.lines, 0, 0)) });
    const memory = memoryOf(server.pid);
    const line = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
    const out = [
      '',
      line(['scenario', 'connections', 'requests/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'requests', 'errors']),
      line(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      ...rows.map((r) => line([r.scenario, r.connections, r.rps, r.p50, r.p975, r.p99, r.requests, r.errors])),
      '',
      `server memory: RSS ${memory.rssMiB} MiB, peak (VmHWM) ${memory.peakMiB} MiB; error log lines: ${server.errors.length}`,
      ...rows.filter((r) => r.detail !== '').map((r) => `errors of ${r.scenario} at ${r.connections}: ${r.detail}`),
      ...server.errors.slice(0, 5),
      formatHostile(hostile),
    ];
    process.stdout.write(out.join('\n') + '\n');
    return rows.some((r) => r.errors > 0) || server.errors.length > 0 || hostile.serverErrors > 0 || !hostile.withinLimit ? 1 : 0;
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

runScript('load', main);
