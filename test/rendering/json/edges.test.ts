// JSON rules that mutation testing found unstated: the streamed collection
// writer (R139: resources before links, both arrays of a mixed collection, a
// comma between members and none before the first), the exact request
// budgets (1,000 entities, links and distinct categories pass), which members
// alone make an object an entity, what an unrecognised body is called, and
// the JSON reader's whitespace and messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OcciError } from '../../../src/errors.js';
import * as I from '../../../src/model/infrastructure.js';
import { readJson } from '../../../src/rendering/json/json-text.js';
import { parseJsonBody } from '../../../src/rendering/json/parse.js';
import { collectionWriter, entityJson, jsonRenderer, plainJsonRenderer } from '../../../src/rendering/json/render.js';
import { BASE, linkView, resourceView } from './views.js';
import { assertBadRequest } from '../../helpers/bad-request.js';

const parse = (v: unknown) => parseJsonBody(typeof v === 'string' ? v : JSON.stringify(v));

const rejects = (body: unknown, pattern: RegExp): void => assertBadRequest(() => parse(body), pattern);

const r1 = resourceView({ kind: I.COMPUTE, id: 'c1', location: `${BASE}/compute/c1` });
const r2 = resourceView({ kind: I.STORAGE, id: 's2', location: `${BASE}/storage/s2` });
const l1Spec = { kind: I.STORAGELINK, id: 'l1', source: { location: '/compute/c1' }, target: { location: '/storage/s2' }, location: '/storagelink/l1' };
const l1 = linkView(l1Spec);

/** Everything a writer writes for these views, in order. */
function written(which: 'resources' | 'links' | 'mixed', views: typeof r1[]): string {
  const w = collectionWriter(which);
  return views.map((v) => w.entity(v)).join('') + w.end();
}

describe('the streamed JSON collection (R139)', () => {
  it('writes the same text as the whole collection, member by member', () => {
    for (const [which, views] of [
      ['resources', [r1, r2]],
      ['links', [l1]],
      ['mixed', [r1, r2, l1]],
      ['mixed', [l1]],
      ['mixed', []],
    ] as const) {
      assert.equal(written(which, [...views]), jsonRenderer.collection([...views], which).body, `${which} of ${views.length}`);
    }
  });

  it('a comma between members, none before the first of each array', () => {
    assert.equal(
      written('mixed', [r1, r2, l1]),
      `{"resources":[${JSON.stringify(entityJson(r1))},${JSON.stringify(entityJson(r2))}],"links":[${JSON.stringify(entityJson(l1))}]}`,
    );
    assert.equal(written('mixed', [l1]), `{"resources":[],"links":[${JSON.stringify(entityJson(l1))}]}`);
  });

  it('a resource after a link is a programming error, not a broken body', () => {
    const w = collectionWriter('mixed');
    w.entity(l1);
    assert.throws(() => w.entity(r1), /resources before its links/);
  });

  it('a link in a resource collection opens a links array after the resources', () => {
    assert.equal(written('resources', [r1, l1]), `{"resources":[${JSON.stringify(entityJson(r1))}],"links":[${JSON.stringify(entityJson(l1))}]}`);
  });

  it('the writer of each JSON type names its media type with charset', () => {
    assert.deepEqual(jsonRenderer.collectionWriter?.('resources').headers, { 'Content-Type': 'application/occi+json; charset=utf-8' });
    assert.deepEqual(plainJsonRenderer.collectionWriter?.('links').headers, { 'Content-Type': 'application/json; charset=utf-8' });
    assert.deepEqual(collectionWriter('links').headers, {});
  });
});

describe('request budgets at their edge', () => {
  const many = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

  it('exactly 1,000 distinct categories pass', () => {
    assert.equal(parse({ kind: 'a#b', mixins: many(999, (i) => `m#${i}`) }).categories.length, 1000);
    assert.equal(parse({ mixins: many(1000, (i) => ({ term: `t${i}`, scheme: 's#' })) }).categories.length, 1000);
  });

  it('exactly 1,000 inline links pass', () => {
    const p = parse({ resources: many(2, () => ({ links: many(500, () => ({ target: '/n/1' })) })) });
    assert.equal(p.entities.reduce((n, e) => n + e.links.length, 0), 1000);
  });

  it('exactly 1,000 URLs pass, as an array or as locations', () => {
    assert.equal(parse(many(1000, (i) => `/c/${i}`)).locations.length, 1000);
    assert.equal(parse({ locations: many(1000, (i) => `/c/${i}`) }).locations.length, 1000);
  });
});

describe('which objects are entities', () => {
  it('any one of attributes, mixins, title, summary, id or location alone makes an entity update', () => {
    const alone: Array<[string, unknown]> = [
      ['attributes', { 'x.y': 1 }],
      ['mixins', ['a#b']],
      ['title', 't'],
      ['summary', 's'],
      ['id', 'i'],
      ['location', '/c/1'],
    ];
    for (const [name, value] of alone) assert.equal(parse({ [name]: value }).entities.length, 1, name);
  });

  it('an empty mixins list beside any other entity member is an entity update, not definitions', () => {
    for (const name of ['title', 'summary', 'id', 'location']) {
      const p = parse({ mixins: [], [name]: 'x' });
      assert.equal(p.entities.length, 1, name);
      assert.deepEqual(p.categories, []);
    }
  });

  it('mixins given as objects are definitions even beside entity members', () => {
    const p = parse({ mixins: [{ term: 't', scheme: 's#' }], title: 'x' });
    assert.deepEqual(p.entities, []);
    assert.equal(p.categories[0]?.class, 'mixin');
  });

  it('a collection member is a link when it has a source or a target', () => {
    const p = parse([{ kind: 'a#b' }, { source: '/c/1' }, { target: '/n/1' }]);
    assert.deepEqual(p.entities.map((e) => e.link !== undefined), [false, true, true]);
  });

  it('a collection member is named by its location, else by an id that is a URL', () => {
    const p = parse({ resources: [{ location: '/c/1', id: '/c/x' }, { id: 'HTTPS://h/c/2' }, { id: '/c/3' }, { id: 'urn:uuid:4' }, { id: 'c/5' }] });
    assert.deepEqual(p.locations, ['/c/1', 'HTTPS://h/c/2', '/c/3']);
  });
});

