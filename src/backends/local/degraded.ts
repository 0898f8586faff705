// Reads on a disk that refuses writes. Every call of the embedded cloud first
// settles the transitions that are due, which writes; when the disk is full or
// read-only that write (or its commit) fails and SQLite rolls the whole
// transaction back. The call is then run once more without settling, on a
// connection made read-only for it: a read is served from what the database
// holds (a transition due shows as still under way), and a write is refused at
// its first statement, with the original error.
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
