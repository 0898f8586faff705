// Rules of reading text requests that mutation testing found unstated: the
// exact limits (1,000 structures, 64 KiB a value), which structure an error
// names, line numbers with every line ending, header bytes read as UTF-8,
// what makes a text rendering a link entity, and the flags of an
// `attributes="…"` list (R119–R131, D37, spec §4.6 G).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attributeList, parseCategoryValue } from '../../../src/rendering/text/category-value.js';
import { parseLinkValue } from '../../../src/rendering/text/link-value.js';
import { parseTextBody, parseTextHeaders, parseUriList } from '../../../src/rendering/text/parse.js';
import { bodyStructures, MAX_STRUCTURES, MAX_VALUE_CHARS } from '../../../src/rendering/text/structures.js';
import { assertBadRequest } from '../../helpers/bad-request.js';

const rejects = assertBadRequest;

describe('limits at their edge', () => {
  test('the limits are 1,000 structures and 64 KiB a value', () => {
    assert.equal(MAX_STRUCTURES, 1000);
    assert.equal(MAX_VALUE_CHARS, 65536);
  });

  test('a value of exactly 64 KiB is read; one character more is refused, naming the structure', () => {
    const location = (n: number): string => '/c/' + 'x'.repeat(n - 3);
    assert.deepEqual(parseTextHeaders({ 'x-occi-location': location(MAX_VALUE_CHARS) }).locations, [location(MAX_VALUE_CHARS)]);
    const labels: Array<[string, string]> = [
      ['x-occi-location', 'X-OCCI-Location'],
      ['category', 'Category'],
      ['link', 'Link'],
      ['x-occi-attribute', 'X-OCCI-Attribute'],
    ];
    for (const [header, label] of labels) {
      rejects(() => parseTextHeaders({ [header]: location(MAX_VALUE_CHARS + 1) }), `header ${header}: a ${label} value exceeds 64 KiB`);
    }
  });

  test('a text/uri-list URI of exactly 64 KiB is read; one character more is refused', () => {
    const uri = (n: number): string => 'http://h/' + 'x'.repeat(n - 9);
    assert.deepEqual(parseUriList(uri(MAX_VALUE_CHARS)).locations, [uri(MAX_VALUE_CHARS)]);
    rejects(() => parseUriList(uri(MAX_VALUE_CHARS + 1)), 'exceeds 64 KiB');
  });

  test('exactly 1,000 body lines and 1,000 URIs are read', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `X-OCCI-Location: /c/${i}`);
    assert.equal(parseTextBody(lines.join('\n'), {}).locations.length, 1000);
    assert.equal(parseUriList(Array.from({ length: 1000 }, (_, i) => `/c/${i}`).join('\n')).locations.length, 1000);
  });

  test("a reader's own limit on body lines: at most `limit`, one more refused", () => {
    assert.equal(bodyStructures('Category: a\nCategory: b', 2).length, 2);
    rejects(() => bodyStructures('Category: a\nCategory: b\nCategory: c', 2), 'too many OCCI structures');
    assert.equal(bodyStructures('Category: a\n'.repeat(1500), Number.POSITIVE_INFINITY).length, 1500);
  });
});

describe('lines of a body', () => {
  test('CRLF, LF and CR each end one line: errors name the right line', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      rejects(() => parseTextBody(['Category: a', '', 'Foo: x'].join(eol), {}), 'line 3', 'Foo: x');
    }
    assert.deepEqual(parseTextBody('X-OCCI-Location: /a\rX-OCCI-Location: /b', {}).locations, ['/a', '/b']);
  });

  test('a tab folds a line into the previous one, as a space does', () => {
    assert.deepEqual(parseTextBody('X-OCCI-Attribute: a="x",\n\tb=2', {}).attributes, { a: 'x', b: 2 });
  });

  test('an indented first line has nothing to continue: it is read as a line of its own', () => {
    assert.deepEqual(parseTextBody('  Category: a; scheme="s#"', {}).categories, [{ term: 'a', scheme: 's#' }]);
  });

  test('the origin of a structure: "line n" in a body, "header name" in headers', () => {
    rejects(() => parseTextBody('Category: a\nCategory: bad term', {}), 'line 2: Category');
    rejects(() => parseTextHeaders({ 'X-OCCI-Category': 'bad term' }), 'header X-OCCI-Category: Category');
  });
});

