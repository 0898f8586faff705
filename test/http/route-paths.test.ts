// Which thing a path names (router.ts, spec §3.1, §3.3): a kind's location
// with its trailing slash dropped is still the kind's collection; a path
// without the slash that only begins a location is nothing (a namespace path
// ends with '/'); nothing found is a 404 naming the path, cut at 200
// characters; the well-known query interface is the query interface (R19).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE_KIND, locations, startServer, type TestServer } from '../helpers/server.js';

describe('paths', () => {
  let s: TestServer;
  let vm: string;
  before(async () => {
    s = await startServer();
    const made = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` });
    assert.equal(made.status, 201, made.body);
    vm = locations(made.body)[0]!;
  });
  after(() => s.close());

  test('a kind location without its trailing slash is the collection all the same', async () => {
    const r = await s.request('GET', '/compute');
    assert.equal(r.status, 200, r.body);
    assert.ok(locations(r.body).includes(vm), r.body);
  });

  test('a path without the slash that only begins a location is nothing; with the slash, a namespace path (D28)', async () => {
    const partial = await s.request('GET', '/comp');
    assert.deepEqual([partial.status, partial.body.split('\n')[0]], [404, 'nothing at /comp']);
    const namespace = await s.request('GET', '/comp/');
    assert.deepEqual([namespace.status, namespace.body.split('\n')[0]], [404, 'nothing at /comp/'], 'no location begins with /comp/');
    const root = await s.request('GET', '/');
    assert.equal(root.status, 200, root.body);
    assert.ok(locations(root.body).includes(vm), 'the root is the namespace of every location');
  });

  test('nothing found: 404 naming the path, cut at 200 characters', async () => {
    const long = `/${'n'.repeat(400)}`;
    const r = await s.request('GET', long);
    assert.deepEqual([r.status, r.body.split('\n')[0]], [404, `nothing at ${long.slice(0, 200)}`]);
  });

  test('R19: /.well-known/org/ogf/occi/-/ answers what /-/ answers', async () => {
    const known = await s.request('GET', '/.well-known/org/ogf/occi/-/');
    const query = await s.request('GET', '/-/');
    assert.equal(known.status, 200, known.body);
    assert.equal(known.body, query.body);
  });
});
