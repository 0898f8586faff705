// jsonRenderer / plainJsonRenderer and the pure helpers (spec §5, R35, R60,
// R109, R132–R140, D15, D26, D34).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeMap, typeId, type AttributeDefinition } from '../../../src/model/category.js';
import { attr, enumAttr, immutable } from '../../../src/model/attribute-builders.js';
import * as I from '../../../src/model/infrastructure.js';
import type { CategoryView } from '../../../src/rendering/document.js';
import {
  actionJson,
  attributeDescription,
  entityJson,
  jsonRenderer,
  kindJson,
  mixinJson,
  plainJsonRenderer,
} from '../../../src/rendering/json/render.js';
import { BASE, DEBIAN, exampleCompute, linkView, resourceView, SMALL } from './views.js';

const DRAFT4 = 'http://json-schema.org/draft-04/schema#';
const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

describe('attributeDescription (R136–R138)', () => {
  const allowed = new Set(['mutable', 'required', 'type', 'pattern', 'default', 'description']);

  it('maps every value kind to its JSON type (spec §2.7, §5.6)', () => {
    const kinds: Array<[AttributeDefinition['valueKind'], string]> = [
      ['integer', 'number'],
      ['float', 'number'],
      ['string', 'string'],
      ['enum', 'string'],
      ['uri', 'string'],
      ['boolean', 'boolean'],
      ['list', 'array'],
      ['hash', 'object'],
    ];
    for (const [valueKind, type] of kinds) assert.equal(attributeDescription(attr('x', valueKind, 'd')).type, type, valueKind);
  });

  it('uses only the six allowed properties on every catalogue attribute', () => {
    const all = [...I.MODEL_KINDS, ...I.MODEL_MIXINS, ...I.COMPUTE.actions, ...I.STORAGE.actions, DEBIAN, SMALL];
    for (const c of all) {
      for (const def of c.attributes.values()) {
        const d = attributeDescription(def);
        for (const k of Object.keys(d)) assert.ok(allowed.has(k), `${def.name}: ${k}`);
        assert.equal(typeof d.mutable, 'boolean');
        assert.equal(typeof d.required, 'boolean');
        if (d.pattern) assert.equal(d.pattern.$schema, DRAFT4);
      }
    }
  });

  it('an enum gets a JSON Schema with the values, and its default (spec §5.7 excerpt)', () => {
    assert.deepEqual(attributeDescription(I.COMPUTE.attributes.get('occi.compute.state')!), {
      mutable: false,
      required: false,
      type: 'string',
      pattern: { $schema: DRAFT4, type: 'string', enum: ['active', 'inactive', 'suspended', 'error'] },
      default: 'inactive',
      description: 'Current state',
    });
  });

  it('a string pattern, bounds and integer-ness go into the schema', () => {
    assert.deepEqual(attributeDescription(I.NETWORK.attributes.get('occi.network.label')!).pattern, {
      $schema: DRAFT4,
      type: 'string',
      pattern: '^[A-Za-z0-9._~+-]+$',
    });
    assert.deepEqual(attributeDescription(I.NETWORK.attributes.get('occi.network.vlan')!).pattern, {
      $schema: DRAFT4,
      type: 'integer',
      minimum: 0,
      maximum: 4095,
    });
    assert.deepEqual(attributeDescription(I.STORAGE.attributes.get('occi.storage.size')!), {
      mutable: true,
      required: true,
      type: 'number',
      pattern: { $schema: DRAFT4, type: 'number', minimum: 0 },
      description: 'Storage size in gigabytes',
    });
  });

  it('omits pattern when the type says it all, and description when absent', () => {
    assert.deepEqual(attributeDescription(I.COMPUTE.attributes.get('occi.compute.hostname')!), {
      mutable: true,
      required: false,
      type: 'string',
      description: 'Fully qualified DNS hostname',
    });
    const bare: AttributeDefinition = { name: 'b', valueKind: 'boolean', mutable: false, required: false };
    assert.deepEqual(attributeDescription(bare), { mutable: false, required: false, type: 'boolean' });
  });

  it('defaults keep their declared type (R138)', () => {
    assert.equal(attributeDescription(SMALL.attributes.get('occi.compute.cores')!).default, 2);
    assert.equal(attributeDescription(SMALL.attributes.get('occi.compute.memory')!).default, 4);
    const list = attributeDescription(attr('l', 'list', 'd', { default: ['a', 1] }));
    assert.deepEqual([list.type, list.default], ['array', ['a', 1]]);
    const hash = attributeDescription(immutable(attr('h', 'hash', 'd', { default: { k: 'v' } })));
    assert.deepEqual([hash.type, hash.default, hash.mutable], ['object', { k: 'v' }, false]);
  });
});

