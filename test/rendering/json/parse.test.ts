// parseJsonBody: every accepted shape and every error (spec §5, R87, R133, R141, D12, D26).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonBody } from '../../../src/rendering/json/parse.js';
import { assertBadRequest } from '../../helpers/bad-request.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';
const CORE = 'http://schemas.ogf.org/occi/core#';
const TPL = 'http://occi.example.org/occi/os_tpl#';

const parse = (v: unknown) => parseJsonBody(typeof v === 'string' ? v : JSON.stringify(v));

const rejects = (body: unknown, pattern: RegExp): void => assertBadRequest(() => parse(body), pattern);

describe('empty bodies', () => {
  it('an empty or blank body is the empty payload', () => {
    for (const body of ['', '  \r\n']) {
      assert.deepEqual(parseJsonBody(body), { categories: [], attributes: {}, entities: [], locations: [], empty: true });
    }
  });
});

describe('shape 1: a resource (R132, R141, D12, D26)', () => {
  it('kind then mixins become categories, split after the last #', () => {
    const p = parse({ kind: `${INFRA}compute`, mixins: [`${TPL}debian12`, 'urn:x:no-hash'] });
    assert.deepEqual(p.categories, [
      { scheme: INFRA, term: 'compute', class: 'kind' },
      { scheme: TPL, term: 'debian12', class: 'mixin' },
      { scheme: '', term: 'urn:x:no-hash', class: 'mixin' },
    ]);
    assert.equal(p.entities.length, 1);
    assert.equal(p.entities[0]!.categories, p.categories);
    assert.deepEqual(p.entities[0]!.links, []);
  });

  it('folds top-level id, title and summary into attributes; the top level wins (D26)', () => {
    const p = parse({
      kind: `${INFRA}compute`,
      id: 'urn:uuid:1',
      title: 'top',
      summary: 'sum',
      attributes: { 'occi.core.title': 'inner', 'occi.core.id': 'urn:uuid:2', 'occi.compute.cores': 2 },
    });
    assert.deepEqual(p.attributes, {
      'occi.core.title': 'top',
      'occi.core.id': 'urn:uuid:1',
      'occi.core.summary': 'sum',
      'occi.compute.cores': 2,
    });
    assert.equal(p.entities[0]!.attributes, p.attributes);
  });

  it('keeps occi.core.* given only inside attributes (rOCCI style, D26)', () => {
    const p = parse({ kind: `${INFRA}compute`, attributes: { 'occi.core.title': 'inner' } });
    assert.deepEqual(p.attributes, { 'occi.core.title': 'inner' });
  });

  it('keeps attribute values with their JSON types, flat dotted names (R133)', () => {
    const attributes = { 'a.n': 1.5, 'a.s': 'x', 'a.b': false, 'a.l': [1, 'two', [3]], 'a.h': { k: { deep: true } } };
    assert.deepEqual(parse({ kind: `${INFRA}compute`, attributes }).attributes, attributes);
  });

  it('keeps an attribute named __proto__ as an ordinary member', () => {
    const p = parseJsonBody(`{"kind":"${INFRA}compute","attributes":{"__proto__":{"x":1},"constructor":"c"}}`);
    assert.ok(Object.hasOwn(p.attributes, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(p.attributes, '__proto__')?.value, { x: 1 });
    assert.equal(Object.getPrototypeOf(p.attributes), Object.prototype);
    assert.equal(p.attributes.constructor, 'c');
  });

  it('reads location, and ignores actions on input', () => {
    const p = parse({ kind: `${INFRA}compute`, location: '/compute/1', actions: [42, { nonsense: true }] });
    assert.equal(p.entities[0]!.location, '/compute/1');
  });

  it('treats null optional members as absent', () => {
    const p = parse({ kind: `${INFRA}compute`, mixins: null, title: null, attributes: null, links: null, location: null });
    assert.deepEqual(p.entities[0], { categories: [{ scheme: INFRA, term: 'compute', class: 'kind' }], attributes: {}, links: [] });
  });

  it('reads inline links without id or source (R141), with ends as URL strings or objects', () => {
    const p = parse({
      kind: `${INFRA}compute`,
      links: [
        { kind: `${INFRA}storagelink`, target: '/storage/9', attributes: { 'occi.storagelink.deviceid': '/dev/vdb' } },
        {
          kind: `${INFRA}networkinterface`,
          id: 'urn:uuid:l2',
          title: 'nic',
          mixins: [`${INFRA.replace('#', '/networkinterface#')}ipnetworkinterface`],
          source: { location: '/compute/1', kind: `${INFRA}compute` },
          target: { location: '/network/2', kind: `${INFRA}network` },
          location: '/networkinterface/l2',
        },
      ],
    });
    assert.deepEqual(p.entities[0]!.links, [
      {
        categories: [{ scheme: INFRA, term: 'storagelink', class: 'kind' }],
        attributes: { 'occi.storagelink.deviceid': '/dev/vdb', 'occi.core.target': '/storage/9' },
        target: '/storage/9',
      },
      {
        categories: [
          { scheme: INFRA, term: 'networkinterface', class: 'kind' },
          { scheme: 'http://schemas.ogf.org/occi/infrastructure/networkinterface#', term: 'ipnetworkinterface', class: 'mixin' },
        ],
        attributes: {
          'occi.core.id': 'urn:uuid:l2',
          'occi.core.title': 'nic',
          'occi.core.source': '/compute/1',
          'occi.core.target': '/network/2',
          'occi.core.target.kind': `${INFRA}network`,
        },
        source: '/compute/1',
        target: '/network/2',
        targetKind: `${INFRA}network`,
        self: '/networkinterface/l2',
      },
    ]);
  });

  it('takes link ends from attributes when the ends are not given as members (D26 symmetry)', () => {
    const p = parse({ kind: `${INFRA}compute`, links: [{ attributes: { 'occi.core.target': '/network/2' } }] });
    assert.equal(p.entities[0]!.links[0]!.target, '/network/2');
  });

  it('accepts a resource without kind (partial update: attributes or mixins only)', () => {
    assert.deepEqual(parse({ attributes: { 'occi.core.title': 'x' } }).entities, [
      { categories: [], attributes: { 'occi.core.title': 'x' }, links: [] },
    ]);
    assert.deepEqual(parse({ mixins: [`${TPL}debian12`] }).categories, [{ scheme: TPL, term: 'debian12', class: 'mixin' }]);
    assert.deepEqual(parse({ title: 't' }).attributes, { 'occi.core.title': 't' });
  });
});

describe('shape 2: a link entity (R109, D27)', () => {
  it('sets `link` with ends, target kind and attributes; source kind is implied and dropped', () => {
    const p = parse({
      kind: `${INFRA}networkinterface`,
      id: 'urn:uuid:l1',
      source: { location: '/compute/1', kind: `${INFRA}compute` },
      target: { location: '/network/2', kind: `${INFRA}network` },
      attributes: { 'occi.networkinterface.mac': '52:54:00:00:00:01' },
      location: '/networkinterface/l1',
    });
    const e = p.entities[0]!;
    const attributes = {
      'occi.networkinterface.mac': '52:54:00:00:00:01',
      'occi.core.id': 'urn:uuid:l1',
      'occi.core.source': '/compute/1',
      'occi.core.target': '/network/2',
      'occi.core.target.kind': `${INFRA}network`,
    };
    assert.deepEqual(e, {
      categories: [{ scheme: INFRA, term: 'networkinterface', class: 'kind' }],
      attributes,
      links: [],
      link: {
        categories: [{ scheme: INFRA, term: 'networkinterface', class: 'kind' }],
        attributes,
        source: '/compute/1',
        target: '/network/2',
        targetKind: `${INFRA}network`,
        self: '/networkinterface/l1',
      },
      location: '/networkinterface/l1',
    });
    assert.deepEqual(p.attributes, attributes);
  });

  it('accepts ends as plain strings, and the member ends win over attributes', () => {
    const p = parse({
      kind: `${CORE}link`,
      source: '/compute/1',
      target: 'http://elsewhere.example.com/thing',
      attributes: { 'occi.core.target': '/old' },
    });
    assert.equal(p.entities[0]!.link!.source, '/compute/1');
    assert.equal(p.entities[0]!.link!.target, 'http://elsewhere.example.com/thing');
    assert.equal(p.attributes['occi.core.target'], 'http://elsewhere.example.com/thing');
  });

  it('accepts a link without kind when source or target is present', () => {
    const p = parse({ target: '/network/1' });
    assert.equal(p.entities[0]!.link!.target, '/network/1');
    assert.deepEqual(p.categories, []);
  });
});

describe('shape 3: a collection (R139)', () => {
  it('gives resources then links, in order, with their locations or URL-like ids', () => {
    const p = parse({
      links: [{ kind: `${INFRA}storagelink`, id: 'http://h/storagelink/1', source: '/compute/1', target: '/storage/1' }],
      resources: [
        { kind: `${INFRA}compute`, location: '/compute/a', id: 'urn:uuid:a' },
        { id: '/compute/b' },
        { id: 'urn:uuid:c' },
        { id: 'https://h/network/d' },
      ],
    });
    assert.equal(p.entities.length, 5);
    assert.deepEqual(
      p.entities.map((e) => e.attributes['occi.core.id']),
      ['urn:uuid:a', '/compute/b', 'urn:uuid:c', 'https://h/network/d', 'http://h/storagelink/1'],
    );
    assert.ok(p.entities[4]!.link);
    assert.equal(p.entities[0]!.link, undefined);
    assert.deepEqual(p.locations, ['/compute/a', '/compute/b', 'https://h/network/d', 'http://h/storagelink/1']);
    assert.deepEqual(p.categories, [
      { scheme: INFRA, term: 'compute', class: 'kind' },
      { scheme: INFRA, term: 'storagelink', class: 'kind' },
    ]);
    assert.deepEqual(p.attributes, {});
  });

  it('an empty collection is not an empty payload', () => {
    const p = parse({ resources: [] });
    assert.equal(p.empty, false);
    assert.deepEqual(p.entities, []);
    assert.deepEqual(p.locations, []);
  });
});

describe('shape 4: an action invocation (R87)', () => {
  it('keeps parameter types', () => {
    const p = parse({ action: 'http://schemas.ogf.org/occi/infrastructure/storage/action#resize', attributes: { size: 20.5 } });
    assert.deepEqual(p.categories, [{ scheme: 'http://schemas.ogf.org/occi/infrastructure/storage/action#', term: 'resize', class: 'action' }]);
    assert.deepEqual(p.attributes, { size: 20.5 });
  });
});

describe('shape 5: category definitions (spec §3.4 POST)', () => {
  it('reads mixins with depends, applies, location, title, attribute names and actions', () => {
    const p = parse({
      mixins: [
        {
          term: 'prod',
          scheme: 'http://example.com/users/alice#',
          title: 'Production',
          depends: ['http://example.com/users/alice#base'],
          applies: [`${INFRA}compute`],
          location: '/mixin/prod/',
          attributes: { 'com.example.tier': { type: 'string' } },
          actions: ['http://example.com/actions#backup'],
        },
        { term: 'base', scheme: 'http://example.com/users/alice#', depends: 'http://example.com/other#x' },
      ],
    });
    assert.deepEqual(p.categories, [
      {
        term: 'prod',
        scheme: 'http://example.com/users/alice#',
        class: 'mixin',
        title: 'Production',
        rel: ['http://example.com/users/alice#base'],
        applies: [`${INFRA}compute`],
        location: '/mixin/prod/',
        attributes: ['com.example.tier'],
        actions: ['http://example.com/actions#backup'],
      },
      { term: 'base', scheme: 'http://example.com/users/alice#', class: 'mixin', rel: ['http://example.com/other#x'] },
    ]);
    assert.deepEqual(p.entities, []);
  });

  it('reads kinds (parent → rel) and actions, in the order kinds, mixins, actions', () => {
    const p = parse({
      actions: [{ term: 'go', scheme: 'http://e#', title: 'Go', attributes: { speed: {} } }],
      mixins: [{ term: 'm', scheme: 'http://e#', location: '/m/' }],
      kinds: [{ term: 'k', scheme: 'http://e#', parent: `${CORE}resource`, location: '/k/', attributes: ['x.y'] }],
    });
    assert.deepEqual(p.categories, [
      { term: 'k', scheme: 'http://e#', class: 'kind', rel: [`${CORE}resource`], location: '/k/', attributes: ['x.y'] },
      { term: 'm', scheme: 'http://e#', class: 'mixin', location: '/m/' },
      { term: 'go', scheme: 'http://e#', class: 'action', title: 'Go', attributes: ['speed'] },
    ]);
  });

  it('reads a single bare mixin object', () => {
    assert.deepEqual(parse({ term: 'tag', scheme: 'http://e#', location: '/tag/' }).categories, [
      { term: 'tag', scheme: 'http://e#', class: 'mixin', location: '/tag/' },
    ]);
  });

  it('an empty mixins array is an empty list of definitions', () => {
    const p = parse({ mixins: [] });
    assert.deepEqual(p.categories, []);
    assert.deepEqual(p.entities, []);
  });
});

describe('shape 6: arrays', () => {
  it('an array of URL strings gives locations (rOCCI-style association)', () => {
    const p = parse(['/compute/1', 'http://h/compute/2']);
    assert.deepEqual(p.locations, ['/compute/1', 'http://h/compute/2']);
    assert.deepEqual(p.entities, []);
    assert.equal(p.empty, false);
  });

  it('an empty array gives no locations', () => {
    assert.deepEqual(parse([]).locations, []);
  });

  it('an array of objects is read like `resources`, links recognised by their ends', () => {
    const p = parse([{ location: '/compute/1' }, { kind: `${INFRA}storagelink`, source: '/compute/1', target: '/storage/1' }]);
    assert.equal(p.entities.length, 2);
    assert.equal(p.entities[0]!.link, undefined);
    assert.equal(p.entities[1]!.link!.target, '/storage/1');
    assert.deepEqual(p.locations, ['/compute/1']);
  });

  it('{"locations": […]} (our own rendering) gives locations', () => {
    assert.deepEqual(parse({ locations: ['/a', '/b'] }).locations, ['/a', '/b']);
  });
});

describe('errors: 400 naming the member path', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['kind not a string', { kind: 5 }, /^kind must be a string \(a Kind type identifier\), not a number$/],
    ['empty kind', { kind: '' }, /^kind must be a non-empty type identifier/],
    ['mixins not an array', { kind: 'a#b', mixins: 'x#y' }, /^mixins must be an array of Mixin type identifiers, not a string$/],
    ['mixins item not a string', { kind: 'a#b', mixins: ['x#y', 3] }, /^mixins\[1\] must be a string/],
    ['attributes not an object', { kind: 'a#b', attributes: [] }, /^attributes must be an object mapping attribute names to values, not an array$/],
    ['null attribute value', { kind: 'a#b', attributes: { 'x.y': null } }, /^attributes\["x\.y"\] is null/],
    ['null nested in a value', { kind: 'a#b', attributes: { h: { k: [1, null] } } }, /^attributes\["h"\]\["k"\]\[1\] is null/],
    ['empty attribute name', { kind: 'a#b', attributes: { '': 1 } }, /^attributes has an empty attribute name$/],
    ['title not a string', { kind: 'a#b', title: 1 }, /^title must be a string, not a number$/],
    ['id not a string', { kind: 'a#b', id: {} }, /^id must be a string, not an object$/],
    ['location not a string', { kind: 'a#b', location: [] }, /^location must be a string, not an array$/],
    ['links not an array', { kind: 'a#b', links: {} }, /^links must be an array of link objects, not an object$/],
    ['link not an object', { kind: 'a#b', links: ['/x'] }, /^links\[0\] must be a link object, not a string$/],
    ['link target wrong type', { kind: 'a#b', links: [{ target: 1 }] }, /^links\[0\]\.target must be an object .* or a URL string, not a number$/],
    ['link target without location', { kind: 'a#b', links: [{ target: { kind: 'a#b' } }] }, /^links\[0\]\.target\.location is missing$/],
    ['link target kind wrong type', { kind: 'a#l', target: { location: '/x', kind: 1 } }, /^target\.kind must be a string/],
    ['member attribute path', { resources: [{}, { attributes: 'x' }] }, /^resources\[1\]\.attributes must be an object/],
    ['resources not an array', { resources: {} }, /^resources must be an array of resource objects, not an object$/],
    ['collection member not an object', { links: [1] }, /^links\[0\] must be a link object, not a number$/],
    ['action not a string', { action: ['x'] }, /^action must be a string \(an Action type identifier\), not an array$/],
    ['action parameters not an object', { action: 'a#b', attributes: 1 }, /^attributes must be an object/],
    ['definition without term', { mixins: [{ scheme: 'http://e#', location: '/m/' }] }, /^mixins\[0\]\.term is missing/],
    ['definition without scheme', { term: 't' }, /^scheme is missing/],
    ['definition not an object', { kinds: ['k'] }, /^kinds\[0\] must be a kind object/],
    ['depends of wrong type', { mixins: [{ term: 't', scheme: 's#', depends: [1] }] }, /^mixins\[0\]\.depends\[0\] must be a string/],
    ['mixed array', ['/a', { id: 'x' }], /^body\[1\] must be a URL string/],
    ['array of numbers', [1, 2], /^body\[0\] must be a URL string or an entity object, not a number$/],
    ['locations of wrong type', { locations: [1] }, /^locations\[0\] must be a string/],
    ['huge number', '{"kind":"a#b","attributes":{"n":1e400}}', /^attributes\["n"\] is a number too large/],
  ];
  for (const [name, body, pattern] of cases) it(`${name}`, () => rejects(body, pattern));

  it('a scalar, null or unknown object explains the accepted shapes', () => {
    for (const body of ['42', '"x"', 'true', 'null', '{}', '{"foo":1}']) {
      rejects(body, /^unrecognised JSON body .*expected a resource .*an array of entity URLs$/);
    }
    rejects('{"foo":1}', /an object with members "foo"/);
  });

  it('invalid JSON names the position', () => rejects('{"kind": "a#b",}', /^invalid JSON at line 1, column 16 \(offset 15\)/));
  it('nesting deeper than 32 is refused', () => {
    rejects({ kind: 'a#b', attributes: { x: JSON.parse('['.repeat(40) + ']'.repeat(40)) } }, /too deeply nested/);
  });
});

