// The JSON text reader: syntax errors name their position, nesting is capped
// without recursion, and the scan accepts exactly what JSON.parse accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OcciError } from '../../../src/errors.js';
import { MAX_DEPTH, readJson } from '../../../src/rendering/json/json-text.js';
import { applyEdit, edit } from './edits.js';
import { cpuMs } from '../../helpers/cpu-time.js';
import { assertBadRequest } from '../../helpers/bad-request.js';

const rejects = (text: string, pattern: RegExp): void => assertBadRequest(() => readJson(text), pattern);

describe('readJson: syntax errors name the position', () => {
  const cases: Array<[string, RegExp]> = [
    ['{"a":}', /^invalid JSON at line 1, column 6 \(offset 5\): unexpected "}", expected a value$/],
    ['{"a":1,}', /line 1, column 8 .*expected a double-quoted member name/],
    ['[1,2', /line 1, column 5 .*unexpected end of input/],
    ['{"a" 1}', /column 6 .*expected ':' after a member name/],
    ['{\n  "a": 1\n  "b": 2\n}', /line 3, column 3 \(offset 13\).*expected ',' or '}'/],
    ['[1] x', /column 5 .*after the JSON value/],
    ['{"a":01}', /column 7 .*expected ',' or '}'/],
    ['"\\x"', /column 2 .*invalid escape \\x/],
    ['"\\u12G4"', /column 2 .*four hex digits/],
    ['"a\nb"', /line 1, column 3 .*control character/],
    ['"abc', /column 1 .*unterminated string/],
    ['tru', /expected a value/],
    ['-', /malformed number/],
    ['1.', /line 1, column 2 .*after the JSON value/],
    ['{"a":1]', /expected ',' or '}'/],
    ['[1}', /expected ',' or ']'/],
    ['{,}', /expected a double-quoted member name/],
    ["{'a':1}", /expected a double-quoted member name/],
  ];
  for (const [text, pattern] of cases) {
    it(`rejects ${JSON.stringify(text)} with 400 and a position`, () => rejects(text, pattern));
  }

  it('ignores a leading byte-order mark', () => {
    assert.deepEqual(readJson('\uFEFF{"a":[1,true,null]}'), { a: [1, true, null] });
  });
});

describe('readJson: nesting limit', () => {
  it(`accepts exactly ${MAX_DEPTH} levels and refuses ${MAX_DEPTH + 1}`, () => {
    const ok = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
    assert.ok(Array.isArray(readJson(ok)));
    rejects('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1), /too deeply nested at line 1, column 33 .*deeper than 32/);
    rejects('{"a":'.repeat(MAX_DEPTH + 1) + '1' + '}'.repeat(MAX_DEPTH + 1), /too deeply nested/);
  });

  it('refuses depth 10,000 and 1,000,000 quickly, without a stack overflow', () => {
    for (const depth of [10_000, 1_000_000]) {
      // CPU time, not the wall clock a loaded machine stretches: refusing at
      // depth 33 costs microseconds, while work growing with the nesting
      // (quadratic copying, say) would take seconds for a million levels.
      const ms = cpuMs(() => rejects('[{"a":'.repeat(depth) + ']', /too deeply nested/));
      assert.ok(ms < 500, `depth ${depth} took ${ms} ms of CPU`);
    }
  });

  it('does not count brackets inside strings', () => {
    assert.equal(readJson(JSON.stringify('['.repeat(1000))), '['.repeat(1000));
  });
});

describe('readJson agrees with JSON.parse (property)', () => {
  const agrees = (text: string): void => {
    let expected: unknown;
    let valid = true;
    try {
      expected = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      valid = false;
    }
    if (valid) assert.deepEqual(readJson(text), expected);
    else assert.throws(() => readJson(text), (e: unknown) => e instanceof OcciError && e.status === 400);
  };

  it('on valid JSON texts, pretty or compact', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, pretty) => agrees(JSON.stringify(v, null, pretty ? 2 : 0))),
      { numRuns: 300 },
    );
  });

  it('on JSON texts with one character deleted, inserted or replaced', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), edit, (t, e) => agrees(applyEdit(t, e))), { numRuns: 1000 });
  });

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), agrees), { numRuns: 500 });
  });
});
