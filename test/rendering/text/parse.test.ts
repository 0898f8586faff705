import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTextBody, parseTextHeaders, parseUriList } from '../../../src/rendering/text/parse.js';
import { assertBadRequest } from '../../helpers/bad-request.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const body = (...lines: string[]): string => lines.join('\r\n');
const plain = (...lines: string[]) => parseTextBody(body(...lines), {});

const rejects = assertBadRequest;

describe('Category values (R123, R124, R131)', () => {
  test('R123 strict form with every parameter', () => {
    const p = plain(
      `Category: compute; scheme="${INFRA}"; class="kind"; title="Compute, big"; rel="http://schemas.ogf.org/occi/core#resource"; ` +
        `location="http://h/compute/"; attributes="occi.compute.cores occi.compute.state{immutable} x{required immutable}"; ` +
        `actions="${INFRA}start ${INFRA}stop"`,
    );
    assert.deepEqual(p.categories, [
      {
        term: 'compute',
        scheme: INFRA,
        class: 'kind',
        title: 'Compute, big',
        rel: ['http://schemas.ogf.org/occi/core#resource'],
        location: 'http://h/compute/',
        attributes: ['occi.compute.cores', 'occi.compute.state', 'x'],
        actions: [`${INFRA}start`, `${INFRA}stop`],
      },
    ]);
  });

  test("R131 the original project's three lenient Category lines parse", () => {
    const p = plain('Category: compute; scheme=;  class="kind";', 'Category: C2R2048D20; scheme=; ', 'Category: Debian; scheme=;');
    assert.deepEqual(p.categories, [
      { term: 'compute', scheme: '', class: 'kind' },
      { term: 'C2R2048D20', scheme: '' },
      { term: 'Debian', scheme: '' },
    ]);
  });

  test('R131 unquoted class, any order, spaces around ; and =, trailing ;', () => {
    const p = plain(`Category: stop ;class = action ;  scheme = "${INFRA}" ; title = "Stop" ;`);
    assert.deepEqual(p.categories, [{ term: 'stop', scheme: INFRA, class: 'action', title: 'Stop' }]);
  });

  test('R131 missing scheme and scheme="" give an empty scheme; missing class stays absent', () => {
    const p = plain('Category: tag1', 'Category: tag2; scheme=""; class=mixin');
    assert.deepEqual(p.categories, [
      { term: 'tag1', scheme: '' },
      { term: 'tag2', scheme: '', class: 'mixin' },
    ]);
  });

  test('R124 1.2 terms: upper case, digit first, dots', () => {
    const p = plain('Category: Ubuntu.22.04; scheme="http://x/os#"; class="mixin"', 'Category: 9lives_x-y; scheme="s#"');
    assert.deepEqual(p.categories.map((c) => c.term), ['Ubuntu.22.04', '9lives_x-y']);
  });

  test('R124 a term outside the 1.2 grammar is a 400 naming it', () => {
    rejects(() => plain('Category: bad term; scheme="s#"'), 'line 1', 'invalid term', 'bad term');
    rejects(() => plain('Category: -x; scheme="s#"'), 'invalid term');
    rejects(() => plain('Category: ; scheme="s#"'), 'invalid term');
  });

  test('R131 unknown class value → 400; unknown parameters are ignored', () => {
    rejects(() => plain('Category: a; scheme="s#"; class="entity"'), 'class must be kind, mixin or action', 'entity');
    assert.deepEqual(plain('Category: a; scheme="s#"; foo="bar"; lonely').categories, [{ term: 'a', scheme: 's#' }]);
  });

  test('R131 unterminated quote in a parameter → 400 naming the category', () => {
    rejects(() => plain('Category: a; scheme="s#'), 'Category a', 'unterminated');
  });

  test('R125 rel may hold several type ids', () => {
    const p = plain('Category: m; scheme="s#"; class="mixin"; rel="a#x  b#y"');
    assert.deepEqual(p.categories[0]?.rel, ['a#x', 'b#y']);
  });

  test('a title with commas, semicolons and escaped quotes stays one category (R121)', () => {
    const p = plain('Category: m; scheme="s#"; class="mixin"; title="a, b; \\"c\\"", n; scheme="t#"');
    assert.deepEqual(p.categories, [
      { term: 'm', scheme: 's#', class: 'mixin', title: 'a, b; "c"' },
      { term: 'n', scheme: 't#' },
    ]);
  });
});

