// The media type of a request body (R11, D10), as clients send it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requestMediaType } from '../../src/rendering/negotiate.js';

describe('the media type of a request body', () => {
  test('parameters and case do not count', () => {
    assert.equal(requestMediaType('Text/Plain; charset=utf-8'), 'text/plain');
    assert.equal(requestMediaType('application/occi+json'), 'application/occi+json');
  });

  test("a list counts as its first type: rOCCI-cli 4's default Content-Type is text/plain,text/occi (docs/guide/rocci.md)", () => {
    assert.equal(requestMediaType('text/plain,text/occi'), 'text/plain');
    assert.equal(requestMediaType(' text/occi , text/plain'), 'text/occi');
  });

  test('none, or an empty one, is none', () => {
    assert.equal(requestMediaType(undefined), undefined);
    assert.equal(requestMediaType(''), undefined);
    assert.equal(requestMediaType(' ;charset=utf-8'), undefined);
  });
});
