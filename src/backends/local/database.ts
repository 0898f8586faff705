// Opens the embedded cloud's SQLite database: WAL journal, foreign keys on,
// schema brought up to date.
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/** `file` is a path, or undefined for a private in-memory database (tests). */
export function openDatabase(file: string | undefined): Db {
  const db = new Database(file ?? ':memory:');
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