describe('X-OCCI-Attribute values (R121, R122)', () => {
  test('R122 quoted string, integer, float, negative, booleans', () => {
    const p = plain(
      'X-OCCI-Attribute: occi.core.title="web"',
      'X-OCCI-Attribute: occi.compute.cores=2',
      'X-OCCI-Attribute: occi.compute.memory=4.0',
      'X-OCCI-Attribute: x.neg=-3.25',
      'X-OCCI-Attribute: x.t=true, x.f=false',
    );
    assert.deepEqual(p.attributes, {
      'occi.core.title': 'web',
      'occi.compute.cores': 2,
      'occi.compute.memory': 4,
      'x.neg': -3.25,
      'x.t': true,
      'x.f': false,
    });
  });

  test("the original's `occi.core.title = newVM` (spaces around =, bare token) gives a string", () => {
    assert.deepEqual(plain('X-OCCI-Attribute: occi.core.title = newVM').attributes, { 'occi.core.title': 'newVM' });
  });

  test('R121 WG test: escaped quote and comma inside the title give one attribute and no memory', () => {
    const p = parseTextHeaders({
      'x-occi-attribute': 'occi.core.title="How\'s your quotes escaping? \\", occi.compute.memory=1.0"',
    });
    assert.deepEqual(p.attributes, { 'occi.core.title': 'How\'s your quotes escaping? ", occi.compute.memory=1.0' });
  });

  test('R121 `occi.core.title="a, \\"b\\""` round-trips exactly', () => {
    assert.deepEqual(plain('X-OCCI-Attribute: occi.core.title="a, \\"b\\""').attributes, { 'occi.core.title': 'a, "b"' });
  });

  test('R129 \\n, \\r, \\t and \\\\ escapes decode', () => {
    const p = plain('X-OCCI-Attribute: a="l1\\nl2\\r\\tx\\\\y\\q"');
    assert.equal(p.attributes.a, 'l1\nl2\r\tx\\yq');
  });

  test('quoted booleans and numbers stay strings (typing is for the model layer)', () => {
    assert.deepEqual(plain('X-OCCI-Attribute: a="true", b="2"').attributes, { a: 'true', b: '2' });
  });

  test('errors → 400 naming the attribute', () => {
    rejects(() => plain('X-OCCI-Attribute: occi.core.title='), 'occi.core.title', 'empty value');
    rejects(() => plain('X-OCCI-Attribute: occi.core.title="open'), 'occi.core.title', 'unterminated');
    rejects(() => plain('X-OCCI-Attribute: occi.core.title="a" b'), 'occi.core.title', 'after the closing quote');
    rejects(() => plain('X-OCCI-Attribute: occi.core.title=new VM'), 'occi.core.title', 'quoted string');
    rejects(() => plain('X-OCCI-Attribute: bad name=1'), 'invalid attribute name', 'bad name');
    rejects(() => plain('X-OCCI-Attribute: _x=1'), 'invalid attribute name');
    rejects(() => plain('X-OCCI-Attribute: novalue'), 'expected name=value', 'novalue');
  });

  test('a repeated attribute name → 400', () => {
    rejects(() => plain('X-OCCI-Attribute: a=1', 'X-OCCI-Attribute: a=2'), 'attribute a given twice', 'line 2');
    rejects(() => parseTextHeaders({ 'x-occi-attribute': 'a=1, a=1' }), 'given twice');
  });

  test('a bare value that only looks numeric-ish is a token string', () => {
    assert.deepEqual(plain('X-OCCI-Attribute: a=1.2.3, b=.5, c=x86_64').attributes, { a: '1.2.3', b: '.5', c: 'x86_64' });
  });
});

describe('Link values (R126)', () => {
  const NI = `${INFRA}networkinterface`;
  test('R126 full owned-link form with attributes', () => {
    const p = plain(
      `Link: </network/3f1c>; rel="${INFRA}network"; self="/networkinterface/a81b"; ` +
        `category="${NI} http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface"; ` +
        'occi.networkinterface.interface="eth0"; occi.networkinterface.address = 10.0.0.5; x.n=3',
    );
    assert.deepEqual(p.entities[0]?.links, [
      {
        target: '/network/3f1c',
        targetKind: `${INFRA}network`,
        self: '/networkinterface/a81b',
        categories: [
          { scheme: INFRA, term: 'networkinterface' },
          { scheme: 'http://schemas.ogf.org/occi/infrastructure/networkinterface#', term: 'ipnetworkinterface' },
        ],
        attributes: { 'occi.networkinterface.interface': 'eth0', 'occi.networkinterface.address': '10.0.0.5', 'x.n': 3 },
      },
    ]);
  });

  test('unquoted category, attributes before rel, several rel ids (first is the target kind)', () => {
    const p = plain(`Link: <http://h/n/1?a=1,2;b>; a.b="x, y"; category=${NI}; rel="${INFRA}network ${INFRA}x"`);
    assert.deepEqual(p.entities[0]?.links[0], {
      target: 'http://h/n/1?a=1,2;b',
      targetKind: `${INFRA}network`,
      categories: [{ scheme: INFRA, term: 'networkinterface' }],
      attributes: { 'a.b': 'x, y' },
    });
  });

  test('two links in one comma list (R120)', () => {
    const p = parseTextHeaders({ link: '</n/1>; rel="a#b", </n/2>; rel="a#c"' });
    assert.deepEqual(p.entities[0]?.links.map((l) => [l.target, l.targetKind]), [['/n/1', 'a#b'], ['/n/2', 'a#c']]);
  });

  test('errors → 400', () => {
    rejects(() => plain('Link: /n/1; rel="a#b"'), 'must start with <target-url>');
    rejects(() => plain('Link: <>; rel="a#b"'), 'empty target');
    rejects(() => plain('Link: </n/1; rel="a#b"'), 'must start with <target-url>');
    rejects(() => plain('Link: </n/1>; rel="a#b'), 'rel', 'unterminated');
    rejects(() => plain('Link: </n/1>; bad name=1'), 'invalid attribute name');
    rejects(() => plain('Link: </n/1>; a=1; a=2'), 'a given twice');
    rejects(() => plain('Link: </n/1>; junk'), 'expected name=value');
  });
});

