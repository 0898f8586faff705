// An entity rendering's attributes and links at their edges (spec §3.5;
// R43, R44, R106, D17, D35): only the model's mixins are brought along by
// their attributes, a misspelt name close to two is shown both, a link
// target is quoted at most 200 characters, and a link's ends are no
// attributes to store.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attr } from '../../src/model/attribute-builders.js';
import { attributeMap, type Mixin } from '../../src/model/category.js';
import { COMPUTE, NETWORKINTERFACE } from '../../src/model/infrastructure.js';
import { Catalog } from '../../src/operations/catalog.js';
import { create } from '../../src/operations/entities.js';
import type { EntityView } from '../../src/rendering/document.js';
import { entityPayload, KIND, openWorld, refusal, type World } from './world.js';

const colourful: Mixin = {
  class: 'mixin',
  scheme: 'http://provider.example/extra#',
  term: 'colourful',
  attributes: attributeMap([attr('org.example.colour', 'string', 'A colour')]),
  depends: [],
  applies: [COMPUTE],
  actions: [],
  location: '/extra/colourful/',
  origin: 'provider',
};

describe('entity renderings at their edges', () => {
  let world: World;
  before(async () => {
    world = await openWorld();
  });
  after(() => world.close());

  test("a provider mixin's attribute neither brings the mixin along nor is said to belong to it: only the model's are (D17)", async () => {
    const ctx0 = await world.context();
    const ctx = { ...ctx0, catalog: new Catalog([...ctx0.catalog.mixins.filter((m) => m.origin === 'provider'), colourful], []) };
    await assert.rejects(
      create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], attributes: { 'org.example.colour': 'red' } })),
      refusal(400, 'unknown attribute org.example.colour for a compute; its attributes: GET /-/?category=compute'),
    );
  });

  test('a misspelt attribute close to two is shown both', async () => {
    const ctx = await world.context();
    await assert.rejects(create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], attributes: { 'occi.compute.stare': 1 } })), refusal(400, ': did you mean occi.compute.share or occi.compute.state?'));
  });

  test('a link target that is no location of this server is quoted at most 200 characters (D35)', async () => {
    const ctx = await world.context();
    const target = `nowhere-${'x'.repeat(300)}`;
    await assert.rejects(create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], links: [{ categories: [], target, attributes: {} }] })), (e: unknown) => {
      refusal(400, `link target ${target.slice(0, 200)} is not a network or storage of this server`)(e);
      assert.ok(!(e as Error).message.includes(target.slice(0, 201)));
      return true;
    });
  });

  test('a link created with its ends as attributes stores them as its ends, not as attributes (R105)', async () => {
    const ctx = await world.context();
    const vm = (await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')] })) as { views: EntityView[] }).views[0]!;
    const made = await create(ctx, NETWORKINTERFACE, entityPayload({ categories: [KIND('networkinterface')], attributes: { 'occi.core.source': vm.location, 'occi.core.target': '/network/public' } }));
    const id = (made as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
    const record = (await world.cloud.get(world.alice, 'networkinterface', id))!;
    assert.deepEqual(Object.keys(record.attributes).filter((n) => n.startsWith('occi.core.')), []);
  });
});
