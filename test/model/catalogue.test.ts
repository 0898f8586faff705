// The OCCI Core and Infrastructure categories (model/infrastructure.ts) are
// the spec's tables (spec §1.7, §2): every kind, mixin and action, with its
// scheme, term, title, location, parent, dependencies, applicable kinds,
// actions and every attribute definition. The expected catalogue is
// test/fixtures/model-catalogue.json, reviewed against the spec's tables; a
// change to any of it fails here and is made on purpose:
//   UPDATE_FIXTURES=1 node --test dist/test/model/catalogue.test.js
// then read the fixture's diff before committing it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { typeId, type Action, type AttributeDefinition, type Kind, type Mixin } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/model-catalogue.json', import.meta.url));

const attributes = (defs: ReadonlyMap<string, AttributeDefinition>): AttributeDefinition[] => [...defs.values()];
const action = (a: Action) => ({ id: typeId(a), class: a.class, title: a.title, attributes: attributes(a.attributes) });
const kind = (k: Kind) => ({
  id: typeId(k),
  class: k.class,
  title: k.title,
  parent: k.parent && typeId(k.parent),
  location: k.location,
  attributes: attributes(k.attributes),
  actions: k.actions.map(action),
});
const mixin = (m: Mixin) => ({
  id: typeId(m),
  class: m.class,
  title: m.title,
  location: m.location,
  origin: m.origin,
  depends: m.depends.map(typeId),
  applies: m.applies.map(typeId),
  attributes: attributes(m.attributes),
  actions: m.actions.map(action),
});

function catalogue() {
  return {
    kinds: I.MODEL_KINDS.map(kind),
    mixins: I.MODEL_MIXINS.map(mixin),
    states: { compute: I.COMPUTE_STATES, network: I.NETWORK_STATES, storage: I.STORAGE_STATES },
    resourceKinds: I.RESOURCE_KINDS.map(typeId),
    linkKinds: I.LINK_KINDS.map(typeId),
  };
}

test('the model holds the spec\'s kinds, mixins and actions exactly: terms, titles, locations, parents, attributes (type, mutability, required, defaults, ranges, patterns) and actions', () => {
  const actual = JSON.parse(JSON.stringify(catalogue())) as unknown;
  if (process.env.UPDATE_FIXTURES === '1') writeFileSync(FIXTURE, `${JSON.stringify(actual, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown;
  assert.deepEqual(actual, expected, 'the model differs from test/fixtures/model-catalogue.json: if the change is meant, run with UPDATE_FIXTURES=1 and review the diff');
});

test('every exported category of the model is in the catalogues the server lists', () => {
  const listed = new Set<unknown>([...I.MODEL_KINDS, ...I.MODEL_MIXINS, ...I.MODEL_KINDS.flatMap((k) => k.actions)]);
  const exported = Object.entries(I).filter(([, v]) => typeof v === 'object' && v !== null && 'class' in v);
  const missing = exported.filter(([, v]) => !listed.has(v)).map(([name]) => name);
  assert.deepEqual(missing, []);
});
