// entityText writes exactly what JSON.stringify(entityJson(view)) writes, for
// any view: the generated ones (names and strings that need escaping, lone
// surrogates, __proto__, names an object reorders or holds once, non-finite
// numbers, nested values, links with and without ends) and some named ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { kindChain, type AttributeValue } from '../../../src/model/category.js';
import * as I from '../../../src/model/infrastructure.js';
import type { EntityView } from '../../../src/rendering/document.js';
import { entityJson } from '../../../src/rendering/json/entity-json.js';
import { entityText } from '../../../src/rendering/json/entity-text.js';
import { attributeValue } from './arbitraries.js';
import { DEBIAN, exampleCompute, SMALL } from './views.js';

const expected = (v: EntityView): string => JSON.stringify(entityJson(v));

// ---- Arbitraries ----

/** Characters JSON escapes or writes otherwise than as they are, with plain ones between them. */
const tricky = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\n', '/', 'é', '\u2028', '\ud800', '\udfff', '\ud83d\ude00', '\ufeff');
const text = fc.oneof(
  fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 1e21, 1e-7, 5e-324, NaN, Infinity, -Infinity));
const value = attributeValue(text, number, fc.oneof(text, fc.constantFrom('__proto__', '1', '0')));
const CORE_NAMES = ['occi.core.id', 'occi.core.title', 'occi.core.summary', 'occi.core.source', 'occi.core.target', 'occi.core.target.kind'];
const name = fc.oneof(
  text,
  fc.constantFrom(...CORE_NAMES),
  fc.constantFrom('__proto__', 'constructor', 'toString', '0', '1', '9', '42', '01', '4294967295', '-1', 'occi.compute.cores'),
);
/** Core attributes with string values often, so titles, summaries and link ends are lifted. */
const attribute = fc.oneof(fc.tuple(fc.constantFrom(...CORE_NAMES), text), fc.tuple(name, value));
const attributes = fc.oneof(
  fc.uniqueArray(attribute, { selector: (a) => a[0], maxLength: 8 }),
  fc.array(attribute, { maxLength: 8 }), // names may come twice
);
const end = fc.option(fc.record({ location: text, kind: fc.constantFrom(I.COMPUTE, I.NETWORK, I.STORAGE) }, { requiredKeys: ['location'] }), { nil: undefined });
const ACTIONS = [I.RESOURCE, I.COMPUTE, I.NETWORK, I.STORAGE].flatMap((k) => kindChain(k).flatMap((c) => [...c.actions]));

const entity = (kinds: fc.Arbitrary<EntityView['kind']>, links: fc.Arbitrary<EntityView[]>): fc.Arbitrary<EntityView> =>
  fc.record(
    {
      kind: kinds,
      mixins: fc.subarray([...I.MODEL_MIXINS, DEBIAN, SMALL]),
      location: text,
      id: text,
      attributes,
      actions: fc.subarray(ACTIONS),
      links,
      source: end,
      target: end,
    },
    { requiredKeys: ['kind', 'mixins', 'location', 'id', 'attributes', 'actions', 'links'] },
  );
/** Links by their kind, by their ends, or by both; and views that are not links. */
const link = entity(fc.constantFrom(I.NETWORKINTERFACE, I.STORAGELINK, I.LINK, I.COMPUTE), fc.constant([]));
const view = fc.oneof(entity(fc.constantFrom(I.COMPUTE, I.NETWORK, I.STORAGE, I.RESOURCE), fc.array(link, { maxLength: 3 })), link);

// ---- Properties ----

describe('entityText', () => {
  it('writes what JSON.stringify(entityJson(view)) writes, for any view', () => {
    fc.assert(
      fc.property(view, (v) => {
        assert.equal(entityText(v), expected(v));
      }),
      { numRuns: 2000 },
    );
  });

  const compute = exampleCompute();
  const withAttributes = (attrs: Array<[string, AttributeValue]>): EntityView => ({ ...compute, attributes: [...compute.attributes, ...attrs] });

  it('writes the compute of spec §5.7, its network interface included', () => {
    assert.equal(entityText(compute), expected(compute));
    assert.match(entityText(compute), /"links":\[\{"kind":"http:\/\/schemas\.ogf\.org\/occi\/infrastructure#networkinterface"/);
  });

  it('keeps a __proto__ attribute as a member', () => {
    const v = withAttributes([['__proto__', { a: 1 }]]);
    assert.equal(entityText(v), expected(v));
    assert.match(entityText(v), /"__proto__":\{"a":1\}/);
  });

  it('writes non-finite numbers as null and -0 as 0, and numbers as JSON does', () => {
    const v = withAttributes([['a', NaN], ['b', -Infinity], ['c', -0], ['d', 1e21], ['e', 1e-7]]);
    assert.equal(entityText(v), expected(v));
    assert.match(entityText(v), /"a":null,"b":null,"c":0,"d":1e\+21,"e":1e-7/);
  });

  it('escapes quotes, backslashes, control characters and lone surrogates, and writes other text as it is', () => {
    const v = withAttributes([['q"\\', 'a\u0000b\ud800'], ['é\u2028', '\ud83d\ude00é']]);
    assert.equal(entityText(v), expected(v));
    assert.ok(entityText(v).includes('"q\\"\\\\":"a\\u0000b\\ud800"'));
  });

  it('writes array-index names first and a repeated name once, as an object does', () => {
    const v = withAttributes([['b', 1], ['1', 2], ['0', 3], ['b', 4], ['01', 5]]);
    assert.equal(entityText(v), expected(v));
    assert.match(entityText(v), /"attributes":\{"0":3,"1":2,.*"b":4,"01":5\}/);
    // Every digit may begin an index: the last one too.
    const nine = withAttributes([['b', 1], ['9', 2]]);
    assert.equal(entityText(nine), expected(nine));
    assert.match(entityText(nine), /"attributes":\{"9":2,.*"b":1\}/);
  });

  it('lifts a string title and summary only, and keeps any other value among the attributes', () => {
    const v: EntityView = { ...compute, attributes: [['occi.core.title', 5], ['occi.core.summary', ['x']], ['x', true]] };
    assert.equal(entityText(v), expected(v));
    assert.match(entityText(v), /"attributes":\{"occi\.core\.title":5,"occi\.core\.summary":\["x"\],"x":true\}/);
  });

  it('takes the ends of a link without them from its attributes', () => {
    const v: EntityView = { ...compute.links[0]!, source: undefined, target: { location: 'https://t' }, attributes: [['occi.core.source', 'https://s'], ['occi.core.target.kind', 'k#t']] };
    assert.equal(entityText(v), expected(v));
    assert.match(entityText(v), /"source":\{"location":"https:\/\/s"\},"target":\{"location":"https:\/\/t","kind":"k#t"\}\}$/);
  });

  it('writes a view with many attributes', () => {
    const v = withAttributes(Array.from({ length: 40 }, (_, i) => [`a${i}`, i] as [string, AttributeValue]));
    assert.equal(entityText(v), expected(v));
  });
});
