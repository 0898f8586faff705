// Which failures of the shared PostgreSQL are the database being away, slow,
// full, read-only or refusing us (a 503 with a reason and Retry-After), and
// which are not (passed on: a 500 with the stack in the log); what operators
// are told of a cause, and what a failed start says to change. The errors are
// the ones pg and PostgreSQL give (their codes and messages), made here so
// every class is stated without having to break a database each way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { causeOf, RETRY_AFTER_S, startFailure, trouble, unavailableFor } from '../../src/store/postgres/errors.js';

const failure = (code: string | undefined, message: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('PostgreSQL failures', () => {
  it('class each network errno, driver message and SQLSTATE as the trouble it is', () => {
    const cases: Array<[string | undefined, string, ReturnType<typeof trouble>]> = [
      ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', 'unreachable'],
      ['ECONNRESET', 'read ECONNRESET', 'unreachable'],
      ['ENOTFOUND', 'getaddrinfo ENOTFOUND db', 'unreachable'],
      ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN db', 'unreachable'],
      ['ETIMEDOUT', 'connect ETIMEDOUT', 'unreachable'],
      ['EHOSTUNREACH', 'connect EHOSTUNREACH', 'unreachable'],
      ['ENETUNREACH', 'connect ENETUNREACH', 'unreachable'],
      ['EPIPE', 'write EPIPE', 'unreachable'],
      ['ENOENT', 'connect ENOENT /run/postgresql/.s.PGSQL.5432', 'unreachable'],
      [undefined, 'Connection terminated unexpectedly', 'unreachable'],
      [undefined, 'Connection terminated due to connection timeout', 'unreachable'],
      [undefined, 'Client has encountered a connection error and is not queryable', 'unreachable'],
      [undefined, 'Connection ended', 'unreachable'],
      [undefined, 'Client was closed and is not queryable', 'unreachable'],
      ['08006', 'connection failure', 'unreachable'],
      ['08P01', 'protocol violation', 'unreachable'],
      ['57P01', 'terminating connection due to administrator command', 'unreachable'],
      ['57P02', 'terminating connection due to crash of another server process', 'unreachable'],
      ['57P03', 'the database system is starting up', 'unreachable'],
      [undefined, 'Query read timeout', 'slow'],
      [undefined, 'timeout exceeded when trying to connect', 'slow'],
      ['57014', 'canceling statement due to statement timeout', 'slow'],
      ['55P03', 'could not obtain lock on row', 'slow'],
      ['25P03', 'terminating connection due to idle-in-transaction timeout', 'slow'],
      ['53100', 'could not extend file: No space left on device', 'full'],
      ['53300', 'sorry, too many clients already', 'full'],
      ['25006', 'cannot execute INSERT in a read-only transaction', 'read-only'],
      ['28P01', 'password authentication failed for user "snf"', 'refused'],
      ['28000', 'no pg_hba.conf entry for host', 'refused'],
      // Not the database's trouble: ours (a bug, a constraint), passed on as they are.
      ['23505', 'duplicate key value violates unique constraint', undefined],
      ['42P01', 'relation "user_mixin" does not exist', undefined],
      ['57P04', 'database dropped', undefined],
      ['57P011', 'not a SQLSTATE', undefined],
      [undefined, 'the pool is Connection terminated by a bug in the message middle', undefined],
      [undefined, 'a Query read timeout quoted in a message', undefined],
      [undefined, 'TypeError: x is not a function', undefined],
    ];
    for (const [code, message, expected] of cases) assert.equal(trouble(failure(code, message)), expected, `${code ?? '(no code)'}: ${message}`);
    assert.equal(trouble(null), undefined);
    assert.equal(trouble({ code: 8006, message: 'a number is no SQLSTATE' }), undefined);
    assert.equal(trouble('ECONNREFUSED'), undefined, 'a bare string is no error of the driver');
  });

  it('make each trouble a 503 that says what happened, that nothing was changed, and when to try again', () => {
    const says: Array<[string, string, RegExp]> = [
      ['ECONNREFUSED', 'connect ECONNREFUSED', /^this service's database cannot be reached just now, /],
      ['57014', 'canceling statement due to statement timeout', /^this service's database did not answer in time, /],
      ['53300', 'sorry, too many clients already', /^this service's database is out of room or connections, /],
      ['25006', 'read-only transaction', /^this service's database takes no writes just now \(a fail-over under way\?\), /],
      ['28P01', 'password authentication failed', /^this service's database refused its credentials, /],
    ];
    for (const [code, message, start] of says) {
      const e = unavailableFor(failure(code, message));
      assert.ok(e instanceof OcciError, code);
      assert.equal(e.status, 503);
      assert.match(e.message, start);
      assert.match(e.message, /, so user mixins and tags can be neither read nor changed; nothing was changed by this request; try again in a few seconds$/);
      assert.doesNotMatch(e.message, new RegExp(message), 'the driver’s own words are for operators, not clients');
      assert.deepEqual(e.headers, { 'Retry-After': String(RETRY_AFTER_S) });
    }
    assert.equal(RETRY_AFTER_S, 5);
    assert.equal(unavailableFor(failure('23505', 'duplicate key')), undefined, 'not trouble: passed on');
  });

  it('leave an OCCI answer already made as it is, even one whose words look like trouble', () => {
    // A message may quote what a client sent, which can read like the driver's words.
    const made = new OcciError(409, 'the mixin "Connection ended" is not queryable: a title that reads like a driver message');
    assert.equal(trouble(made), 'unreachable', 'its words alone would pass for trouble');
    assert.equal(unavailableFor(made), undefined, 'but an answer already made is left as it is');
  });

  it('tell operators the cause: the code before the message unless the message has it, the error itself when it says nothing', () => {
    assert.equal(causeOf(failure('57014', 'canceling statement due to statement timeout')), '57014: canceling statement due to statement timeout');
    assert.equal(causeOf(failure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')), 'connect ECONNREFUSED 127.0.0.1:5432');
    assert.equal(causeOf(failure(undefined, 'Connection terminated unexpectedly')), 'Connection terminated unexpectedly');
    assert.equal(causeOf(failure('XX000', '')), 'XX000: Error');
    assert.equal(causeOf('a thrown string'), 'a thrown string');
    assert.equal(causeOf(null), 'null');
  });

  it('say at a failed start what to change, by what went wrong', () => {
    const target = 'PostgreSQL snf at db:5432 as snf';
    const said = (code: string | undefined, message: string): string => startFailure(target, failure(code, message)).message;
    assert.equal(
      said('3D000', 'database "snf" does not exist'),
      'the shared store (PostgreSQL snf at db:5432 as snf) cannot be used: 3D000: database "snf" does not exist; create the database (createdb, as its owner), or name another in store.url',
    );
    assert.match(said('28P01', 'password authentication failed for user "snf"'), /; correct the user or password \(in store\.url, PGPASSWORD or ~\/\.pgpass\), or pg_hba\.conf on the database server$/);
    assert.match(said('28000', 'no pg_hba.conf entry'), /; correct the user or password/);
    assert.match(said('42501', 'permission denied for schema public'), /; grant the user the right to create tables in the database's schema, or run the first start as its owner$/);
    assert.match(said('ECONNREFUSED', 'connect ECONNREFUSED'), /cannot be used: connect ECONNREFUSED; start it, or correct store\.url \(or PGHOST, PGPORT …\)$/);
    assert.match(said(undefined, 'the database holds the tables of a newer snf-occi'), /; start it, or correct store\.url/);
  });
});
