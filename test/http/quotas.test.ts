// Per-tenant quotas on the embedded cloud: past one, a 403 whose message
// names the limit, its value and the setting that raises it, and nothing
// half made (a compute whose inline links go past a quota is not created).
// Each tenant has its own count; other tenants are not affected.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOB, COMPUTE_KIND, INFRA, locations, startServer, type Reply, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const STORAGE = `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1\n`;
const NETWORK = `Category: network; scheme="${INFRA}"; class="kind"\n`;
const PUBLIC_LINK = `Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`;

function overQuota(r: Reply, setting: string, value: number): void {
  assert.equal(r.status, 403, r.body);
  assert.match(r.body, new RegExp(`at most ${value}\\b`), `the message gives the value: ${r.body}`);
  assert.ok(r.body.includes(`setting ${setting}`), `the message names the setting ${setting}: ${r.body}`);
}

describe('quotas of the embedded cloud', () => {
  let s: TestServer;
  const post = (path: string, body: string, token?: string): Promise<Reply> => s.request('POST', path, { headers: PLAIN, body, ...(token ? { token } : {}) });
  const count = async (path: string, token?: string): Promise<number> => locations((await s.request('GET', path, token ? { token } : {})).body).length;

  before(async () => {
    s = await startServer((c) => {
      c.quotas.compute = 3;
      c.quotas.network = 1;
      c.quotas.storage = 3;
      c.quotas.storagelink = 1;
      c.quotas.networkinterface = 10;
      c.quotas.linksPerCompute = 2;
      c.quotas.sharedAddresses = 2;
      c.quotas.savedImages = 1;
      c.local.actionMs = 0;
      c.local.bootMs = 0;
    });
  });
  after(() => s.close());

  test('entities of each kind: the one past the quota is refused, naming quotas.<kind> and its value', async () => {
    assert.equal((await post('/network/', NETWORK)).status, 201);
    overQuota(await post('/network/', NETWORK), 'quotas.network', 1);
    for (let i = 0; i < 3; i++) assert.equal((await post('/storage/', STORAGE)).status, 201);
    overQuota(await post('/storage/', STORAGE), 'quotas.storage', 3);
    assert.equal(await count('/network/'), 2, 'its own network and the public one');
    assert.equal(await count('/storage/'), 3);
    assert.equal((await post('/network/', NETWORK, BOB)).status, 201, 'another tenant has its own count');
  });

  test('a compute with inline links past a link quota is refused, and nothing of it is made', async () => {
    const storages = locations((await s.request('GET', '/storage/')).body);
    const storageLink = (p: string): string => `Link: <${new URL(p).pathname}>; rel="${INFRA}storage"; category="${INFRA}storagelink"`;
    const twoVolumes = [`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.core.title="two-volumes"', storageLink(storages[0]!), storageLink(storages[1]!)].join('\n') + '\n';
    overQuota(await post('/compute/', twoVolumes), 'quotas.storagelink', 1);
    const threeLinks = [`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.core.title="three-links"', PUBLIC_LINK, PUBLIC_LINK, storageLink(storages[0]!)].join('\n') + '\n';
    overQuota(await post('/compute/', threeLinks), 'quotas.linksPerCompute', 2);
    assert.equal(await count('/compute/'), 0, 'no compute was made');
    assert.equal(await count('/link/'), 0, 'no link was made');
  });

  test('addresses on the shared network: a tenant holds at most quotas.sharedAddresses', async () => {
    const withAddress = `Category: ${COMPUTE_KIND}\n${PUBLIC_LINK}\n${PUBLIC_LINK}\n`;
    assert.equal((await post('/compute/', withAddress)).status, 201, 'two addresses');
    const vm = (await post('/compute/', `Category: ${COMPUTE_KIND}\n`)).headers.location!;
    const link = `Category: networkinterface; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.core.source="${vm}"\nX-OCCI-Attribute: occi.core.target="/network/public"\n`;
    overQuota(await post('/networkinterface/', link), 'quotas.sharedAddresses', 2);
    assert.equal(await count('/networkinterface/'), 2, 'the refused link was not made');
    assert.equal((await post('/compute/', withAddress, BOB)).status, 201, 'other tenants still get addresses');
  });

  test('computes past quotas.compute, and saved OS templates past quotas.savedImages', async () => {
    const third = (await post('/compute/', `Category: ${COMPUTE_KIND}\n`)).headers.location!;
    overQuota(await post('/compute/', `Category: ${COMPUTE_KIND}\n`), 'quotas.compute', 3);
    const save = (): Promise<Reply> =>
      s.request('POST', `${new URL(third).pathname}?action=save`, {
        headers: { ...PLAIN },
        body: `Category: save; scheme="${INFRA.slice(0, -1)}/compute/action#"; class="action"\n`,
      });
    assert.equal((await save()).status, 200);
    overQuota(await save(), 'quotas.savedImages', 1);
    assert.equal((await s.request('POST', '/compute/00000000-0000-4000-8000-000000000000?action=save', { headers: PLAIN, body: `Category: save; scheme="${INFRA.slice(0, -1)}/compute/action#"; class="action"\n` })).status, 404, 'a missing compute is still a 404');
  });
});

describe('quotas of user mixins', () => {
  let s: TestServer;
  const define = (term: string, extra = '', location = `/tags/${term}/`): Promise<Reply> =>
    s.request('POST', '/-/', { headers: PLAIN, body: `Category: ${term}; scheme="http://example.com/tags#"; class="mixin"; location="${location}"${extra}\n` });

  before(async () => {
    s = await startServer((c) => {
      c.quotas.userMixins = 2;
      c.quotas.mixinTitleLength = 100;
      c.quotas.mixinTermLength = 20;
      c.quotas.mixinLocationLength = 40;
      c.quotas.mixinSchemeLength = 60;
    });
  });
  after(() => s.close());

  test('a title, term, location or scheme over its length is refused, naming the setting', async () => {
    overQuota(await define('long-title', `; title="${'t'.repeat(101)}"`), 'quotas.mixinTitleLength', 100);
    overQuota(await define('t'.repeat(21)), 'quotas.mixinTermLength', 20);
    overQuota(await define('far', '', `/${'l'.repeat(40)}/`), 'quotas.mixinLocationLength', 40);
    const scheme = `http://example.com/${'s'.repeat(50)}#`;
    const r = await s.request('POST', '/-/', { headers: PLAIN, body: `Category: x; scheme="${scheme}"; class="mixin"; location="/x/"\n` });
    overQuota(r, 'quotas.mixinSchemeLength', 60);
    assert.doesNotMatch((await s.request('GET', '/-/')).body, /example\.com\/tags#"; class="mixin"/, 'none was defined');
  });

  test('the mixin past quotas.userMixins is refused; a request that would pass it defines none', async () => {
    const two = 'Category: a; scheme="http://example.com/tags#"; class="mixin"; location="/tags/a/"\n' + 'Category: b; scheme="http://example.com/tags#"; class="mixin"; location="/tags/b/"\n' + 'Category: c; scheme="http://example.com/tags#"; class="mixin"; location="/tags/c/"\n';
    overQuota(await s.request('POST', '/-/', { headers: PLAIN, body: two }), 'quotas.userMixins', 2);
    assert.equal((await define('one', `; title="${'t'.repeat(100)}"`)).status, 200, 'a title at the limit is fine');
    assert.equal((await define('two')).status, 200);
    overQuota(await define('three'), 'quotas.userMixins', 2);
    const listed = (await s.request('GET', '/-/')).body;
    assert.ok(listed.includes('/tags/one/') && listed.includes('/tags/two/') && !listed.includes('/tags/three/') && !listed.includes('/tags/a/'));
    const bobs = await s.request('POST', '/-/', { token: BOB, headers: PLAIN, body: 'Category: one; scheme="http://example.com/tags#"; class="mixin"; location="/tags/one/"\n' });
    assert.equal(bobs.status, 200, 'another tenant has its own count');
  });
});
