// Triggering actions (spec §3.5.3, §3.6.3; R78–R86, D2, D7, D29): which
// action a request names, its parameters, refusals that say what is allowed
// now, and a collection action that checks every member before touching any.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attributeMap, typeId, type Action } from '../../src/model/category.js';
import { COMPUTE, COMPUTE_START, COMPUTE_STOP, NETWORK, RESOURCE } from '../../src/model/infrastructure.js';
import { actionParameters, chooseAction, trigger, triggerOnAll } from '../../src/operations/actions.js';
import { actOnAll } from '../../src/operations/collections.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create } from '../../src/operations/entities.js';
import { userMixin } from '../../src/operations/user-mixins.js';
import type { EntityRecord, ResourceRecord } from '../../src/port/backend.js';
import { emptyPayload, type CategoryRef, type EntityView, type Payload } from '../../src/rendering/document.js';
import { BASE, entityPayload, KIND, openWorld, payload, refusal, type World } from './world.js';

const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
const other = (scheme: string, term: string, required = false): Action => ({
  class: 'action',
  scheme,
  term,
  attributes: attributeMap(required ? [{ name: 'when', valueKind: 'string', mutable: true, required: true }] : []),
});
const invoke = (...categories: CategoryRef[]): Payload => payload({ categories });
const STOP: CategoryRef = { scheme: ACTIONS, term: 'stop', class: 'action' };

describe('which action a request names', () => {
  const candidates = [COMPUTE_START, COMPUTE_STOP];

  test('the action of ?action= checked against the one Category sent, with or without its scheme and class', () => {
    assert.equal(chooseAction('stop', candidates, invoke(STOP)), COMPUTE_STOP);
    assert.equal(chooseAction('stop', candidates, invoke({ scheme: '', term: 'stop' })), COMPUTE_STOP);
    assert.equal(chooseAction('start', candidates, invoke({ scheme: ACTIONS, term: 'start' })), COMPUTE_START);
  });

  test('a term none of its actions has is a 400 listing them, with the closest', () => {
    assert.throws(() => chooseAction('stpo', candidates, invoke(STOP), 'compute 1'), refusal(400, 'compute 1 has no action "stpo": did you mean stop?; its actions are start, stop'));
    assert.throws(() => chooseAction('zzzzzz', candidates, invoke(STOP)), refusal(400, 'this entity has no action "zzzzzz"; its actions are start, stop'));
    assert.throws(() => chooseAction('stop', [], invoke(STOP), 'the blue mixin'), refusal(400, 'the blue mixin has no action "stop"; it has no actions'));
  });

  test("without a Category: a 400 showing the Category to send (text and JSON); a 409 when the term is ambiguous", () => {
    assert.throws(() => chooseAction('stop', candidates, emptyPayload()), refusal(400, `an action invocation needs the action's Category, e.g. Category: stop; scheme="${ACTIONS}"; class="action" (JSON: {"action": "${ACTIONS}stop"})`));
    const twins = [COMPUTE_STOP, other('http://me.example/actions#', 'stop')];
    assert.throws(() => chooseAction('stop', twins, emptyPayload()), refusal(409, `several actions are called stop: ${ACTIONS}stop, http://me.example/actions#stop; send the Category of the one you mean`));
  });

  test('the Category must be one, the same term, of class action, and under a scheme the action has', () => {
    assert.throws(() => chooseAction('stop', candidates, invoke(STOP, STOP)), refusal(400, 'an action invocation carries exactly one Category'));
    assert.throws(() => chooseAction('stop', candidates, invoke({ scheme: ACTIONS, term: 'start' })), refusal(400, '?action=stop and the Category start name different actions: make them the same'));
    assert.throws(() => chooseAction('stop', candidates, invoke({ ...STOP, class: 'kind' })), refusal(400, 'the Category of an action invocation must be of class "action", not "kind"'));
    assert.throws(() => chooseAction('stop', candidates, invoke({ ...STOP, class: 'mixin' })), refusal(400, 'not "mixin"'));
    assert.throws(() => chooseAction('stop', candidates, invoke({ scheme: 'http://me.example/actions#', term: 'stop' }), 'compute 1'), refusal(400, `compute 1 has no action http://me.example/actions#stop; its stop is ${ACTIONS}stop`));
  });

  test('two actions of one term: the scheme picks one; without it, a 409 asking for the scheme', () => {
    const mine = other('http://me.example/actions#', 'stop');
    const twins = [COMPUTE_STOP, mine];
    assert.equal(chooseAction('stop', twins, invoke(STOP)), COMPUTE_STOP);
    assert.equal(chooseAction('stop', twins, invoke({ scheme: 'http://me.example/actions#', term: 'stop' })), mine);
    assert.throws(() => chooseAction('stop', twins, invoke({ scheme: '', term: 'stop' })), refusal(409, `several actions are called stop: ${ACTIONS}stop, http://me.example/actions#stop; give the scheme of the one you mean`));
  });
});

