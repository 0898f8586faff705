// Every rule a user mixin definition must pass (R28–R30, R32, R38, D11, D39),
// one case each, on the operations layer with a real store: the status, the
// words that tell the client what to change, and that nothing was stored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { osTemplate } from '../../src/model/templates.js';
import { Catalog } from '../../src/operations/catalog.js';
import type { MixinQuotas, OcciContext } from '../../src/operations/context.js';
import { defineUserMixins, deleteUserMixins, userMixin } from '../../src/operations/user-mixins.js';
import type { Backend } from '../../src/port/backend.js';
import type { CategoryRef } from '../../src/rendering/document.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';

const TENANT = 'alice';
const QUOTAS: MixinQuotas = { userMixins: 3, mixinSchemeLength: 40, mixinTermLength: 12, mixinTitleLength: 20, mixinLocationLength: 40 };
const debian = osTemplate({ id: 'd1', term: 'Debian', title: 'Debian 12' });

function context(over: Partial<OcciContext> = {}, catalog = new Catalog([debian], [])): OcciContext & { store: UserMixinStore } {
  return {
    backend: {} as Backend,
    store: new UserMixinStore(undefined),
    creds: { tenant: TENANT } as OcciContext['creds'],
    catalog,
    base: 'http://occi.example:8888',
    listing: 'locations',
    occi11: false,
    limits: { maxPageSize: 100, maxBatch: 2 },
    allowNamespaceDelete: false,
    userMixins: true,
    quotas: QUOTAS,
    ...over,
  } as OcciContext & { store: UserMixinStore };
}

const tag = (over: Partial<CategoryRef> = {}): CategoryRef => ({ scheme: 'http://me.example/tags#', term: 'blue', class: 'mixin', location: '/blue/', ...over });

/** Defining `refs` fails with `status` and a message matching `words`, and the tenant still has no mixin. */
async function refused(ctx: OcciContext & { store: UserMixinStore }, refs: CategoryRef[], status: number, words: RegExp): Promise<void> {
  await assert.rejects(defineUserMixins(ctx, refs), (e: unknown) => {
    assert.ok(e instanceof OcciError, String(e));
    assert.equal(e.status, status, e.message);
    assert.match(e.message, words);
    return true;
  });
  assert.deepEqual(await ctx.store.list(TENANT), [], 'nothing stored');
}

