// A rendering sent back (R61–R68): what an entity's own GET carries — its
// action links, the links it owns, values it already has, immutable values
// unchanged — is no change; only what really differs is, and a link that
// would change, move or be dropped by a PUT is a 400 that names it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE } from '../../src/model/infrastructure.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create } from '../../src/operations/entities.js';
import { newLinks, realChanges, sameValue, withoutActionLinks, withoutUnchangedImmutables } from '../../src/operations/round-trip.js';
import { singleView } from '../../src/operations/views.js';
import type { EntityView, LinkInput } from '../../src/rendering/document.js';
import { BASE, entityPayload, INFRA, KIND, openWorld, refusal, type World } from './world.js';

const NIC_KIND = { scheme: INFRA, term: 'networkinterface', class: 'kind' as const };
const IPNIC = { scheme: `${INFRA.slice(0, -1)}/networkinterface#`, term: 'ipnetworkinterface', class: 'mixin' as const };

describe('the same value', () => {
  test('unset and null are the same; nothing else is the same as null', () => {
    assert.ok(sameValue(undefined, null));
    assert.ok(sameValue(null, undefined));
    assert.ok(sameValue(undefined, undefined));
    for (const v of ['', 0, false, 'null']) {
      assert.ok(!sameValue(v, null), JSON.stringify(v));
      assert.ok(!sameValue(undefined, v), JSON.stringify(v));
    }
  });
  test('plain values by identity, in their type: 1 is not "1"', () => {
    assert.ok(sameValue('a', 'a'));
    assert.ok(sameValue(2, 2));
    assert.ok(sameValue(true, true));
    assert.ok(!sameValue(1, '1'));
    assert.ok(!sameValue('a', 'b'));
    assert.ok(!sameValue(true, 'true'));
  });
  test('lists and objects by content', () => {
    assert.ok(sameValue(['a', 1], ['a', 1]));
    assert.ok(sameValue({ a: 1 } as never, { a: 1 } as never));
    assert.ok(!sameValue(['a'], ['b']));
    assert.ok(!sameValue(['1'], '1' as never));
    assert.ok(!sameValue('["1"]' as never, ['1']));
  });
});

