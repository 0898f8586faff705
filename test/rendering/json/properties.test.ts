// Property tests: render → parse gives back what was rendered, and no input
// whatsoever makes the parser throw anything but a 400 OcciError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OcciError } from '../../../src/errors.js';
import { kindChain, splitTypeId, typeId, type Kind, type Mixin } from '../../../src/model/category.js';
import * as I from '../../../src/model/infrastructure.js';
import type { CategoryRef, EntityView, LinkInput } from '../../../src/rendering/document.js';
import { parseJsonBody } from '../../../src/rendering/json/parse.js';
import { jsonRenderer } from '../../../src/rendering/json/render.js';
import { checkJsonAnswer } from '../../helpers/occi-json.js';
import { attributeValue } from './arbitraries.js';
import { applyEdit, edit } from './edits.js';
import { DEBIAN, linkView, resourceView, SMALL } from './views.js';

// ---- Arbitraries ----

const text = fc.string({ unit: 'binary', maxLength: 12 });
// JSON cannot carry -0, so it is left out: it would come back as 0.
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)));
const value = attributeValue(text, number);
const attributeName = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'occi.compute.cores'))
  .filter((n) => !n.startsWith('occi.core.'));
const attributes = fc.uniqueArray(fc.tuple(attributeName, value), { selector: (t) => t[0], maxLength: 5 });
const uuid = fc.uuid().map((u) => `urn:uuid:${u}`);
const url = fc.webUrl();
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const linkOf = (source: { location: string; kind: Kind }): fc.Arbitrary<EntityView> =>
  fc
    .record({
      kind: fc.constantFrom(I.NETWORKINTERFACE, I.STORAGELINK, I.LINK),
      mixins: fc.subarray([I.IPNETWORKINTERFACE]),
      id: uuid,
      title: optional(text),
      attributes,
      target: fc.record({ location: url, kind: optional(fc.constantFrom(I.NETWORK, I.STORAGE)) }),
      location: url,
    })
    .map((s) => linkView({ ...s, source }));

const resource: fc.Arbitrary<EntityView> = fc
  .record({ kind: fc.constantFrom(I.COMPUTE, I.NETWORK, I.STORAGE, I.RESOURCE), location: url })
  .chain(({ kind, location }) =>
    fc
      .record({
        mixins: fc.subarray<Mixin>([...I.MODEL_MIXINS, DEBIAN, SMALL]),
        id: uuid,
        title: optional(text),
        summary: optional(text),
        attributes,
        actions: fc.subarray(kindChain(kind).flatMap((k) => [...k.actions])),
        links: fc.array(linkOf({ location, kind }), { maxLength: 3 }),
      })
      .map((s) => resourceView({ ...s, kind, location })),
  );

// ---- What parsing a rendering must give back ----

const ref = (c: { scheme: string; term: string }, cls: 'kind' | 'mixin'): CategoryRef => ({ ...splitTypeId(typeId(c)), class: cls });
const categoriesOf = (v: EntityView): CategoryRef[] => [ref(v.kind, 'kind'), ...v.mixins.map((m) => ref(m, 'mixin'))];

function expectedLink(v: EntityView): LinkInput {
  const out: LinkInput = { categories: categoriesOf(v), attributes: Object.fromEntries(v.attributes) };
  out.source = v.source!.location;
  out.target = v.target!.location;
  if (v.target!.kind) out.targetKind = typeId(v.target!.kind);
  return out;
}

// ---- Properties ----

