// The data directory made ready, or a message saying which path is wrong and
// why, at once: not a directory, not writable, on a read-only file system, or
// somewhere no directory can be made (/proc). Directories are made one level
// at a time: Node's recursive mkdir loops for ever on some of those paths.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DIR_MODE } from './modes.js';

export class DataDirError extends Error {
  constructor(dir: string, what: string) {
    super(`the data directory ${dir} cannot be used: ${what}; give another one with --data-dir (or SNF_OCCI_DATA_DIR)`);
    this.name = 'DataDirError';
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied to ${process.getuid?.() === 0 ? 'root' : `this user (uid ${process.getuid?.()})`}`;
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      return 'no directory can be made there';
    default:
      return `${e.code ?? 'error'}: ${e.message}`;
  }
}

/** Makes `dir` (and its missing parents) if needed, and checks it is a directory this process can write. */
export function prepareDataDir(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let stat;
    try {
      stat = statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new DataDirError(target, `a part of the path is a file, not a directory`);
      if (code !== 'ENOENT') throw new DataDirError(target, `${at} cannot be read (${reason(err)})`);
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) throw new DataDirError(target, 'no part of the path exists');
      at = up;
      continue;
    }
    if (!stat.isDirectory()) throw new DataDirError(target, `${at} is a file, not a directory`);
    break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: DIR_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new DataDirError(target, `${d} cannot be made (${reason(err)})`);
    }
  }
  try {
    accessSync(target, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataDirError(target, `it is not writable (${reason(err)})`);
  }
}
