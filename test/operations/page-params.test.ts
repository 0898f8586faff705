// page and number (R116–R118, D23): both or neither, whole numbers from 1, a
// page no larger than the server's largest; anything else is a 4xx that says
// what to send.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { pageFrom } from '../../src/operations/collections.js';

const MAX = 50;
const page = (q: string) => pageFrom(new URLSearchParams(q), MAX);

describe('page parameters', () => {
  test('neither: the whole collection', () => assert.equal(page('category=x'), undefined));

  const ACCEPTED: Array<[string, { page: number; number: number }]> = [
    ['page=1&number=1', { page: 1, number: 1 }],
    ['page=3&number=50', { page: 3, number: 50 }],
    ['number=7&page=2', { page: 2, number: 7 }],
    ['page=007&number=010', { page: 7, number: 10 }],
    ['page=999999999&number=1', { page: 999999999, number: 1 }],
  ];
  for (const [q, expected] of ACCEPTED) test(`${q} is page ${expected.page} of ${expected.number}`, () => assert.deepEqual(page(q), expected));

  const REFUSED: Array<[string, number, RegExp]> = [
    ['page=1', 400, /needs both page and number/],
    ['number=5', 400, /needs both page and number/],
    ['page=0&number=5', 400, /start at 1: the first page is page=1/],
    ['page=1&number=0', 400, /start at 1/],
    ['page=0&number=0', 400, /start at 1/],
    ['page=-1&number=5', 400, /whole numbers/],
    ['page=1&number=-5', 400, /whole numbers/],
    ['page=one&number=5', 400, /whole numbers/],
    ['page=1&number=five', 400, /whole numbers/],
    ['page=1.5&number=5', 400, /whole numbers/],
    ['page=1&number=1e2', 400, /whole numbers/],
    ['page=&number=5', 400, /whole numbers/],
    ['page=1&number=', 400, /whole numbers/],
    ['page= 1&number=5', 400, /whole numbers/],
    ['page=1&number=0x10', 400, /whole numbers/],
    ['page=1234567890&number=5', 400, /whole numbers/],
    ['page=1&number=51', 413, /number 51 is more than this server's largest page, 50: ask for number=50 or fewer/],
    ['page=1&number=999999999', 413, /largest page, 50/],
  ];
  for (const [q, status, words] of REFUSED) {
    test(`${q} is ${status}`, () =>
      assert.throws(() => page(q), (e: unknown) => e instanceof OcciError && e.status === status && words.test(e.message)));
  }
});
