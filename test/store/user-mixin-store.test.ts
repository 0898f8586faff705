// The store of user mixins: a definition that loses a race to another request
// with the same name or location is a 409, and nothing of it is kept (R30).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OcciError } from '../../src/errors.js';
import { UserMixinStore } from '../../src/store/user-mixin-store.js';

describe('user mixin store', () => {
  it('answers a clash the caller could not see with 409, all or nothing', async () => {
    const store = new UserMixinStore(undefined);
    await store.add('t', [{ scheme: 'http://example.com/t#', term: 'a', title: null, location: '/t/a/' }]);
    const clash = (): Promise<unknown> =>
      store.add('t', [
        { scheme: 'http://example.com/t#', term: 'b', title: null, location: '/t/b/' },
        { scheme: 'http://example.com/t#', term: 'c', title: null, location: '/t/a/' },
      ]);
    await assert.rejects(clash, (err: unknown) => err instanceof OcciError && err.status === 409 && /meanwhile/.test(err.message));
    assert.deepEqual((await store.list('t')).map((r) => r.term), ['a'], 'the batch left nothing behind');
    await assert.rejects(store.add('t', [{ scheme: 'http://example.com/t#', term: 'a', title: null, location: '/t/z/' }]), (e: unknown) => e instanceof OcciError && e.status === 409);
    await store.add('other', [{ scheme: 'http://example.com/t#', term: 'a', title: null, location: '/t/a/' }]);
  });
});
