// The state clock. A transition is stored on its row, never run by a timer:
// `state`/`message` show the present, `pending_state`/`pending_message` the
// outcome due at `pending_until`. Reads see a due transition's outcome through
// `clockColumns` without writing it; every write settles what is due first, so
// the cloud moves with whatever clock it is given, across restarts too.
import { conflict } from '../../errors.js';
import type { Db } from './database.js';

/** The tables whose rows carry a state clock (fixed names, never request data). */
export type ClockedTable = 'computes' | 'storages';
const CLOCKED_TABLES: readonly ClockedTable[] = ['computes', 'storages'];

export interface ClockColumns {
  state: string;
  message: string | null;
  pending_state: string | null;
  pending_message: string | null;
  pending_until: number | null;
}

export interface Transition {
  /** Shown while the transition runs, e.g. 'stopping'. */
  during: string;
  to: string;
  /** Shown once it is done, e.g. 'stopped'. */
  after: string;
  ms: number;
}

export class StateClock {
  private readonly settlers;

  constructor(
    db: Db,
    readonly now: () => number,
  ) {
    this.settlers = CLOCKED_TABLES.map((t) =>
      db.prepare(
        `UPDATE ${t} SET state = pending_state, message = pending_message,
           pending_state = NULL, pending_message = NULL, pending_until = NULL
         WHERE pending_until IS NOT NULL AND pending_until <= ?`,
      ),
    );
  }

  /** Completes every transition that is due. */
  settle(): void {
    const t = this.now();
    for (const s of this.settlers) s.run(t);
  }
}

/**
 * The clock columns of `alias` as they stand at `@now`: a transition that is
 * due shows its outcome, as if settled, so a plain read never writes.
 */
export function clockColumns(alias: string): string {
  const due = `${alias}.pending_until <= @now`;
  return [
    `${clockValue(alias, 'state')} AS state`,
    `${clockValue(alias, 'message')} AS message`,
    `CASE WHEN ${due} THEN NULL ELSE ${alias}.pending_state END AS pending_state`,
    `CASE WHEN ${due} THEN NULL ELSE ${alias}.pending_message END AS pending_message`,
    `CASE WHEN ${due} THEN NULL ELSE ${alias}.pending_until END AS pending_until`,
  ].join(', ');
}

/** What a record shows of the clock at `@now`: state, message, and pending_until only while a transition runs. */
export function shownClockColumns(alias: string): string {
  return `${clockValue(alias, 'state')} AS state, ${clockValue(alias, 'message')} AS message,
    CASE WHEN ${alias}.pending_until > @now THEN ${alias}.pending_until END AS pending_until`;
}

/** The clock columns a record shows. */
export type ShownClock = Pick<ClockColumns, 'state' | 'message' | 'pending_until'>;

/** The state or message of `alias` at `@now` (a due transition's outcome), for conditions and joins. */
export function clockValue(alias: string, column: 'state' | 'message'): string {
  return `CASE WHEN ${alias}.pending_until <= @now THEN ${alias}.pending_${column} ELSE ${alias}.${column} END`;
}

/** Statements that start transitions on, and set the resting message of, one table. */
export class Clocked {
  private readonly begin;
  private readonly rest;

  constructor(
    db: Db,
    table: ClockedTable,
    private readonly clock: StateClock,
  ) {
    this.begin = db.prepare(
      `UPDATE ${table} SET message = @during, pending_state = @to, pending_message = @after, pending_until = @until
       WHERE id = @id`,
    );
    // While a transition runs, the new resting message becomes its outcome instead.
    this.rest = db.prepare(
      `UPDATE ${table} SET
         message = CASE WHEN pending_until IS NULL THEN @message ELSE message END,
         pending_message = CASE WHEN pending_until IS NULL THEN NULL ELSE @message END
       WHERE id = @id`,
    );
  }

  start(id: string, t: Transition): void {
    this.begin.run({ id, during: t.during, to: t.to, after: t.after, until: this.clock.now() + t.ms });
  }

  setMessage(id: string, message: string): void {
    this.rest.run({ id, message });
  }
}

/** Refuses to act on a row that is still moving (as clouds do with a task in progress). */
export function assertAtRest(what: string, row: ClockColumns): void {
  if (row.pending_until !== null) {
    throw conflict(`${what} is ${row.state} and busy (${row.message ?? 'in transition'}); retry once it is ${row.pending_state}`);
  }
}

/** Values stamped by `now` for new rows: a transition that starts at creation. */
export function initialClock(
  now: number,
  t: { state: string } & Transition,
): Pick<ClockColumns, 'state' | 'message' | 'pending_state' | 'pending_message' | 'pending_until'> {
  return { state: t.state, message: t.during, pending_state: t.to, pending_message: t.after, pending_until: now + t.ms };
}
