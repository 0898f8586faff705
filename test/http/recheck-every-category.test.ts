// What sends the server back to the store before a 400 (catalog-recheck.ts):
// every category of every entity is looked at, so an entity naming a known
// kind and a mixin defined since (on another replica) is rechecked, not
// refused as unknown; the first entity known does not vouch for the next.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { knowsCategories } from '../../src/http/catalog-recheck.js';
import type { Catalog } from '../../src/operations/catalog.js';
import { emptyPayload, type CategoryRef, type EntityInput, type Payload } from '../../src/rendering/document.js';

const known = new Set(['compute', 'storage', 'mytag']);
const catalog = { resolve: (ref: CategoryRef) => (known.has(ref.term) ? { term: ref.term } : undefined) } as unknown as Catalog;
const entity = (...terms: string[]): EntityInput => ({ categories: terms.map((term) => ({ scheme: 'http://x#', term })), attributes: {}, links: [] });
const entities = (...list: EntityInput[]): Payload => ({ ...emptyPayload(), entities: list, empty: false });

describe('categories the catalogue may not know yet', () => {
  test('each category of each entity: a known kind does not vouch for a new mixin beside it', () => {
    assert.equal(knowsCategories(catalog, entities(entity('compute', 'mytag'))), true);
    assert.equal(knowsCategories(catalog, entities(entity('compute', 'newtag'))), false);
    assert.equal(knowsCategories(catalog, entities(entity('newtag', 'compute'))), false);
  });

  test('each entity: the first known does not vouch for the next', () => {
    assert.equal(knowsCategories(catalog, entities(entity('compute'), entity('storage', 'mytag'))), true);
    assert.equal(knowsCategories(catalog, entities(entity('compute'), entity('storage', 'newtag'))), false);
  });
});
