// Property tests: render (text/plain) then parse gives back what was rendered,
// and no input, however broken, makes the parsers do anything but succeed or
// answer 400, in linear time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { OcciError } from '../../../src/errors.js';
import { attributeMap, typeId, type AttributeValue, type Mixin } from '../../../src/model/category.js';
import { IPNETWORKINTERFACE, NETWORK, NETWORKINTERFACE, OS_TPL } from '../../../src/model/infrastructure.js';
import type { EntityView, Rendered } from '../../../src/rendering/document.js';
import { parseTextBody, parseTextHeaders, parseUriList } from '../../../src/rendering/text/parse.js';
import { textOcciRenderer, textPlainRenderer } from '../../../src/rendering/text/render.js';
import { computeView, nicView } from './views.js';
import { cpuMs } from '../../helpers/cpu-time.js';

const RUNS = { numRuns: 150 };

const term = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/);
/** Schemes are URIs: no spaces, so type ids survive space-separated lists. */
const scheme = fc.webUrl().map((u) => `${u}#`);
const tricky = fc.constantFrom('"', '\\', ',', ';', '\r', '\n', '\t', '=', '<', '>', '{', '}', ' ', 'é', '€', '😀', '\u0000');
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), maxLength: 60 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 2000, maxLength: 5000 }),
);
const attributeValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
  fc.boolean(),
);
const attributes = fc.uniqueArray(fc.tuple(term.map((t) => `x.${t}`), attributeValue), {
  selector: ([name]) => name,
  maxLength: 8,
});

const mixin = fc.record({ term, scheme, title: nastyString, location: nastyString, withRel: fc.boolean() }).map(
  (m): Mixin => ({
    class: 'mixin',
    scheme: m.scheme,
    term: m.term,
    title: m.title,
    location: m.location,
    attributes: attributeMap([]),
    depends: m.withRel ? [OS_TPL] : [],
    applies: [],
    actions: [],
    origin: 'user',
  }),
);

const link = fc.record({ target: fc.webUrl({ withQueryParameters: true, withFragments: true }), self: fc.webUrl(), attrs: attributes }).map(
  (l): EntityView => ({
    ...nicView(),
    location: l.self,
    target: { location: l.target, kind: NETWORK },
    attributes: l.attrs,
  }),
);

describe('render then parse round-trips (R121, R122, R126, R129, R130)', () => {
  test('R123 categories: term, scheme, class, title, rel, location come back', () => {
    fc.assert(
      fc.property(fc.array(mixin, { minLength: 1, maxLength: 5 }), (mixins) => {
        const body = textPlainRenderer.categories(mixins.map((m) => ({ category: m, location: m.location }))).body;
        const parsed = parseTextBody(body, {}).categories;
        assert.deepEqual(
          parsed,
          mixins.map((m) => ({
            term: m.term,
            scheme: m.scheme,
            class: 'mixin',
            title: m.title,
            location: m.location,
            ...(m.depends[0] ? { rel: [typeId(m.depends[0])] } : {}),
          })),
        );
      }),
      RUNS,
    );
  });

  test('R122/R129 attribute values (quotes, backslashes, commas, CR/LF, non-ASCII, long) come back', () => {
    fc.assert(
      fc.property(attributes, (attrs) => {
        const view = computeView({ attributes: attrs, links: [] });
        const parsed = parseTextBody(textPlainRenderer.entity(view).body, {});
        assert.deepEqual(parsed.attributes, Object.fromEntries(attrs));
        assert.deepEqual(parsed.categories.map((c) => c.term), ['compute', 'debian12', 'small']);
      }),
      RUNS,
    );
  });

  test('R126 owned links: target, target kind, self, categories and attributes come back', () => {
    fc.assert(
      fc.property(fc.array(link, { maxLength: 3 }), (links) => {
        const parsed = parseTextBody(textPlainRenderer.entity(computeView({ links, actions: [] })).body, {});
        assert.deepEqual(
          parsed.entities[0]?.links,
          links.map((l) => ({
            target: l.target?.location,
            targetKind: typeId(NETWORK),
            self: l.location,
            categories: [NETWORKINTERFACE, IPNETWORKINTERFACE].map((c) => ({ scheme: c.scheme, term: c.term })),
            attributes: Object.fromEntries(l.attributes),
          })),
        );
      }),
      RUNS,
    );
  });

  test('R119/R120 text/occi headers parse like the text/plain body, or the rendering is refused with 406', () => {
    fc.assert(
      fc.property(attributes, fc.array(link, { maxLength: 2 }), (attrs, links) => {
        const view = computeView({ attributes: attrs, links });
        let headers: Rendered['headers'];
        try {
          headers = textOcciRenderer.entity(view).headers;
        } catch (e) {
          assert.ok(e instanceof OcciError && e.status === 406);
          return;
        }
        const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
        assert.deepEqual(parseTextHeaders(lower), parseTextBody(textPlainRenderer.entity(view).body, {}));
      }),
      RUNS,
    );
  });
});

