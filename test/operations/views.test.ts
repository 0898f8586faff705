// Backend records as clients see them (R47, R53–R60, D12, D31): occi.core.id
// as urn:uuid: for uuids, attributes in a fixed order, absolute URLs, link
// ends with the target's kind, user mixins from the store, the actions that
// apply now, OCCI/1.1's view of error states, and the compute defaults of
// the settings where the cloud says nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE, NETWORKINTERFACE } from '../../src/model/infrastructure.js';
import type { OcciContext } from '../../src/operations/context.js';
import { create } from '../../src/operations/entities.js';
import { coreId, entityView, membershipsOf, shownOtherwise, singleView, viewsOf } from '../../src/operations/views.js';
import type { LinkRecord, ResourceRecord } from '../../src/port/backend.js';
import { BASE, entityPayload, KIND, openWorld, type World } from './world.js';

const UUID = '5f4311da-2ee2-47a6-913b-5d8496486c62';
const TAG = 'http://me.example/tags#blue';

describe('occi.core.id', () => {
  test('a uuid is shown as urn:uuid:<uuid>, in either case', () => {
    assert.equal(coreId(UUID), `urn:uuid:${UUID}`);
    assert.equal(coreId(UUID.toUpperCase()), `urn:uuid:${UUID.toUpperCase()}`);
  });
  test('any other id is shown as the cloud gives it', () => {
    for (const id of ['42', 'public', `x${UUID}`, `${UUID}x`, UUID.replace(/-/g, ''), UUID.slice(1), 'g' + UUID.slice(1)]) assert.equal(coreId(id), id);
  });
});

describe('attributes a view may show otherwise than its record (filters on them are checked on views)', () => {
  const ctx = (over: Partial<OcciContext> = {}) => ({ occi11: false, ...over }) as OcciContext;
  test('occi.core.* but title and summary', () => {
    for (const name of ['occi.core.id', 'occi.core.source', 'occi.core.target', 'occi.core.target.kind']) assert.ok(shownOtherwise(ctx(), name), name);
    for (const name of ['occi.core.title', 'occi.core.summary', 'occi.compute.cores', 'occi.compute.state']) assert.ok(!shownOtherwise(ctx(), name), name);
  });
  test('states, to an OCCI/1.1 client only', () => {
    assert.ok(shownOtherwise(ctx({ occi11: true }), 'occi.compute.state'));
    assert.ok(shownOtherwise(ctx({ occi11: true }), 'occi.storage.state'));
    assert.ok(!shownOtherwise(ctx({ occi11: true }), 'occi.compute.state.message'));
    assert.ok(!shownOtherwise(ctx({ occi11: true }), 'occi.compute.cores'));
  });
  test('host name and architecture, each only when the settings give a default for it', () => {
    const both = ctx({ computeDefaults: { hostnamePattern: 'vm-{id}', architecture: 'x64' } });
    assert.ok(shownOtherwise(both, 'occi.compute.hostname'));
    assert.ok(shownOtherwise(both, 'occi.compute.architecture'));
    assert.ok(!shownOtherwise(both, 'occi.compute.cores'));
    const hostOnly = ctx({ computeDefaults: { hostnamePattern: 'vm' } });
    assert.ok(shownOtherwise(hostOnly, 'occi.compute.hostname'));
    assert.ok(!shownOtherwise(hostOnly, 'occi.compute.architecture'));
    const archOnly = ctx({ computeDefaults: { architecture: 'x86' } });
    assert.ok(!shownOtherwise(archOnly, 'occi.compute.hostname'));
    assert.ok(shownOtherwise(archOnly, 'occi.compute.architecture'));
    assert.ok(!shownOtherwise(ctx(), 'occi.compute.hostname'));
    assert.ok(!shownOtherwise(ctx(), 'occi.compute.architecture'));
  });
});

