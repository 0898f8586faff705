// One check for "refused with a 400 that says so", shared by the parser tests.
import assert from 'node:assert/strict';
import { OcciError } from '../../src/errors.js';

/** Asserts `fn` throws a 400 OcciError whose message matches every pattern and contains every fragment. */
export function assertBadRequest(fn: () => unknown, ...expected: Array<string | RegExp>): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OcciError, `expected OcciError, got ${String(e)}`);
    assert.equal(e.status, 400);
    for (const x of expected) {
      if (typeof x === 'string') assert.ok(e.message.includes(x), `message "${e.message}" lacks "${x}"`);
      else assert.match(e.message, x);
    }
    return true;
  });
}

/** The exact message of the 400 OcciError `fn` throws (fails when it throws anything else, or nothing). */
export function badRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OcciError, `expected OcciError, got ${String(e)}`);
    assert.equal(e.status, 400);
    return e.message;
  }
  assert.fail('expected a 400, but the input was accepted');
}

/** The OcciError a promise is rejected with (fails when it is accepted, or rejected with anything else). */
export async function rejection(p: Promise<unknown>): Promise<OcciError> {
  return p.then(
    () => assert.fail('expected a refusal, but the request was accepted'),
    (e: unknown) => {
      assert.ok(e instanceof OcciError, `expected OcciError, got ${String(e)}`);
      return e;
    },
  );
}
