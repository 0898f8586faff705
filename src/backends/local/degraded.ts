// Changes on a disk that refuses writes. Reads never write (a transition that
// is due shows its outcome without being settled, clock.ts), so they work on a
// full or read-only disk. Every change first settles the transitions that are
// due; when the disk refuses that write (or its commit) SQLite rolls the whole
// transaction back. The call is then run once more without settling, on a
// connection made read-only for it, so it is refused at its first write with
// the original error (and one that writes nothing still succeeds).
import { storageProblem } from '../../data-dir/storage-errors.js';
import type { Db } from './database.js';

export function settledThenRun<T>(db: Db, settle: () => void, fn: () => T): T {
  try {
    return db.transaction(() => {
      settle();
      return fn();
    })();
  } catch (err) {
    if (storageProblem(err) === undefined) throw err;
    const was = db.pragma('query_only', { simple: true }) as number;
    db.pragma('query_only = ON');
    try {
      return db.transaction(fn)();
    } catch (second) {
      throw storageProblem(second) === 'read-only' ? err : second;
    } finally {
      db.pragma(`query_only = ${was ? 'ON' : 'OFF'}`);
    }
  }
}
