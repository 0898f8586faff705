#!/usr/bin/env node
// Self time (share of the busy time, and ms) by function in V8 CPU profiles (node --cpu-prof, e.g. from
// `HOT_PROFILE=dir npm run bench:hot-path`), as a share of the busy time (all
// samples but idle), to set a server's profile beside the control's:
//   node scripts/profile-self.mjs dir/CPU.….cpuprofile [more…] [--top N]
// Functions are grouped by name and file (node's internals by their module).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
if (args.length === 0) {
  process.stderr.write('usage: node scripts/profile-self.mjs file.cpuprofile [more…] [--top N]\n');
  process.exit(2);
}

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let busy = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i]).callFrame;
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const where = frame.url ? `${basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + us);
  }
  process.stdout.write(`${basename(file)}: busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s\n`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${((100 * us) / busy).toFixed(1).padStart(5)} % ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
  }
}
