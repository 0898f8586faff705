// Attribute values against their definitions (model/validate.ts): each value
// kind accepts exactly its type, ranges are inclusive, strings are bounded
// and free of control characters, patterns are said in words, and every
// refusal is a 400 that names the attribute and shows what was sent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { attr, enumAttr } from '../../src/model/attribute-builders.js';
import type { AttributeDefinition, AttributeValue } from '../../src/model/category.js';
import { validateValue } from '../../src/model/validate.js';

function refused(def: AttributeDefinition, value: AttributeValue): string {
  try {
    validateValue(def, value);
  } catch (e) {
    assert.ok(e instanceof OcciError, `expected an OcciError, got ${String(e)}`);
    assert.equal(e.status, 400);
    return e.message;
  }
  assert.fail(`${JSON.stringify(value)} was accepted for ${def.name} (${def.valueKind})`);
}

const integer = attr('x.cores', 'integer', 'cores', { minimum: 1, maximum: 8 });
const float = attr('x.memory', 'float', 'memory', { minimum: 0.5, maximum: 2 });

describe('attribute values are validated against their definitions', () => {
  test('an integer is a whole number: fractions, numeric strings and booleans are refused, naming the attribute and the value', () => {
    assert.equal(validateValue(integer, 4), 4);
    assert.equal(refused(integer, 2.5), 'attribute x.cores must be an integer, got 2.5');
    assert.equal(refused(integer, '4'), 'attribute x.cores must be an integer, got the string "4"');
    assert.equal(refused(integer, true), 'attribute x.cores must be an integer, got true');
  });

  test('ranges are inclusive at both ends and say the bound that was crossed', () => {
    assert.equal(validateValue(integer, 1), 1);
    assert.equal(validateValue(integer, 8), 8);
    assert.equal(refused(integer, 0), 'attribute x.cores must be at least 1, got 0');
    assert.equal(refused(integer, 9), 'attribute x.cores must be at most 8, got 9');
    assert.equal(validateValue(float, 0.5), 0.5);
    assert.equal(validateValue(float, 2), 2);
    assert.equal(refused(float, 0.25), 'attribute x.memory must be at least 0.5, got 0.25');
    assert.equal(refused(float, 2.5), 'attribute x.memory must be at most 2, got 2.5');
  });

  test('a float is any finite number, fractions included; infinities and strings are refused', () => {
    const unbounded = attr('x.f', 'float', 'f');
    assert.equal(validateValue(unbounded, 1.5), 1.5);
    assert.equal(validateValue(unbounded, -3), -3);
    assert.equal(refused(unbounded, Number.POSITIVE_INFINITY), 'attribute x.f must be a finite number, got Infinity');
    assert.equal(refused(unbounded, Number.NaN), 'attribute x.f must be a finite number, got NaN');
    assert.equal(refused(unbounded, '1.5'), 'attribute x.f must be a number, got the string "1.5"');
  });

  test('a boolean is true or false, quoted or not (ooi quotes them); anything else is refused', () => {
    const b = attr('x.b', 'boolean', 'b');
    assert.equal(validateValue(b, true), true);
    assert.equal(validateValue(b, false), false);
    assert.equal(validateValue(b, 'true'), true);
    assert.equal(validateValue(b, 'false'), false);
    assert.equal(refused(b, 'yes'), 'attribute x.b must be true or false, got the string "yes"');
    assert.equal(refused(b, 1), 'attribute x.b must be true or false, got 1');
  });

  test('an enum takes one of its values and lists them when refusing', () => {
    const e = enumAttr('x.arch', ['x86', 'x64'], 'arch');
    assert.equal(validateValue(e, 'x64'), 'x64');
    assert.equal(refused(e, 'arm'), 'attribute x.arch must be one of x86, x64, got "arm"');
    assert.equal(refused(e, 64), 'attribute x.arch must be a string, got 64');
    assert.equal(validateValue(attr('x.open', 'enum', 'no values listed'), 'anything'), 'anything', 'an enum without values takes any string');
  });

  test('strings and URIs are text up to 64 KiB, with tab and line ends but no other control characters', () => {
    for (const kind of ['string', 'uri'] as const) {
      const s = attr('x.s', kind, 's');
      assert.equal(validateValue(s, 'a\tb\r\nc'), 'a\tb\r\nc');
      assert.equal(validateValue(s, 'x'.repeat(64 * 1024)), 'x'.repeat(64 * 1024));
      assert.equal(refused(s, 'x'.repeat(64 * 1024 + 1)), 'attribute x.s is longer than 65536 characters');
      for (const c of ['\x00', '\x08', '\x0b', '\x0c', '\x0e', '\x1f', '\x7f']) {
        assert.equal(refused(s, `a${c}b`), 'attribute x.s contains control characters', JSON.stringify(c));
      }
      assert.equal(refused(s, 5), 'attribute x.s must be a string, got 5');
    }
  });

  test('a pattern is checked and, when refused, said in words (or shown when it has no words)', () => {
    const worded = attr('x.mac', 'string', 'mac', { pattern: '^[0-9a-f]{2}$', patternText: 'two hex digits' });
    assert.equal(validateValue(worded, 'af'), 'af');
    assert.equal(refused(worded, 'zz'), 'attribute x.mac must be two hex digits');
    const bare = attr('x.p', 'string', 'p', { pattern: '^a+$' });
    assert.equal(refused(bare, 'b'), 'attribute x.p must be text matching ^a+$');
  });

  test('a list is an array and a hash an object (not an array, not null)', () => {
    const list = attr('x.l', 'list', 'l');
    const hash = attr('x.h', 'hash', 'h');
    assert.deepEqual(validateValue(list, ['a', 1]), ['a', 1]);
    assert.equal(refused(list, 'a'), 'attribute x.l must be a list, got the string "a"');
    assert.deepEqual(validateValue(hash, { a: 1 }), { a: 1 });
    assert.equal(refused(hash, ['a']), 'attribute x.h must be an object, got ["a"]');
    assert.equal(refused(hash, null as unknown as AttributeValue), 'attribute x.h must be an object, got null');
    assert.equal(refused(hash, 'a'), 'attribute x.h must be an object, got the string "a"');
  });

  test('a refusal shows at most 40 characters of what was sent', () => {
    const long = 'y'.repeat(100);
    assert.equal(refused(integer, long), `attribute x.cores must be an integer, got the string "${'y'.repeat(40)}"`);
    assert.equal(refused(attr('x.l', 'list', 'l'), { k: long }), `attribute x.l must be a list, got ${JSON.stringify({ k: long }).slice(0, 40)}`);
    assert.equal(refused(enumAttr('x.e', ['a'], 'e'), long), `attribute x.e must be one of a, got "${'y'.repeat(40)}"`);
  });
});
