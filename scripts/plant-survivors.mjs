// Plants the mutants that reports/stryker-incremental.json lists as Survived or
// NoCoverage, one at a time, into a copy of dist/ and runs test files: which of
// them do today's tests kill? A quick check of new tests against an earlier
// Stryker run's survivors — not a Stryker run (no checker, no timeouts).
//
//   npm run build
//   node scripts/plant-survivors.mjs src/rendering/ [ids,…] [test files under dist/test/, comma-separated]
//
// Without test files it runs every test file under the source's own test
// folders, as the Stryker runner orders them (ownTestFolders in
// stryker-tap-fast-first.mjs: src/rendering/json/x.ts → dist/test/rendering/,
// src/backends/openstack/… → dist/test/openstack/ and dist/test/synnefo/), and
// its own subfolder first. A mutant is planted by transpiling the source the report
// holds with the mutant in it (ts.transpileModule), so other changes made to that
// source since the run are left out while it is planted.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ownTestFolders } from './stryker-tap-fast-first.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const [prefix = 'src/', idList, only] = process.argv.slice(2);
const ids = idList ? new Set(idList.split(',')) : null;
const copy = mkdtempSync(join(tmpdir(), 'snf-occi-plant-'));
process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
// Fixtures, docs and sources that tests read stay where they are.
for (const d of ['node_modules', 'test', 'docs', 'src']) symlinkSync(join(ROOT, d), join(copy, d));

const walk = (d) =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.test.js') ? [join(d, e.name)] : []));
const fails = (files) => files.length > 0 && spawnSync('node', ['--test', '--test-reporter=dot', ...files], { encoding: 'utf8', timeout: 120_000 }).status !== 0;
const report = JSON.parse(readFileSync(join(ROOT, 'reports/stryker-incremental.json'), 'utf8'));
const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, esModuleInterop: true };
const counts = { killed: 0, survives: 0 };

for (const [file, entry] of Object.entries(report.files)) {
  if (!file.startsWith(prefix)) continue;
  // The runner's own test folders (test/openstack/ then test/synnefo/ for src/backends/openstack/, …).
  const folders = ownTestFolders(file).filter((f) => existsSync(join(copy, 'dist', f)));
  const all = only ? only.split(',').map((f) => join(copy, 'dist/test', f)) : folders.flatMap((f) => walk(join(copy, 'dist', f)));
  const sub = file.split('/').slice(2, -1).join('/');
  const own = sub ? all.filter((f) => f.includes(`/dist/${folders[0]}${sub}/`)) : all;
  const rest = all.filter((f) => !own.includes(f));
  if (fails(all)) throw new Error(`the unmutated tests fail (${all.length} files): fix that first`);
  if (readFileSync(join(ROOT, file), 'utf8') !== entry.source) console.error(`# ${file} changed since the run: its survivors are planted into the run's version`);
  const lines = entry.source.split('\n');
  const offset = (p) => lines.slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;
  const js = join(copy, 'dist', file.replace(/\.ts$/, '.js'));
  const originalJs = readFileSync(js, 'utf8');
  for (const m of entry.mutants) {
    if ((m.status !== 'Survived' && m.status !== 'NoCoverage') || (ids && !ids.has(m.id))) continue;
    const a = offset(m.location.start);
    const b = offset(m.location.end);
    writeFileSync(js, ts.transpileModule(entry.source.slice(0, a) + m.replacement + entry.source.slice(b), { compilerOptions: options, fileName: file }).outputText);
    const killed = fails(own) || fails(rest);
    counts[killed ? 'killed' : 'survives']++;
    const was = entry.source.slice(a, b).replace(/\s+/g, ' ').slice(0, 70);
    console.log(`${killed ? 'KILLED  ' : 'SURVIVES'} ${m.id} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(was)} -> ${JSON.stringify(m.replacement.replace(/\s+/g, ' ').slice(0, 60))}`);
  }
  writeFileSync(js, originalJs);
}
console.log(`# ${counts.killed} killed, ${counts.survives} survive`);
