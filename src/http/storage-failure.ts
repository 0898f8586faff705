// A write the server's own storage refused (see data-dir/storage-errors.ts) is
// a 503 for the client saying which, not a 500: reads keep working where the
// database can serve them, and nothing acknowledged before is lost (SQLite
// rolls the refused transaction back whole).
import { storageProblem } from '../data-dir/storage-errors.js';
import { OcciError } from '../errors.js';

const WHAT = {
  full: "the server's disk is full, so nothing can be created or changed now",
  'read-only': "the server's data directory is read-only, so nothing can be created or changed now",
  io: 'the server could not write to its disk (input/output error)',
} as const;

/** The 503 for a storage failure; undefined for any other error. */
export function storageFailure(err: unknown): OcciError | undefined {
  if (err instanceof OcciError) return undefined;
  const problem = storageProblem(err);
  if (problem === undefined) return undefined;
  return new OcciError(503, `${WHAT[problem]}; reads still work; send the request again once the operator has fixed it`, { 'Retry-After': '60' });
}