describe('headers are read as UTF-8 (D37)', () => {
  // Node gives header bytes one character per byte.
  const asNodeGivesIt = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

  test('UTF-8 bytes in a header are decoded', () => {
    const p = parseTextHeaders({ 'x-occi-attribute': asNodeGivesIt('occi.core.title="Ωμέγα"') });
    assert.deepEqual(p.attributes, { 'occi.core.title': 'Ωμέγα' });
  });

  test('bytes that are not UTF-8 are a 400 naming the header and pointing to a text/plain body', () => {
    rejects(() => parseTextHeaders({ 'X-OCCI-Attribute': 'occi.core.title="h\xe9llo"' }), 'header X-OCCI-Attribute', 'text/plain body');
  });

  test('an absent header (undefined) is skipped', () => {
    assert.equal(parseTextHeaders({ category: undefined, 'x-occi-location': '/a' }).empty, false);
    assert.deepEqual(parseTextHeaders({ category: undefined }).categories, []);
  });
});

describe('a text rendering is a link entity when it names a source or a target (spec §4.6 G)', () => {
  test('a target alone is enough, and a source alone', () => {
    const byTarget = parseTextBody('Category: l; scheme="s#"\nX-OCCI-Attribute: occi.core.target="/n/1"', {});
    assert.deepEqual(byTarget.entities[0]?.link, { categories: [{ term: 'l', scheme: 's#' }], target: '/n/1', attributes: {} });
    const bySource = parseTextBody('X-OCCI-Attribute: occi.core.source="/c/1"', {});
    assert.deepEqual(bySource.entities[0]?.link, { categories: [], source: '/c/1', attributes: {} });
  });

  test('no source and no target: a resource, not a link', () => {
    assert.equal(parseTextBody('X-OCCI-Attribute: occi.core.target.kind="a#b"', {}).entities[0]?.link, undefined);
  });

  test('endpoint attributes, source.kind included, live in the link fields, not its attributes', () => {
    const p = parseTextBody(
      'X-OCCI-Attribute: occi.core.source="/c/1", occi.core.source.kind="a#compute", occi.core.target.kind="a#network", x.y=1',
      {},
    );
    assert.deepEqual(p.entities[0]?.link, { categories: [], source: '/c/1', targetKind: 'a#network', attributes: { 'x.y': 1 } });
  });

  test('every endpoint attribute must be a quoted URL string', () => {
    rejects(() => parseTextBody('X-OCCI-Attribute: occi.core.target=true', {}), 'occi.core.target must be a quoted URL string');
    rejects(
      () => parseTextBody('X-OCCI-Attribute: occi.core.source="/c/1", occi.core.target.kind=3', {}),
      'occi.core.target.kind must be a quoted URL string',
    );
  });
});

describe('Category and Link parameters', () => {
  test('class="" is as if no class were given', () => {
    assert.deepEqual(parseCategoryValue('a; scheme="s#"; class=""'), { term: 'a', scheme: 's#' });
  });

  test('parameter names are case-insensitive', () => {
    assert.deepEqual(parseCategoryValue('a; SCHEME="s#"; Class=mixin; TITLE="T"'), { term: 'a', scheme: 's#', class: 'mixin', title: 'T' });
    assert.deepEqual(parseLinkValue('</n/1>; REL="a#b"; Self="/l/1"; CATEGORY="s#k"'), {
      target: '/n/1',
      targetKind: 'a#b',
      self: '/l/1',
      categories: [{ scheme: 's#', term: 'k' }],
      attributes: {},
    });
  });

  test('a Link: empty segments are skipped; spaces inside <…> are trimmed', () => {
    assert.deepEqual(parseLinkValue('< /n/1 >;; rel="a#b";'), { target: '/n/1', targetKind: 'a#b', categories: [], attributes: {} });
  });

  test('a Link parameter in error is named', () => {
    rejects(() => parseLinkValue('</n/1>; self="/l/1'), 'Link </n/1>: parameter self: unterminated quoted string');
    rejects(() => parseLinkValue('</n/1>; category="a'), 'parameter category');
  });

  test('attributes="…" lists names with their flags; spaces and tabs separate', () => {
    assert.deepEqual(attributeList(' a.b{immutable}\tc{required  immutable} d ', 'k'), [
      { name: 'a.b', flags: ['immutable'] },
      { name: 'c', flags: ['required', 'immutable'] },
      { name: 'd', flags: [] },
    ]);
    assert.deepEqual(attributeList('', 'k'), []);
  });

  test('attributes="…" errors name the category and the attribute', () => {
    rejects(() => attributeList('a{immutable', 'k'), 'Category k: attribute a: unterminated {…} flags');
    rejects(() => attributeList('a _b', 'k'), 'Category k: invalid attribute name _b');
    rejects(() => parseCategoryValue('k; attributes="x{required"'), 'Category k: attribute x');
  });
});
