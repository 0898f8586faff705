// With a store other replicas share, a mixin defined through another replica
// a moment ago may not have reached this one's catalogue yet (its notice is on
// the way): a request naming it — its location as the path, or its category in
// the body — makes the server look at the store again before answering 404 or
// 400, so a client that defines a mixin and uses it at once gets the same
// answer from every replica. The other replica's write is made straight into
// the store, beneath a server whose store reports no change (the notice held
// back): what the server answers then is decided by that look alone. A
// request naming only what the catalogue knows costs no look at all.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openBackend } from '../../src/app.js';
import { defaults } from '../../src/config/config.js';
import { createOcciServer, type OcciServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { ALICE, COMPUTE_KIND } from '../helpers/server.js';

const SCHEME = 'http://replica-b.example/tags#';
let dir = '';
let store: Store;
let server: OcciServer;
let url = '';
/** How many times the server listed the store's definitions. */
let lists = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snf-occi-recheck-'));
  const config = defaults();
  Object.assign(config, { port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'silent' });
  config.local.tokens = [{ token: ALICE, tenant: 'alice' }];
  config.rateLimit.perSecond = 0;
  config.rateLimit.failedAuthPerMinute = 0;
  const logger = createLogger(config);
  store = await openStore(config.store, dir, logger);
  // Shared, and its versions never move: every change reaches this replica late.
  const lagging = Object.assign(Object.create(store) as Store, {
    shared: true,
    version: () => 0,
    list: (tenant: string) => (lists++, store.list(tenant)),
  });
  server = createOcciServer({ config, backend: await openBackend(config), store: lagging, logger });
  url = `http://127.0.0.1:${(await server.listen()).port}`;
});
after(async () => {
  await server.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const send = (method: string, path: string, body?: string): Promise<Response> =>
  fetch(url + path, { method, headers: { 'X-Auth-Token': ALICE, Accept: 'text/plain', ...(body ? { 'Content-Type': 'text/plain' } : {}) }, body });

test("a mixin's location defined through another replica a moment ago is found, not 404", async () => {
  assert.equal((await send('GET', '/-/')).status, 200, 'the catalogue is made and cached');
  assert.equal((await send('GET', '/tags/blue/')).status, 404, 'not defined yet');
  await store.add('alice', [{ scheme: SCHEME, term: 'blue', title: null, location: '/tags/blue/' }]);
  const r = await send('GET', '/tags/blue/');
  assert.equal(r.status, 200, await r.text());
});

test('a mixin defined through another replica a moment ago can be named at once in a create, not 400', async () => {
  assert.equal((await send('GET', '/-/')).status, 200, 'the catalogue is made and cached');
  await store.add('alice', [{ scheme: SCHEME, term: 'green', title: null, location: '/tags/green/' }]);
  const r = await send('POST', '/compute/', `Category: ${COMPUTE_KIND}\nCategory: green; scheme="${SCHEME}"; class="mixin"\n`);
  assert.equal(r.status, 201, await r.text());
  const created = new URL(r.headers.get('location')!).pathname;
  const tagged = await send('GET', '/tags/green/');
  assert.match(await tagged.text(), new RegExp(`X-OCCI-Location: [^\\n]*${created}`), 'the new compute carries the mixin');
});

test('a request naming only what the catalogue knows does not look at the store again', async () => {
  assert.equal((await send('GET', '/-/')).status, 200, 'the catalogue is made and cached');
  lists = 0;
  assert.equal((await send('GET', '/compute/')).status, 200);
  assert.equal((await send('POST', '/compute/', `Category: ${COMPUTE_KIND}\n`)).status, 201);
  assert.equal(lists, 0);
});
