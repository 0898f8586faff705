// A Stryker test runner for `npm run mutate` (docs/testing.md): Stryker's own
// tap runner (one process per test file, one "test" per file), with two
// changes that make a run feasible on a shared two-core machine.
//
// 1. Likely killers first. Stryker runs the files that reached a mutant in
//    the order the dry run met them (alphabetical) and stops at the first
//    that fails. Code in model/ is reached by nearly every file, so the order
//    decides the cost. This runner tries first the files that already killed
//    mutants of the same source file in this run, then the tests of the
//    source's own test folders (ownTestFolders below: test/model/ for
//    src/model/…, but test/backends/ for the embedded cloud and test/openstack/
//    then test/synnefo/ for the OpenStack backend), then those that killed
//    any mutant, then the quickest in the dry run: a killed mutant usually costs
//    one short process instead of a walk through the slow server tests that
//    sort before its killer.
// 2. An optional cap. With STRYKER_MAX_TEST_FILES=n, a mutant runs at most
//    the first n files of that order; one that none of them kills is reported
//    as survived. A survivor otherwise costs a walk through every file that
//    reaches it (for model/, the whole suite: minutes on a busy machine). The
//    score of a capped run is a lower bound; the cap is said in the log and
//    in docs/testing.md with the figures it produced.
// 3. Test files named by their TypeScript source. The tap runner reports
//    dist/test/…/x.test.js, which Stryker's incremental mode cannot diff
//    (dist/ is built, not part of the project it reads). Reported as
//    test/…/x.test.ts, a changed test file re-tests the mutants it reached.
//    (A changed helper that is not itself a test file is not seen: run with
//    --force over the code it concerns.)
// 4. No real cloud. The files on openstack-lite are excluded by name (the
//    config's "!" patterns), but some files hold fake-cloud tests beside a
//    real-cloud part that runs when OS_* is set (honest-answers, paging, the
//    replicas): started from a shell with demo-openrc sourced, every mutant
//    they reach would make servers on the real cloud. The runner drops the
//    OS_* variables (and SNF_OCCI_ALT_OPENRC) from the environment its test
//    processes inherit, so those parts skip, as they do in CI without a cloud.
// 5. Exclusions that work. The tap runner hands `tap.testFiles` to glob as a
//    list of patterns, where a "!pattern" is not a negation: it matches
//    nothing and excludes nothing. This runner drops the files that a
//    "!pattern" names after the tap runner has listed them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { createTapTestRunnerFactory } from '@stryker-mutator/tap-runner';

/** Written in the sandbox by the dry run, so that a runner restarted after a timeout keeps the order. */
const DURATIONS_FILE = 'stryker-test-durations.json';

/** At most this many test files per mutant (STRYKER_MAX_TEST_FILES), or every file that reaches it. */
const MAX_FILES = Number(process.env.STRYKER_MAX_TEST_FILES) > 0 ? Number(process.env.STRYKER_MAX_TEST_FILES) : Infinity;

