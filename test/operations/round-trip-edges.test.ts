// A rendering sent back, at its edges (R61–R68, R126, D27): which Link
// structures are action links, the link ends' kinds a JSON link carries, an
// id with urn:uuid: only at its start, and client text quoted back at most
// 200 characters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE } from '../../src/model/infrastructure.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create } from '../../src/operations/entities.js';
import { newLinks } from '../../src/operations/round-trip.js';
import { singleView } from '../../src/operations/views.js';
import type { EntityView, LinkInput } from '../../src/rendering/document.js';
import { entityPayload, INFRA, KIND, openWorld, refusal, type World } from './world.js';

const NIC_KIND = { scheme: INFRA, term: 'networkinterface', class: 'kind' as const };
const IPNIC = { scheme: `${INFRA.slice(0, -1)}/networkinterface#`, term: 'ipnetworkinterface', class: 'mixin' as const };
const LONG = 'x'.repeat(300);

describe('a rendering sent back, at its edges', () => {
  let world: World;
  let ctx: OcciContext;
  let vm: EntityView;
  let nic: EntityView;
  let nicId: string;
  before(async () => {
    world = await openWorld();
    ctx = await world.context();
    const made = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], links: [{ categories: [], target: '/network/public', attributes: {} }] }));
    const id = (made as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
    vm = await singleView(ctx, (await world.cloud.get(world.alice, 'compute', id))!);
    nic = vm.links[0]!;
    nicId = nic.location.split('/').pop()!;
  });
  after(() => world.close());
  const echo = (over: Partial<LinkInput> = {}): LinkInput => ({ categories: [NIC_KIND, IPNIC], target: nic.target!.location, self: nic.location, attributes: {}, ...over });

  test('an owned link sent back with the kinds of its ends (JSON target.kind, source.kind) is no change (R109)', () => {
    const kinds = { 'occi.core.target.kind': `${INFRA}network`, 'occi.core.source.kind': `${INFRA}compute` };
    assert.deepEqual(newLinks(ctx, vm, [echo({ attributes: kinds })], 'replace'), []);
  });

  test('a Link is an action link only with "?action=" after its URL: "action=start" alone is a link to create', () => {
    assert.deepEqual(newLinks(ctx, vm, [{ categories: [], target: 'action=start', attributes: {} }], 'update'), [{ categories: [], target: 'action=start', attributes: {} }]);
    assert.deepEqual(newLinks(ctx, vm, [{ categories: [], target: `${vm.location}?action=start`, attributes: {} }], 'update'), []);
  });

  test('another entity\'s action link is refused, its URL quoted at most 200 characters', () => {
    const target = `/compute/other${LONG}?action=start`;
    assert.throws(() => newLinks(ctx, vm, [{ categories: [], target, attributes: {} }], 'update'), (e: unknown) => {
      refusal(400, `Link <${target.slice(0, 200)}> is an action of another entity`)(e);
      assert.ok(!(e as Error).message.includes(target.slice(0, 201)));
      return true;
    });
  });

  test('an owned link given another target: the difference names both, the client\'s at most 200 characters', () => {
    const target = `/network/${LONG}`;
    assert.throws(() => newLinks(ctx, vm, [echo({ target })], 'update'), (e: unknown) => {
      refusal(400, `its target is ${nic.target!.location}, not ${target.slice(0, 200)};`)(e);
      return true;
    });
  });

  test('a link named by JSON kind and id: urn:uuid: is dropped only at the start of the id', () => {
    const byId = (id: string): LinkInput => ({ categories: [NIC_KIND, IPNIC], target: nic.target!.location, attributes: { 'occi.core.id': id } });
    assert.deepEqual(newLinks(ctx, vm, [byId(`urn:uuid:${nicId}`)], 'replace'), []);
    const inside = `${nicId.slice(0, 4)}urn:uuid:${nicId.slice(4)}`;
    assert.throws(() => newLinks(ctx, vm, [byId(inside)], 'replace'), refusal(400, `names the unknown link /networkinterface/${inside}`));
  });

  test('a link named but not owned, and a link a PUT would add: the client\'s path and target quoted at most 200 characters', () => {
    const target = `/network/${LONG}`;
    const cut = (e: unknown, whole: string) => (assert.ok(!(e as Error).message.includes(whole.slice(0, 201)), (e as Error).message), true);
    const ownedElsewhere = `/networkinterface/${'y'.repeat(199)}`;
    assert.throws(() => newLinks(ctx, vm, [echo({ self: ownedElsewhere, target })], 'update'), (e: unknown) => {
      refusal(400, `Link <${target.slice(0, 200)}> names ${ownedElsewhere.slice(0, 200)}, which is not one of its links`)(e);
      return cut(e, target) && cut(e, ownedElsewhere);
    });
    const unknown = `/${'z'.repeat(300)}`;
    assert.throws(() => newLinks(ctx, vm, [echo({ self: unknown })], 'update'), (e: unknown) => refusal(400, `names the unknown link ${unknown.slice(0, 200)};`)(e) && cut(e, unknown));
    assert.throws(() => newLinks(ctx, vm, [{ categories: [NIC_KIND], target, attributes: {} }], 'replace'), (e: unknown) => refusal(400, `a PUT cannot add links (Link <${target.slice(0, 200)}> is not`)(e) && cut(e, target));
  });

  test('a PUT adding a link with no target says so: the Link <> it cannot add', () => {
    assert.throws(() => newLinks(ctx, vm, [{ categories: [NIC_KIND], attributes: {} }], 'replace'), refusal(400, "a PUT cannot add links (Link <> is not one of the entity's)"));
  });
});
