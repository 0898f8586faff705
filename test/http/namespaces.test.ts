// GET on the namespace paths (R76, R115, D16, D28) lists exactly the entities
// under them, in text and in JSON: / every entity, /resource/ every resource
// and no link, /link/ every link and no resource, each kind's collection only
// its kind. A path that silently drops links or storage fails here by name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOB, COMPUTE_KIND, INFRA, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };

/** The path of an entity as a JSON rendering names it: its kind's location and its id. */
const jsonPath = (e: { kind: string; id: string }): string => `/${e.kind.split('#')[1]}/${e.id.replace(/^urn:uuid:/, '')}`;

describe('namespace listings hold exactly their members', () => {
  let s: TestServer;
  const made: Record<string, string[]> = { compute: [], network: ['/network/public'], storage: [], networkinterface: [], storagelink: [] };

  async function create(path: string, lines: string[]): Promise<string> {
    const r = await s.request('POST', path, { headers: PLAIN, body: lines.join('\n') + '\n' });
    assert.equal(r.status, 201, r.body);
    return pathOf(r.headers.location!);
  }

  before(async () => {
    s = await startServer((c) => {
      c.local.bootMs = 0;
      c.local.actionMs = 0;
    });
    const network = await create('/network/', [`Category: network; scheme="${INFRA}"; class="kind"`]);
    const storage = await create('/storage/', [`Category: storage; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute: occi.storage.size=1']);
    const spare = await create('/storage/', [`Category: storage; scheme="${INFRA}"; class="kind"`, 'X-OCCI-Attribute: occi.storage.size=2']);
    made.network!.push(network);
    made.storage!.push(storage, spare);
    for (let i = 0; i < 2; i++) {
      const vm = await create('/compute/', [`Category: ${COMPUTE_KIND}`]);
      made.compute!.push(vm);
      const nic = await create('/networkinterface/', [
        `Category: networkinterface; scheme="${INFRA}"; class="kind"`,
        `X-OCCI-Attribute: occi.core.source="${vm}"`,
        `X-OCCI-Attribute: occi.core.target="${network}"`,
      ]);
      made.networkinterface!.push(nic);
    }
    const sl = await create('/storagelink/', [
      `Category: storagelink; scheme="${INFRA}"; class="kind"`,
      `X-OCCI-Attribute: occi.core.source="${made.compute![0]}"`,
      `X-OCCI-Attribute: occi.core.target="${storage}"`,
    ]);
    made.storagelink!.push(sl);
    // Bob's entities are in none of alice's listings.
    assert.equal((await s.request('POST', '/compute/', { token: BOB, headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n` })).status, 201);
  });
  after(() => s.close());

  /** Every link of alice's computes, the inline ones the embedded cloud made with them included. */
  async function linksOfComputes(): Promise<string[]> {
    const out: string[] = [];
    for (const vm of made.compute!) {
      const j = (await s.request('GET', vm, { headers: { Accept: 'application/occi+json' } })).json();
      for (const l of j.links ?? []) out.push(jsonPath(l));
    }
    return out;
  }

  async function members(path: string): Promise<{ text: string[]; json: string[] }> {
    const text = (await s.request('GET', path)).body;
    const doc = (await s.request('GET', path, { headers: { Accept: 'application/occi+json' } })).json();
    const jsonPaths = [...(doc.resources ?? []), ...(doc.links ?? [])].map(jsonPath);
    return { text: locations(text).map(pathOf).sort(), json: jsonPaths.sort() };
  }

  async function expectExactly(path: string, expected: string[]): Promise<void> {
    const got = await members(path);
    assert.deepEqual(got.text, [...expected].sort(), `${path} in text/plain`);
    assert.deepEqual(got.json, [...expected].sort(), `${path} in JSON`);
  }

  test('each kind lists its own entities and no other', async () => {
    const links = await linksOfComputes();
    for (const l of [...made.networkinterface!, ...made.storagelink!]) assert.ok(links.includes(l), `${l} is one of the computes' links`);
    await expectExactly('/compute/', made.compute!);
    await expectExactly('/network/', made.network!);
    await expectExactly('/storage/', made.storage!);
    await expectExactly('/networkinterface/', links.filter((l) => l.startsWith('/networkinterface/')));
    await expectExactly('/storagelink/', links.filter((l) => l.startsWith('/storagelink/')));
  });

  test('/resource/ is every resource and no link; /link/ every link and no resource; / both (D16)', async () => {
    const resources = [...made.compute!, ...made.network!, ...made.storage!];
    const links = await linksOfComputes();
    await expectExactly('/resource/', resources);
    await expectExactly('/link/', links);
    await expectExactly('/', [...resources, ...links]);
  });
});
