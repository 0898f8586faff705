// Opens the embedded cloud's SQLite database: WAL journal, foreign keys on,
// schema brought up to date.
import Database from 'better-sqlite3';
import { privateFile } from '../../data-dir/modes.js';
import { databaseError } from '../../data-dir/storage-errors.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/** `file` is a path, or undefined for a private in-memory database (tests). */
export function openDatabase(file: string | undefined): Db {
  // Private from the start: SQLite gives its -wal and -shm files the database file's mode.
  if (file !== undefined) privateFile(file);
  let db: Db;
  try {
    db = new Database(file ?? ':memory:');
  } catch (e) {
    throw file === undefined ? e : databaseError(file, e);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    // A file that is not a database shows it at the first read.
    throw file === undefined || !/^SQLITE_(NOTADB|CORRUPT|CANTOPEN)/.test(String((e as { code?: unknown }).code)) ? e : databaseError(file, e);
  }
}
