// When a body is a list of locations and when it is an entity (dispatch.ts,
// spec §3.4): a list alone, sent to an entity or a kind collection, is
// refused with words saying where a list goes; but a list beside an entity
// rendering, or next to ?action=, is not the request's subject, and a body
// with neither is the operation's own to judge (an update changing nothing,
// a create without a kind), never taken for a misplaced list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE_KIND, eventually, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const LIST_ON_ENTITY = 'an entity is updated with Category, Link and X-OCCI-Attribute; a list of locations (X-OCCI-Location, text/uri-list) is for mixin and kind collections';
const LIST_ON_KIND = 'POST to a kind location creates an entity; to tag entities, POST their locations to a mixin location';

describe('a list of locations or an entity', () => {
  let s: TestServer;
  let vm: string;
  before(async () => {
    s = await startServer();
    const made = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nX-OCCI-Attribute: occi.core.title="listed"\n` });
    assert.equal(made.status, 201, made.body);
    vm = pathOf(locations(made.body)[0]!);
  });
  after(() => s.close());

  const message = (body: string): string => body.split('\n')[0]!;

  test('a list alone is refused on an entity (POST, PUT) and on a kind collection, saying where it goes', async () => {
    for (const method of ['POST', 'PUT']) {
      const r = await s.request(method, vm, { headers: { 'Content-Type': 'text/uri-list' }, body: `${s.url}${vm}\n` });
      assert.deepEqual([r.status, message(r.body)], [400, LIST_ON_ENTITY], method);
    }
    const r = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/uri-list' }, body: `${s.url}${vm}\n` });
    assert.deepEqual([r.status, message(r.body)], [400, LIST_ON_KIND]);
  });

  test('R77, R78: next to ?action= a list is not the subject: the invocation is judged, and refused for want of its action Category', async () => {
    const r = await s.request('POST', `${vm}?action=stop`, { headers: { 'X-OCCI-Location': `${s.url}${vm}` } });
    assert.equal(r.status, 400, r.body);
    assert.notEqual(message(r.body), LIST_ON_ENTITY);
    assert.match(message(r.body), /action/i);
  });

  test('R39: a rendering of the entity with locations beside it is an update, or a create, as without them', async () => {
    const updated = await s.request('POST', vm, { headers: { Category: COMPUTE_KIND, 'X-OCCI-Attribute': 'occi.core.title="renamed"', 'X-OCCI-Location': `${s.url}${vm}` } });
    assert.equal(updated.status, 200, updated.body);
    assert.match((await s.request('GET', vm)).body, /occi\.core\.title="renamed"/);
    const replaced = await s.request('PUT', vm, { headers: { Category: COMPUTE_KIND, 'X-OCCI-Attribute': 'occi.core.title="replaced"', 'X-OCCI-Location': `${s.url}${vm}` } });
    assert.equal(replaced.status, 200, replaced.body);
    assert.match((await s.request('GET', vm)).body, /occi\.core\.title="replaced"/);
    const made = await s.request('POST', '/compute/', { headers: { Category: COMPUTE_KIND, 'X-OCCI-Location': `${s.url}${vm}` } });
    assert.equal(made.status, 201, made.body);
    assert.equal(locations(made.body).length, 1);
  });

  test('R40: neither a list nor an entity: an update that changes nothing, a create refused for want of its kind', async () => {
    // Settled first: a compute still building turns active on the cloud's own clock, which would change the
    // rendering between the two reads whatever the update did.
    const before = (await eventually(() => s.request('GET', vm), (r) => r.body.includes('occi.compute.state="active"'))).body;
    const nothing = await s.request('POST', vm);
    assert.equal(nothing.status, 200, nothing.body);
    assert.equal((await s.request('GET', vm)).body, before, 'nothing changed');
    const create = await s.request('POST', '/compute/');
    assert.equal(create.status, 400, create.body);
    assert.notEqual(message(create.body), LIST_ON_KIND);
    assert.match(message(create.body), /kind/i);
    const put = await s.request('PUT', vm);
    assert.equal(put.status, 400, put.body);
    assert.notEqual(message(put.body), LIST_ON_ENTITY);
  });
});
