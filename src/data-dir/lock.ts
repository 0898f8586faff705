// One server per data directory. The lock is an exclusive SQLite transaction
// on <dataDir>/server.lock, held open for the life of the server: SQLite locks
// with fcntl, which the kernel drops when the process ends however it ends,
// so a server killed with SIGKILL leaves no lock behind to clean up. The
// holder's PID is written beside it (server.pid), for the refusal message.
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_MODE, privateFile } from './modes.js';
import { databaseError } from './storage-errors.js';

export const LOCK_FILE = 'server.lock';
export const PID_FILE = 'server.pid';

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | undefined,
  ) {
    const who = holderPid === undefined ? 'another snf-occi server' : `another snf-occi server (PID ${holderPid})`;
    super(
      `${who} is using the data directory ${dataDir}; stop it first, or give this one its own directory with --data-dir`,
    );
    this.name = 'DataDirBusyError';
  }
}

export interface DataDirLock {
  release(): void;
}

/** Takes the data directory for this process; throws DataDirBusyError when another process holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  privateFile(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    throw databaseError(file, err);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirBusyError(dataDir, holderPid(dataDir));
    throw databaseError(file, err);
  }
  const pidFile = join(dataDir, PID_FILE);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: FILE_MODE });
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

/** The PID written by the server holding (or last holding) the data directory, when there is one. */
export function holderPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
