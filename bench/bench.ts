// npm run bench — throughput and latency of the main requests against a real
// snf-occi process on the embedded cloud, over loopback, bounded in time.
// Prints requests/s, p50/p99 latency and the server's peak memory.
//   BENCH_SECONDS (default 5) per scenario, BENCH_CONNECTIONS (default 16).
import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { memoryOf, startServerChild } from '../scripts/support/server-child.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const COMPUTES = 1000;
const KIND = 'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\n';
const TYPES = { text: 'text/plain', json: 'application/occi+json' } as const;

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function run(scenario: string, opts: autocannon.Options): Promise<Row> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  const errors = result.errors + result.timeouts + result.non2xx;
  return { scenario, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors };
}

async function post(url: string, token: string, body: string): Promise<string> {
  const r = await fetch(url, { method: 'POST', headers: { 'X-Auth-Token': token, 'Content-Type': 'text/plain' }, body });
  if (r.status !== 201) throw new Error(`setup create failed: ${r.status} ${await r.text()}`);
  return new URL(r.headers.get('location')!).pathname;
}

async function main(): Promise<void> {
  const tokens = [
    { token: 'bench-many-0123456789abcdef0123456789ab', tenant: 'many' },
    { token: 'bench-solo-0123456789abcdef0123456789ab', tenant: 'solo' },
    { token: 'bench-churn-0123456789abcdef0123456789ab', tenant: 'churn' },
  ];
  const server = await startServerChild({ tokens, logLevel: 'info', env: { SNF_OCCI_BOOT_MS: '0', SNF_OCCI_ACTION_MS: '0' } });
  const base = server.base;
  try {
    process.stdout.write(`setting up ${COMPUTES} computes …\n`);
    for (let i = 0; i < COMPUTES; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => post(`${base}/compute/`, tokens[0].token, `${KIND}X-OCCI-Attribute: occi.core.title="vm-${i + j}"\n`)));
    }
    const solo = await post(`${base}/compute/`, tokens[1].token, KIND);
    const rows: Row[] = [];
    for (const [name, type] of Object.entries(TYPES)) {
      rows.push(await run(`GET /-/ (${name})`, { url: `${base}/-/`, headers: { 'X-Auth-Token': tokens[0].token, Accept: type } }));
      rows.push(await run(`GET /compute/ ×${COMPUTES} (${name})`, { url: `${base}/compute/`, headers: { 'X-Auth-Token': tokens[0].token, Accept: type } }));
      rows.push(await run(`GET /compute/<id> (${name})`, { url: `${base}${solo}`, headers: { 'X-Auth-Token': tokens[1].token, Accept: type } }));
      const body = type === 'text/plain' ? KIND : JSON.stringify({ kind: 'http://schemas.ogf.org/occi/infrastructure#compute' });
      rows.push(
        await run(`create+delete (${name}, per request)`, {
          url: base,
          requests: [
            {
              method: 'POST',
              path: '/compute/',
              headers: { 'X-Auth-Token': tokens[2].token, 'Content-Type': type, Accept: type },
              body,
              onResponse: (_status: number, _body: string, context: Record<string, unknown>, headers?: Record<string, string>) => {
                // autocannon keeps the server's header-name case.
                const location = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'location')?.[1];
                context.location = location ? new URL(String(location)).pathname : '/compute/missing';
              },
            },
            {
              method: 'DELETE',
              headers: { 'X-Auth-Token': tokens[2].token, Accept: type },
              setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => ({ ...req, path: context.location as string }),
            },
          ] as autocannon.Request[],
        }),
      );
    }
    const memory = Math.round(memoryOf(server.pid).peakMiB);
    const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
    const out = [
      `snf-occi bench: ${SECONDS} s per scenario, ${CONNECTIONS} connections, embedded cloud, Node ${process.version}`,
      '',
      line(['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'errors']),
      line(['---', '---:', '---:', '---:', '---:']),
      ...rows.map((r) => line([r.scenario, String(r.rps), String(r.p50), String(r.p99), String(r.errors)])),
      '',
      `server peak memory (VmHWM): ${memory} MiB`,
    ];
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
