// The data directory holds tokens and every tenant's data: the directory is
// 0700 and each of the server's files in it 0600, whatever existed before
// (modes are fixed at every start). SQLite makes its -wal and -shm files with
// the mode of the database file, so creating that one 0600 covers them.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files the server makes in its data directory; nothing else there is touched. */
const OWN_FILES = /^(cloud|store)\.sqlite(-wal|-shm|-journal)?$|^token$|^server\.(lock|pid)$/;

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Creates the data directory if needed and makes it and the server's files in it private. */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
  for (const name of readdirSync(dir)) {
    if (!OWN_FILES.test(name)) continue;
    const file = join(dir, name);
    if (statSync(file).isFile()) chmodSync(file, FILE_MODE);
  }
}

/** Creates `file` empty and private if it does not exist (SQLite takes an empty file as a new database), and makes it private. */
export function privateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', FILE_MODE));
  chmodSync(file, FILE_MODE);
}
