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
