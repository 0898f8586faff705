// The lexical rules of the text renderings (scan.ts), stated one by one:
// where a quoted string or a <target> begins and ends, which escapes a
// quoted-string understands, and which characters are never written raw
// (R121, R126, R129, R131). The parsers' tests reach these rules only through
// whole structures; mutation testing showed edges they left unstated.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quote, readQuoted, splitOutside, splitPair, unquoteValue, uriText, words } from '../../../src/rendering/text/scan.js';

describe('splitOutside: separators inside quotes and <targets> do not split', () => {
  const cases: Array<[string, ',' | ';', string[]]> = [
    ['a;b; c', ';', ['a', 'b', ' c']],
    ['', ';', ['']],
    ['a;', ';', ['a', '']],
    // Double quotes anywhere; a backslash escapes the next character inside them.
    ['t="x;y";z', ';', ['t="x;y"', 'z']],
    ['t="x\\";y";z', ';', ['t="x\\";y"', 'z']],
    ['t="x\\\\";z', ';', ['t="x\\\\"', 'z']],
    ['x"a,b",c', ',', ['x"a,b"', 'c']],
    // A single quote only where a value starts: at a segment's start or after '=', spaces and tabs between.
    ["t='x;y';z", ';', ["t='x;y'", 'z']],
    ["t= \t'x;y';z", ';', ["t= \t'x;y'", 'z']],
    ["'x;y';z", ';', ["'x;y'", 'z']],
    ["a; 'x;y'", ';', ['a', " 'x;y'"]],
    ["a;\t'x;y'", ';', ['a', "\t'x;y'"]],
    ["s=O'Brien;z", ';', ["s=O'Brien", 'z']],
    ["s=O'Brien, t=x", ',', ["s=O'Brien", ' t=x']],
    ["a=b'c;d", ';', ["a=b'c", 'd']],
    // '=' counts only right before the value: 'a=;' starts nothing.
    ["a=;b'c;d", ';', ['a=', "b'c", 'd']],
    // A <target> only at a segment's start (spaces first allowed); elsewhere '<' is an ordinary character.
    ['<http://h/a;b>; rel="x"', ';', ['<http://h/a;b>', ' rel="x"']],
    [' <http://h/a,b>, <http://h/c>', ',', [' <http://h/a,b>', ' <http://h/c>']],
    ['a<b;c>', ';', ['a<b', 'c>']],
    ['t=<b;c>', ';', ['t=<b', 'c>']],
    // Unterminated: runs to the end.
    ['t="x;y', ';', ['t="x;y']],
    ['<http://h/a;b', ';', ['<http://h/a;b']],
  ];
  for (const [text, sep, parts] of cases) {
    test(`${JSON.stringify(text)} on ${sep}`, () => assert.deepEqual(splitOutside(text, sep), parts));
  }
});

describe('readQuoted: a quoted-string and where it ends', () => {
  test('closed by the mark that opened it', () => {
    assert.deepEqual(readQuoted('"a\'b" x', 0), { value: "a'b", end: 5 });
    assert.deepEqual(readQuoted('x=\'a"b\'', 2), { value: 'a"b', end: 7 });
  });

  test('quoted-pair, \\n \\r \\t and \\uXXXX (either case) decode', () => {
    assert.deepEqual(readQuoted('"a\\"b\\\\c\\qd"', 0), { value: 'a"b\\cqd', end: 12 });
    assert.equal(readQuoted('"\\n\\r\\t"', 0)?.value, '\n\r\t');
    assert.equal(readQuoted('"\\u0041B\\u00e9\\u00E9"', 0)?.value, 'ABéé');
    assert.equal(readQuoted('"\\u2028"', 0)?.value, '\u2028');
  });

  test('\\u without four hex digits is the letter u', () => {
    assert.equal(readQuoted('"\\u12G4"', 0)?.value, 'u12G4');
    assert.equal(readQuoted('"\\u12"', 0)?.value, 'u12');
  });

  test('unterminated, or a backslash at the very end: null', () => {
    assert.equal(readQuoted('"abc', 0), null);
    assert.equal(readQuoted('"abc\\', 0), null);
    assert.equal(readQuoted('"abc\\"', 0), null);
  });
});

