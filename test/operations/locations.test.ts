// Entity URLs (spec §3.1): `<kind location><id>`, ids as the backends hand
// them out, and URLs a client sends turned into this server's paths, or
// refused with a 400 that says whether the URL is another server's or no URL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entityOf, entityPath, isValidId, parseEntityPath, pathOf } from '../../src/operations/locations.js';
import { refusal } from './world.js';

const ctx = { base: 'http://occi.example:8888/occi' };

describe('entity ids', () => {
  test('uuids, integers and composites with . _ ~ - are ids', () => {
    for (const id of ['5f4311da-2ee2-47a6-913b-5d8496486c62', '42', 'a', 'Z', '9', 'net_1.eth0', 'a~b', 'a-b', 'x'.repeat(200)]) assert.ok(isValidId(id), id);
  });
  test('an id starts with a letter or digit, holds no other characters, and has at most 200 of them', () => {
    for (const id of ['', '-a', '.a', '_a', '~a', 'a/b', 'a b', 'a?b', 'a%20', 'é', 'x'.repeat(201), 'a\n']) assert.ok(!isValidId(id), JSON.stringify(id));
  });
});

describe('entity paths', () => {
  test('each kind at its own location', () => {
    assert.equal(entityPath('compute', '1'), '/compute/1');
    assert.equal(entityPath('network', 'public'), '/network/public');
    assert.equal(entityPath('storage', 's'), '/storage/s');
    assert.equal(entityPath('networkinterface', 'n'), '/networkinterface/n');
    assert.equal(entityPath('storagelink', 'l'), '/storagelink/l');
  });

  test('a path names an entity only as <kind location><valid id>', () => {
    assert.deepEqual(parseEntityPath('/compute/42'), { kind: 'compute', id: '42' });
    assert.deepEqual(parseEntityPath('/storagelink/a_b.c'), { kind: 'storagelink', id: 'a_b.c' });
    assert.deepEqual(parseEntityPath('/network/' + 'n'.repeat(200)), { kind: 'network', id: 'n'.repeat(200) });
    for (const path of ['/compute/', '/compute', 'compute/1', '/computer/1', '/compute/a/b', '/x/compute/1', '/compute/-1', '/compute/a b', '/network/' + 'n'.repeat(201), '/', '']) {
      assert.equal(parseEntityPath(path), undefined, path);
    }
  });
});

describe('URLs a client sends', () => {
  test("a path, or an absolute URL under this server's base, is this server's path", () => {
    assert.equal(pathOf(ctx, '/compute/1'), '/compute/1');
    assert.equal(pathOf(ctx, 'http://occi.example:8888/occi/compute/1'), '/compute/1');
    assert.equal(pathOf(ctx, 'http://occi.example:8888/occi/'), '/');
  });

  test("another server's URL, or one of this host outside the base, is not a location on this server", () => {
    for (const ref of ['http://other.example/compute/1', 'http://occi.example:8888/compute/1', 'HTTPS://occi.example:8888/occi/compute/1', 'urn:uuid:1', 'a+b.c-d:x']) {
      assert.throws(() => pathOf(ctx, ref), refusal(400, `${ref} is not a location on this server`), ref);
    }
  });

  test('text that is no URL and no path is refused, saying what to give', () => {
    for (const ref of ['compute/1', '1http://x/', '', ' /compute/1', '-x:y']) {
      assert.throws(() => pathOf(ctx, ref), refusal(400, `${ref} is not a valid location: give an absolute URL or a path`), JSON.stringify(ref));
    }
  });

  test('the URL quoted back is cut at 200 characters', () => {
    const long = 'http://other.example/' + 'x'.repeat(400);
    assert.throws(() => pathOf(ctx, long), (e: unknown) => refusal(400, long.slice(0, 200) + ' is not')(e) && !(e as Error).message.includes(long.slice(0, 201)));
    const word = 'y'.repeat(400);
    assert.throws(() => pathOf(ctx, word), (e: unknown) => refusal(400, word.slice(0, 200) + ' is not a valid')(e) && !(e as Error).message.includes(word.slice(0, 201)));
    const path = '/compute/' + 'z'.repeat(400);
    assert.throws(() => entityOf(ctx, path), (e: unknown) => refusal(400, path.slice(0, 200) + ' does not name')(e) && !(e as Error).message.includes(path.slice(0, 201)));
  });

  test('an entity reference resolves to its kind and id, or is a 400 naming it', () => {
    assert.deepEqual(entityOf(ctx, 'http://occi.example:8888/occi/network/public'), { kind: 'network', id: 'public' });
    assert.deepEqual(entityOf(ctx, '/storage/7'), { kind: 'storage', id: '7' });
    for (const ref of ['/compute/', '/templates/os/', '/compute/1/2']) {
      assert.throws(() => entityOf(ctx, ref), refusal(400, `${ref} does not name an entity of this server`), ref);
    }
    assert.throws(() => entityOf(ctx, 'http://other/compute/1'), refusal(400, 'is not a location on this server'));
  });
});
