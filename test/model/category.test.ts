// The rules of the category model (model/category.ts): the term and scheme
// grammars, type identifiers, kind inheritance, mixin dependencies and which
// kinds a mixin applies to.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attr } from '../../src/model/attribute-builders.js';
import {
  attributeMap,
  dependsOn,
  effectiveKindAttributes,
  entityAttributes,
  isScheme,
  isTerm,
  kindChain,
  mixinAppliesTo,
  mixinClosure,
  splitTypeId,
  typeId,
  type Kind,
  type Mixin,
} from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';

const mixin = (term: string, o: Partial<Pick<Mixin, 'depends' | 'applies' | 'attributes'>> = {}): Mixin => ({
  class: 'mixin',
  scheme: 'http://example.org/t#',
  term,
  location: `/m/${term}/`,
  attributes: o.attributes ?? attributeMap([]),
  depends: o.depends ?? [],
  applies: o.applies ?? [],
  actions: [],
  origin: 'user',
});

describe('category grammar and identifiers', () => {
  test('a term starts with a letter or digit and goes on with letters, digits, - _ and . only', () => {
    for (const ok of ['a', '7', 'small', 'C2R2048D20', 'os.tpl-1_x']) assert.equal(isTerm(ok), true, ok);
    for (const bad of ['', '-a', '_a', '.a', 'a b', 'a#b', 'a/b', 'é', 'a\n']) assert.equal(isTerm(bad), false, JSON.stringify(bad));
  });

  test('a scheme is an absolute URI of printable ASCII ending in #, without quotes, backslashes or spaces', () => {
    for (const ok of ['http://schemas.ogf.org/occi/core#', 'urn:x#', 'a+b.c-d:#', 'http://h/p?q=1&r=[2]~#']) assert.equal(isScheme(ok), true, ok);
    for (const bad of ['', '#', 'http://h/p', 'http://h/p#x', '1http://h#', 'http://h/"q"#', 'http://h/a\\b#', 'http://h/a b#', 'http://h/é#', '://h#'])
      assert.equal(isScheme(bad), false, JSON.stringify(bad));
  });

  test('a type identifier is scheme then term, and splits after its last #', () => {
    assert.equal(typeId(I.COMPUTE), 'http://schemas.ogf.org/occi/infrastructure#compute');
    assert.deepEqual(splitTypeId('http://a/b#c#d'), { scheme: 'http://a/b#c#', term: 'd' });
    assert.deepEqual(splitTypeId('http://a/b#'), { scheme: 'http://a/b#', term: '' });
    assert.deepEqual(splitTypeId('no-hash'), { scheme: '', term: 'no-hash' });
    assert.deepEqual(splitTypeId('#t'), { scheme: '#', term: 't' });
  });
});

describe('kinds inherit, mixins depend and apply', () => {
  test('a kind chain runs from the kind itself up to core#entity', () => {
    assert.deepEqual(kindChain(I.NETWORKINTERFACE), [I.NETWORKINTERFACE, I.LINK, I.ENTITY]);
    assert.deepEqual(kindChain(I.ENTITY), [I.ENTITY]);
  });

  test("a kind's attributes are its own and every ancestor's, the nearest definition winning", () => {
    const overriding: Kind = { ...I.COMPUTE, attributes: attributeMap([attr('occi.core.title', 'string', 'a compute title', { required: true })]), parent: I.RESOURCE };
    const defs = effectiveKindAttributes(overriding);
    assert.deepEqual([...defs.keys()], ['occi.core.id', 'occi.core.title', 'occi.core.summary']);
    assert.equal(defs.get('occi.core.title')!.required, true, 'the kind overrides its ancestor');
  });

  test("an entity's attributes add those of its mixins and of everything they depend on", () => {
    const base = mixin('base', { attributes: attributeMap([attr('x.base', 'string', 'from the dependency')]) });
    const top = mixin('top', { depends: [base], attributes: attributeMap([attr('x.top', 'string', 'own')]) });
    const names = [...entityAttributes(I.RESOURCE, [top]).keys()];
    assert.deepEqual(names, ['occi.core.id', 'occi.core.title', 'occi.core.summary', 'x.top', 'x.base']);
    assert.deepEqual([...entityAttributes(I.RESOURCE, []).keys()], ['occi.core.id', 'occi.core.title', 'occi.core.summary']);
  });

  test('a mixin closure is the mixin and its dependencies, transitively, each once, cycles included', () => {
    const a = mixin('a');
    const b = mixin('b', { depends: [a] });
    const c = mixin('c', { depends: [b, a] });
    assert.deepEqual(mixinClosure(c), [c, b, a]);
    const loop = mixin('loop');
    (loop as unknown as { depends: Mixin[] }).depends = [mixin('back', { depends: [loop] })];
    assert.equal(mixinClosure(loop).length, 2);
  });

  test('a mixin depends on its ancestors but never on itself', () => {
    const a = mixin('a');
    const b = mixin('b', { depends: [a] });
    assert.equal(dependsOn(b, a), true);
    assert.equal(dependsOn(a, b), false);
    assert.equal(dependsOn(a, a), false);
  });

  test('a mixin applies to the kinds it (or a dependency) names and their descendants; naming none, to every kind', () => {
    assert.equal(mixinAppliesTo(mixin('any'), I.STORAGE), true);
    const onResources = mixin('r', { applies: [I.RESOURCE] });
    assert.equal(mixinAppliesTo(onResources, I.COMPUTE), true, 'compute is a resource');
    assert.equal(mixinAppliesTo(onResources, I.STORAGELINK), false, 'a storage link is not');
    const inherited = mixin('i', { depends: [mixin('c', { applies: [I.COMPUTE] })] });
    assert.equal(mixinAppliesTo(inherited, I.COMPUTE), true);
    assert.equal(mixinAppliesTo(inherited, I.NETWORK), false, 'the dependency restricts it');
    const both = mixin('b', { applies: [I.COMPUTE, I.NETWORK] });
    assert.equal(mixinAppliesTo(both, I.NETWORK), true, 'naming several kinds, it applies to each of them');
    assert.equal(mixinAppliesTo(both, I.STORAGE), false);
  });
});

test('an attribute definition carries only the options it was given (no keys set to undefined)', () => {
  assert.deepStrictEqual(attr('x.a', 'string', 'plain'), { name: 'x.a', valueKind: 'string', mutable: true, required: false, description: 'plain' });
  assert.deepStrictEqual(attr('x.b', 'integer', 'all', { mutable: false, required: true, default: 0, pattern: '^1$', patternText: 'one', minimum: 0, maximum: 0 }), {
    name: 'x.b', valueKind: 'integer', mutable: false, required: true, description: 'all', default: 0, pattern: '^1$', patternText: 'one', minimum: 0, maximum: 0,
  });
});
