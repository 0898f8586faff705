// JSON renderings: what makes a view a link, which members are left out when
// there is nothing to say, and that a client's "__proto__" attribute is an
// ordinary member. Mutation testing found these stated nowhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeDefinition } from '../../../src/model/category.js';
import * as I from '../../../src/model/infrastructure.js';
import { attributeDescription } from '../../../src/rendering/json/attribute-json.js';
import { kindJson } from '../../../src/rendering/json/category-json.js';
import { entityJson, isLinkView } from '../../../src/rendering/json/entity-json.js';
import { setOwn } from '../../../src/rendering/json/own.js';
import { jsonRenderer } from '../../../src/rendering/json/render.js';
import { BASE, resourceView } from './views.js';

const vm = resourceView({ kind: I.COMPUTE, id: 'c1', location: `${BASE}/compute/c1` });

describe('a view is a link when its kind derives from core#link or when it has an end (R139)', () => {
  it('a source alone, a target alone, or both make a link', () => {
    assert.equal(isLinkView({ ...vm, source: { location: '/compute/a' } }), true);
    assert.equal(isLinkView({ ...vm, target: { location: '/storage/b' } }), true);
    const both = entityJson({ ...vm, source: { location: '/compute/a' }, target: { location: '/storage/b' } });
    assert.deepEqual([(both as { source?: unknown }).source, (both as { target?: unknown }).target], [{ location: '/compute/a' }, { location: '/storage/b' }]);
  });

  it('a kind named "link" in another scheme is no link', () => {
    const lookalike = { ...I.COMPUTE, scheme: 'http://example.org/occi#', term: 'link' };
    assert.equal(isLinkView({ ...vm, kind: lookalike }), false);
    assert.equal(isLinkView(vm), false);
  });
});

describe('members left out when there is nothing to say', () => {
  it('a kind without a title has no title member', () => {
    assert.equal(Object.hasOwn(kindJson({ ...I.COMPUTE, title: undefined }), 'title'), false);
  });

  it('an attribute bounded only from above still gets a schema with its maximum', () => {
    const def: AttributeDefinition = { name: 'x.load', valueKind: 'float', mutable: true, required: false, maximum: 10 };
    assert.equal(attributeDescription(def).pattern?.maximum, 10);
  });

  it('a JSON listing carries its Content-Type', () => {
    assert.deepEqual(jsonRenderer.collection([], 'resources').headers, { 'Content-Type': 'application/occi+json; charset=utf-8' });
  });
});

describe('an attribute named "__proto__" is an ordinary member', () => {
  it('own, enumerable, writable and configurable, like any other name', () => {
    const o: Record<string, number> = {};
    setOwn(o, '__proto__', 1);
    setOwn(o, 'plain', 1);
    assert.deepEqual(Object.getOwnPropertyDescriptor(o, '__proto__'), Object.getOwnPropertyDescriptor(o, 'plain'));
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
  });
});