describe('errors: request size limits', () => {
  const many = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

  it('1,000 entities pass; 1,001 resources, URLs or objects are refused', () => {
    assert.equal(parse({ resources: many(1000, (i) => ({ id: `/c/${i}` })) }).entities.length, 1000);
    rejects({ resources: many(600, () => ({})), links: many(401, () => ({})) }, /more than 1000 entities; split it/);
    rejects(many(1001, (i) => `/c/${i}`), /more than 1000 entities/);
    rejects({ locations: many(1001, (i) => `/c/${i}`) }, /more than 1000 entities/);
  });

  it('more than 1,000 distinct categories in one request are refused, counted across entities and definitions', () => {
    rejects({ kind: 'a#b', mixins: many(1000, (i) => `m#${i}`) }, /more than 1000 distinct categories/);
    rejects({ resources: many(2, (j) => ({ mixins: many(501, (i) => `m${j}#${i}`) })) }, /more than 1000 distinct categories/);
    rejects({ mixins: many(1001, (i) => ({ term: `t${i}`, scheme: 's#' })) }, /more than 1000 distinct categories/);
  });

  it('1,000 entities naming the same kind, templates and link kind are accepted (categories count once)', () => {
    const compute = {
      kind: `${INFRA}compute`,
      mixins: [`${TPL}debian12`, 'http://occi.example.org/occi/resource_tpl#small'],
      links: [{ kind: `${INFRA}networkinterface`, target: '/network/1' }],
    };
    const p = parse({ resources: many(1000, () => compute) });
    assert.equal(p.entities.length, 1000);
    assert.equal(p.categories.length, 3000);
  });

  it('more than 1,000 inline links in one request are refused', () => {
    rejects({ resources: many(2, () => ({ links: many(501, () => ({ target: '/n/1' })) })) }, /more than 1000 links/);
  });
});

it('an entity update with an empty mixins list is an entity, not category definitions', () => {
  const p = parseJsonBody(JSON.stringify({ attributes: { 'occi.core.title': 'renamed' }, mixins: [] }));
  assert.equal(p.entities.length, 1);
  assert.equal(p.entities[0].attributes['occi.core.title'], 'renamed');
  assert.deepEqual(p.categories, []);
  assert.deepEqual(parseJsonBody('{"mixins": []}').entities, [], 'alone, it is still an empty list of definitions');
});
