// npm run mutate [-- stryker options] — Stryker (stryker.config.json), keeping
// the incremental results of the code this run does not mutate. Stryker writes
// its incremental file with the files of this run only, so a run over one
// folder (--mutate 'src/rendering/**/*.ts') would forget every other folder's
// results; this puts them back (for sources that still exist), so runs folder
// by folder add up to one file that a later run over everything reuses.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const { incrementalFile = 'reports/stryker-incremental.json' } = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
const read = () => JSON.parse(readFileSync(incrementalFile, 'utf8'));
const before = existsSync(incrementalFile) ? read() : undefined;

const run = spawnSync('stryker', ['run', ...process.argv.slice(2)], { stdio: 'inherit' });

if (before && existsSync(incrementalFile)) {
  const after = read();
  let kept = 0;
  for (const key of ['files', 'testFiles']) {
    after[key] ??= {};
    for (const [file, result] of Object.entries(before[key] ?? {})) {
      if (file in after[key] || !existsSync(file)) continue;
      after[key][file] = result;
      kept++;
    }
  }
  writeFileSync(incrementalFile, JSON.stringify(after, null, 2));
  if (kept > 0) console.log(`${incrementalFile}: kept the earlier results of ${kept} file(s) this run did not cover`);
}
process.exit(run.status ?? 1);
