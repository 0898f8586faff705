// Which failures mean the server's own storage refused a write: the disk is
// full, the data directory is read-only, or the disk failed. SQLite reports
// them with its result codes, the file system with errno codes.

export type StorageProblem = 'full' | 'read-only' | 'io';

const FULL = /^(SQLITE_FULL|ENOSPC|EDQUOT)$/;
const READ_ONLY = /^(SQLITE_READONLY(_\w+)?|EROFS)$/;
const IO_ERROR = /^(SQLITE_IOERR(_\w+)?|SQLITE_CANTOPEN(_\w+)?|EIO)$/;

export function storageProblem(err: unknown): StorageProblem | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (FULL.test(code)) return 'full';
  if (READ_ONLY.test(code)) return 'read-only';
  if (IO_ERROR.test(code)) return 'io';
  return undefined;
}

/** An error opening a database of the data directory, naming the file and what to do. */
export function databaseError(file: string, err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  const message = (err as Error).message;
  let what: string;
  if (code === 'SQLITE_NOTADB') what = 'is not an SQLite database (damaged, or another kind of file)';
  else if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) what = 'is damaged';
  else if (typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN')) what = 'cannot be opened (a directory of that name, or no permission?)';
  else if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) what = 'is read-only';
  else return Object.assign(new Error(`the database ${file} cannot be opened: ${message}`), { code });
  return Object.assign(new Error(`the database ${file} ${what} (${message}); move it aside to start afresh, or restore it from a backup`), { code });
}