describe('kindJson (R134, D15)', () => {
  it('compute: parent, own and inherited attributes, actions, location', () => {
    const k = kindJson(I.COMPUTE, `${BASE}/compute/`);
    assert.deepEqual(Object.keys(k), ['term', 'scheme', 'title', 'parent', 'attributes', 'actions', 'location']);
    assert.equal(k.parent, 'http://schemas.ogf.org/occi/core#resource');
    assert.deepEqual(Object.keys(k.attributes).slice(0, 3), ['occi.core.id', 'occi.core.title', 'occi.core.summary']);
    assert.ok('occi.compute.cores' in k.attributes);
    assert.deepEqual(k.actions, ['start', 'stop', 'restart', 'suspend', 'save'].map((t) => `${INFRA.replace('#', '/compute/action#')}${t}`));
    assert.equal(k.location, `${BASE}/compute/`);
  });

  it('entity has no parent and no location; defaults to the kind path otherwise', () => {
    const e = kindJson(I.ENTITY);
    assert.equal('parent' in e, false);
    assert.equal('location' in e, false);
    assert.deepEqual(Object.keys(e.attributes), ['occi.core.id', 'occi.core.title']);
    assert.equal(kindJson(I.LINK).location, '/link/');
    assert.deepEqual(Object.keys(kindJson(I.LINK).attributes), ['occi.core.id', 'occi.core.title', 'occi.core.source', 'occi.core.target', 'occi.core.target.kind']);
  });
});

describe('mixinJson (R135, R36, R37, R150)', () => {
  it('ipnetwork advertises applies = network, no depends', () => {
    const m = mixinJson(I.IPNETWORK, `${BASE}/mixin/ipnetwork/`);
    assert.deepEqual(m.applies, [`${INFRA}network`]);
    assert.equal('depends' in m, false);
    assert.equal(m.location, `${BASE}/mixin/ipnetwork/`);
    assert.deepEqual(Object.keys(m.attributes), ['occi.network.address', 'occi.network.gateway', 'occi.network.allocation']);
  });

  it('templates advertise depends on os_tpl / resource_tpl', () => {
    assert.deepEqual(mixinJson(DEBIAN).depends, [`${INFRA}os_tpl`]);
    assert.deepEqual(mixinJson(SMALL).depends, [`${INFRA}resource_tpl`]);
    assert.equal(mixinJson(SMALL).attributes['occi.compute.cores']?.default, 2);
  });

  it('a tag has neither depends nor applies but always a location', () => {
    const tag = { ...I.OS_TPL, term: 'tag', scheme: 'http://e/u#', applies: [], origin: 'user' as const, location: '/tag/' };
    const m = mixinJson(tag);
    // No empty `actions`: the schema wants at least one item where the member is present (R140).
    assert.deepEqual(m, { term: 'tag', scheme: 'http://e/u#', title: 'OS Template', attributes: {}, location: '/tag/' });
  });

  it('ssh_key and user_data apply to compute only', () => {
    assert.deepEqual(mixinJson(I.SSH_KEY).applies, [`${INFRA}compute`]);
    assert.deepEqual(mixinJson(I.USER_DATA).applies, [`${INFRA}compute`]);
  });
});

describe('actionJson', () => {
  it('renders term, scheme, title and parameter descriptions (spec §5.4)', () => {
    const a = actionJson(I.COMPUTE_STOP);
    assert.deepEqual(Object.keys(a), ['term', 'scheme', 'title', 'attributes']);
    assert.deepEqual(a.attributes.method?.pattern?.enum, ['graceful', 'acpioff', 'poweroff']);
    assert.equal(a.attributes.method?.default, 'poweroff');
    assert.deepEqual(actionJson(I.COMPUTE_START).attributes, {});
  });
});