describe('render → parse round trip (D26, R109, R132, R133)', () => {
  it('a resource gives back its categories, attributes (occi.core.* folded) and links', () => {
    fc.assert(
      fc.property(resource, (view) => {
        const body = jsonRenderer.entity(view).body;
        checkJsonAnswer(200, body, 'a rendered resource'); // R140, whatever it holds
        const p = parseJsonBody(body);
        assert.equal(p.entities.length, 1);
        const e = p.entities[0]!;
        assert.deepEqual(e.categories, categoriesOf(view));
        assert.deepEqual(p.categories, e.categories);
        assert.deepEqual(e.attributes, Object.fromEntries(view.attributes));
        assert.deepEqual(p.attributes, e.attributes);
        assert.equal(e.location, undefined);
        assert.deepEqual(e.links, view.links.map(expectedLink));
        assert.equal(e.link, undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('a link entity gives back its categories, attributes and ends', () => {
    const link = fc.record({ location: url, kind: fc.constantFrom(I.COMPUTE, I.NETWORK) }).chain(linkOf);
    fc.assert(
      fc.property(link, (view) => {
        const e = parseJsonBody(jsonRenderer.entity(view).body).entities[0]!;
        const expected = expectedLink(view);
        assert.deepEqual(e.link, expected);
        assert.deepEqual(e.attributes, expected.attributes);
        assert.deepEqual(e.categories, expected.categories);
        assert.equal(e.location, undefined);
      }),
      { numRuns: 150 },
    );
  });

  it('a mixed collection gives back every member, resources first, with their ids', () => {
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 4 }), (views) => {
        const links = views.flatMap((v) => v.links);
        const body = jsonRenderer.collection([...links, ...views], 'mixed').body;
        checkJsonAnswer(200, body, 'a rendered collection');
        const p = parseJsonBody(body);
        assert.deepEqual(
          p.entities.map((e) => e.attributes['occi.core.id']),
          [...views, ...links].map((v) => v.id),
        );
        assert.deepEqual(p.entities.map((e) => e.link !== undefined), [...views.map(() => false), ...links.map(() => true)]);
      }),
      { numRuns: 50 },
    );
  });
});

// ---- Robustness ----

function onlyBadRequests(body: string): void {
  try {
    parseJsonBody(body);
  } catch (e) {
    assert.ok(e instanceof OcciError, `threw ${String(e)} for ${JSON.stringify(body).slice(0, 200)}`);
    assert.equal(e.status, 400);
    assert.ok(e.message.length > 0);
  }
}

/** Every path to a value inside a JSON value, found without recursion. */
function paths(root: unknown): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [[]];
  const stack: Array<[unknown, Array<string | number>]> = [[root, []]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([...p, i]), stack.push([x, [...p, i]])));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) out.push([...p, k]), stack.push([x, [...p, k]]);
    }
  }
  return out;
}

function replaceAt(root: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = replacement;
  return copy;
}

const MEMBERS = [
  ...['kind', 'mixins', 'attributes', 'links', 'resources', 'action', 'term', 'scheme', 'source', 'target'],
  ...['locations', 'id', 'title', 'summary', 'location', 'kinds', 'actions', 'depends', 'applies', 'parent'],
];

describe('the parser only ever throws 400 OcciErrors', () => {
  it('on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => onlyBadRequests(JSON.stringify(v))), { numRuns: 500 });
  });

  it('on random objects made of the members the parser looks for', () => {
    const obj = fc
      .array(fc.tuple(fc.constantFrom(...MEMBERS), fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 })
      .map((members) => Object.fromEntries(members));
    const body = fc.oneof(obj, fc.array(obj, { maxLength: 3 }), fc.record({ resources: fc.array(obj, { maxLength: 3 }) }));
    fc.assert(fc.property(body, (v) => onlyBadRequests(JSON.stringify(v))), { numRuns: 500 });
  });

  it('on valid bodies with one value replaced anywhere', () => {
    fc.assert(
      fc.property(resource, fc.nat(), fc.jsonValue({ maxDepth: 3 }), (view, at, replacement) => {
        const body = JSON.parse(jsonRenderer.entity(view).body) as unknown;
        const all = paths(body);
        onlyBadRequests(JSON.stringify(replaceAt(body, all[at % all.length]!, replacement)));
      }),
      { numRuns: 300 },
    );
  });

  it('on valid bodies with characters deleted, inserted or replaced', () => {
    fc.assert(
      fc.property(resource, fc.array(edit, { minLength: 1, maxLength: 3 }), (view, edits) => {
        onlyBadRequests(edits.reduce(applyEdit, jsonRenderer.entity(view).body));
      }),
      { numRuns: 300 },
    );
  });

  it('a body nested 10,000 deep is a quick 400, not a stack overflow', () => {
    const deep = 10_000;
    const bodies = [
      '['.repeat(deep),
      `{"kind":"a#b","attributes":{"x":${'['.repeat(deep)}${']'.repeat(deep)}}}`,
      '{"a":'.repeat(deep) + '1' + '}'.repeat(deep),
    ];
    for (const body of bodies) {
      const start = process.hrtime.bigint();
      assert.throws(
        () => parseJsonBody(body),
        (e: unknown) => e instanceof OcciError && e.status === 400 && /too deeply nested/.test(e.message),
      );
      assert.ok(Number(process.hrtime.bigint() - start) / 1e6 < 100);
    }
  });
});
