// Temporary directories for the servers the tests, benchmarks and scripts
// start: each is removed when this process exits, whether or not its user
// removed it first, so a test that never stops its server leaves nothing in
// the system's temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.once('exit', () => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A new directory under the system's temporary directory, named from `prefix`, removed at exit. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
