// The order in which the Stryker runner (scripts/stryker-tap-fast-first.mjs)
// tries test files on a mutant: the tests of the source's own folder first.
// The backends are tested by backend, not in a test/<folder>/ named after
// src/backends/: a wrong mapping sends every backend mutant to the slow
// server tests first, and past the cap of STRYKER_MAX_TEST_FILES.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const runner = (await import(`${ROOT}scripts/stryker-tap-fast-first.mjs`)) as {
  ownTestFolders(source: string): string[];
  ownRank(folders: string[], testFile: string): number;
  isRealCloudVariable(name: string): boolean;
};

describe('the Stryker runner: a source\'s own test folders', () => {
  it('src/<folder>/… is tested in test/<folder>/', () => {
    assert.deepEqual(runner.ownTestFolders('src/model/category.ts'), ['test/model/']);
    assert.deepEqual(runner.ownTestFolders('src/rendering/json/parse.ts'), ['test/rendering/']);
    assert.deepEqual(runner.ownTestFolders('src/http/server.ts'), ['test/http/']);
  });

  it('the embedded cloud (src/backends/local/) is tested in test/backends/', () => {
    assert.deepEqual(runner.ownTestFolders('src/backends/local/computes.ts'), ['test/backends/']);
  });

  it('the OpenStack backend is tested in test/openstack/, then by the Synnefo stand-in in test/synnefo/', () => {
    for (const source of ['src/backends/openstack/backend.ts', 'src/backends/openstack/clients/nova.ts', 'src/backends/openstack/services/link-service.ts']) {
      assert.deepEqual(runner.ownTestFolders(source), ['test/openstack/', 'test/synnefo/'], source);
    }
  });

  it('reads absolute and Windows paths by their last src/ (a sandbox path has the project\'s)', () => {
    assert.deepEqual(runner.ownTestFolders('/home/src/snf-occi/.stryker-tmp/sandbox-1/src/backends/local/ids.ts'), ['test/backends/']);
    assert.deepEqual(runner.ownTestFolders('C:\\w\\src\\backends\\openstack\\cloud.ts'), ['test/openstack/', 'test/synnefo/']);
    assert.deepEqual(runner.ownTestFolders('/work/snf-occi/src/store/sqlite.ts'), ['test/store/']);
  });

  it('a path outside src/, or a file directly in it, has no own folder', () => {
    assert.deepEqual(runner.ownTestFolders('scripts/mutate.mjs'), []);
    assert.deepEqual(runner.ownTestFolders('src/errors.ts'), []);
  });

  it('ranks the first own folder above the second, and every other file last', () => {
    const folders = runner.ownTestFolders('src/backends/openstack/cloud.ts');
    assert.equal(runner.ownRank(folders, 'dist/test/openstack/fake-world.test.js'), 2);
    assert.equal(runner.ownRank(folders, 'test/openstack/fake-world.test.ts'), 2);
    assert.equal(runner.ownRank(folders, 'dist/test/synnefo/compute.test.js'), 1);
    assert.equal(runner.ownRank(folders, 'dist/test/backends/local.test.js'), 0);
    assert.equal(runner.ownRank(folders, 'dist/test/http/hot-path.test.js'), 0);
    const local = runner.ownTestFolders('src/backends/local/listing.ts');
    assert.equal(runner.ownRank(local, 'dist/test/backends/local-listing.test.js'), 1);
    assert.equal(runner.ownRank(local, 'dist/test/openstack/paging.test.js'), 0);
  });
});

describe('the Stryker run leaves out the tests on a real OpenStack', () => {
  const config = JSON.parse(readFileSync(`${ROOT}stryker.config.json`, 'utf8')) as { tap: { testFiles: string[] } };
  const excluded = config.tap.testFiles.filter((p) => p.startsWith('!')).map((p) => p.slice(1));

  it('excludes the openstack-lite integration files by name', () => {
    for (const name of ['integration', 'contract', 'http', 'zones-groups', 'quota-integration']) {
      assert.ok(excluded.includes(`dist/test/openstack/${name}.test.js`), `${name}.test.js is run per mutant`);
    }
  });

  it('drops the credentials of a real cloud from the test processes, so files that also hold fake-cloud tests skip their real-cloud part', () => {
    for (const name of ['OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME', 'OS_ALT_USERNAME', 'SNF_OCCI_ALT_OPENRC']) {
      assert.equal(runner.isRealCloudVariable(name), true, name);
    }
    for (const name of ['PATH', 'HOME', 'STRYKER_MAX_TEST_FILES', 'PGHOST', 'NODE_OPTIONS']) assert.equal(runner.isRealCloudVariable(name), false, name);
  });
});