describe('structures, headers and bodies (R119, R120, R130, D33)', () => {
  const CAT = `compute; scheme="${INFRA}"; class="kind"`;
  const MIX = 'debian; scheme="http://x/os#"; class="mixin"';

  test('R119 text/occi headers and the equivalent text/plain body give the same payload', () => {
    const fromHeaders = parseTextHeaders({
      category: `${CAT}, ${MIX}`,
      link: '</network/1>; rel="a#network"',
      'x-occi-attribute': 'occi.core.title="t", occi.compute.cores=2',
      'content-type': 'text/occi',
    });
    const fromBody = plain(
      `Category: ${CAT}`,
      `Category: ${MIX}`,
      'Link: </network/1>; rel="a#network"',
      'X-OCCI-Attribute: occi.core.title="t"',
      'X-OCCI-Attribute: occi.compute.cores=2',
    );
    assert.deepEqual(fromHeaders, fromBody);
    assert.equal(fromBody.entities.length, 1);
    assert.equal(fromBody.empty, false);
  });

  test('R120 comma lists and repeated headers (array or Node-joined) are the same', () => {
    const joined = parseTextHeaders({ category: `${CAT}, ${MIX}` });
    const repeated = parseTextHeaders({ category: [CAT, MIX] });
    assert.deepEqual(joined, repeated);
    assert.equal(joined.categories.length, 2);
  });

  test('D33 X-OCCI-Category and X-OCCI-Link are accepted; header names are case-insensitive', () => {
    const p = parseTextHeaders({ 'X-OCCI-Category': CAT, 'x-occi-link': '</n/1>; rel="a#b"', 'X-OCCI-Location': '/c/1' });
    assert.equal(p.categories[0]?.term, 'compute');
    assert.equal(p.entities[0]?.links[0]?.target, '/n/1');
    assert.deepEqual(p.locations, ['/c/1']);
  });

  test('non-OCCI headers are ignored; no OCCI headers → empty payload', () => {
    const p = parseTextHeaders({ accept: 'text/plain', 'user-agent': 'x OCCI/1.2', location: '/x', foo: undefined });
    assert.deepEqual(p, { categories: [], attributes: {}, entities: [], locations: [], empty: true });
  });

  test('R130 body: LF or CRLF, names case-insensitive, blank lines skipped, Location synonym', () => {
    const p = parseTextBody(`\n\ncategory: ${CAT}\n\nx-occi-LOCATION: /a/1\r\nLocation: "/a/2"\r\n  \n`, {});
    assert.equal(p.categories.length, 1);
    assert.deepEqual(p.locations, ['/a/1', '/a/2']);
  });

  test('R131 folded continuation lines join the previous line', () => {
    const p = parseTextBody(
      `Category: compute;\n   scheme="${INFRA}";\n\tclass="kind";\r\n title="Compute"\nX-OCCI-Attribute: a=1`,
      {},
    );
    assert.deepEqual(p.categories, [{ term: 'compute', scheme: INFRA, class: 'kind', title: 'Compute' }]);
    assert.deepEqual(p.attributes, { a: 1 });
  });

  test('§4.5 rule 4: a body without OCCI lines falls back to the OCCI headers', () => {
    const p = parseTextBody('\r\n  \n', { category: CAT });
    assert.equal(p.categories[0]?.term, 'compute');
    const q = parseTextBody(`Category: ${MIX}`, { category: CAT });
    assert.deepEqual(q.categories.map((c) => c.term), ['debian']);
  });

  test('a body line with an unknown name or no colon → 400 naming the line', () => {
    rejects(() => parseTextBody(`Category: ${CAT}\nFoo: bar`, {}), 'line 2', 'Foo: bar');
    rejects(() => parseTextBody('hello world', {}), 'line 1', 'hello world');
    rejects(() => parseTextBody(':x', {}), 'line 1');
  });

  test('empty items in comma lists are skipped', () => {
    assert.deepEqual(parseTextHeaders({ 'x-occi-location': '/a/1, , /a/2,' }).locations, ['/a/1', '/a/2']);
  });

  test('locations alone give no entity; empty=false', () => {
    const p = plain('X-OCCI-Location: http://h/c/1, http://h/c/2');
    assert.deepEqual(p.locations, ['http://h/c/1', 'http://h/c/2']);
    assert.deepEqual(p.entities, []);
    assert.equal(p.empty, false);
  });
});