describe('user mixin definitions: what is refused, and why', () => {
  test('a server with user mixins turned off refuses every definition with 403 naming the setting (D11)', async () => {
    await refused(context({ userMixins: false }), [tag()], 403, /turned off.*setting userMixins/);
  });

  test('an empty request, and one over the batch limit, are 400', async () => {
    await refused(context(), [], 400, /at least one mixin/);
    const three = ['a', 'b', 'c'].map((t) => tag({ term: t, location: `/${t}/` }));
    await refused(context(), three, 400, /at most 2 mixins per request/);
  });

  test('only mixins: a kind or action class is 400', async () => {
    await refused(context(), [tag({ class: 'kind' })], 400, /only mixins can be defined by clients, not a kind/);
    await refused(context(), [tag({ class: 'action' })], 400, /not a action/);
  });

  test('the term follows the grammar; the scheme is there, absolute and ends with #', async () => {
    await refused(context(), [tag({ term: 'a b' })], 400, /invalid term "a b"/);
    await refused(context(), [tag({ scheme: '' })], 400, /needs a scheme/);
    await refused(context(), [tag({ scheme: 'tags#' })], 400, /must be an absolute URI ending with '#'/);
    await refused(context(), [tag({ scheme: 'http://me.example/tags' })], 400, /must be an absolute URI/);
  });

  test("OCCI's and the provider's schemes are reserved (R38)", async () => {
    await refused(context(), [tag({ scheme: 'http://schemas.ogf.org/occi/mine#' })], 400, /reserved for OCCI itself/);
    await refused(context(), [tag({ scheme: 'http://schemas.snf-occi.org/occi/mine#' })], 400, /reserved for this provider/);
    await refused(context(), [tag({ scheme: 'http://schemas.openstack.org/mine#' })], 400, /reserved for this provider/);
  });

  test('a tag carries no attributes, actions, parents or applies (D39)', async () => {
    await refused(context(), [tag({ attributes: ['color'] })], 400, /cannot define attributes or actions/);
    await refused(context(), [tag({ actions: ['http://me.example/act#paint'] })], 400, /cannot define attributes or actions/);
    await refused(context(), [tag({ rel: ['http://me.example/tags#parent'] })], 400, /cannot depend on or apply to/);
    await refused(context(), [tag({ applies: ['http://schemas.ogf.org/occi/infrastructure#compute'] })], 400, /cannot depend on or apply to/);
  });

  test('the location is there, a path of this server ending in /, without dot segments (R29)', async () => {
    await refused(context(), [tag({ location: undefined })], 400, /needs a location.*location="\/tags\/blue\/"/);
    await refused(context(), [tag({ location: '/blue' })], 400, /must end with '\/'/);
    await refused(context(), [tag({ location: '/a/../b/' })], 400, /not a valid path/);
    await refused(context(), [tag({ location: '/a/./b/' })], 400, /not a valid path/);
    await refused(context(), [tag({ location: '/a%2fb/' })], 400, /not a valid path/);
    await refused(context(), [tag({ location: 'http://elsewhere.example/blue/' })], 400, /not a location on this server/);
  });

  test('reserved paths, paths inside a kind or a provider family, and taken paths are 409', async () => {
    await refused(context(), [tag({ location: '/-/' })], 409, /reserved/);
    await refused(context(), [tag({ location: '/.well-known/x/' })], 409, /reserved/);
    await refused(context(), [tag({ location: '/compute/' })], 409, /already bound/);
    await refused(context(), [tag({ location: '/compute/blue/' })], 409, /lies inside \/compute\//);
    await refused(context(), [tag({ location: '/storage/x/y/' })], 409, /lies inside \/storage\//);
    await refused(context(), [tag({ location: '/os_tpl/blue/' })], 409, /lies inside \/os_tpl\/, reserved for this provider's mixins/);
  });

  test("every provider family's path is kept for the provider's mixins (a saved image or a new zone may appear there later)", async () => {
    for (const family of ['/templates/', '/availability_zone/', '/security_group/', '/mixin/', '/os_tpl/', '/resource_tpl/']) {
      await refused(context(), [tag({ location: `${family}blue/` })], 409, new RegExp(`lies inside ${family}, reserved for this provider's mixins`));
    }
  });

  test('a name or location already in the catalogue, or twice in one request, is 409', async () => {
    const mine = userMixin({ scheme: 'http://me.example/tags#', term: 'red', title: null, location: '/red/' });
    const withRed = context({}, new Catalog([debian], [mine]));
    await refused(withRed, [tag({ term: 'red', location: '/other/' })], 409, /category http:\/\/me\.example\/tags#red already exists/);
    await refused(withRed, [tag({ location: '/red/' })], 409, /location \/red\/ is already bound/);
    await refused(context(), [tag(), tag({ location: '/else/' })], 409, /defined twice in the request/);
    await refused(context(), [tag(), tag({ term: 'green' })], 409, /defined twice in the request/);
  });

  test('lengths over the quotas are refused before anything else is looked at, naming the setting', async () => {
    await refused(context(), [tag({ term: 'x'.repeat(13), class: 'kind' })], 403, /term may have at most 12 characters, this one has 13.*quotas\.mixinTermLength/s);
    await refused(context(), [tag({ scheme: `http://me.example/${'s'.repeat(30)}#` })], 403, /quotas\.mixinSchemeLength/);
    await refused(context(), [tag({ title: 't'.repeat(21) })], 403, /quotas\.mixinTitleLength/);
    await refused(context(), [tag({ location: `/${'l'.repeat(40)}/` })], 403, /quotas\.mixinLocationLength/);
  });

  test('a length over its quota names the field, the limit and the remedy; the tenant quota says to delete some', async () => {
    await refused(context(), [tag({ scheme: `http://me.example/${'s'.repeat(30)}#` })], 403, /a user mixin's scheme may have at most 40 characters, this one has 49.*shorten it/s);
    await refused(context(), [tag({ title: 't'.repeat(21) })], 403, /a user mixin's title may have at most 20 characters, this one has 21/);
    await refused(context(), [tag({ location: `/${'l'.repeat(40)}/` })], 403, /a user mixin's location may have at most 40 characters, this one has 42/);
    const ctx = context();
    await defineUserMixins(ctx, [tag({ term: 'a', location: '/a/' }), tag({ term: 'b', location: '/b/' })]);
    await assert.rejects(defineUserMixins(ctx, [tag({ term: 'c', location: '/c/' }), tag({ term: 'd', location: '/d/' })]), (e: unknown) => e instanceof OcciError && /delete some/.test(e.message));
  });

  test('an invalid term or scheme is quoted at most 80 or 200 characters, whatever the quotas allow', async () => {
    const roomy = context({ quotas: { ...QUOTAS, mixinTermLength: 1000, mixinSchemeLength: 1000 } });
    const term = `a b${'x'.repeat(200)}`;
    await refused(roomy, [tag({ term })], 400, new RegExp(`invalid term ${JSON.stringify(term.slice(0, 80))}:`));
    const scheme = `me.example/${'s'.repeat(300)}#`;
    await refused(roomy, [tag({ scheme })], 400, new RegExp(`scheme ${JSON.stringify(scheme.slice(0, 200))} must be`));
  });

  test('a location is a path from its first character to its last: no invalid segment before or after valid ones (R29)', async () => {
    await refused(context(), [tag({ location: '/a%/blue/' })], 400, /not a valid path/);
    await refused(context(), [tag({ location: '/blue/a%2fb/' })], 400, /not a valid path/);
  });

  test('a valid tag is stored as the row it names; an absolute URL of this server becomes its path', async () => {
    const ctx = context();
    await defineUserMixins(ctx, [tag({ title: 'Blue things' }), tag({ term: 'green', location: 'http://occi.example:8888/green/' })]);
    assert.deepEqual(await ctx.store.list(TENANT), [
      { scheme: 'http://me.example/tags#', term: 'blue', title: 'Blue things', location: '/blue/' },
      { scheme: 'http://me.example/tags#', term: 'green', title: null, location: '/green/' },
    ]);
  });

  test('the tenant quota counts what is defined: the definition that would pass it stores nothing', async () => {
    const ctx = context();
    await defineUserMixins(ctx, [tag({ term: 'a', location: '/a/' }), tag({ term: 'b', location: '/b/' })]);
    await assert.rejects(defineUserMixins(ctx, [tag({ term: 'c', location: '/c/' }), tag({ term: 'd', location: '/d/' })]), (e: unknown) => {
      assert.ok(e instanceof OcciError && e.status === 403, String(e));
      assert.match(e.message, /at most 3 user mixins, 2 are defined and this request adds 2.*quotas\.userMixins/s);
      return true;
    });
    assert.deepEqual((await ctx.store.list(TENANT)).map((r) => r.term), ['a', 'b']);
  });
});

describe('user mixin deletion (R32)', () => {
  test("only the tenant's own mixins can be deleted; a provider's is 403, an unknown one 404", async () => {
    const ctx = context();
    await defineUserMixins(ctx, [tag()]);
    const withBlue = context({ store: ctx.store }, new Catalog([debian], (await ctx.store.list(TENANT)).map(userMixin)));
    await assert.rejects(deleteUserMixins(withBlue, [{ scheme: debian.scheme, term: 'Debian' }]), (e: unknown) => e instanceof OcciError && e.status === 403 && /defined by the provider/.test(e.message));
    await assert.rejects(deleteUserMixins(withBlue, [{ scheme: 'http://me.example/tags#', term: 'nope' }]), (e: unknown) => e instanceof OcciError && e.status === 404);
    await assert.rejects(deleteUserMixins(withBlue, []), (e: unknown) => e instanceof OcciError && e.status === 400);
    assert.equal((await ctx.store.list(TENANT)).length, 1, 'a refused request deletes nothing');
    await deleteUserMixins(withBlue, [{ scheme: 'http://me.example/tags#', term: 'blue' }]);
    assert.deepEqual(await ctx.store.list(TENANT), []);
  });
});
