// Tenant isolation, swept over every route and method: bob never sees,
// lists, filters, links to, tags or acts on alice's resources. Each attempt
// answers 404 (or 400 for a category bob cannot see, D17) or leaves alice's
// entities out, and afterwards alice's world is exactly as it was.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALICE, BOB, COMPUTE_KIND, INFRA, locations, pathOf, startServer, type Reply, type TestServer } from '../helpers/server.js';
import { brokenInvariants, NOTHING_BROKEN } from './invariants.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_TYPE = 'application/occi+json';
const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
const SECRET = 'alice-secret';

interface World {
  compute: string;
  network: string;
  storage: string;
  nic: string;
  storageLink: string;
  savedImage: string;
  /** Every id of alice's, to look for in bob's answers. */
  ids: string[];
}

async function create(s: TestServer, token: string, path: string, lines: string[]): Promise<string> {
  const r = await s.request('POST', path, { token, headers: PLAIN, body: lines.join('\n') + '\n' });
  assert.equal(r.status, 201, r.body);
  return pathOf(r.headers.location!);
}

const idOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** A full rendering bob could PUT at a new URL of his own. */
function putBody(kind: string): string {
  const size = kind === 'storage' ? 'X-OCCI-Attribute: occi.storage.size=1\n' : '';
  return `Category: ${kind}; scheme="${INFRA}"; class="kind"\n${size}X-OCCI-Attribute: occi.core.title="bob was here"\n`;
}

