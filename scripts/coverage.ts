// npm run coverage — the whole suite under c8, which reads the compiler's
// source maps (Node 20's own --experimental-test-coverage crashes on them),
// so the figures are per line and branch of src/*.ts. Child processes (the
// test runner's one per file, the CLI tests' servers) are measured too.
// Prints c8's table of every file, then the figures against the targets of
// docs/testing.md. Exits 1 when a test fails; with --check also when a
// target is missed.
//
// Left out, with reasons: src/console/ is browser code bundled by Vite and
// run in Chromium (its own browser tests in test/console/ exercise it; c8
// measures Node processes only); modules that hold only types compile to an
// empty file and have nothing to run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const TARGETS = { lines: 95, branches: 90, openstackFileLines: 90 };
const REPORTS = 'coverage';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Compiled modules with no statement of their own: `export {};` and a source map comment. */
function typeOnly(file: string): boolean {
  const code = readFileSync(file, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '').trim();
  return code === 'export {};' || code === '';
}

const exclude = ['dist/src/console/**', ...filesUnder('dist/src', '.js').filter(typeOnly).map((f) => relative('.', f))];
const tests = filesUnder('dist/test', '.test.js');
const temp = mkdtempSync(join(tmpdir(), 'snf-occi-c8-'));
const args = [
  'node_modules/c8/bin/c8.js',
  '--all',
  '--src=dist/src',
  '--include=dist/src/**',
  ...exclude.map((e) => `--exclude=${e}`),
  `--temp-directory=${temp}`,
  `--reports-dir=${REPORTS}`,
  '--reporter=text',
  '--reporter=json-summary',
  process.execPath,
  '--test',
  '--test-concurrency=2',
  ...tests,
];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
rmSync(temp, { recursive: true, force: true });

interface Figures {
  lines: { pct: number };
  branches: { pct: number };
}
const summary = JSON.parse(readFileSync(join(REPORTS, 'coverage-summary.json'), 'utf8')) as Record<string, Figures>;
const { total, ...files } = summary;
const openstack = Object.entries(files)
  .map(([file, f]) => [relative(process.cwd(), file), f] as const)
  .filter(([file]) => file.startsWith('src/backends/openstack/'));
const short = openstack.filter(([, f]) => f.lines.pct < TARGETS.openstackFileLines);

const mark = (ok: boolean): string => (ok ? 'ok  ' : 'LOW ');
const misses: string[] = [];
const line = (ok: boolean, text: string): void => {
  if (!ok) misses.push(text);
  console.log(`${mark(ok)}${text}`);
};
console.log('\ncoverage of src/ against the targets (docs/testing.md):');
line(total!.lines.pct >= TARGETS.lines, `lines ${total!.lines.pct} % (target ${TARGETS.lines} %)`);
line(total!.branches.pct >= TARGETS.branches, `branches ${total!.branches.pct} % (target ${TARGETS.branches} %)`);
line(short.length === 0, `OpenStack backend: ${openstack.length - short.length} of ${openstack.length} files at ${TARGETS.openstackFileLines} % of lines or more`);
for (const [file, f] of short) console.log(`      ${file}: ${f.lines.pct} % of lines`);
if (!process.env.OS_AUTH_URL) {
  console.log('note: OS_* is not set, so the integration tests on a real OpenStack did not run and count for nothing (. /var/lib/openstack-lite/demo-openrc)');
}
console.log(`reports: ${REPORTS}/ (coverage-summary.json)`);

if (run.status !== 0) {
  console.error('some tests failed: the figures above are of a failing run');
  process.exit(1);
}
if (values.check && misses.length > 0) process.exit(1);