describe('jsonRenderer.categories (R35)', () => {
  it('always has the three arrays, sorted by class, with absolute locations', () => {
    const list: CategoryView[] = [
      { category: I.COMPUTE, location: `${BASE}/compute/` },
      { category: I.ENTITY },
      { category: I.COMPUTE_STOP },
      { category: I.IPNETWORK, location: `${BASE}/mixin/ipnetwork/` },
    ];
    const body = JSON.parse(jsonRenderer.categories(list).body);
    assert.deepEqual(Object.keys(body), ['kinds', 'mixins', 'actions']);
    assert.deepEqual(body.kinds.map((k: { term: string }) => k.term), ['compute', 'entity']);
    assert.equal(body.kinds[0].location, `${BASE}/compute/`);
    assert.equal('location' in body.kinds[1], false);
    assert.equal(body.mixins[0].location, `${BASE}/mixin/ipnetwork/`);
    assert.deepEqual(body.actions.map((a: { term: string }) => a.term), ['stop']);
    assert.deepEqual(JSON.parse(jsonRenderer.categories([]).body), { kinds: [], mixins: [], actions: [] });
  });

  it('renders the whole catalogue with locations on every kind but entity and on every mixin (R134, R135)', () => {
    const list: CategoryView[] = [...I.MODEL_KINDS, ...I.MODEL_MIXINS].map((c) => ({ category: c, location: c.location && BASE + c.location }));
    const body = JSON.parse(jsonRenderer.categories(list).body);
    for (const k of body.kinds) assert.equal('location' in k, k.term !== 'entity', k.term);
    for (const m of body.mixins) assert.match(m.location, /^https:\/\/occi\.example\.org\/.*\/$/);
  });
});

describe('jsonRenderer.entity (R60, R109, R132, D26)', () => {
  it('omits empty mixins, actions and links but always has kind, id and attributes; no location member (R140)', () => {
    const v = resourceView({ kind: I.NETWORK, id: 'urn:uuid:n', location: `${BASE}/network/n` });
    assert.deepEqual(JSON.parse(jsonRenderer.entity(v).body), {
      kind: `${INFRA}network`,
      id: 'urn:uuid:n',
      attributes: {},
    });
  });

  it('never repeats occi.core.id, title or summary inside attributes (D26)', () => {
    const body = entityJson(exampleCompute());
    for (const name of ['occi.core.id', 'occi.core.title', 'occi.core.summary']) assert.equal(name in body.attributes, false);
  });

  it('keeps a non-string title in attributes rather than breaking the top-level type', () => {
    const v = resourceView({ kind: I.NETWORK, id: 'urn:uuid:n', location: '/n', attributes: [['occi.core.title', 5]] });
    const body = entityJson(v);
    assert.equal('title' in body, false);
    assert.equal(body.attributes['occi.core.title'], 5);
  });

  it('a link has source and target members only, never occi.core.source/target/target.kind in attributes (R109)', () => {
    const v = linkView({
      kind: I.STORAGELINK,
      id: 'urn:uuid:s',
      title: 'disk',
      attributes: [['occi.storagelink.deviceid', '/dev/vdb']],
      source: { location: `${BASE}/compute/1`, kind: I.COMPUTE },
      target: { location: `${BASE}/storage/2`, kind: I.STORAGE },
      location: `${BASE}/storagelink/s`,
    });
    const body = JSON.parse(jsonRenderer.entity(v).body);
    assert.deepEqual(body, {
      kind: `${INFRA}storagelink`,
      id: 'urn:uuid:s',
      title: 'disk',
      attributes: { 'occi.storagelink.deviceid': '/dev/vdb' },
      source: { location: `${BASE}/compute/1`, kind: `${INFRA}compute` },
      target: { location: `${BASE}/storage/2`, kind: `${INFRA}storage` },
    });
  });

  it('a link without ends in the view takes them from its attributes; an external target has no kind', () => {
    const v = linkView({
      kind: I.LINK,
      id: 'urn:uuid:l',
      source: { location: '/compute/1' },
      target: { location: 'http://x/y' },
      location: '/link/l',
    });
    delete v.source;
    delete v.target;
    const body = entityJson(v) as { source?: unknown; target?: unknown; attributes: object };
    assert.deepEqual(body.source, { location: '/compute/1' });
    assert.deepEqual(body.target, { location: 'http://x/y' });
    assert.deepEqual(body.attributes, {});
  });

  it('keeps an attribute named __proto__ as a member', () => {
    const v = resourceView({ kind: I.NETWORK, id: 'i', location: '/n', attributes: [['__proto__', 'x']] });
    assert.match(jsonRenderer.entity(v).body, /"attributes":\{"__proto__":"x"\}/);
  });

  it('escapes lone surrogates and control characters into well-formed JSON', () => {
    const v = resourceView({ kind: I.NETWORK, id: 'i', title: 'a\uD800b\u0000\u2028', location: '/n' });
    const { body } = jsonRenderer.entity(v);
    assert.doesNotMatch(body, /[\uD800-\uDFFF]/u); // no lone surrogate left
    assert.match(body, /"title":"a\\ud800b\\u0000\u2028"/);
    assert.equal(JSON.parse(body).title, 'a\uD800b\u0000\u2028');
  });
});

