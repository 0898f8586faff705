// What the library gives the web console (and the occi command shares):
// tags among the mixins, a URL in any rendering as written, a compute's SSH
// key and user data, the states actions lead to, and secrets masked in
// exchanges. Against a live embedded cloud, in JSON and text/plain.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AFTER_ACTION, base64, contextualize, Discovery, LookupError, maskExchange, OcciClient, READY, type Exchange } from '../../src/client/index.js';
import { ALICE, startServer, type TestServer } from '../helpers/server.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

for (const rendering of ['json', 'text'] as const) {
  describe(`console support on the embedded cloud (${rendering})`, () => {
    let server: TestServer;
    let client: OcciClient;
    before(async () => {
      server = await startServer();
      client = new OcciClient({ endpoint: server.url, auth: { token: ALICE }, rendering });
    });
    after(() => server.close());

    test('tags(): the user-defined mixins only, never templates or the provider mixins', async () => {
      assert.deepEqual((await client.discover()).tags(), [], 'a fresh cloud has no tags');
      const prod = await client.defineMixin({ term: 'prod', title: 'Production' });
      const d = await client.discover();
      assert.deepEqual(
        d.tags().map((t) => t.id),
        [prod.id],
      );
      assert.equal(d.tags()[0]?.title, 'Production');
      await client.deleteMixin(prod.id);
      assert.deepEqual((await client.discover(true)).tags(), []);
    });

    test('raw(): a collection and an entity in the media type asked for, as written', async () => {
      const made = await client.create({ kind: `${INFRA}storage`, attributes: { 'occi.core.title': 'raw1', 'occi.storage.size': 1 } });
      const text = await client.raw('/storage/', 'text/plain');
      assert.equal(text.status, 200);
      assert.match(text.headers['content-type'] ?? '', /^text\/plain/);
      assert.ok(text.body.includes(`X-OCCI-Location: ${made.location}`), text.body);
      const json = await client.raw(made.location, 'application/occi+json');
      assert.equal((JSON.parse(json.body) as { title: string }).title, 'raw1');
      assert.equal(json.url, made.location);
      await client.delete(made.location);
    });

    test('contextualize(): an SSH key and user data (sent as Base64) through the mixins the server offers', async () => {
      const d = await client.discover();
      const c = contextualize(d, { sshKey: 'ssh-ed25519 AAAAC3 alice@example\n', userData: '#cloud-config\nhostname: é\n' });
      assert.deepEqual(c.mixins, [`${INFRA.replace('#', '/credentials#')}ssh_key`, `${INFRA.replace('#', '/compute#')}user_data`]);
      assert.equal(c.attributes['occi.credentials.ssh.publickey'], 'ssh-ed25519 AAAAC3 alice@example');
      assert.equal(c.attributes['occi.compute.userdata'], Buffer.from('#cloud-config\nhostname: é\n', 'utf8').toString('base64'));
      const made = await client.create({ kind: `${INFRA}compute`, mixins: c.mixins, attributes: { 'occi.core.title': 'ctx1', ...c.attributes } });
      const got = await client.get(made.location);
      assert.equal(got.attributes['occi.credentials.ssh.publickey'], 'ssh-ed25519 AAAAC3 alice@example');
      await client.delete(made.location);
    });
  });
}

test('contextualize() on a server without the mixins says what it looked for', () => {
  const bare = new Discovery([], 'json');
  assert.throws(
    () => contextualize(bare, { sshKey: 'k' }),
    (e: unknown) => e instanceof LookupError && /offers no mixin for an SSH key \(looked for .*ssh_key, .*public_key\)/.test(e.message),
  );
  assert.deepEqual(contextualize(bare, {}), { mixins: [], attributes: {} });
});

test('base64 of UTF-8 text matches Node', () => {
  for (const t of ['', 'a', 'héllo wörld ✓', '#!/bin/sh\necho hi\n']) assert.equal(base64(t), Buffer.from(t, 'utf8').toString('base64'));
});

test('READY and AFTER_ACTION follow the OCCI state diagrams', () => {
  assert.equal(READY.compute, 'active');
  assert.equal(READY.storage, 'online');
  assert.deepEqual([AFTER_ACTION.stop, AFTER_ACTION.start, AFTER_ACTION.suspend, AFTER_ACTION.offline], ['inactive', 'active', 'suspended', 'offline']);
  assert.equal(AFTER_ACTION.snapshot, undefined, 'a snapshot leaves the state as it was');
});

test('maskExchange() hides tokens in headers and passwords, secrets and tokens in bodies', () => {
  const e: Exchange = {
    method: 'POST',
    url: 'http://h/console/token',
    requestHeaders: { 'X-Auth-Token': 'abcdefghijklmnop', Accept: 'application/json' },
    requestBody: '{"username":"alice","password":"s3cr\\"et"}',
    status: 200,
    responseHeaders: { 'x-subject-token': 'zyxwvutsrqponm', 'content-type': 'application/json' },
    responseBody: '{"token":"tok-123456789","expiresAt":"2099"}',
    ms: 3,
  };
  const m = maskExchange(e);
  assert.equal(m.requestHeaders['X-Auth-Token'], 'abcd…(masked)');
  assert.equal(m.requestHeaders.Accept, 'application/json');
  assert.equal(m.responseHeaders['x-subject-token'], 'zyxw…(masked)');
  assert.equal(m.requestBody, '{"username":"alice","password":"***"}');
  assert.equal(m.responseBody, '{"token":"***","expiresAt":"2099"}');
  assert.equal(e.requestHeaders['X-Auth-Token'], 'abcdefghijklmnop', 'the original is left alone');
});
