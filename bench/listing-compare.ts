// npm run bench:listing — a whole listing of one tenant's 10,000 computes
// (GET /compute/, issue 7), this build beside another, in JSON and text:
// each server gets the same computes on a data dir of its own (one in ten
// tagged with a user mixin, as in `npm run bench`), then they take
// turns of LIST_REQUESTS (default 10) sequential listings, LIST_ROUNDS
// (default 5) turns each per media type after a warm-up. It prints per turn
// and as medians the p50 latency and the server's CPU time per listing (from
// /proc, as bench:hot-path: what a listing costs, whoever else runs), and the
// ratio of this build's turn to the other's turn of the same round.
//   LIST_COMPARE=/path/to/dist/src/cli/main.js   the other build (e.g. main's,
//     copied aside before a change); without it this build runs alone;
//   LIST_COMPUTES=10000   computes of the tenant;
//   LIST_PROFILE=dir   the servers write a V8 CPU profile there on exit
//     (file names carry the pids printed; scripts/profile-self.mjs sums them).
import { rmSync } from 'node:fs';
import { startServerChild, type ServerChild } from '../scripts/support/server-child.js';
import { cpuMs, get, middle } from './measure.js';
import { computes, tagged } from './setup.js';

const REQUESTS = Number(process.env.LIST_REQUESTS ?? 10);
const ROUNDS = Number(process.env.LIST_ROUNDS ?? 5);
const COMPUTES = Number(process.env.LIST_COMPUTES ?? 10_000);
const TOKEN = 'bench-listing-0123456789abcdefghijklmnop';
const TYPES = { json: 'application/occi+json', text: 'text/plain' } as const;

interface Turn {
  p50: number;
  cpuMs: number;
}

interface Side {
  name: string;
  server: ServerChild;
  turns: Turn[];
}

const say = (text: string): boolean => process.stdout.write(`${text}\n`);

/** `n` listings one after another: their p50 and the server's CPU per listing. */
async function turn(side: Side, headers: Record<string, string>, n: number): Promise<Turn & { bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  const cpu = cpuMs(side.server.pid);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await get(side.server.base, '/compute/', headers);
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${side.name}: GET /compute/ ${r.status} ${r.body.slice(0, 200)}`);
    bytes = Buffer.byteLength(r.body);
  }
  return { p50: middle(ms), cpuMs: (cpuMs(side.server.pid) - cpu) / n, bytes };
}

async function server(main?: string): Promise<ServerChild> {
  const nodeArgs = process.env.LIST_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.LIST_PROFILE] : [];
  const s = await startServerChild({ logToFile: true, tokens: [{ token: TOKEN, tenant: 'lister' }], nodeArgs, main, env: { SNF_OCCI_BOOT_MS: '0' } });
  await computes(s.base, TOKEN, COMPUTES, 100);
  await tagged(s.base, TOKEN, 10, 100);
  return s;
}

async function main(): Promise<void> {
  const sides: Side[] = [{ name: 'this build', server: await server(), turns: [] }];
  if (process.env.LIST_COMPARE) sides.push({ name: 'compared build', server: await server(process.env.LIST_COMPARE), turns: [] });
  try {
    say(`GET /compute/ of ${COMPUTES} computes: ${ROUNDS} turns of ${REQUESTS} listings each, Node ${process.version}`);
    say(`server pid ${sides.map((s) => `${s.server.pid} (${s.name})`).join(', ')}`);
    for (const [name, type] of Object.entries(TYPES)) {
      const headers = { 'X-Auth-Token': TOKEN, Accept: type };
      for (const side of sides) side.turns = [];
      // Warm-up (JIT, caches); the byte counts differ only if the builds answer differently (ids are the same length).
      const sizes = [];
      for (const side of sides) sizes.push((await turn(side, headers, 3)).bytes);
      for (let round = 0; round < ROUNDS; round++) for (const side of sides) side.turns.push(await turn(side, headers, REQUESTS));
      say('');
      say(`${name} (${sizes.join(' / ')} bytes):`);
      for (const side of sides) {
        const p50 = middle(side.turns.map((t) => t.p50));
        const cpu = middle(side.turns.map((t) => t.cpuMs));
        const each = side.turns.map((t) => `${t.p50.toFixed(0)}/${t.cpuMs.toFixed(0)}`).join(' ');
        say(`  ${side.name.padEnd(14)} p50 ${p50.toFixed(1).padStart(6)} ms  CPU ${cpu.toFixed(1).padStart(6)} ms/listing   turns (p50 ms / CPU ms): ${each}`);
      }
      if (sides.length === 2) {
        // Each turn beside the other build's turn of the same round: the machine's load moves between rounds more than between two turns in a row.
        const [a, b] = sides as [Side, Side];
        const ratios = (f: (t: Turn) => number): string => {
          const r = a.turns.map((t, i) => f(t) / f(b.turns[i]!));
          return `median ${middle(r).toFixed(2)}× (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
        };
        say(`  this/compared, turn by turn: p50 ${ratios((t) => t.p50)}, CPU ${ratios((t) => t.cpuMs)}`);
      }
    }
  } finally {
    for (const side of sides) {
      await side.server.stop();
      rmSync(side.server.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`listing bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