describe('jsonRenderer.collection (R139, D5)', () => {
  const r = resourceView({ kind: I.COMPUTE, id: 'urn:uuid:c', location: `${BASE}/compute/c` });
  const l = linkView({ kind: I.NETWORKINTERFACE, id: 'urn:uuid:l', source: { location: '/c' }, target: { location: '/n' }, location: '/l' });

  it('resources, links, and both keys for a mixed collection', () => {
    assert.deepEqual(Object.keys(JSON.parse(jsonRenderer.collection([r], 'resources').body)), ['resources']);
    assert.deepEqual(JSON.parse(jsonRenderer.collection([l], 'links').body).links[0].id, 'urn:uuid:l');
    const mixed = JSON.parse(jsonRenderer.collection([l, r], 'mixed').body);
    assert.deepEqual(mixed.resources.map((x: { id: string }) => x.id), ['urn:uuid:c']);
    assert.deepEqual(mixed.links.map((x: { id: string }) => x.id), ['urn:uuid:l']);
    assert.deepEqual(JSON.parse(jsonRenderer.collection([r], 'mixed').body).links, []);
  });

  it('an empty collection is {"resources":[]} or {"links":[]}', () => {
    assert.equal(jsonRenderer.collection([], 'resources').body, '{"resources":[]}');
    assert.equal(jsonRenderer.collection([], 'links').body, '{"links":[]}');
    assert.equal(jsonRenderer.collection([], 'mixed').body, '{"resources":[],"links":[]}');
  });

  it('members are full renderings', () => {
    assert.deepEqual(JSON.parse(jsonRenderer.collection([exampleCompute()], 'resources').body).resources[0], entityJson(exampleCompute()));
  });
});

describe('locations, ok, error and headers', () => {
  it('renders locations, ok and error bodies', () => {
    assert.equal(jsonRenderer.locations([`${BASE}/compute/1`]).body, `{"locations":["${BASE}/compute/1"]}`);
    assert.equal(jsonRenderer.ok().body, '{}');
    assert.deepEqual(JSON.parse(jsonRenderer.error(404, 'no such "thing"', 'req-1').body), {
      error: { status: 404, message: 'no such "thing"', request_id: 'req-1' },
    });
  });

  it('sets the media type with charset; application/json gives the same bodies', () => {
    assert.equal(jsonRenderer.mediaType, 'application/occi+json');
    assert.equal(plainJsonRenderer.mediaType, 'application/json');
    assert.deepEqual(jsonRenderer.ok().headers, { 'Content-Type': 'application/occi+json; charset=utf-8' });
    assert.deepEqual(plainJsonRenderer.ok().headers, { 'Content-Type': 'application/json; charset=utf-8' });
    const v = exampleCompute();
    assert.equal(plainJsonRenderer.entity(v).body, jsonRenderer.entity(v).body);
    const cats: CategoryView[] = [{ category: I.COMPUTE }];
    assert.equal(plainJsonRenderer.categories(cats).body, jsonRenderer.categories(cats).body);
  });

  it('returns fresh header objects, so a caller may add headers safely', () => {
    const a = jsonRenderer.ok();
    a.headers['X-Test'] = '1';
    assert.equal('X-Test' in jsonRenderer.ok().headers, false);
  });
});

describe('output members stay within the spec schema (R140, plus our `location` extension)', () => {
  const RESOURCE = new Set(['kind', 'mixins', 'attributes', 'actions', 'id', 'links', 'summary', 'title', 'location']);
  const LINK = new Set(['kind', 'mixins', 'attributes', 'actions', 'id', 'source', 'target', 'title', 'rel', 'location']);
  const KIND = new Set(['term', 'scheme', 'title', 'parent', 'attributes', 'actions', 'location']);
  const MIXIN = new Set(['term', 'scheme', 'title', 'depends', 'applies', 'attributes', 'actions', 'location']);

  it('resources, links and categories', () => {
    const r = entityJson(exampleCompute());
    for (const k of Object.keys(r)) assert.ok(RESOURCE.has(k), k);
    for (const l of (r as { links: object[] }).links) for (const k of Object.keys(l)) assert.ok(LINK.has(k), k);
    for (const kind of I.MODEL_KINDS) for (const k of Object.keys(kindJson(kind))) assert.ok(KIND.has(k), k);
    for (const m of I.MODEL_MIXINS) for (const k of Object.keys(mixinJson(m))) assert.ok(MIXIN.has(k), k);
    const withAttrs = { ...I.COMPUTE_STOP, attributes: attributeMap([enumAttr('m', ['a'], 'd')]) };
    assert.deepEqual(Object.keys(actionJson(withAttrs)), ['term', 'scheme', 'title', 'attributes']);
    assert.equal(typeId(I.COMPUTE_STOP), `${INFRA.replace('#', '/compute/action#')}stop`);
  });
});
