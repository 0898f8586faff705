// An answer written piece by piece (a JSON collection of whole entities,
// stream.ts) says what every answer says (R1): the Server header with the
// OCCI versions, Accept with the media types served, and, as an answer for
// one tenant, Cache-Control: no-store, exactly as a whole answer does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SERVER_HEADER } from '../../src/http/listener.js';
import { ACCEPT_HEADER } from '../../src/rendering/negotiate.js';
import { COMPUTE_KIND, startServer, type TestServer } from '../helpers/server.js';

describe('the headers of a streamed answer', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
    const made = await s.request('POST', '/compute/', { headers: { 'Content-Type': 'text/plain' }, body: `Category: ${COMPUTE_KIND}\n` });
    assert.equal(made.status, 201, made.body);
  });
  after(() => s.close());

  test('R1: a JSON collection of entities carries Server, Accept and no-store, as a whole answer does', async () => {
    for (const path of ['/compute/', '/']) {
      const streamed = await s.request('GET', path, { headers: { Accept: 'application/occi+json' } });
      assert.equal(streamed.status, 200, streamed.body);
      assert.ok(streamed.body.includes('"resources"') || streamed.body.includes('"kind"'), `a collection of entities: ${streamed.body.slice(0, 200)}`);
      assert.equal(streamed.headers['server'], SERVER_HEADER, path);
      assert.match(SERVER_HEADER, /OCCI\/1\.2/);
      assert.equal(streamed.headers['accept'], ACCEPT_HEADER, path);
      assert.equal(streamed.headers['cache-control'], 'no-store', path);
      assert.match(String(streamed.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const whole = await s.request('GET', path, { headers: { Accept: 'text/plain' } });
      for (const name of ['server', 'accept', 'cache-control']) assert.equal(streamed.headers[name], whole.headers[name], `${path}: ${name} as in a whole answer`);
    }
  });
});