/** Runs a parser; anything thrown must be a 400 OcciError. */
function only400(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OcciError, `threw ${String(e)}`);
    assert.equal(e.status, 400);
  }
}

const noise = fc.string({
  unit: fc.oneof(tricky, fc.constantFrom(':', 'Category', 'Link', 'X-OCCI-Attribute', 'X-OCCI-Location', 'a', '1', '#'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 200,
});

describe('hostile input → success or 400, never anything else', () => {
  test('random text for every parser', () => {
    fc.assert(
      fc.property(noise, (text) => {
        only400(() => parseTextBody(text, {}));
        only400(() => parseTextBody('', { category: text, link: text, 'x-occi-attribute': text, 'x-occi-location': text }));
        only400(() => parseTextHeaders({ 'x-occi-category': [text, text] }));
        only400(() => parseUriList(text));
      }),
      { numRuns: 400 },
    );
  });

  test('mutated valid renderings', () => {
    const valid = textPlainRenderer.entity(computeView()).body;
    const edit = fc.record({ at: fc.nat(valid.length), cut: fc.nat(6), put: fc.oneof(tricky, fc.constant('')) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = valid;
        for (const e of edits) text = text.slice(0, e.at) + e.put + text.slice(e.at + e.cut);
        only400(() => parseTextBody(text, {}));
        only400(() => parseTextHeaders({ link: text.replaceAll(/[\r\n]+/g, ', ') }));
      }),
      { numRuns: 400 },
    );
  });
});

// CPU time of this process, not the wall clock: a loaded machine (CI, two
// shared cores) stretches the wall clock, not the work. Linear parsing of
// 64 KiB takes a few milliseconds; quadratic backtracking over it takes
// billions of steps (seconds at least), so a bound of a second tells the
// two apart with no flakiness.
const LINEAR_BOUND_MS = 1000;

describe('linear time: 64 KiB inputs parse in milliseconds (no backtracking)', () => {
  const K = 64 * 1024 - 100;
  const cases: Array<[string, () => unknown]> = [
    ['many empty parameters', () => parseTextBody(`Category: a${' ;'.repeat(K / 2)}`, {})],
    ['unterminated escaped quotes', () => parseTextBody(`X-OCCI-Attribute: a="${'\\"'.repeat(K / 2)}`, {})],
    ['unterminated link target', () => parseTextBody(`Link: <${'a,;"'.repeat(K / 4)}`, {})],
    ['almost-number', () => parseTextBody(`X-OCCI-Attribute: a=${'1'.repeat(K)}x`, {})],
    ['almost-float', () => parseTextBody(`X-OCCI-Attribute: a=1.${'1'.repeat(K)}.`, {})],
    ['long bare token', () => parseTextBody(`X-OCCI-Attribute: a=${'b'.repeat(K)} c`, {})],
    ['attribute flags', () => parseTextBody(`Category: a; attributes="${'x{immutable} '.repeat(K / 13)}"`, {})],
    ['open flag brace', () => parseTextBody(`Category: a; attributes="${'x{'.repeat(K / 2)}"`, {})],
    ['commas only', () => parseTextHeaders({ category: ','.repeat(K) })],
    ['folded lines', () => parseTextBody(`Category: a\n${' ;\n'.repeat(K / 3)}`, {})],
    ['blank lines', () => parseTextBody('\r\n'.repeat(K / 2), {})],
    ['equals signs', () => parseTextBody(`X-OCCI-Attribute: ${'='.repeat(K)}`, {})],
    ['angle brackets', () => parseTextHeaders({ link: '<'.repeat(K) })],
    ['uri-list comments', () => parseUriList('#x\n'.repeat(K / 3))],
  ];
  for (const [name, run] of cases) {
    test(name, () => {
      const ms = cpuMs(() => only400(run));
      assert.ok(ms < LINEAR_BOUND_MS, `${name} took ${ms.toFixed(1)} ms of CPU`);
    });
  }

  test('a random 64 KiB body', () => {
    fc.assert(
      fc.property(fc.string({ unit: tricky, minLength: K, maxLength: K }), (text) => {
        const ms = cpuMs(() => {
          only400(() => parseTextBody(`X-OCCI-Attribute: a=${text}`, {}));
          only400(() => parseTextHeaders({ category: `a;${text}`, link: `<${text}` }));
        });
        assert.ok(ms < LINEAR_BOUND_MS, `took ${ms.toFixed(1)} ms of CPU`);
      }),
      { numRuns: 10 },
    );
  });
});
