// Where numbered pages start, remembered until the next write. A page asked
// by number (`?page=50&number=100`) is an OFFSET, and SQLite steps over every
// row before it: a page in the middle of 10,000 cost twice one at the start.
// Each page read notes the rowids at its first and last positions; a later
// page at or after a noted position starts from its rowid (keyset) and skips
// only the rows in between, so the same page asked again, and the next page
// of a client reading them in turn, cost what the first page costs. Any write
// forgets them all (as the counts are forgotten, listing.ts); a query whose
// rows depend on the clock is never noted.

/** Queries with noted positions, and positions noted per query: a few KiB at most. */
const MAX_QUERIES = 256;
const MAX_PER_QUERY = 64;

export interface Landmark {
  /** Position among the query's rows in rowid order, from 0. */
  position: number;
  /** The rowid of the row there: rows from that position on are those with rowid ≥ it. */
  rowid: number;
}

export class PageLandmarks {
  private readonly queries = new Map<string, Map<number, number>>();

  /** The noted position nearest before (or at) `offset`, if any. */
  before(query: string, offset: number): Landmark | undefined {
    const noted = this.queries.get(query);
    if (!noted) return undefined;
    let best: Landmark | undefined;
    for (const [position, rowid] of noted) {
      if (position <= offset && (!best || position > best.position)) best = { position, rowid };
    }
    return best;
  }

  note(query: string, position: number, rowid: number): void {
    let noted = this.queries.get(query);
    if (!noted) {
      if (this.queries.size >= MAX_QUERIES) this.queries.clear();
      noted = new Map();
      this.queries.set(query, noted);
    }
    if (noted.size >= MAX_PER_QUERY && !noted.has(position)) noted.clear();
    noted.set(position, rowid);
  }

  /** The rows have changed: no noted position holds any more. */
  clear(): void {
    this.queries.clear();
  }
}
