// Request bodies that list entities (spec §3.6.4, §3.6.6, R95–R101, D20):
// JSON members named by kind and id count like locations; a body that names
// nothing never widens to the whole collection; refused batches change nothing;
// the parents of the template families take no members (§1.5).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attribute, COMPUTE_KIND, INFRA, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_TYPE = { 'Content-Type': 'application/occi+json' };
const TAG = 'Category: crew; scheme="http://example.com/tags#"; class="mixin"; location="/tags/crew/"\n';

describe('entity listings in request bodies', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
    assert.equal((await s.request('POST', '/-/', { headers: PLAIN, body: TAG })).status, 200);
  });
  after(() => s.close());

  async function compute(extra = ''): Promise<string> {
    const r = await s.request('POST', '/compute/', { headers: PLAIN, body: `Category: ${COMPUTE_KIND}\n${extra}` });
    assert.equal(r.status, 201, r.body);
    return r.headers.location!;
  }
  const idOf = async (url: string): Promise<string> => JSON.parse(attribute((await s.request('GET', pathOf(url))).body, 'occi.core.id')!);
  const member = async (url: string) => ({ kind: `${INFRA}compute`, id: await idOf(url) });
  const exists = async (url: string): Promise<boolean> => (await s.request('GET', pathOf(url))).status === 200;
  const crew = async (): Promise<string[]> => locations((await s.request('GET', '/tags/crew/')).body).sort();

  test('§3.6.4 a JSON member named by kind and occi.core.id deletes that entity only', async () => {
    const [one, two] = [await compute(), await compute()];
    const r = await s.request('DELETE', '/compute/', { headers: JSON_TYPE, body: JSON.stringify({ resources: [await member(one)] }) });
    assert.equal(r.status, 200, r.body);
    assert.equal(await exists(one), false);
    assert.equal(await exists(two), true, 'the other compute stays');
  });

  test('a DELETE body that names no entity is a 400 and deletes nothing', async () => {
    const keep = await compute();
    const bodies: Array<[Record<string, string>, string]> = [
      [PLAIN, 'X-OCCI-Attribute: occi.core.title="k1"\n'],
      [JSON_TYPE, JSON.stringify({ resources: [{ kind: `${INFRA}compute`, title: 'no id' }] })],
      [JSON_TYPE, JSON.stringify({ resources: [{ kind: `${INFRA}compute`, id: 'urn:uuid:not a uuid/..' }] })],
    ];
    for (const [headers, body] of bodies) {
      const r = await s.request('DELETE', '/compute/', { headers, body });
      assert.equal(r.status, 400, `${body} → ${r.status}`);
      assert.match(r.body, /names no entity/);
      const untag = await s.request('DELETE', '/tags/crew/', { headers, body });
      assert.equal(untag.status, 400, `untag ${body} → ${untag.status}`);
    }
    assert.equal(await exists(keep), true);
  });

  test('text/occi filter headers without locations still mean the whole filtered collection (R112)', async () => {
    const [tagged, plain] = [await compute(), await compute()];
    assert.equal((await s.request('POST', '/tags/crew/', { headers: PLAIN, body: `X-OCCI-Location: ${tagged}\n` })).status, 200);
    const r = await s.request('DELETE', '/compute/', { headers: { 'Content-Type': 'text/occi', Category: 'crew; scheme="http://example.com/tags#"; class="mixin"' } });
    assert.equal(r.status, 200, r.body);
    assert.equal(await exists(tagged), false);
    assert.equal(await exists(plain), true);
  });

  test('R97 PUT with JSON members by id sets the membership to exactly them; DELETE by id untags one (D20)', async () => {
    const [a, b, c] = [await compute(), await compute(), await compute()];
    assert.equal((await s.request('POST', '/tags/crew/', { headers: PLAIN, body: `X-OCCI-Location: ${a}\nX-OCCI-Location: ${b}\n` })).status, 200);
    const put = await s.request('PUT', '/tags/crew/', { headers: JSON_TYPE, body: JSON.stringify({ resources: [await member(b), await member(c)] }) });
    assert.equal(put.status, 200, put.body);
    assert.deepEqual(await crew(), [b, c].sort());
    const del = await s.request('DELETE', '/tags/crew/', { headers: JSON_TYPE, body: JSON.stringify({ resources: [await member(c)] }) });
    assert.equal(del.status, 200, del.body);
    assert.deepEqual(await crew(), [b]);
    const post = await s.request('POST', '/tags/crew/', { headers: JSON_TYPE, body: JSON.stringify({ resources: [await member(a)] }) });
    assert.equal(post.status, 200, post.body);
    assert.deepEqual(await crew(), [a, b].sort());
  });

  test('R101 a PUT on a template location that would strip templates is refused before any change', async () => {
    const big = await compute('Category: C2R2048D20; scheme="http://schemas.snf-occi.org/occi/resource_tpl#"; class="mixin"\n');
    const small = await compute('Category: C1R1024D10; scheme="http://schemas.snf-occi.org/occi/resource_tpl#"; class="mixin"\n');
    const r = await s.request('PUT', '/templates/resource/C1R1024D10/', { headers: PLAIN, body: `X-OCCI-Location: ${big}\n` });
    assert.equal(r.status, 400, r.body);
    assert.match(r.body, /cannot lose its template/);
    assert.equal(attribute((await s.request('GET', pathOf(big))).body, 'occi.compute.cores'), '2', 'the listed compute was not resized');
    assert.equal(attribute((await s.request('GET', pathOf(small))).body, 'occi.compute.cores'), '1');
  });

  test('§1.5 the parents of the template and placement families take no members: 400', async () => {
    const vm = await compute();
    for (const parent of ['/os_tpl/', '/resource_tpl/', '/availability_zone/', '/security_group/']) {
      const r = await s.request('POST', parent, { headers: PLAIN, body: `X-OCCI-Location: ${vm}\n` });
      assert.equal(r.status, 400, `${parent} → ${r.status} ${r.body}`);
      assert.match(r.body, /names the family/);
    }
    const update = await s.request('POST', pathOf(vm), { headers: PLAIN, body: `Category: os_tpl; scheme="${INFRA}"; class="mixin"\n` });
    assert.equal(update.status, 400, update.body);
    assert.match(update.body, /names the family of os_tpl mixins/);
  });
});
