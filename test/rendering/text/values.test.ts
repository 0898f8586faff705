// Attribute values in the text renderings, and which renderer answers when,
// stated at the edges mutation testing found unguarded: what a bare value
// is (R122), numbers the grammar cannot write, text/occi+plain under its own
// name (R9), and text/uri-list falling back to the client's next choice for
// what is not a listing (R13, D9).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../../src/errors.js';
import { COMPUTE } from '../../../src/model/infrastructure.js';
import { parseAttributePair, parseAttributeValue } from '../../../src/rendering/text/attribute-value.js';
import { excerpt } from '../../../src/rendering/text/grammar.js';
import { listingsOnly, renderAttributeValue, textOcciPlainRenderer, textPlainRenderer } from '../../../src/rendering/text/render.js';
import { COMPUTE_URL, computeView } from './views.js';

const is400 = (fragment: string) => (e: unknown) => e instanceof OcciError && e.status === 400 && e.message.includes(fragment);

describe('a bare value (R122)', () => {
  test('numbers: an optional minus, digits, an optional fraction with digits', () => {
    const numbers: Array<[string, number]> = [['0', 0], ['-0.5', -0.5], ['42', 42], ['10.25', 10.25]];
    for (const [text, n] of numbers) assert.equal(parseAttributeValue(text, 'x'), n, text);
    for (const text of ['1.', '-', '+1', '1e3', '0x1F', '1.2.3', 'a1', '1a', '1.5x', '-x', '.5']) assert.equal(parseAttributeValue(text, 'x'), text, text);
  });

  test('booleans are exactly true and false', () => {
    assert.equal(parseAttributeValue('true', 'x'), true);
    assert.equal(parseAttributeValue('false', 'x'), false);
    assert.equal(parseAttributeValue('True', 'x'), 'True');
    assert.equal(parseAttributeValue('yes', 'x'), 'yes');
  });

  test('a bare word may not hold a space, tab, quote, comma or semicolon', () => {
    for (const text of ['a b', 'a\tb', 'a"b', 'a,b', 'a;b']) {
      assert.throws(() => parseAttributeValue(text, 'x.y'), is400('attribute x.y: value'), JSON.stringify(text));
    }
    assert.equal(parseAttributeValue("O'Brien-2_x.y/z", 'x'), "O'Brien-2_x.y/z");
  });

  test('errors name the attribute and the structure', () => {
    assert.throws(() => parseAttributeValue('', 'x.y'), is400('attribute x.y has an empty value'));
    assert.throws(() => parseAttributeValue('"a', 'x.y'), is400('attribute x.y: unterminated quoted string'));
    assert.throws(() => parseAttributePair('novalue', 'Thing'), is400('Thing novalue: expected name=value'));
    assert.throws(() => parseAttributePair('a b=1', 'Thing'), is400('Thing: invalid attribute name a b'));
  });
});

describe('numbers the grammar cannot write', () => {
  test('Infinity and NaN are written as quoted strings, never bare', () => {
    assert.equal(renderAttributeValue(Infinity), '"Infinity"');
    assert.equal(renderAttributeValue(-Infinity), '"-Infinity"');
    assert.equal(renderAttributeValue(NaN), '"NaN"');
  });

  test('a Float that is whole gets .0 also in exponent range; an Integer never does', () => {
    const memory = COMPUTE.attributes.get('occi.compute.memory');
    assert.equal(renderAttributeValue(1e21, memory), '1000000000000000000000.0');
    assert.equal(renderAttributeValue(1.5e-7, memory), '0.00000015');
    assert.equal(renderAttributeValue(-1e21), '-1000000000000000000000');
    assert.equal(renderAttributeValue(1.25e22), '12500000000000000000000');
  });
});

describe('text/occi+plain (R9)', () => {
  test('renders as text/plain does, under its own name', () => {
    const view = computeView();
    const r = textOcciPlainRenderer.entity(view);
    assert.equal(textOcciPlainRenderer.mediaType, 'text/occi+plain');
    assert.deepEqual(r, { headers: { 'Content-Type': 'text/occi+plain; charset=utf-8' }, body: textPlainRenderer.entity(view).body });
    assert.equal(textOcciPlainRenderer.locations([COMPUTE_URL]).headers['Content-Type'], 'text/occi+plain; charset=utf-8');
    assert.equal(textOcciPlainRenderer.error(404, 'm', 'r').headers['Content-Type'], 'text/occi+plain; charset=utf-8');
  });
});

describe('text/uri-list, else the next choice (R13, D9)', () => {
  const r = listingsOnly(textPlainRenderer);

  test('listings as a URI list', () => {
    assert.deepEqual(r.locations([COMPUTE_URL]), { headers: { 'Content-Type': 'text/uri-list' }, body: `${COMPUTE_URL}\r\n` });
    assert.equal(r.collection([computeView()], 'resources').body, `${COMPUTE_URL}\r\n`);
  });

  test('an entity, the query interface and errors in the next choice', () => {
    assert.deepEqual(r.entity(computeView()), textPlainRenderer.entity(computeView()));
    assert.deepEqual(r.categories([{ category: COMPUTE }]), textPlainRenderer.categories([{ category: COMPUTE }]));
    assert.deepEqual(r.error(404, 'gone', 'q'), textPlainRenderer.error(404, 'gone', 'q'));
  });

  test('its own name, so that a cache keyed by the media type keeps the two apart', () => {
    assert.equal(r.mediaType, 'text/uri-list, else text/plain');
  });
});

describe('client text quoted back in a message', () => {
  test('up to 80 characters as sent; longer is cut at 80 with …', () => {
    assert.equal(excerpt('x'.repeat(80)), 'x'.repeat(80));
    assert.equal(excerpt('x'.repeat(81)), `${'x'.repeat(80)}…`);
    assert.throws(() => parseAttributeValue(`a b${'c'.repeat(100)}`, 'x'), is400(`value a b${'c'.repeat(77)}… must be`));
  });
});
