// An entity rendering turned into what the backend is asked to do (R40–R45,
// R49, R63, R106, R107, D3, D12, D35): its categories, its attributes and
// its links, each refusal a 4xx saying what to change.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE, NETWORK, NETWORKINTERFACE, SSH_KEY, STORAGE, STORAGELINK, USER_DATA, IPNETWORK } from '../../src/model/infrastructure.js';
import type { OcciContext } from '../../src/operations/context.js';
import { addImpliedMixins, checkApplicable, checkAttributes, resolveCategories, resolveLink, stringAttribute, termOfKind } from '../../src/operations/entity-input.js';
import type { CategoryRef } from '../../src/rendering/document.js';
import { INFRA, KIND, openWorld, refusal, type World } from './world.js';

const OS = 'http://schemas.snf-occi.org/occi/os_tpl#';
const RES = 'http://schemas.snf-occi.org/occi/resource_tpl#';
const ACTION: CategoryRef = { scheme: 'http://schemas.ogf.org/occi/infrastructure/compute/action#', term: 'start' };

let world: World;
let ctx: OcciContext;
/** A world for each describe (hooked per describe, so the files can share one process). */
async function setUp(): Promise<void> {
  world = await openWorld();
  await world.store.add(world.alice.tenant, [{ scheme: 'http://me.example/tags#', term: 'blue', title: null, location: '/tags/blue/' }]);
  ctx = await world.context();
}

describe("an entity rendering's categories (R40–R42)", () => {
  before(setUp);
  after(() => world.close());
  test('one kind, model and provider mixins for the backend, user mixins apart; each once', () => {
    const refs = [KIND('compute'), { scheme: OS, term: 'Ubuntu' }, { scheme: 'http://me.example/tags#', term: 'blue' }, KIND('compute'), { scheme: OS, term: 'Ubuntu' }, { scheme: 'http://me.example/tags#', term: 'blue' }];
    const r = resolveCategories(ctx, refs, true);
    assert.equal(r.kind, COMPUTE);
    assert.deepEqual(r.mixins.map((m) => m.term), ['Ubuntu']);
    assert.deepEqual(r.tags.map((m) => m.term), ['blue']);
    assert.deepEqual(resolveCategories(ctx, [], false), { kind: undefined, mixins: [], tags: [] });
  });

  test('an action, two kinds, no kind where one is needed, two templates of a family: each a 400 saying what to do', () => {
    assert.throws(() => resolveCategories(ctx, [KIND('compute'), ACTION], true), refusal(400, `action ${ACTION.scheme}start cannot be part of an entity rendering`));
    assert.throws(() => resolveCategories(ctx, [KIND('compute'), KIND('storage')], true), refusal(400, `an entity has exactly one kind, and this one names ${INFRA}compute and ${INFRA}storage: keep one`));
    assert.throws(() => resolveCategories(ctx, [{ scheme: OS, term: 'Ubuntu' }], true), refusal(400, `the request names no kind: add its Category, e.g. Category: compute; scheme="${INFRA}"; class="kind"`));
    assert.throws(() => resolveCategories(ctx, [KIND('compute'), { scheme: OS, term: 'Ubuntu' }, { scheme: OS, term: 'Debian' }], true), refusal(400, 'at most one os_tpl per request, got Ubuntu, Debian'));
    assert.throws(() => resolveCategories(ctx, [KIND('compute'), { scheme: RES, term: 'C1R1024D10' }, { scheme: RES, term: 'C2R2048D20' }], true), refusal(400, 'at most one resource_tpl per request, got C1R1024D10, C2R2048D20'));
    assert.throws(() => resolveCategories(ctx, [KIND('compute'), { scheme: INFRA, term: 'os_tpl' }], true), refusal(400, 'names the family of os_tpl mixins, not one of them'));
    assert.throws(() => resolveCategories(ctx, [{ scheme: INFRA, term: 'computer' }], true), refusal(400, 'unknown category'));
  });

  test('every mixin applies to the kind, or it is a 403 (R45, D3)', () => {
    checkApplicable(COMPUTE, [SSH_KEY, USER_DATA]);
    assert.throws(() => checkApplicable(COMPUTE, [SSH_KEY, IPNETWORK]), refusal(403, `mixin ${IPNETWORK.scheme}ipnetwork does not apply to ${INFRA}compute`));
  });

  test('each entity kind by its term; abstract kinds have none', () => {
    assert.equal(termOfKind(COMPUTE), 'compute');
    assert.equal(termOfKind(STORAGELINK), 'storagelink');
    assert.equal(termOfKind(ctx.catalog.kinds.find((k) => k.term === 'resource')!), undefined);
  });
});