describe("tenant isolation: bob never reaches alice's resources", () => {
  let s: TestServer;
  let alice: World;
  let bobCompute: string;
  let aliceBefore: Map<string, string>;

  /** What alice sees of each of her entities, to compare after bob has tried everything. */
  async function snapshot(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const path of [alice.compute, alice.network, alice.storage, alice.nic, alice.storageLink, '/atag/', '/compute/', '/link/', '/-/']) {
      const r = await s.request('GET', path, { token: ALICE });
      assert.equal(r.status, 200, path);
      out.set(path, r.body);
    }
    return out;
  }

  /** Bob's answer must be one of `allowed` and must not show any of alice's ids or values. */
  function refused(r: Reply, allowed: number[], what: string, mayEcho = false): void {
    assert.ok(allowed.includes(r.status), `${what}: answered ${r.status}: ${r.body}`);
    assert.ok(!r.body.includes(SECRET), `${what}: shows alice's title`);
    if (!mayEcho) for (const id of alice.ids) assert.ok(!r.body.includes(id), `${what}: shows alice's ${id}`);
  }

  before(async () => {
    s = await startServer((c) => {
      c.local.bootMs = 0;
      c.local.actionMs = 0;
    });
    const tag = await s.request('POST', '/-/', { token: ALICE, headers: PLAIN, body: 'Category: atag; scheme="http://alice.example/#"; class="mixin"; location="/atag/"\n' });
    assert.equal(tag.status, 200, tag.body);
    const btag = await s.request('POST', '/-/', { token: BOB, headers: PLAIN, body: 'Category: btag; scheme="http://bob.example/#"; class="mixin"; location="/btag/"\n' });
    assert.equal(btag.status, 200, btag.body);
    const network = await create(s, ALICE, '/network/', [`Category: network; scheme="${INFRA}"; class="kind"`, `X-OCCI-Attribute: occi.core.title="${SECRET}"`]);
    const storage = await create(s, ALICE, '/storage/', [`Category: storage; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute: occi.storage.size=2', `X-OCCI-Attribute: occi.core.title="${SECRET}"`]);
    const compute = await create(s, ALICE, '/compute/', [
      `Category: ${COMPUTE_KIND}`,
      'Category: atag; scheme="http://alice.example/#"; class="mixin"',
      `X-OCCI-Attribute: occi.core.title="${SECRET}"`,
      `Link: <${network}>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
      `Link: <${storage}>; rel="${INFRA}storage"; category="${INFRA}storagelink"`,
    ]);
    const links = locations((await s.request('GET', '/link/', { token: ALICE })).body).map(pathOf);
    const nic = links.find((l) => l.startsWith('/networkinterface/'))!;
    const storageLink = links.find((l) => l.startsWith('/storagelink/'))!;
    const saved = await s.request('POST', `${compute}?action=save`, {
      token: ALICE,
      headers: PLAIN,
      body: `Category: save; scheme="${ACTIONS}"; class="action"\nX-OCCI-Attribute: name="alicesnap"\n`,
    });
    assert.equal(saved.status, 200, saved.body);
    alice = { compute, network, storage, nic, storageLink, savedImage: 'alicesnap', ids: [compute, network, storage, nic, storageLink].map(idOf) };
    bobCompute = await create(s, BOB, '/compute/', [`Category: ${COMPUTE_KIND}`, 'X-OCCI-Attribute: occi.core.title="bob-vm"']);
    // The public network is shared: alice's compute linked to it must not show through it either.
    const linked = await s.request('POST', alice.compute, { token: ALICE, headers: PLAIN, body: `Link: </network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"\n` });
    assert.equal(linked.status, 200, linked.body);
    alice.ids.push(...locations((await s.request('GET', '/link/', { token: ALICE })).body).map((l) => idOf(pathOf(l))));
    aliceBefore = await snapshot();
  });
  after(() => s.close());

  test("entity routes: GET, HEAD, POST, PUT, DELETE and actions on alice's entities answer 404 (R54, D22)", async () => {
    for (const path of [alice.compute, alice.network, alice.storage, alice.nic, alice.storageLink]) {
      for (const type of ['text/plain', 'text/occi', JSON_TYPE]) refused(await s.request('GET', path, { token: BOB, headers: { Accept: type } }), [404], `GET ${path} as ${type}`, true);
      refused(await s.request('HEAD', path, { token: BOB }), [404], `HEAD ${path}`, true);
      refused(await s.request('POST', path, { token: BOB, headers: PLAIN, body: 'X-OCCI-Attribute: occi.core.title="bob was here"\n' }), [404], `POST ${path}`, true);
      // PUT never replaces alice's entity; links never take client URLs (R50, 400 for any id).
      const kind = path.split('/')[1];
      const put = await s.request('PUT', path, { token: BOB, headers: PLAIN, body: putBody(kind) });
      refused(put, kind.endsWith('link') || kind === 'networkinterface' ? [400] : [404], `PUT ${path}`, true);
      refused(await s.request('DELETE', path, { token: BOB }), [404], `DELETE ${path}`, true);
    }
    for (const term of ['stop', 'restart', 'suspend', 'save']) {
      const r = await s.request('POST', `${alice.compute}?action=${term}`, { token: BOB, headers: PLAIN, body: `Category: ${term}; scheme="${ACTIONS}"; class="action"\n` });
      refused(r, [404], `action ${term}`, true);
    }
    const json = await s.request('POST', alice.compute, { token: BOB, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify({ attributes: { 'occi.core.title': 'bob' } }) });
    refused(json, [404], 'JSON partial update', true);
  });

  test("PUT at the URL of alice's compute, network or storage answers 404 like every other method (R54)", async () => {
    for (const path of [alice.compute, alice.network, alice.storage]) {
      refused(await s.request('PUT', path, { token: BOB, headers: PLAIN, body: putBody(path.split('/')[1]) }), [404], `PUT ${path}`, true);
    }
  });

  test("collections, paging and the namespace list none of alice's entities (R112, R116, D16, D28)", async () => {
    const paths = ['/compute/', '/network/', '/storage/', '/networkinterface/', '/storagelink/', '/link/', '/resource/', '/', '/compute/?page=1&number=1000', '/link/?page=1;number=5'];
    for (const path of paths) {
      for (const type of ['text/plain', 'text/uri-list', JSON_TYPE]) {
        const r = await s.request('GET', path, { token: BOB, headers: { Accept: type } });
        refused(r, [200], `GET ${path} as ${type}`);
      }
    }
    const mine = locations((await s.request('GET', '/compute/', { token: BOB })).body).map(pathOf);
    assert.deepEqual(mine, [bobCompute], 'bob lists exactly his own compute');
  });

  test("filters by alice's values or categories match nothing of hers (R112-R114, D6, D17)", async () => {
    const filters: Array<Record<string, string>> = [
      { 'X-OCCI-Attribute': `occi.core.title="${SECRET}"` },
      { 'X-OCCI-Attribute': `occi.core.id="urn:uuid:${idOf(alice.compute)}"` },
      { 'X-OCCI-Attribute': `occi.core.source="${s.url}${alice.compute}"` },
      { 'X-OCCI-Attribute': `occi.core.target="${s.url}${alice.storage}"` },
      { Category: `compute; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute': `occi.core.title="${SECRET}"` },
      { Category: `alicesnap; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"` },
    ];
    for (const headers of filters) {
      for (const path of ['/compute/', '/link/', '/storagelink/', '/resource/', '/']) {
        const r = await s.request('GET', path, { token: BOB, headers });
        refused(r, [200, 400], `GET ${path} filtered by ${JSON.stringify(headers)}`, true);
        assert.deepEqual(locations(r.body).filter((l) => alice.ids.some((id) => l.includes(id))), []);
      }
    }
    // Values both tenants' computes share select only bob's.
    const shared: Array<Record<string, string>> = [{ 'X-OCCI-Attribute': 'occi.compute.cores=1' }, { Category: 'C1R1024D10; scheme=;' }, { Category: 'Debian; scheme=;' }];
    for (const headers of shared) {
      const r = await s.request('GET', '/compute/', { token: BOB, headers });
      refused(r, [200], `GET /compute/ filtered by ${JSON.stringify(headers)}`);
      assert.deepEqual(locations(r.body).map(pathOf), [bobCompute], JSON.stringify(headers));
    }
    // Alice's user mixin is not bob's to name (D17): 400, never her members.
    const byTag = await s.request('GET', '/compute/', { token: BOB, headers: { Category: 'atag; scheme="http://alice.example/#"; class="mixin"' } });
    refused(byTag, [400], 'filter by alice\'s mixin', true);
  });

  test("links whose source or target is alice's are refused, and nothing is created (R104, R107, D35)", async () => {
    const ni = `${INFRA}networkinterface`;
    const sl = `${INFRA}storagelink`;
    const attempts: Array<[string, string, string]> = [
      ['/networkinterface/', `Category: networkinterface; scheme="${INFRA}"; class="kind"`, `X-OCCI-Attribute: occi.core.source="${alice.compute}"\nX-OCCI-Attribute: occi.core.target="/network/public"`],
      ['/networkinterface/', `Category: networkinterface; scheme="${INFRA}"; class="kind"`, `X-OCCI-Attribute: occi.core.source="${bobCompute}"\nX-OCCI-Attribute: occi.core.target="${s.url}${alice.network}"`],
      ['/storagelink/', `Category: storagelink; scheme="${INFRA}"; class="kind"`, `X-OCCI-Attribute: occi.core.source="${bobCompute}"\nX-OCCI-Attribute: occi.core.target="${alice.storage}"`],
      ['/storagelink/', `Category: storagelink; scheme="${INFRA}"; class="kind"`, `X-OCCI-Attribute: occi.core.source="${alice.compute}"\nX-OCCI-Attribute: occi.core.target="${alice.storage}"`],
      ['/compute/', `Category: ${COMPUTE_KIND}`, `Link: <${alice.network}>; rel="${INFRA}network"; category="${ni}"`],
      ['/compute/', `Category: ${COMPUTE_KIND}`, `Link: <${alice.storage}>; rel="${INFRA}storage"; category="${sl}"`],
      [bobCompute, '', `Link: <${alice.storage}>; rel="${INFRA}storage"; category="${sl}"`],
      [bobCompute, '', `Link: <${s.url}${alice.network}>; rel="${INFRA}network"; category="${ni}"`],
    ];
    for (const [path, kind, rest] of attempts) {
      const r = await s.request('POST', path, { token: BOB, headers: PLAIN, body: `${kind}\n${rest}\n` });
      refused(r, [400, 404], `POST ${path} with ${rest}`, true);
    }
    const jsonLink = await s.request('POST', '/storagelink/', {
      token: BOB,
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({ kind: sl, source: { location: bobCompute }, target: { location: alice.storage, kind: `${INFRA}storage` } }),
    });
    refused(jsonLink, [400, 404], 'JSON storagelink to alice\'s storage', true);
    assert.deepEqual(locations((await s.request('GET', '/link/', { token: BOB })).body), [], 'bob has no links at all');
    assert.deepEqual(locations((await s.request('GET', '/compute/', { token: BOB })).body).map(pathOf), [bobCompute], 'no compute was created');
  });

  test("bob cannot tag alice's entities with his mixin, nor use hers (R95, R101, D39)", async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const byHeader = await s.request(method, '/btag/', { token: BOB, headers: { 'X-OCCI-Location': alice.compute } });
      refused(byHeader, [404], `${method} /btag/ with alice's compute`, true);
      const byList = await s.request(method, '/btag/', { token: BOB, headers: { 'Content-Type': 'text/uri-list' }, body: `${bobCompute}\n${alice.nic}\n` });
      refused(byList, [404], `${method} /btag/ listing alice's link`, true);
      const json = await s.request(method, '/btag/', { token: BOB, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify([`${s.url}${alice.storage}`]) });
      refused(json, [404], `${method} /btag/ with alice's storage in JSON`, true);
    }
    // One unknown URL changes nothing (R101): bob's own compute was not tagged either.
    assert.deepEqual(locations((await s.request('GET', '/btag/', { token: BOB })).body), []);
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      refused(await s.request(method, '/atag/', { token: BOB, headers: { 'X-OCCI-Location': bobCompute } }), [404], `${method} /atag/`, true);
    }
    refused(await s.request('POST', bobCompute, { token: BOB, headers: PLAIN, body: 'Category: atag; scheme="http://alice.example/#"; class="mixin"\n' }), [400], "tagging with alice's mixin", true);
    refused(await s.request('DELETE', '/-/', { token: BOB, headers: PLAIN, body: 'Category: atag; scheme="http://alice.example/#"; class="mixin"\n' }), [404], "deleting alice's mixin", true);
    const discovery = await s.request('GET', '/-/', { token: BOB });
    assert.ok(!discovery.body.includes('alice.example') && !discovery.body.includes(alice.savedImage), "discovery shows none of alice's categories");
    const withImage = await s.request('POST', '/compute/', { token: BOB, headers: PLAIN, body: `Category: ${COMPUTE_KIND}\nCategory: ${alice.savedImage}; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"\n` });
    refused(withImage, [400], "creating from alice's saved image");
  });

  test("collection-wide actions and deletes touch only bob's entities (R75, R84)", async () => {
    const stop = await s.request('POST', '/compute/?action=stop', { token: BOB, headers: PLAIN, body: `Category: stop; scheme="${ACTIONS}"; class="action"\n` });
    refused(stop, [200], 'stop every compute');
    assert.deepEqual(locations(stop.body).map(pathOf), [bobCompute]);
    const deleted = await s.request('DELETE', '/compute/', { token: BOB, headers: { 'X-OCCI-Location': alice.compute } });
    refused(deleted, [200, 404], "DELETE /compute/ naming alice's compute", true);
    const deletedAll = await s.request('DELETE', '/storage/', { token: BOB });
    refused(deletedAll, [200], 'DELETE /storage/');
    const removed = await s.request('DELETE', '/btag/', { token: BOB });
    refused(removed, [200], 'DELETE /btag/ (untag every member)');
  });

  test("afterwards alice's world is exactly as it was, and the databases are consistent", async () => {
    const now = await snapshot();
    for (const [path, body] of aliceBefore) assert.equal(now.get(path), body, `alice's ${path} changed`);
    assert.deepEqual(brokenInvariants(s.dataDir), NOTHING_BROKEN);
  });
});