describe("an action's parameters (R82)", () => {
  test('known ones are checked and typed; none given is none', () => {
    assert.deepEqual(actionParameters(COMPUTE_STOP, { method: 'graceful' }), { method: 'graceful' });
    assert.deepEqual(actionParameters(COMPUTE_STOP, {}), {});
  });
  test('an unknown one is a 400 listing those it takes, or saying it takes none', () => {
    assert.throws(() => actionParameters(COMPUTE_STOP, { force: true }), refusal(400, 'action stop has no parameter force; it takes method'));
    assert.throws(() => actionParameters(COMPUTE_START, { force: true }), refusal(400, 'action start has no parameter force; it takes none'));
  });
  test('a value outside its definition is a 400', () => {
    assert.throws(() => actionParameters(COMPUTE_STOP, { method: 'kick' }), refusal(400, 'kick'));
  });
  test('a required one left out is a 400 naming it', () => {
    const needy = other('http://me.example/actions#', 'wake', true);
    assert.throws(() => actionParameters(needy, {}), refusal(400, 'action wake needs the parameter when'));
    assert.deepEqual(actionParameters(needy, { when: 'now' }), { when: 'now' });
  });
});

/** Each describe below opens its own world (hooked per describe). */
let world: World;
let ctx: OcciContext;
async function openOwnWorld(): Promise<void> {
  world = await openWorld();
  ctx = await world.context();
}
const closeWorld = (): void => world.close();
async function compute(): Promise<string> {
  const r = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')] }));
  return (r as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
}
const attribute = async (id: string, name: string) => ((await world.cloud.get(world.alice, 'compute', id)) as ResourceRecord).attributes[name];

describe('triggering on the embedded cloud', () => {
  before(openOwnWorld);
  after(closeWorld);

  test('an entity in transition refuses every action with a 409 saying what it is doing (D2)', async () => {
    const id = await compute();
    await assert.rejects(trigger(ctx, { kind: 'compute', id }, 'stop', invoke(STOP)), refusal(409, `cannot stop compute ${id} now: it is busy (building); retry when it settles`));
  });

  test('an action the state forbids is a 409 naming the state and what is allowed now (R81)', async () => {
    const id = await compute();
    world.settle();
    await assert.rejects(trigger(ctx, { kind: 'compute', id }, 'start', invoke({ scheme: ACTIONS, term: 'start' })), refusal(409, `cannot start compute ${id} while it is active; allowed now: stop, restart, suspend, save`));
  });

  test('an allowed action runs and answers the entity as it is afterwards', async () => {
    const id = await compute();
    world.settle();
    const done = await trigger(ctx, { kind: 'compute', id }, 'stop', invoke(STOP));
    assert.equal(done.type, 'entity');
    const view = (done as { view: EntityView }).view;
    assert.equal(view.location, `${BASE}/compute/${id}`);
    assert.match(view.attributes.find(([n]) => n === 'occi.compute.state.message')?.[1] as string, /^stopping/);
    world.settle();
    assert.equal(await attribute(id, 'occi.compute.state'), 'inactive');
  });

  test("what is allowed now leaves out what the cloud refuses now; a busy entity without a message is 'in transition'", async () => {
    const id = await compute();
    world.settle();
    const record = (await world.cloud.get(world.alice, 'compute', id)) as ResourceRecord;
    const refusing = Object.create(world.cloud, { get: { value: async () => ({ ...record, refused: ['save', 'suspend'] }) } });
    await assert.rejects(trigger({ ...ctx, backend: refusing }, { kind: 'compute', id }, 'start', invoke({ scheme: ACTIONS, term: 'start' })), refusal(409, `cannot start compute ${id} while it is active; allowed now: stop, restart`));
    const { 'occi.compute.state.message': _gone, ...quiet } = record.attributes;
    const busy = Object.create(world.cloud, { get: { value: async () => ({ ...record, attributes: quiet, busy: true }) } });
    await assert.rejects(trigger({ ...ctx, backend: busy }, { kind: 'compute', id }, 'stop', invoke(STOP)), refusal(409, `cannot stop compute ${id} now: it is busy (in transition); retry when it settles`));
  });

  test('the entity the backend answers after an action is the one shown (no second read)', async () => {
    const id = await compute();
    world.settle();
    const reads: string[] = [];
    const answering = Object.create(world.cloud, {
      action: { value: async (...a: Parameters<typeof world.cloud.action>) => { const o = await world.cloud.action(...a); const entity = (await world.cloud.get(world.alice, 'compute', id)) as ResourceRecord; return { ...o, entity: { ...entity, attributes: { ...entity.attributes, 'occi.core.title': 'as answered' } } }; } },
      get: { value: (...a: Parameters<typeof world.cloud.get>) => (reads.push(a[2]), world.cloud.get(...a)) },
    });
    const done = await trigger({ ...ctx, backend: answering }, { kind: 'compute', id }, 'stop', invoke(STOP));
    assert.equal((done as { view: EntityView }).view.attributes.find(([n]) => n === 'occi.core.title')?.[1], 'as answered');
    assert.deepEqual(reads, [id], 'read once, before acting');
  });

  test('save answers the new OS template at its absolute location (D7)', async () => {
    const id = await compute();
    world.settle();
    const saved = await trigger(ctx, { kind: 'compute', id }, 'save', invoke({ scheme: ACTIONS, term: 'save' }));
    assert.equal(saved.type, 'categories');
    const [view] = (saved as { list: Array<{ category: { class: string; location?: string }; location?: string }> }).list;
    assert.equal(view!.category.class, 'mixin');
    assert.equal(view!.location, BASE + view!.category.location);
  });

  test('an unknown entity is a 404; an unknown action names the entity and its actions', async () => {
    await assert.rejects(trigger(ctx, { kind: 'compute', id: 'nope' }, 'stop', invoke(STOP)), refusal(404, 'no compute nope'));
    const id = await compute();
    await assert.rejects(trigger(ctx, { kind: 'compute', id }, 'fly', invoke({ scheme: '', term: 'fly' })), refusal(400, `compute ${id} has no action "fly"; its actions are start, stop, restart, suspend, save`));
  });
});

describe('triggering on a whole collection (R84, R85)', () => {
  before(openOwnWorld);
  after(closeWorld);
  const kindOwner = { type: 'kind' as const, kind: COMPUTE };

  test('every member is checked first, so one that cannot act changes none', async () => {
    const running = await compute();
    world.settle();
    const fresh = await compute();
    await assert.rejects(actOnAll(ctx, kindOwner, 'stop', invoke(STOP)), refusal(409, `cannot stop compute ${fresh} now: it is busy`));
    assert.equal(await attribute(running, 'occi.compute.state.message'), 'running', 'the running one was not stopped');
    world.settle();
    const done = await actOnAll(ctx, kindOwner, 'restart', invoke({ scheme: ACTIONS, term: 'restart' }));
    assert.equal(done.type, 'collection');
    assert.deepEqual([...(done as { locations: string[] }).locations].sort(), [running, fresh].map((id) => `${BASE}/compute/${id}`).sort(), 'the answer lists every member');
    for (const id of [running, fresh]) assert.match(String(await attribute(id, 'occi.compute.state.message')), /^restarting/, id);
  });

  test('a JSON answer shows the members as the backend answered them after the action', async () => {
    const id = await compute();
    world.settle();
    const answering = Object.create(world.cloud, {
      action: { value: async (...a: Parameters<typeof world.cloud.action>) => { const o = await world.cloud.action(...a); const entity = (await world.cloud.get(world.alice, 'compute', a[2])) as ResourceRecord; return { ...o, entity: { ...entity, attributes: { ...entity.attributes, 'occi.core.title': 'as answered' } } }; } },
    });
    const json = await world.context({ listing: 'entities', backend: answering });
    const done = await actOnAll(json, kindOwner, 'stop', invoke(STOP));
    assert.equal(done.type, 'entities');
    const views: EntityView[] = [];
    for await (const batch of (done as { batches: AsyncIterable<EntityView[]> }).batches) views.push(...batch);
    assert.ok(views.length >= 1);
    assert.ok(views.some((v) => v.location.endsWith(id)));
    for (const v of views) assert.equal(v.attributes.find(([n]) => n === 'occi.core.title')?.[1], 'as answered');
  });

  test("the action must be the owner's: a collection of a path, or a kind or mixin without the action, is a 400", async () => {
    await assert.rejects(actOnAll(ctx, { type: 'path', path: '/' }, 'stop', invoke(STOP)), refusal(400, 'actions apply to kind and mixin locations only'));
    await assert.rejects(actOnAll(ctx, { type: 'kind', kind: RESOURCE }, 'stop', invoke(STOP)), refusal(400, 'the resource collection has no action "stop"; it has no actions'));
    const tag = userMixin({ scheme: 'http://me.example/tags#', term: 'blue', title: null, location: '/blue/' });
    await assert.rejects(actOnAll(ctx, { type: 'mixin', mixin: tag }, 'stop', invoke(STOP)), refusal(400, 'the blue mixin has no action "stop"; it has no actions'));
    await assert.rejects(actOnAll(ctx, { type: 'kind', kind: NETWORK }, 'stop', invoke(STOP)), refusal(400, 'the network collection has no action "stop"; its actions are up, down'));
  });

  test('a member whose kind lacks the action stops the whole collection before anything is done', async () => {
    const network = (await world.cloud.get(world.alice, 'network', 'public')) as EntityRecord;
    await assert.rejects(
      triggerOnAll(ctx, COMPUTE, [network], 'stop', invoke(STOP)),
      refusal(400, `action ${typeId(COMPUTE_STOP)} is not one of network public's, so the collection cannot run it: nothing was done`),
    );
  });
});
