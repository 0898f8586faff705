// The page landmarks' rules, stated one by one (from the survivors of the
// first Stryker run over src/backends/local/page-landmarks.ts, issue 14):
// the nearest noted position whatever order positions were noted in, and the
// exact bounds of what is held: 64 positions per query, 256 queries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageLandmarks } from '../../src/backends/local/page-landmarks.js';

describe('page landmarks: rules', () => {
  it('gives the nearest noted position at or before an offset, whatever order they were noted in', () => {
    const l = new PageLandmarks();
    l.note('q', 40, 170);
    l.note('q', 10, 110);
    l.note('q', 60, 230);
    assert.deepEqual(l.before('q', 50), { position: 40, rowid: 170 });
    assert.deepEqual(l.before('q', 39), { position: 10, rowid: 110 });
  });

  it('holds 64 positions of a query, and forgets them all for a 65th', () => {
    const l = new PageLandmarks();
    for (let p = 0; p < 64; p++) l.note('q', p * 10, p);
    assert.deepEqual(l.before('q', 5), { position: 0, rowid: 0 }, 'the first of 64 is still held');
    l.note('q', 640, 64);
    assert.equal(l.before('q', 5), undefined, 'forgotten for the 65th');
    assert.deepEqual(l.before('q', 700), { position: 640, rowid: 64 });
    l.note('q', 640, 65);
    assert.deepEqual(l.before('q', 700), { position: 640, rowid: 65 }, 'a position noted again is replaced');
  });

  it('holds positions of 256 queries, and forgets them all for a 257th', () => {
    const l = new PageLandmarks();
    for (let q = 0; q < 256; q++) l.note(`q${q}`, 0, q);
    assert.deepEqual(l.before('q0', 0), { position: 0, rowid: 0 }, 'the first of 256 is still held');
    l.note('q256', 0, 256);
    assert.equal(l.before('q0', 0), undefined, 'forgotten for the 257th');
    assert.deepEqual(l.before('q256', 0), { position: 0, rowid: 256 });
  });
});
