// npm run bench:quota-counts — what a quota check costs as a tenant's computes
// grow (issue 7). In this one process, the embedded cloud on a data dir of its
// own (a file, as a server has it) with quotas.compute set, one tenant
// creating BENCH_COMPUTES computes (default 10,000) one call at a time; it
// prints the CPU time (process.cpuUsage) per create over the first 1,000 and
// the last 1,000. Then, as the control, what one check costs at that size
// read either way, 1,000 times each on a second connection to the same file:
// the count(*) over the tenant's rows that QuotaGuard ran before migration 4,
// and the one row of quota_counts it reads now.
//   BENCH_CLOUD=/path/to/dist/src/backends/local/index.js   another build's
//     embedded cloud (e.g. main's) makes the computes, to compare the creates
//     side by side (a build without quota_counts skips that read).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { LocalCloudOptions } from '../src/backends/local/index.js';
import type { Backend } from '../src/port/backend.js';

const COMPUTES = Number(process.env.BENCH_COMPUTES ?? 10_000);
const WINDOW = Math.min(1_000, Math.floor(COMPUTES / 2));
const READS = 1_000;
const TOKEN = 'bench-quota-counts-0123456789abcdefghij';
const say = (text: string): boolean => process.stdout.write(`${text}\n`);

/** CPU time (µs) per call of `fn`, run `n` times one after the other. */
async function cpuPer(n: number, fn: (i: number) => unknown): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const r = fn(i);
    if (r instanceof Promise) await r; // the reads are synchronous: no turn of the event loop for them
  }
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / n;
}

async function main(): Promise<void> {
  const cloudModule = process.env.BENCH_CLOUD ? pathToFileURL(resolve(process.env.BENCH_CLOUD)).href : '../src/backends/local/index.js';
  const { openLocalCloud } = (await import(cloudModule)) as { openLocalCloud: (o: LocalCloudOptions) => Backend };
  const dataDir = mkdtempSync(join(tmpdir(), 'snf-occi-quota-counts-'));
  try {
    const cloud = openLocalCloud({ dataDir, tokens: [{ token: TOKEN, tenant: 'bench' }], quotas: { compute: COMPUTES }, bootMs: 0, actionMs: 0 });
    const c = await cloud.authenticate({ token: TOKEN });
    const create = () => cloud.createResource(c, { kind: 'compute', attributes: {}, mixins: [], links: [] });
    say(`embedded cloud ${process.env.BENCH_CLOUD ?? '(this build)'}: ${COMPUTES} computes for one tenant, quotas.compute = ${COMPUTES}`);
    const first = await cpuPer(WINDOW, create);
    await cpuPer(COMPUTES - 2 * WINDOW, create);
    const last = await cpuPer(WINDOW, create);
    say(`  CPU per create, computes 1-${WINDOW}: ${first.toFixed(1)} µs`);
    say(`  CPU per create, computes ${COMPUTES - WINDOW + 1}-${COMPUTES}: ${last.toFixed(1)} µs`);
    await cloud.close();

    const db = new Database(join(dataDir, 'cloud.sqlite'), { readonly: true });
    const counted = db.prepare('SELECT count(*) FROM computes WHERE tenant = ?').pluck();
    if (counted.get('bench') !== COMPUTES) throw new Error(`expected ${COMPUTES} computes, found ${String(counted.get('bench'))}`);
    say(`control, at ${COMPUTES} computes, ${READS} reads each:`);
    say(`  SELECT count(*) FROM computes WHERE tenant = ?: ${(await cpuPer(READS, () => counted.get('bench'))).toFixed(1)} µs CPU per check`);
    const hasCounts = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'quota_counts'").get() !== undefined;
    if (hasCounts) {
      const kept = db.prepare('SELECT count FROM quota_counts WHERE tenant = ? AND kind = ?').pluck();
      if (kept.get('bench', 'compute') !== COMPUTES) throw new Error(`quota_counts says ${String(kept.get('bench', 'compute'))} computes, not ${COMPUTES}`);
      say(`  SELECT count FROM quota_counts WHERE tenant = ? AND kind = ?: ${(await cpuPer(READS, () => kept.get('bench', 'compute'))).toFixed(1)} µs CPU per check`);
    } else {
      say('  (no quota_counts table in this build)');
    }
    db.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
