// Content negotiation (R6, R8–R12, D8, D10; RFC 9110 §12.5.1): the most
// specific range decides a type's q whatever the order the client wrote the
// ranges in; q=0 excludes; ties go to exact mentions in the client's order,
// then to the server's preference.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCEPT_HEADER, acceptable } from '../../src/rendering/negotiate.js';

/** Accept header → the types acceptable, best first. */
const CASES: Array<[string | undefined, string[]]> = [
  [undefined, ['text/plain']],
  ['', ['text/plain']],
  ['  ', ['text/plain']],
  // The wildcard first, the specific range after: the specific range still decides.
  ['*/*, text/plain;q=0', ['application/occi+json', 'text/occi', 'text/occi+plain', 'application/json', 'text/uri-list']],
  ['*/*;q=0.1, application/json', ['application/json', 'text/plain', 'application/occi+json', 'text/occi', 'text/occi+plain', 'text/uri-list']],
  ['application/*, application/occi+json;q=0', ['application/json']],
  ['text/*;q=0.2, */*;q=0.9', ['application/occi+json', 'application/json', 'text/plain', 'text/occi', 'text/occi+plain', 'text/uri-list']],
  ['*/*;q=0, text/occi', ['text/occi']],
  // The specific range first, the wildcard after.
  ['text/plain;q=0, */*', ['application/occi+json', 'text/occi', 'text/occi+plain', 'application/json', 'text/uri-list']],
  ['application/occi+json;q=0, application/*', ['application/json']],
  ['text/occi, */*;q=0', ['text/occi']],
  // Exact mentions in the client's order before what a wildcard admits at the same q; then the server's order.
  ['text/occi, application/json, */*', ['text/occi', 'application/json', 'text/plain', 'application/occi+json', 'text/occi+plain', 'text/uri-list']],
  ['application/json, text/occi', ['application/json', 'text/occi']],
  ['*/*', ['text/plain', 'application/occi+json', 'text/occi', 'text/occi+plain', 'application/json', 'text/uri-list']],
  ['text/*', ['text/plain', 'text/occi', 'text/occi+plain', 'text/uri-list']],
  // q orders first; case and spaces do not matter; unknown and broken q values exclude.
  ['text/occi;q=0.5, application/occi+json;q=0.6', ['application/occi+json', 'text/occi']],
  ['TEXT/PLAIN ; Q=0.3 , Application/OCCI+JSON', ['application/occi+json', 'text/plain']],
  ['text/plain;q=2', []],
  ['text/plain;q=-1', []],
  ['text/plain;q=abc', []],
  ['text/plain;q=1, text/html', ['text/plain']],
  ['image/png', []],
  ['*/*;q=0', []],
  [',,text/occi,', ['text/occi']],
  // Types admitted only by wildcards tie on q and go in the server's order, whichever wildcard came first.
  ['application/*, text/*', ['text/plain', 'application/occi+json', 'text/occi', 'text/occi+plain', 'application/json', 'text/uri-list']],
  // A major-type wildcard matches that whole major type only.
  ['tex/*', []],
  ['applic/*, t/*', []],
  // A type named twice: the first mention decides.
  ['text/plain;q=0.2, text/plain;q=0.9, text/occi;q=0.5', ['text/occi', 'text/plain']],
  ['text/*;q=0.2, text/*;q=0.9, application/json;q=0.5', ['application/json', 'text/plain', 'text/occi', 'text/occi+plain', 'text/uri-list']],
  // q=1 and q=0.001 are valid bounds; a parameter other than q is ignored.
  ['text/occi;q=0.001, text/plain;level=1', ['text/plain', 'text/occi']],
];

describe('Accept negotiation', () => {
  for (const [accept, expected] of CASES) {
    test(`Accept: ${JSON.stringify(accept)}`, () => assert.deepEqual(acceptable(accept), expected));
  }

  test('ranges past the 64th are not read (a bounded parse)', () => {
    const many = [...Array.from({ length: 64 }, (_, i) => `x/y${i}`), 'text/occi'].join(',');
    assert.deepEqual(acceptable(many), []);
    const within = [...Array.from({ length: 63 }, (_, i) => `x/y${i}`), 'text/occi'].join(',');
    assert.deepEqual(acceptable(within), ['text/occi']);
  });

  test('the answer is shared by every request with the same Accept, so it cannot be changed', () => {
    for (const accept of [undefined, 'text/occi', `text/occi, ${'x/y,'.repeat(100)}`]) {
      assert.ok(Object.isFrozen(acceptable(accept)), String(accept));
      assert.deepEqual(acceptable(accept), acceptable(accept));
    }
  });

  test('parameters other than q (charset, level) do not change a range\'s weight', () => {
    assert.deepEqual(acceptable('text/occi; charset=utf-8, text/plain; q=0.5'), ['text/occi', 'text/plain']);
    assert.deepEqual(acceptable('text/plain; level=0.1, text/occi; q=0.5'), ['text/plain', 'text/occi']);
  });

  test('types admitted only by wildcards keep the server order, whatever order the wildcards came in', () => {
    assert.deepEqual(acceptable('application/*, text/*'), ['text/plain', 'application/occi+json', 'text/occi', 'text/occi+plain', 'application/json', 'text/uri-list']);
  });

  test('the Accept response header lists every type the server renders', () => {
    assert.equal(ACCEPT_HEADER, 'text/plain,text/occi+plain,text/occi,text/uri-list,application/occi+json,application/json');
  });
});