describe('a rendering sent back', () => {
  let world: World;
  let ctx: OcciContext;
  let vm: EntityView;
  let nic: EntityView;
  /** The owned link as the GET shows it, as a client sends it back. */
  let echo: () => LinkInput;
  before(async () => {
    world = await openWorld();
    ctx = await world.context();
    const made = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], attributes: { 'occi.core.title': 'vm' }, links: [{ categories: [], target: '/network/public', attributes: {} }] }));
    const id = (made as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
    vm = await singleView(ctx, (await world.cloud.get(world.alice, 'compute', id))!);
    nic = vm.links[0]!;
    echo = () => ({ categories: [NIC_KIND, IPNIC], target: nic.target!.location, self: nic.location, attributes: Object.fromEntries(nic.attributes) });
  });
  after(() => world.close());

  test('its own action links are no links to create, by path or by URL; another entity\'s action is a 400', () => {
    const path = new URL(vm.location).pathname;
    const actions: LinkInput[] = [
      { categories: [], target: `${path}?action=stop`, attributes: {} },
      { categories: [], target: `${vm.location}?action=start`, attributes: {} },
    ];
    assert.deepEqual(withoutActionLinks(ctx, path, actions), []);
    assert.deepEqual(newLinks(ctx, vm, actions, 'replace'), []);
    const notActions: LinkInput[] = [
      { categories: [], target: `${path}?action=`, attributes: {} },
      { categories: [], target: `${path}?action=stop&x=1`, attributes: {} },
      { categories: [], target: `${path}?x=action=stop`, attributes: {} },
      { categories: [], target: '/network/public', attributes: {} },
    ];
    assert.deepEqual(withoutActionLinks(ctx, path, notActions), notActions, 'only ?action=<term> is an action link');
    const nonsense: LinkInput = { categories: [], target: 'no url?action=stop', attributes: {} };
    assert.throws(() => withoutActionLinks(ctx, path, [nonsense]), refusal(400, 'Link <no url?action=stop> is an action of another entity'), 'text that is no URL names no action of this entity');
    const foreign: LinkInput = { categories: [], target: '/compute/other?action=stop', attributes: {} };
    assert.throws(() => withoutActionLinks(ctx, path, [foreign]), refusal(400, 'Link </compute/other?action=stop> is an action of another entity; to run an action, POST to its URL with ?action='));
    assert.throws(() => newLinks(ctx, vm, [foreign], 'update'), refusal(400, 'is an action of another entity'));
  });

  test('its owned link, sent back as the GET shows it (by self, or by JSON kind and id), is no change', () => {
    assert.deepEqual(newLinks(ctx, vm, [echo()], 'update'), []);
    assert.deepEqual(newLinks(ctx, vm, [echo()], 'replace'), []);
    const byId: LinkInput = { ...echo(), self: undefined };
    assert.deepEqual(newLinks(ctx, vm, [byId], 'replace'), [], 'JSON: kind and occi.core.id (urn:uuid:) name the link');
    const upper: LinkInput = { ...byId, attributes: { ...byId.attributes, 'occi.core.id': nic.id.replace('urn:uuid:', 'URN:UUID:') } };
    assert.deepEqual(newLinks(ctx, vm, [upper], 'replace'), [], 'the urn:uuid: prefix in any case');
    const byUrl: LinkInput = { ...echo(), self: new URL(nic.location).pathname };
    assert.deepEqual(newLinks(ctx, vm, [byUrl], 'replace'), [], 'self as a path');
    const noCategories: LinkInput = { ...echo(), categories: [] };
    assert.deepEqual(newLinks(ctx, vm, [noCategories], 'replace'), [], 'categories left out are no difference');
    const bareTerms: LinkInput = { ...echo(), categories: [{ scheme: '', term: 'networkinterface' }, { scheme: '', term: 'ipnetworkinterface' }] };
    assert.deepEqual(newLinks(ctx, vm, [bareTerms], 'replace'), [], 'categories by term alone');
    const moved: LinkInput = { ...echo(), attributes: { ...echo().attributes, 'occi.networkinterface.state': 'active', 'occi.networkinterface.interface': 'eth9', 'occi.core.source': '/x', 'occi.core.target.kind': 'y' } };
    assert.deepEqual(newLinks(ctx, vm, [moved], 'replace'), [], 'values the server keeps (state, interface, link ends) are not compared');
    const partial: LinkInput = { ...echo(), attributes: {} };
    assert.deepEqual(newLinks(ctx, vm, [partial], 'replace'), [], 'values left out are no difference');
  });

  test('a link without self or id is a new link: a POST creates it, a PUT refuses it naming it and saying where to send it', () => {
    const fresh: LinkInput = { categories: [], target: '/network/other', attributes: {} };
    assert.deepEqual(newLinks(ctx, vm, [fresh], 'update'), [fresh]);
    const numericId: LinkInput = { categories: [NIC_KIND], target: '/network/other', attributes: { 'occi.core.id': 7 } };
    assert.deepEqual(newLinks(ctx, vm, [numericId], 'update'), [numericId], 'an id that is no text names no link');
    const foreignKind: LinkInput = { categories: [{ scheme: 'http://example.com/#', term: 'networkinterface' }], target: '/network/other', attributes: { 'occi.core.id': nic.id } };
    assert.deepEqual(newLinks(ctx, vm, [foreignKind], 'update'), [foreignKind], 'an id under a kind that is none of ours names no link');
    assert.throws(
      () => newLinks(ctx, vm, [echo(), fresh], 'replace'),
      refusal(400, "a PUT cannot add links (Link </network/other> is not one of the entity's): POST the Link to the entity, or the link to its kind location (/networkinterface/, /storagelink/)"),
    );
  });

  test('a link named that the entity does not own is a 400 saying so', () => {
    const other: LinkInput = { ...echo(), self: '/networkinterface/not-mine' };
    assert.throws(() => newLinks(ctx, vm, [other], 'update'), refusal(400, `Link <${nic.target!.location}> names /networkinterface/not-mine, which is not one of its links; leave self (JSON: id) out to add a new link`));
    const unknown: LinkInput = { ...echo(), self: '/somewhere/else/' };
    assert.throws(() => newLinks(ctx, vm, [unknown], 'update'), refusal(400, 'names the unknown link /somewhere/else/; leave self'));
    const noTarget: LinkInput = { categories: [], self: '/networkinterface/x', attributes: {} };
    assert.throws(() => newLinks(ctx, vm, [noTarget], 'update'), refusal(400, 'Link <> names /networkinterface/x'));
  });

  test('an owned link sent with another target, other categories or another value is a 400 naming the difference', () => {
    const HOW = 'links change at their own URL: POST attributes to it, or DELETE it and link anew';
    const prefix = `Link ${nic.location} differs from the link the entity has: `;
    assert.throws(() => newLinks(ctx, vm, [{ ...echo(), target: '/network/other' }], 'update'), refusal(400, `${prefix}its target is ${BASE}/network/public, not /network/other; ${HOW}`));
    assert.deepEqual(newLinks(ctx, vm, [{ ...echo(), target: '/network/public' }], 'update'), [], 'the target by path is the same target');
    const have = 'its categories are http://schemas.ogf.org/occi/infrastructure#networkinterface http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface';
    assert.throws(() => newLinks(ctx, vm, [{ ...echo(), categories: [NIC_KIND] }], 'update'), refusal(400, have), 'a mixin left out');
    assert.throws(() => newLinks(ctx, vm, [{ ...echo(), categories: [NIC_KIND, IPNIC, { scheme: 'http://me.example/#', term: 'extra' }] }], 'update'), refusal(400, have), 'a mixin added');
    assert.throws(() => newLinks(ctx, vm, [{ ...echo(), categories: [NIC_KIND, { ...IPNIC, scheme: 'http://me.example/#' }] }], 'update'), refusal(400, have), 'a mixin under another scheme');
    assert.throws(() => newLinks(ctx, vm, [{ ...echo(), categories: [NIC_KIND, { scheme: '', term: 'other' }] }], 'update'), refusal(400, have), 'another term');
    const changed = { ...echo(), attributes: { ...echo().attributes, 'occi.networkinterface.mac': '00:00:00:00:00:01' } };
    const mac = nic.attributes.find(([n]) => n === 'occi.networkinterface.mac')![1];
    assert.throws(() => newLinks(ctx, vm, [changed], 'update'), refusal(400, `${prefix}its occi.networkinterface.mac is ${JSON.stringify(mac)}, not "00:00:00:00:00:01"; ${HOW}`));
    const added = { ...echo(), attributes: { ...echo().attributes, 'occi.core.title': 'eth' } };
    assert.throws(() => newLinks(ctx, vm, [added], 'update'), refusal(400, 'its occi.core.title is null, not "eth"'));
  });

  test('a PUT lists all owned links or none: one that lists some drops the others, which it cannot', async () => {
    const two = await create(ctx, COMPUTE, entityPayload({ categories: [KIND('compute')], links: [{ categories: [], target: '/network/public', attributes: {} }, { categories: [], target: '/network/public', attributes: {} }] }));
    const id = (two as { views: EntityView[] }).views[0]!.location.split('/').pop()!;
    const view = await singleView(ctx, (await world.cloud.get(world.alice, 'compute', id))!);
    const [first, second] = view.links;
    const back = (l: EntityView): LinkInput => ({ categories: [], target: l.target!.location, self: l.location, attributes: {} });
    assert.deepEqual(newLinks(ctx, view, [], 'replace'), [], 'none: both kept');
    assert.deepEqual(newLinks(ctx, view, [back(first!), back(second!)], 'replace'), [], 'all');
    assert.deepEqual(newLinks(ctx, view, [back(second!), back(first!)], 'replace'), [], 'all, in another order');
    assert.throws(() => newLinks(ctx, view, [back(first!)], 'replace'), refusal(400, `this PUT leaves out Link ${second!.location}, which a PUT cannot drop: DELETE the link at its URL, or send all of the entity's links (or none)`));
    assert.throws(() => newLinks(ctx, view, [back(second!)], 'replace'), refusal(400, `leaves out Link ${first!.location}`));
    assert.deepEqual(newLinks(ctx, view, [back(first!)], 'update'), [], 'a POST names what it likes');
  });

  test('immutable values repeated unchanged drop out; changed, they are a 403 saying what they are now', () => {
    const id = vm.attributes.find(([n]) => n === 'occi.compute.state')![1];
    const given = { 'occi.compute.state': id, 'occi.core.title': 'new', 'occi.compute.cores': 2 };
    assert.deepEqual(withoutUnchangedImmutables(vm, given), { 'occi.core.title': 'new', 'occi.compute.cores': 2 });
    assert.throws(() => withoutUnchangedImmutables(vm, { 'occi.compute.state': 'active-ish' }), refusal(403, `attribute occi.compute.state is immutable: the server sets it (it is ${JSON.stringify(id)} now); leave it out of the update`));
    assert.throws(() => withoutUnchangedImmutables(vm, { 'org.openstack.flavor.swap': 1 }), refusal(403, 'attribute org.openstack.flavor.swap is immutable: the server sets it (it is unset now)'));
    assert.deepEqual(withoutUnchangedImmutables(nic, { 'occi.core.source': '/elsewhere', 'occi.core.target': '/x' }), { 'occi.core.source': '/elsewhere', 'occi.core.target': '/x' }, "a link's ends are its caller's to check");
    assert.deepEqual(withoutUnchangedImmutables(vm, { 'no.such.attribute': 1 }), { 'no.such.attribute': 1 }, 'unknown names are checked later');
  });

  test('a change to the value it has already is no change', () => {
    assert.deepEqual(realChanges(vm, { 'occi.core.title': 'vm', 'occi.compute.cores': 1, 'occi.core.summary': null }), {}, 'same title, same cores, an unset summary cleared');
    assert.deepEqual(realChanges(vm, { 'occi.core.title': 'other', 'occi.compute.cores': 1, 'occi.compute.hostname': null }), { 'occi.core.title': 'other', 'occi.compute.hostname': null });
  });
});