describe('payload assembly', () => {
  test('categories, attributes and links form exactly one entity', () => {
    const p = plain('Category: compute; scheme="s#"; class="kind"', 'Link: </n/1>; rel="a#b"', 'X-OCCI-Attribute: a=1');
    const [entity, ...rest] = p.entities;
    assert.equal(rest.length, 0);
    assert.deepEqual(entity?.categories, p.categories);
    assert.deepEqual(entity?.attributes, { a: 1 });
    assert.deepEqual(entity?.links.map((l) => l.target), ['/n/1']);
    assert.equal(entity?.link, undefined);
  });

  test('an action invocation: one action Category plus its parameters (spec §4.6 E)', () => {
    const p = parseTextHeaders({
      category: 'stop; scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"; class="action"',
      'x-occi-attribute': 'method="graceful"',
    });
    assert.equal(p.categories[0]?.class, 'action');
    assert.deepEqual(p.attributes, { method: 'graceful' });
  });

  test('occi.core.source/target make the entity a link entity (spec §4.6 G)', () => {
    const p = plain(
      `Category: networkinterface; scheme="${INFRA}"; class="kind"`,
      'X-OCCI-Attribute: occi.core.source="/compute/1"',
      'X-OCCI-Attribute: occi.core.target=/network/2',
      'X-OCCI-Attribute: occi.core.target.kind="a#network"',
      'X-OCCI-Attribute: occi.networkinterface.address="10.0.0.7"',
    );
    const entity = p.entities[0];
    assert.equal(entity?.attributes['occi.core.source'], '/compute/1');
    assert.deepEqual(entity?.link, {
      categories: [{ term: 'networkinterface', scheme: INFRA, class: 'kind' }],
      source: '/compute/1',
      target: '/network/2',
      targetKind: 'a#network',
      attributes: { 'occi.networkinterface.address': '10.0.0.7' },
    });
  });

  test('a non-string occi.core.source → 400', () => {
    rejects(() => plain('X-OCCI-Attribute: occi.core.source=12'), 'occi.core.source', 'URL');
  });
});

describe('limits', () => {
  test('more than 1,000 structures → 400 (lines and comma lists)', () => {
    const lines = Array.from({ length: 1001 }, (_, i) => `X-OCCI-Location: /c/${i}`);
    rejects(() => parseTextBody(lines.join('\n'), {}), 'too many OCCI structures', '1000');
    const list = Array.from({ length: 1001 }, (_, i) => `/c/${i}`).join(', ');
    rejects(() => parseTextHeaders({ 'x-occi-location': list }), 'too many');
    assert.equal(parseTextHeaders({ 'x-occi-location': list.slice(0, list.lastIndexOf(',')) }).locations.length, 1000);
  });

  test('a single value over 64 KiB → 400 saying which structure', () => {
    rejects(() => plain(`X-OCCI-Attribute: a="${'x'.repeat(65536)}"`), 'X-OCCI-Attribute value exceeds 64 KiB', 'line 1');
    assert.equal((plain(`X-OCCI-Attribute: a="${'x'.repeat(65000)}"`).attributes.a as string).length, 65000);
  });
});

describe('text/uri-list', () => {
  test('one URI per line, # comments, CRLF or LF', () => {
    const p = parseUriList('# listing\r\nhttp://h/c/1\r\n\nhttp://h/c/2\n  # another\n');
    assert.deepEqual(p, { categories: [], attributes: {}, entities: [], locations: ['http://h/c/1', 'http://h/c/2'], empty: false });
    assert.equal(parseUriList('# nothing\n').empty, true);
  });

  test('more than 1,000 URIs → 400', () => {
    rejects(() => parseUriList(Array.from({ length: 1001 }, (_, i) => `http://h/c/${i}`).join('\n')), 'too many');
  });
});