describe('mixins an attribute brings along', () => {
  before(setUp);
  after(() => world.close());
  test('an attribute only one applicable model mixin defines brings that mixin, once', () => {
    const cats = resolveCategories(ctx, [KIND('compute')], true);
    addImpliedMixins(ctx, COMPUTE, cats, { 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAA', 'occi.compute.userdata': 'eA==', 'occi.compute.cores': 2 });
    assert.deepEqual(cats.mixins, [SSH_KEY, USER_DATA]);
    addImpliedMixins(ctx, COMPUTE, cats, { 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAA' });
    assert.deepEqual(cats.mixins, [SSH_KEY, USER_DATA], 'not twice');
  });
  test('not when the entity has it already, not for a kind it does not apply to, not for attributes of the kind or the link ends', () => {
    const has = resolveCategories(ctx, [KIND('compute')], true);
    addImpliedMixins(ctx, COMPUTE, has, { 'occi.credentials.ssh.publickey': 'k' }, [SSH_KEY]);
    assert.deepEqual(has.mixins, [], 'the current mixins define it');
    const storage = resolveCategories(ctx, [KIND('storage')], true);
    addImpliedMixins(ctx, STORAGE, storage, { 'occi.credentials.ssh.publickey': 'k', 'occi.core.source': '/x', 'occi.storage.size': 1 });
    assert.deepEqual(storage.mixins, []);
    const nic = resolveCategories(ctx, [], false);
    addImpliedMixins(ctx, NETWORKINTERFACE, nic, { 'occi.networkinterface.address': '10.0.0.1' });
    assert.deepEqual(nic.mixins.map((m) => m.term), ['ipnetworkinterface'], 'links too');
  });
});

describe('attributes (R44, R49, R63, D12)', () => {
  before(setUp);
  after(() => world.close());
  test('known mutable ones are typed and kept; occi.core.id and immutables are left to the server on create and replace', () => {
    const given = { 'occi.compute.cores': 2, 'occi.core.title': 't', 'occi.core.id': 'x', 'occi.compute.state': 'active' };
    assert.deepEqual(checkAttributes(COMPUTE, [], given, 'create'), { 'occi.compute.cores': 2, 'occi.core.title': 't' });
    assert.deepEqual(checkAttributes(COMPUTE, [], given, 'replace'), { 'occi.compute.cores': 2, 'occi.core.title': 't' });
  });
  test('an immutable one in a partial update is a 403 (R63, D4)', () => {
    assert.throws(() => checkAttributes(COMPUTE, [], { 'occi.compute.state': 'active' }, 'update'), refusal(403, 'attribute occi.compute.state is immutable: the server sets it; leave it out of the update'));
    assert.deepEqual(checkAttributes(COMPUTE, [], { 'occi.core.id': 'x' }, 'update'), {}, 'the id is checked against the URL by the caller');
    const ends = { 'occi.core.source': '/compute/1', 'occi.core.target': '/network/public', 'occi.core.target.kind': 'x', 'occi.core.source.kind': 'y' };
    assert.deepEqual(checkAttributes(NETWORKINTERFACE, [], ends, 'update', true), {}, "a link's ends are checked by its caller");
    assert.throws(() => checkAttributes(NETWORKINTERFACE, [], ends, 'update'), refusal(403, 'attribute occi.core.source is immutable'), 'but only for a link');
  });
  test('a required one left out of a create is a 400 showing how to give it; not on update, not with a default', () => {
    assert.throws(() => checkAttributes(STORAGE, [], {}, 'create'), refusal(400, 'attribute occi.storage.size is required: give it a value (X-OCCI-Attribute: occi.storage.size=…)'));
    assert.throws(() => checkAttributes(COMPUTE, [SSH_KEY], {}, 'create'), refusal(400, 'attribute occi.credentials.ssh.publickey is required'));
    assert.deepEqual(checkAttributes(STORAGE, [], {}, 'update'), {});
    assert.deepEqual(checkAttributes(STORAGE, [], {}, 'replace'), {});
    assert.deepEqual(checkAttributes(NETWORKINTERFACE, [], {}, 'create', true), {}, "a link's ends are not attributes to require");
  });
  test("an unknown one is a 400: the mixin it belongs to, or the closest, and where the kind's attributes are listed", () => {
    assert.throws(() => checkAttributes(STORAGE, [], { 'occi.credentials.ssh.publickey': 'k' }, 'create', false, ctx.catalog.mixins), refusal(400, `attribute occi.credentials.ssh.publickey belongs to the mixin ssh_key (${SSH_KEY.scheme}ssh_key), which applies to compute, not storage`));
    assert.throws(() => checkAttributes(COMPUTE, [], { 'occi.compute.core': 2 }, 'create', false, ctx.catalog.mixins), refusal(400, 'unknown attribute occi.compute.core for a compute: did you mean occi.compute.cores?; its attributes: GET /-/?category=compute'));
    assert.throws(() => checkAttributes(COMPUTE, [], { 'zzz.qqq': 2 }, 'create'), refusal(400, 'unknown attribute zzz.qqq for a compute; its attributes: GET /-/?category=compute'));
    const long = 'x'.repeat(300);
    assert.throws(() => checkAttributes(COMPUTE, [], { [long]: 1 }, 'create'), (e: unknown) => refusal(400, `unknown attribute ${'x'.repeat(120)} for a compute`)(e));
    const everywhere = { ...SSH_KEY, applies: [] };
    assert.throws(() => checkAttributes(STORAGE, [], { 'occi.credentials.ssh.publickey': 'k' }, 'create', false, [everywhere]), refusal(400, 'which applies to every kind, not storage'));
  });
  test('a value outside its definition is a 400', () => {
    assert.throws(() => checkAttributes(COMPUTE, [], { 'occi.compute.cores': 'two' }, 'create'), refusal(400, 'occi.compute.cores'));
  });
});

describe('links (R106, R107, D35)', () => {
  before(setUp);
  after(() => world.close());
  let vm: string;
  let disk: string;
  before(async () => {
    vm = (await world.cloud.createResource(world.alice, { kind: 'compute', mixins: [], attributes: {}, links: [] })).id;
    disk = (await world.cloud.createResource(world.alice, { kind: 'storage', mixins: [], attributes: { 'occi.storage.size': 1 }, links: [] })).id;
  });

  test('the kind follows from the target when not given; source and target as references', () => {
    const nic = resolveLink(ctx, { categories: [], source: `/compute/${vm}`, target: '/network/public', attributes: {} }, 'create');
    assert.equal(nic.kind, 'networkinterface');
    assert.deepEqual(nic.target, { kind: 'network', id: 'public' });
    assert.deepEqual(nic.source, { kind: 'compute', id: vm });
    const sl = resolveLink(ctx, { categories: [KIND('storagelink')], target: `/storage/${disk}`, attributes: { 'occi.storagelink.mountpoint': '/mnt' } }, 'inline');
    assert.equal(sl.kind, 'storagelink');
    assert.equal(sl.source, undefined, 'inline: the resource is the source');
    assert.deepEqual(sl.attributes, { 'occi.storagelink.mountpoint': '/mnt' });
  });

  test('no target, a target elsewhere, or one of a kind links cannot reach: a 400 saying where links go', () => {
    assert.throws(() => resolveLink(ctx, { categories: [], attributes: {} }, 'inline'), refusal(400, 'a link needs a target: the network or storage it links to, as occi.core.target (JSON: target.location)'));
    assert.throws(() => resolveLink(ctx, { categories: [], target: 'http://elsewhere/network/1', attributes: {} }, 'inline'), refusal(400, 'link target http://elsewhere/network/1 is not a network or storage of this server: give its URL, e.g. /network/<id>'));
    assert.throws(() => resolveLink(ctx, { categories: [], target: `/compute/${vm}`, attributes: {} }, 'inline'), refusal(400, `cannot link to /compute/${vm}: links go to a network (networkinterface) or a storage (storagelink)`));
    assert.throws(() => resolveLink(ctx, { categories: [KIND('compute')], target: '/network/public', attributes: {} }, 'inline'), refusal(400, 'cannot link to /network/public: links go to'));
    assert.throws(() => resolveLink(ctx, { categories: [KIND('networkinterface')], target: `/storage/${disk}`, attributes: {} }, 'inline'), refusal(400, `a networkinterface link must target a network, not /storage/${disk}`));
    assert.throws(() => resolveLink(ctx, { categories: [KIND('storagelink')], target: '/network/public', attributes: {} }, 'inline'), refusal(400, 'a storagelink link must target a storage, not /network/public'));
  });

  test('a link created on its own needs a compute as its source', () => {
    assert.throws(() => resolveLink(ctx, { categories: [], target: '/network/public', attributes: {} }, 'create'), refusal(400, 'a link needs a source: the compute it belongs to, as occi.core.source (JSON: source.location)'));
    assert.throws(() => resolveLink(ctx, { categories: [], source: `/storage/${disk}`, target: '/network/public', attributes: {} }, 'create'), refusal(400, `link source /storage/${disk} must be a compute of this server, not a storage`));
    assert.throws(() => resolveLink(ctx, { categories: [], source: 'http://elsewhere/compute/1', target: '/network/public', attributes: {} }, 'create'), refusal(400, 'not a location on this server'));
  });

  test("its mixins apply to the link's kind; its attributes are the kind's", () => {
    assert.throws(() => resolveLink(ctx, { categories: [{ scheme: IPNETWORK.scheme, term: 'ipnetwork' }], target: '/network/public', attributes: {} }, 'inline'), refusal(403, 'does not apply to'));
    assert.throws(() => resolveLink(ctx, { categories: [], target: '/network/public', attributes: { 'occi.storagelink.mountpoint': '/mnt' } }, 'inline'), refusal(400, 'unknown attribute occi.storagelink.mountpoint for a networkinterface'));
    const tagged = resolveLink(ctx, { categories: [{ scheme: 'http://me.example/tags#', term: 'blue' }], target: '/network/public', attributes: {} }, 'inline');
    assert.deepEqual(tagged.tags.map((t) => t.term), ['blue']);
    assert.ok(NETWORK && STORAGELINK);
  });

  test('a link end given as an attribute is text', () => {
    assert.equal(stringAttribute({ 'occi.core.target': '/network/public' }, 'occi.core.target'), '/network/public');
    assert.equal(stringAttribute({}, 'occi.core.target'), undefined);
    assert.throws(() => stringAttribute({ 'occi.core.source': 7 }, 'occi.core.source'), refusal(400, 'attribute occi.core.source must be a string (a URL)'));
  });
});
