// Actions at their edges (spec §3.5.3; R78–R85, D2): actions a mixin brings,
// a mixin the catalogue no longer knows, the words when a term has several
// actions or an action several parameters, and what a 409 offers when the
// cloud refuses some actions of a shared entity.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attr } from '../../src/model/attribute-builders.js';
import { attributeMap, typeId, type Action, type Mixin } from '../../src/model/category.js';
import { COMPUTE, COMPUTE_START } from '../../src/model/infrastructure.js';
import { actionParameters, chooseAction, trigger } from '../../src/operations/actions.js';
import { Catalog } from '../../src/operations/catalog.js';
import { create } from '../../src/operations/entities.js';
import type { Backend, EntityRecord } from '../../src/port/backend.js';
import type { EntityView } from '../../src/rendering/document.js';
import { entityPayload, KIND, openWorld, payload, refusal, type World } from './world.js';

const EXTRA = 'http://provider.example/extra#';
const paint: Action = {
  class: 'action',
  scheme: `${EXTRA.slice(0, -1)}/action#`,
  term: 'paint',
  attributes: attributeMap([attr('color', 'string', 'The colour'), attr('shade', 'string', 'How dark')]),
};
const painter: Mixin = { class: 'mixin', scheme: EXTRA, term: 'painter', attributes: new Map(), depends: [], applies: [COMPUTE], actions: [paint], location: '/extra/painter/', origin: 'provider' };
const invocation = (a: Action, attributes = {}) => payload({ categories: [{ scheme: a.scheme, term: a.term, class: 'action' }], attributes });

describe('actions at their edges', () => {
  let world: World;
  before(async () => {
    world = await openWorld();
  });
  after(() => world.close());

  test('a term two actions share, under a scheme neither has: both are named (R79)', () => {
    const otherStart: Action = { ...COMPUTE_START, scheme: 'http://provider.example/compute/action#' };
    assert.throws(
      () => chooseAction('start', [COMPUTE_START, otherStart], payload({ categories: [{ scheme: 'http://elsewhere.example/#', term: 'start', class: 'action' }] })),
      refusal(400, `this entity has no action http://elsewhere.example/#start; its start is ${typeId(COMPUTE_START)} or ${typeId(otherStart)}`),
    );
  });

  test('an unknown parameter is refused naming every parameter the action takes (R82)', () => {
    assert.throws(() => actionParameters(paint, { gloss: 'high' }), refusal(400, 'action paint has no parameter gloss; it takes color, shade'));
  });

  test("a mixin's actions are the entity's; a mixin the catalogue no longer knows is left out, not an error", async () => {
    const ctx0 = await world.context();
    const made = await create(ctx0, COMPUTE, entityPayload({ categories: [KIND('compute')] }));
    const id = (made as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
    world.settle();
    const record = (await world.cloud.get(world.alice, 'compute', id))!;
    const carrying: EntityRecord = { ...record, mixins: [...record.mixins, typeId(painter), 'http://gone.example/os#retired'] };
    const ran: string[] = [];
    const backend: Backend = Object.create(world.cloud, {
      get: { value: async () => carrying },
      action: { value: async (_c: never, _k: string, _id: string, a: Action, params: Record<string, unknown>) => (ran.push(`${a.term} ${JSON.stringify(params)}`), { entity: carrying }) },
    });
    const catalog = new Catalog([...ctx0.catalog.mixins.filter((m) => m.origin === 'provider'), painter], []);
    const ctx = { ...ctx0, backend, catalog };
    const r = await trigger(ctx, { kind: 'compute', id }, 'paint', invocation(paint, { color: 'red' }));
    assert.equal(r.type, 'entity');
    assert.deepEqual(ran, ['paint {"color":"red"}']);
  });

  test('a 409 offers only what the cloud would do now: the shared network, whose up and down it refuses, offers nothing (R81, D2)', async () => {
    const ctx = await world.context();
    const up = ctx.catalog.all.find((c) => c.class === 'action' && c.term === 'up') as Action;
    await assert.rejects(trigger(ctx, { kind: 'network', id: 'public' }, 'up', invocation(up)), refusal(409, 'cannot up network public while it is active; no action is allowed on it now'));
  });
});