describe('views of real records', () => {
  let world: World;
  let vm: ResourceRecord;
  let nic: LinkRecord;
  before(async () => {
    world = await openWorld();
    const ctx = await world.context();
    await world.store.add(world.alice.tenant, [{ scheme: 'http://me.example/tags#', term: 'blue', title: null, location: '/blue/' }]);
    const input = { categories: [KIND('compute')], attributes: { 'occi.core.title': 'vm', 'occi.core.summary': 'a test vm' }, links: [{ categories: [], target: '/network/public', attributes: {} }] };
    const made = await create(ctx, COMPUTE, entityPayload(input));
    assert.equal(made.type, 'created');
    const id = (made as { views: Array<{ location: string }> }).views[0]!.location.split('/').pop()!;
    vm = (await world.cloud.get(world.alice, 'compute', id)) as ResourceRecord;
    nic = vm.links[0]!;
  });
  after(() => world.close());

  test('a resource: its URL, occi.core.id first, then title and summary, then the rest in the cloud\'s order', async () => {
    const ctx = await world.context();
    const v = await singleView(ctx, vm);
    assert.equal(v.kind, COMPUTE);
    assert.equal(v.location, `${BASE}/compute/${vm.id}`);
    assert.equal(v.id, coreId(vm.id));
    const names = v.attributes.map(([n]) => n);
    assert.deepEqual(names.slice(0, 3), ['occi.core.id', 'occi.core.title', 'occi.core.summary']);
    assert.deepEqual(v.attributes[0], ['occi.core.id', coreId(vm.id)]);
    const rest = Object.keys(vm.attributes).filter((n) => n !== 'occi.core.title' && n !== 'occi.core.summary');
    assert.deepEqual(names.slice(3), rest);
    assert.equal(new Set(names).size, names.length, 'each attribute once');
  });

  test('the summary comes before the rest even when the record lists it last; unset values are left out', async () => {
    const ctx = await world.context();
    const record: ResourceRecord = { ...vm, attributes: { 'occi.compute.cores': 2, 'occi.core.summary': 's', 'occi.core.title': 't', 'occi.compute.hostname': undefined as never, 'occi.core.id': 'forged' } };
    const v = entityView(ctx, record, new Map());
    assert.deepEqual(v.attributes, [
      ['occi.core.id', coreId(vm.id)],
      ['occi.core.title', 't'],
      ['occi.core.summary', 's'],
      ['occi.compute.cores', 2],
    ]);
    const untitled = entityView(ctx, { ...vm, attributes: { 'occi.compute.cores': 2 } }, new Map());
    assert.deepEqual(untitled.attributes, [['occi.core.id', coreId(vm.id)], ['occi.compute.cores', 2]]);
  });

  test('an entity in transition offers no action; at rest, those its state allows, less those the cloud refuses now', async () => {
    const ctx = await world.context();
    const booting = await singleView(ctx, (await world.cloud.get(world.alice, 'compute', vm.id))!);
    assert.deepEqual(booting.actions, [], 'building: nothing to trigger');
    world.settle();
    const active = (await world.cloud.get(world.alice, 'compute', vm.id)) as ResourceRecord;
    assert.equal(active.attributes['occi.compute.state'], 'active');
    assert.deepEqual((await singleView(ctx, active)).actions.map((a) => a.term), ['stop', 'restart', 'suspend', 'save']);
    assert.deepEqual((await singleView(ctx, { ...active, busy: true })).actions, []);
    assert.deepEqual((await singleView(ctx, { ...active, refused: ['save', 'restart'] })).actions.map((a) => a.term), ['stop', 'suspend']);
  });

  test('a link: source, target and the target\'s kind after occi.core.id, as absolute URLs; no actions, no links', async () => {
    const ctx = await world.context();
    const v = await singleView(ctx, nic);
    assert.equal(v.kind, NETWORKINTERFACE);
    assert.equal(v.location, `${BASE}/networkinterface/${nic.id}`);
    assert.deepEqual(v.attributes.slice(0, 4), [
      ['occi.core.id', coreId(nic.id)],
      ['occi.core.source', `${BASE}/compute/${vm.id}`],
      ['occi.core.target', `${BASE}/network/public`],
      ['occi.core.target.kind', 'http://schemas.ogf.org/occi/infrastructure#network'],
    ]);
    assert.deepEqual(v.source, { location: `${BASE}/compute/${vm.id}`, kind: COMPUTE });
    assert.equal(v.target?.location, `${BASE}/network/public`);
    assert.equal(v.target?.kind?.term, 'network');
    assert.deepEqual(v.actions, []);
    assert.deepEqual(v.links, []);
    const owned = (await singleView(ctx, vm)).links;
    assert.equal(owned.length, 1);
    assert.deepEqual(owned[0], v, "a resource's owned link is the link's own view");
  });

  test('user mixins come from the store, for the entity and for the links it owns, each once', async () => {
    const ctx = await world.context();
    await world.store.associate(world.alice.tenant, TAG, [{ kind: 'compute', id: vm.id }, { kind: 'networkinterface', id: nic.id }]);
    const memberships = await membershipsOf(ctx, [vm]);
    assert.deepEqual(memberships.get(`compute/${vm.id}`), [TAG]);
    assert.deepEqual(memberships.get(`networkinterface/${nic.id}`), [TAG]);
    const v = entityView(ctx, { ...vm, mixins: [...vm.mixins, TAG] }, memberships);
    assert.equal(v.mixins.filter((m) => m.term === 'blue').length, 1, 'a mixin named twice is shown once');
    assert.ok(v.links[0]!.mixins.some((m) => m.term === 'blue'), "the owned link's tag");
    const [single] = await viewsOf(ctx, [nic]);
    assert.ok(single!.mixins.some((m) => m.term === 'blue'), "the link's own view shows its tag");
    assert.ok(!(await viewsOf(await world.context({}, world.bob), [vm]))[0]!.mixins.some((m) => m.term === 'blue'), "another tenant sees none of alice's tags");
    const unknown = entityView(ctx, { ...vm, mixins: ['http://nowhere.example/#gone'] }, new Map());
    assert.deepEqual(unknown.mixins, [], 'a mixin the catalogue does not know is left out');
    await world.store.dissociate(world.alice.tenant, TAG, [{ kind: 'compute', id: vm.id }, { kind: 'networkinterface', id: nic.id }]);
  });

  test('OCCI/1.1 clients see error states in 1.1 terms; 1.2 clients as they are', async () => {
    const failed: ResourceRecord = { ...vm, attributes: { ...vm.attributes, 'occi.compute.state': 'error' }, links: [{ ...nic, attributes: { ...nic.attributes, 'occi.networkinterface.state': 'error' } }] };
    const old = entityView(await world.context({ occi11: true }), failed, new Map());
    assert.ok(old.attributes.some(([n, v]) => n === 'occi.compute.state' && v === 'inactive'));
    assert.ok(old.links[0]!.attributes.some(([n, v]) => n === 'occi.networkinterface.state' && v === 'inactive'));
    const now = entityView(await world.context(), failed, new Map());
    assert.ok(now.attributes.some(([n, v]) => n === 'occi.compute.state' && v === 'error'));
  });

  test('compute defaults fill in a missing or empty host name ({id} each time) and a missing architecture; the cloud\'s values win', async () => {
    const defaults = { hostnamePattern: 'vm-{id}.{id}', architecture: 'x86' };
    const ctx = await world.context({ computeDefaults: defaults });
    const value = (r: ResourceRecord, name: string) => entityView(ctx, r, new Map()).attributes.find(([n]) => n === name)?.[1];
    const bare: ResourceRecord = { ...vm, attributes: { 'occi.compute.cores': 1 } };
    assert.equal(value(bare, 'occi.compute.hostname'), `vm-${vm.id}.${vm.id}`);
    assert.equal(value(bare, 'occi.compute.architecture'), 'x86');
    assert.equal(value({ ...vm, attributes: { 'occi.compute.hostname': '' } }, 'occi.compute.hostname'), `vm-${vm.id}.${vm.id}`);
    assert.equal(value({ ...vm, attributes: { 'occi.compute.hostname': 'mine', 'occi.compute.architecture': 'x64' } }, 'occi.compute.hostname'), 'mine');
    assert.equal(value({ ...vm, attributes: { 'occi.compute.architecture': 'x64' } }, 'occi.compute.architecture'), 'x64');
    assert.equal(value({ ...vm, attributes: { 'occi.compute.architecture': '' } }, 'occi.compute.architecture'), '', 'an empty architecture is the cloud\'s');
    const archOnly = entityView(await world.context({ computeDefaults: { architecture: 'x86' } }), bare, new Map());
    assert.ok(!archOnly.attributes.some(([n]) => n === 'occi.compute.hostname'), 'no host name without a pattern');
    const hostOnly = entityView(await world.context({ computeDefaults: { hostnamePattern: 'h' } }), bare, new Map());
    assert.ok(!hostOnly.attributes.some(([n]) => n === 'occi.compute.architecture'), 'no architecture without a default');
    assert.ok(!entityView(await world.context(), bare, new Map()).attributes.some(([n]) => n === 'occi.compute.hostname'), 'no defaults, nothing added');
    const network = (await world.cloud.get(world.alice, 'network', 'public')) as ResourceRecord;
    const shown = entityView(ctx, network, new Map());
    assert.ok(!shown.attributes.some(([n]) => n.startsWith('occi.compute.')), 'only computes get compute defaults');
    assert.deepEqual(bare.attributes, { 'occi.compute.cores': 1 }, 'the record itself is left as it was');
  });
});