describe('what an unrecognised body is called', () => {
  it('its JSON type, or the first five member names', () => {
    rejects('42', /^unrecognised JSON body \(a number\): expected/);
    rejects('"x"', /^unrecognised JSON body \(a string\)/);
    rejects('false', /^unrecognised JSON body \(a boolean\)/);
    rejects('null', /^unrecognised JSON body \(null\)/);
    rejects('{}', /^unrecognised JSON body \(an empty object\)/);
    rejects({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 }, /^unrecognised JSON body \(an object with members "a", "b", "c", "d", "e"\): /);
  });

  it('a member name over 80 characters is cut short in a message', () => {
    rejects({ kind: 'a#b', attributes: { ['n'.repeat(81)]: null } }, new RegExp(`^attributes\\["${'n'.repeat(80)}…"\\] is null`));
    rejects({ kind: 'a#b', attributes: { ['n'.repeat(80)]: null } }, new RegExp(`^attributes\\["${'n'.repeat(80)}"\\] is null`));
  });
});

describe('the JSON reader', () => {
  it('space, tab, CR and LF are whitespace between tokens', () => {
    assert.deepEqual(readJson('\t{\r\n "a"\t:\r[ 1 ,\n2 ]\r\n}\t'), { a: [1, 2] });
  });

  it('a character that starts no value is named, a whole emoji included', () => {
    for (const c of ['/', ':', 'x', '😀']) {
      assert.throws(() => readJson(c), (e: unknown) => e instanceof OcciError && e.message === `invalid JSON at line 1, column 1 (offset 0): unexpected ${JSON.stringify(c)}, expected a value`);
    }
  });

  it('digits 0 and 9 start numbers', () => assert.deepEqual(readJson('[0,9,-0.5e1]'), [0, 9, -5]));

  it('a raw control character in a string is refused; from space up, characters are kept', () => {
    assert.throws(() => readJson('"a\u001fb"'), /raw control character/);
    assert.equal(readJson('"a \u007fb"'), 'a \u007fb');
  });

  it('an escaped quote, backslash or slash does not end a string', () => {
    assert.equal(readJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"'), '"\\/\b\f\n\r\té');
  });
});

describe('entity and category objects', () => {
  it('a link has no summary member (the schema has none): its summary stays an attribute', () => {
    const link = { ...l1, attributes: [...l1.attributes, ['occi.core.summary', 's'] as [string, string]] };
    const json = entityJson(link) as unknown as Record<string, unknown>;
    assert.equal(json.summary, undefined);
    assert.deepEqual(json.attributes, { 'occi.core.summary': 's' });
  });

  it("a link's target kind comes from the view, else from occi.core.target.kind", () => {
    const fromView = linkView({ ...l1Spec, target: { location: '/storage/s2', kind: I.STORAGE } });
    assert.deepEqual((entityJson(fromView) as { target: unknown }).target, { location: '/storage/s2', kind: 'http://schemas.ogf.org/occi/infrastructure#storage' });
    const { target: _t, ...bare } = linkView(l1Spec);
    const fromAttribute = { ...bare, attributes: [...bare.attributes, ['occi.core.target.kind', 'a#b'] as [string, string]] };
    assert.deepEqual((entityJson(fromAttribute) as { target: unknown }).target, { location: '/storage/s2', kind: 'a#b' });
  });

  it('a category view without a location takes the category path', () => {
    const body = JSON.parse(jsonRenderer.categories([{ category: I.COMPUTE }, { category: I.IPNETWORK }]).body);
    assert.equal(body.kinds[0].location, '/compute/');
    assert.equal(body.mixins[0].location, '/mixin/ipnetwork/');
  });
});

describe('category definitions take only what their class has (spec §5.4)', () => {
  it('an action has no rel, applies, location or actions, whatever is sent', () => {
    const p = parse({ actions: [{ term: 'go', scheme: 's#', depends: ['a#b'], parent: 'a#c', applies: ['a#d'], location: '/go/', actions: ['a#e'], attributes: { n: {} } }] });
    assert.deepEqual(p.categories, [{ term: 'go', scheme: 's#', class: 'action', attributes: ['n'] }]);
  });

  it('a kind takes parent as rel, not depends; only a mixin has applies', () => {
    const p = parse({ kinds: [{ term: 'k', scheme: 's#', parent: 'a#p', depends: ['a#d'], applies: ['a#x'] }] });
    assert.deepEqual(p.categories, [{ term: 'k', scheme: 's#', class: 'kind', rel: ['a#p'] }]);
    const m = parse({ mixins: [{ term: 'm', scheme: 's#', parent: 'a#p', depends: 'a#d', applies: 'a#x', attributes: ['x.y'] }] });
    assert.deepEqual(m.categories, [{ term: 'm', scheme: 's#', class: 'mixin', rel: ['a#d'], applies: ['a#x'], attributes: ['x.y'] }]);
  });

  it('an empty term or scheme is missing', () => {
    rejects({ term: '', scheme: 's#' }, /^term is missing; a category needs a term and a scheme$/);
    rejects({ term: 't', scheme: '' }, /^scheme is missing/);
  });
});
