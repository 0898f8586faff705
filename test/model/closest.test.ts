// "Did you mean …?" suggestions: edit distance with swaps, ignoring case, the nearest only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, didYouMean, editDistance } from '../../src/model/closest.js';

describe('closest names', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours, ignoring case', () => {
    assert.equal(editDistance('Debain', 'Debian'), 1, 'a swap is one edit');
    assert.equal(editDistance('debian', 'Debian'), 0);
    assert.equal(editDistance('stat', 'start'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('abc', 'abcdefgh', 2), Infinity, 'gives up past the limit');
  });

  it('suggests only the nearest, within a third of the word', () => {
    assert.deepEqual(closest('Debain', ['Debian', 'Ubuntu', 'CentOS']), ['Debian']);
    assert.deepEqual(closest('C2R2048D2O', ['C2R2048D20', 'C1R2048D20']), ['C2R2048D20']);
    assert.deepEqual(closest('xyz', ['Debian', 'Ubuntu']), []);
    assert.deepEqual(closest('stpo', ['stop', 'start']), ['stop']);
  });

  it('says it in words', () => {
    assert.equal(didYouMean('Debain', ['Debian']), 'did you mean Debian?');
    assert.equal(didYouMean('sto', ['stop', 'std']), 'did you mean std or stop?');
    assert.equal(didYouMean('zzzz', ['Debian']), '');
  });

  it('compares long names by their first 64 characters, so its work is bounded', () => {
    assert.deepEqual(closest('a'.repeat(100_000), ['b'.repeat(100_000), 'a'.repeat(99_999) + 'b']), ['a'.repeat(99_999) + 'b']);
  });

  it('allows a third of the word in edits, at least one and at most three', () => {
    assert.deepEqual(closest('ab', ['ac']), ['ac'], 'a short word may still be one edit away');
    assert.deepEqual(closest('abcdef', ['abxyef']), ['abxyef'], 'six letters: two edits');
    assert.deepEqual(closest('abcde', ['abxye']), [], 'five letters: one edit only');
    assert.deepEqual(closest('abcdefghijkl', ['abcdefghiXYZ']), ['abcdefghiXYZ'], 'twelve letters: three edits');
    assert.deepEqual(closest('abcdefghijklmnop', ['abcdefghijkWXYZp']), [], 'never four, however long the word');
  });

  it('a length difference of exactly the limit can still be within it', () => {
    assert.deepEqual(closest('stat', ['start']), ['start']);
    assert.equal(editDistance('abc', 'abcde', 2), 2);
    assert.equal(editDistance('abc', 'abcdef', 2), Infinity);
    assert.equal(editDistance('abcd', 'wxyz', 4), 4, 'a distance equal to the limit is kept');
    assert.equal(editDistance('abcd', 'wxyz', 3), Infinity);
  });

  it('never suggests the word itself, and each candidate once', () => {
    assert.deepEqual(closest('stop', ['stop', 'stpo']), ['stpo']);
    assert.deepEqual(closest('stpo', ['stop', 'stop', 'Stop']), ['stop', 'Stop']);
  });

  it('ties are listed alphabetically, at most three', () => {
    assert.deepEqual(closest('cat', ['hat', 'bat', 'rat', 'fat', 'cut']), ['bat', 'cut', 'fat']);
    assert.deepEqual(closest('cat', ['hat', 'bat'], 1), ['bat']);
  });

  it('a swap counts as one edit only when the two letters are exchanged', () => {
    assert.equal(editDistance('ab', 'ba'), 1);
    assert.equal(editDistance('ax', 'ya'), 2, 'the a moved but x and y differ: two edits');
    assert.equal(editDistance('xa', 'ay'), 2);
  });

  it('a distance past the limit is Infinity even when every row stayed within it', () => {
    assert.equal(editDistance('a', 'bcd', 2), Infinity);
    assert.equal(editDistance('a', 'bcd', 3), 3);
  });

  it('lists three suggestions as "a, b or c"', () => {
    assert.equal(didYouMean('cat', ['hat', 'bat', 'rat']), 'did you mean bat, hat or rat?');
  });
});
