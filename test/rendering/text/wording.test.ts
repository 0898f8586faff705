// Text renderings: what a refused structure is told, word for word (the
// client's own text trimmed and quoted back), separators a client may use,
// and the media type every text answer carries. Mutation testing found each
// of these stated nowhere.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAttributePair } from '../../../src/rendering/text/attribute-value.js';
import { parseCategoryValue } from '../../../src/rendering/text/category-value.js';
import { excerpt } from '../../../src/rendering/text/grammar.js';
import { parseLinkValue } from '../../../src/rendering/text/link-value.js';
import { parseTextBody, parseTextHeaders } from '../../../src/rendering/text/parse.js';
import { textOcciRenderer, textPlainRenderer, uriListRenderer } from '../../../src/rendering/text/render.js';
import { bodyStructures } from '../../../src/rendering/text/structures.js';
import { badRequestMessage } from '../../helpers/bad-request.js';


describe('refusals quote the client text trimmed, and name what is wrong', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['a Link without <target>', () => parseLinkValue('  /compute/1>  '), 'Link /compute/1>: must start with <target-url>'],
    ['a Link with an empty target', () => parseLinkValue('  <>  '), 'Link <>: empty target URL'],
    ['a Link parameter that is no pair', () => parseLinkValue('</a>;  bogus '), 'Link </a>: expected name=value, got bogus'],
    ['a Category with a bad term', () => parseCategoryValue('  a b  '), 'Category a b: invalid term a b'],
    ['an attribute that is no pair', () => parseAttributePair('  bogus  ', 'X-OCCI-Attribute'), 'X-OCCI-Attribute bogus: expected name=value'],
    ['an unterminated quoted location', () => parseTextBody('X-OCCI-Location: "/compute/1\n', {}), 'line 1: X-OCCI-Location "/compute/1: unterminated quoted string'],
    // A structure name needs its colon: "Categoryx" is not "Category" with a value.
    ['a line without a colon', () => parseTextBody('Categoryx\n', {}), 'line 1: not an OCCI structure (Category, Link, X-OCCI-Attribute, X-OCCI-Location): Categoryx'],
    // D37: a header in UTF-8 is read as UTF-8, even when it holds no ASCII at all.
    ['a UTF-8 header with no ASCII', () => parseTextHeaders({ category: '\xc3\xa9' }), 'header category: Category é: invalid term é'],
  ];
  for (const [what, run, message] of cases) test(what, () => assert.equal(badRequestMessage(run), message));

  test('client text is quoted whole up to 80 characters, and cut with … past them', () => {
    assert.equal(excerpt('a'.repeat(80)), 'a'.repeat(80));
    assert.equal(excerpt('a'.repeat(81)), `${'a'.repeat(80)}…`);
  });
});

describe('what a client may write between the parts of a structure', () => {
  test('a Link value with spaces around it and empty parameters is read', () => {
    assert.deepEqual(parseLinkValue(' </a> '), { categories: [], target: '/a', attributes: {} });
    assert.deepEqual(parseLinkValue('</a>; ; rel="http://x#y"; '), { categories: [], target: '/a', attributes: {}, targetKind: 'http://x#y' });
  });

  test('attribute names in a Category are separated by spaces or tabs (R25)', () => {
    assert.deepEqual(parseCategoryValue('a; scheme="http://x#"; attributes="a.b\tc.d"').attributes, ['a.b', 'c.d']);
  });

  test('a folded line (R131) joins its continuation with one space', () => {
    assert.deepEqual(bodyStructures('X-OCCI-Attribute: occi.core.title="two\n words"\n').map((s) => s.value), [' occi.core.title="two words"']);
  });

  test('a resource parsed from text carries no link part', () => {
    const kind = 'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\n';
    const [entity] = parseTextBody(kind, {}).entities;
    assert.ok(entity);
    assert.equal(Object.hasOwn(entity, 'link'), false);
  });
});

describe('the media type of every text answer', () => {
  test('text/occi names itself, also on errors', () => {
    assert.equal(textOcciRenderer.mediaType, 'text/occi');
    assert.equal(textOcciRenderer.error(400, 'x', 'r1').headers['Content-Type'], 'text/occi');
  });

  test('a text/plain listing carries its Content-Type', () => {
    assert.deepEqual(textPlainRenderer.collection([], 'resources').headers, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  test('a text/uri-list OK is an empty list', () => {
    assert.equal(uriListRenderer.ok().body, '');
  });
});