describe('unquoteValue: a quoted-string with nothing after it, or bare text', () => {
  test('bare text is trimmed and not quoted', () => {
    assert.deepEqual(unquoteValue('  web 01 '), { value: 'web 01', quoted: false });
    assert.deepEqual(unquoteValue(''), { value: '', quoted: false });
  });

  test('double or single quotes, spaces around allowed', () => {
    assert.deepEqual(unquoteValue(' "a;b" '), { value: 'a;b', quoted: true });
    assert.deepEqual(unquoteValue("'a'"), { value: 'a', quoted: true });
  });

  test('errors say what is wrong', () => {
    assert.deepEqual(unquoteValue('"a'), { error: 'unterminated quoted string' });
    assert.deepEqual(unquoteValue('"a" b'), { error: 'unexpected text after the closing quote' });
  });
});

describe('quote: never a raw control or line-breaking character (R129)', () => {
  test('escapes at the edges of each range', () => {
    const cases: Array<[string, string]> = [
      ['\u0000', '\\u0000'],
      ['\u001f', '\\u001f'],
      ['\u001b', '\\u001b'],
      [' ', ' '],
      ['~', '~'],
      ['\u007f', '\\u007f'],
      ['\u0080', '\u0080'],
      ['\u0084', '\u0084'],
      ['\u0085', '\\u0085'],
      ['\u0086', '\u0086'],
      ['\u2027', '\u2027'],
      ['\u2028', '\\u2028'],
      ['\u2029', '\\u2029'],
      ['\u202a', '\u202a'],
      ['\n\r\t"\\', '\\n\\r\\t\\"\\\\'],
    ];
    for (const [raw, written] of cases) assert.equal(quote(`a${raw}b`), `"a${written}b"`, JSON.stringify(raw));
  });

  test('every escape reads back', () => {
    const all = Array.from({ length: 0x90 }, (_, i) => String.fromCharCode(i)).join('') + '\u2028\u2029';
    assert.equal(readQuoted(quote(all), 0)?.value, all);
  });
});

describe('words and splitPair', () => {
  test('words: runs of spaces and tabs separate, none kept empty', () => {
    assert.deepEqual(words(' a\t\tb  c '), ['a', 'b', 'c']);
    assert.deepEqual(words('abc'), ['abc']);
    assert.deepEqual(words(' \t '), []);
    assert.deepEqual(words(''), []);
  });

  test('splitPair: at the first =, both sides trimmed; none without =', () => {
    assert.deepEqual(splitPair(' a = b=c '), { name: 'a', value: 'b=c' });
    assert.deepEqual(splitPair('=x'), { name: '', value: 'x' });
    assert.equal(splitPair('abc'), null);
  });
});

describe('uriText: exactly the characters a URI never holds are percent-encoded (R129)', () => {
  const never = (code: number): boolean => code <= 0x20 || code === 0x7f || code === 0x22 || code === 0x3c || code === 0x3e;

  test('each ASCII character, alone in a URL, is encoded or kept as this rule says', () => {
    for (let code = 0; code <= 0x7f; code++) {
      const ch = String.fromCharCode(code);
      const expected = never(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
      assert.equal(uriText(`http://h/c/a${ch}b`), `http://h/c/a${expected}b`, `character ${code}`);
    }
  });

  test('a URL that needs nothing comes back as it is; one that does has every such character encoded', () => {
    assert.equal(uriText('http://h/compute/6f1c2a9e-0d1b-4c55-9a0e-1d2b3c4d5e6f?x=1&y=%41'), 'http://h/compute/6f1c2a9e-0d1b-4c55-9a0e-1d2b3c4d5e6f?x=1&y=%41');
    assert.equal(uriText('\r\n<a b>"\u007f'), '%0D%0A%3Ca%20b%3E%22%7F');
    assert.equal(uriText('é/ü'), 'é/ü'); // not ASCII: left to the rendering's encoding
    assert.equal(uriText('\r\n'), '%0D%0A', 'nothing but such characters');
    assert.equal(uriText(''), '');
  });
});