/** A glob of the config (`**` any path, `*` any name part) as a regular expression over a whole path. */
function globRegExp(glob) {
  const body = glob
    .split(/(\*\*\/?|\*)/)
    .map((part) => (part.startsWith('**') ? '(?:.*/)?' + (part.endsWith('/') ? '' : '.*') : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/**
 * Sources whose tests are not in test/<folder>/ of their src/<folder>/, by path
 * under src/; the first matching prefix wins. The backends are tested by
 * backend: the embedded cloud by the backend contract in test/backends/, the
 * OpenStack backend by its fake clouds in test/openstack/, and by the Synnefo
 * stand-in in test/synnefo/ for the Synnefo dialect (second: its files start
 * an OCCI server as a child process, seconds each).
 */
const OWN_TEST_FOLDERS = [
  ['backends/local/', ['test/backends/']],
  ['backends/openstack/', ['test/openstack/', 'test/synnefo/']],
];

/**
 * The test folders that state the rules of `source` (a path ending in
 * src/<folder>/…, relative or absolute), most likely killers first: a row of
 * OWN_TEST_FOLDERS, else test/<folder>/; none for a path outside src/.
 */
export function ownTestFolders(source) {
  const path = `/${source.replaceAll('\\', '/')}`;
  const at = path.lastIndexOf('/src/');
  if (at < 0) return [];
  const inSrc = path.slice(at + '/src/'.length);
  const row = OWN_TEST_FOLDERS.find(([prefix]) => inSrc.startsWith(prefix));
  if (row) return row[1];
  const folder = /^([^/]+)\//.exec(inSrc)?.[1];
  return folder === undefined ? [] : [`test/${folder}/`];
}

/**
 * How much a test file belongs to `folders` (from ownTestFolders), higher
 * first: files of the first folder rank highest, of the last 1, of none 0.
 * Test files are named dist/test/…/x.test.js or test/…/x.test.ts.
 */
export function ownRank(folders, testFile) {
  const file = testFile.replaceAll('\\', '/');
  const i = folders.findIndex((f) => file.startsWith(f) || file.includes(`/${f}`));
  return i < 0 ? 0 : folders.length - i;
}

/** dist/test/a/b.test.js → test/a/b.test.ts, when that source is in the sandbox. */
function sourceOf(compiled) {
  const source = compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  return existsSync(source) ? source : compiled;
}

/** Whether an environment variable gives the tests a real OpenStack to use (test/openstack/os-env.ts). */
export function isRealCloudVariable(name) {
  return name.startsWith('OS_') || name === 'SNF_OCCI_ALT_OPENRC';
}

class FastFirstTapRunner {
  static inject = tokens(commonTokens.injector);

  /** @type {Map<string, number> | undefined} test file → milliseconds it took in the dry run */
  durations;

  constructor(injector) {
    this.tap = createTapTestRunnerFactory()(injector);
    const patterns = injector.resolve(commonTokens.options).tap?.testFiles ?? [];
    this.excluded = patterns.filter((p) => p.startsWith('!')).map((p) => globRegExp(p.slice(1)));
    const cloud = Object.keys(process.env).filter(isRealCloudVariable);
    for (const name of cloud) delete process.env[name];
    if (cloud.length > 0) injector.resolve(commonTokens.logger).info(`tap-fast-first: ${cloud.join(', ')} left out of the test processes: no test runs on a real cloud per mutant`);
    if (MAX_FILES < Infinity) injector.resolve(commonTokens.logger).warn(`STRYKER_MAX_TEST_FILES=${MAX_FILES}: a mutant none of its first ${MAX_FILES} test files kills is reported as survived (the score is a lower bound)`);
  }

  capabilities() {
    return this.tap.capabilities();
  }

  async init() {
    await this.tap.init();
    // The tap runner keeps the files it will run in `testFiles` (its own field: checked here so a change in it fails loudly).
    if (!Array.isArray(this.tap.testFiles)) throw new Error('tap-fast-first: the tap runner no longer lists its test files in testFiles; update scripts/stryker-tap-fast-first.mjs');
    this.tap.testFiles = this.tap.testFiles.filter((f) => !this.excluded.some((re) => re.test(f)));
  }

  async dryRun(options) {
    const result = await this.tap.dryRun(options);
    if (result.status === 'complete') {
      const durations = Object.fromEntries(result.tests.map((t) => [t.id, t.timeSpentMs]));
      writeFileSync(DURATIONS_FILE, JSON.stringify(durations));
      this.durations = new Map(Object.entries(durations));
      for (const test of result.tests) test.fileName = sourceOf(test.fileName);
    }
    return result;
  }

  /** source file → (test file → mutants of it that the test killed); and every kill, under '' */
  kills = new Map();

  killsOf(source) {
    let counts = this.kills.get(source);
    if (!counts) this.kills.set(source, (counts = new Map()));
    return counts;
  }

  async mutantRun(options) {
    const { testFilter, activeMutant } = options;
    const took = this.loadDurations();
    const here = this.killsOf(activeMutant.fileName);
    const anywhere = this.killsOf('');
    const folders = ownTestFolders(activeMutant.fileName);
    const own = (file) => ownRank(folders, file);
    const order = (a, b) =>
      (here.get(b) ?? 0) - (here.get(a) ?? 0) || own(b) - own(a) || (anywhere.get(b) ?? 0) - (anywhere.get(a) ?? 0) || (took.get(a) ?? Infinity) - (took.get(b) ?? Infinity) || a.localeCompare(b);
    // Static mutants (in code run when a module loads) come without a filter: every file, in the same order.
    const files = testFilter ?? this.tap.testFiles;
    const result = await this.tap.mutantRun({ ...options, testFilter: [...files].sort(order).slice(0, MAX_FILES) });
    if (result.status === 'killed') {
      for (const test of result.killedBy) for (const counts of [here, anywhere]) counts.set(test, (counts.get(test) ?? 0) + 1);
    }
    return result;
  }

  loadDurations() {
    if (!this.durations) {
      const saved = existsSync(DURATIONS_FILE) ? JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) : {};
      this.durations = new Map(Object.entries(saved));
    }
    return this.durations;
  }

  dispose() {
    return this.tap.dispose?.();
  }
}

function createFastFirstTapRunner(injector) {
  return new FastFirstTapRunner(injector);
}
createFastFirstTapRunner.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'tap-fast-first', createFastFirstTapRunner)];
