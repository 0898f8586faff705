// npm run fuzz — tens of thousands of random, mutated and malformed requests
// against a real snf-occi process on loopback, several connections at once,
// bounded by count and by time. Prints the answers by status code, the
// dropped connections and the 5xx; exits 1 if there is any 5xx, drop, token
// in an answer or failed health probe.
//   --count N / FUZZ_COUNT (30000)   --seconds S / FUZZ_SECONDS (120)
//   --connections C / FUZZ_CONNECTIONS (8)   --seed X / FUZZ_SEED (random)
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { seedWorld } from './support/fixtures.js';
import { heapReporting, sample } from './support/heap-sample.js';
import { formatHostile, hostileTenant } from './support/hostile.js';
import { formatStats, runFuzz } from './support/fuzz-run.js';
import { startServerChild } from './support/server-child.js';
import { runScript } from './support/run-script.js';

const ALICE = 'fuzz-alice-token-0123456789abcdef0123456789abcdef012345';
const BOB = 'fuzz-bob-token-0123456789abcdef0123456789abcdef012345678';
const HOSTILE = 'fuzz-hostile-token-0123456789abcdef01234';

function setting(flag: string | undefined, env: string, fallback: number): number {
  const raw = flag ?? process.env[env];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${env}: "${raw}" is not a number`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { count: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' }, seed: { type: 'string' } },
  });
  const count = setting(values.count, 'FUZZ_COUNT', 30_000);
  const seconds = setting(values.seconds, 'FUZZ_SECONDS', 120);
  const connections = Math.max(1, setting(values.connections, 'FUZZ_CONNECTIONS', 8));
  const seed = setting(values.seed, 'FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
  const heap = heapReporting();
  const server = await startServerChild({
    tokens: [
      { token: ALICE, tenant: 'alice' },
      { token: BOB, tenant: 'bob' },
      { token: HOSTILE, tenant: 'hostile' },
    ],
    nodeArgs: heap.nodeArgs,
    onStderrLine: heap.onStderrLine,
    env: { SNF_OCCI_BOOT_MS: '50', SNF_OCCI_ACTION_MS: '50' },
  });
  try {
    const paths = await seedWorld(server.base, ALICE, BOB);
    process.stdout.write(`fuzzing ${server.base} (pid ${server.pid}): up to ${count} requests or ${seconds} s, ${connections} connections, seed ${seed}\n`);
    const stats = await runFuzz({
      port: server.port,
      seed,
      count,
      seconds,
      connections,
      targets: { token: ALICE, otherToken: BOB, paths, base: server.base },
      onProgress: (s) => {
        if (Math.round(s.seconds) % 10 === 0) process.stdout.write(`  … ${s.sent} sent, ${s.serverErrors} 5xx, ${s.drops} dropped\n`);
      },
    });
    process.stdout.write(`${formatStats(stats)}\n`);
    // Then a hostile tenant on the same server.
    const hostile = await hostileTenant(server, HOSTILE, { collect: async () => void (await sample(server, heap.lines, 0, 0)) });
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    process.stdout.write(`${formatHostile(hostile)}\nserver still running: ${alive ? 'yes' : 'NO'}\n`);
    if (server.errors.length) process.stdout.write(`server error log (first ${server.errors.length}):\n${server.errors.join('\n')}\n`);
    const bad = stats.serverErrors + stats.drops + stats.leaks + stats.healthFailures.length + hostile.serverErrors > 0 || !alive || !hostile.withinLimit;
    return bad ? 1 : 0;
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

runScript('fuzz', main);
