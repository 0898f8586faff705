// Filtering (spec §3.4, §3.8; R27, R112–R114, D6): the 1.2 query-interface
// filter answers the categories related to the one given; filters may also
// travel as query parameters (our extension, docs/decisions.md), and one the
// server cannot read is a 400, never silently ignored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE_KIND, entityPath, INFRA, locations, pathOf, startServer, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain' };
const OS_TPL = `${INFRA}os_tpl`;
const JSON_ACCEPT = { Accept: 'application/occi+json' };

describe('filters on the query interface and on collections', () => {
  let s: TestServer;
  const vms: Record<string, string> = {};
  before(async () => {
    s = await startServer();
    for (const [title, os] of [['web1', 'Debian'], ['web2', 'Debian'], ['db1', 'Ubuntu']] as const) {
      const r = await s.request('POST', '/compute/', {
        headers: PLAIN,
        body: `Category: ${COMPUTE_KIND}\nCategory: ${os}; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"\nX-OCCI-Attribute: occi.core.title="${title}"\n`,
      });
      assert.equal(r.status, 201, r.body);
      vms[title] = pathOf(r.headers.location!);
    }
  });
  after(() => s.close());

  const terms = (body: string): string[] => body.trim().split('\n').filter(Boolean).map((l) => l.split(';')[0]!.replace('Category: ', ''));

  test('1.2 relation filter: os_tpl answers itself and every OS template; resource_tpl likewise; a kind its actions', async () => {
    const os = await s.request('GET', '/-/', { headers: { Category: `os_tpl; scheme="${INFRA}"; class="mixin"` } });
    assert.deepEqual(terms(os.body), ['os_tpl', 'Debian', 'Ubuntu', 'CentOS']);
    const sizes = await s.request('GET', '/-/', { headers: { Category: `resource_tpl; scheme="${INFRA}"; class="mixin"` } });
    assert.equal(terms(sizes.body)[0], 'resource_tpl');
    assert.deepEqual(terms(sizes.body).slice(1).sort(), ['C1R1024D10', 'C1R2048D20', 'C2R2048D20', 'C2R4096D40', 'C4R4096D40', 'C4R8192D80', 'C8R16384D160']);
    const network = await s.request('GET', '/-/', { headers: { Category: `network; scheme="${INFRA}"; class="kind"` } });
    assert.deepEqual(terms(network.body), ['network', 'up', 'down']);
    const both = await s.request('GET', '/-/', { headers: { Category: [`network; scheme="${INFRA}"`, 'Debian; scheme='] } });
    assert.deepEqual(terms(both.body), ['network', 'Debian', 'up', 'down'], 'several filters: their union, in catalogue order');
  });

  test('?category= on /-/ does the same, by type id or by term, in JSON too', async () => {
    const byId = await s.request('GET', `/-/?category=${encodeURIComponent(OS_TPL)}`);
    assert.deepEqual(terms(byId.body), ['os_tpl', 'Debian', 'Ubuntu', 'CentOS']);
    const json = (await s.request('GET', '/-/?category=os_tpl', { headers: JSON_ACCEPT })).json();
    assert.deepEqual(json.mixins.map((m: { term: string }) => m.term), ['os_tpl', 'Debian', 'Ubuntu', 'CentOS']);
    assert.deepEqual([json.kinds, json.actions], [[], []]);
    const all = await s.request('GET', '/-/');
    assert.ok(terms(all.body).length > 20, 'no filter: everything, not the cached filtered answer');
  });

  test('?category= and ?attribute= on a collection: all must hold, in every rendering', async () => {
    const one = await s.request('GET', '/compute/?attribute=occi.core.title=web1');
    assert.deepEqual(locations(one.body).map(pathOf), [vms.web1]);
    const debian = await s.request('GET', '/compute/?category=Debian');
    assert.deepEqual(locations(debian.body).map(pathOf).sort(), [vms.web1, vms.web2].sort());
    const and = await s.request('GET', '/compute/?category=Ubuntu&attribute=occi.core.title%3D%22web1%22');
    assert.deepEqual(locations(and.body), [], 'Ubuntu and web1: none');
    const json = (await s.request('GET', '/compute/?category=Ubuntu', { headers: JSON_ACCEPT })).json();
    assert.deepEqual(json.resources.map(entityPath), [vms.db1]);
    const header = await s.request('GET', '/compute/?category=Debian', { headers: { 'X-OCCI-Attribute': 'occi.core.title="web2"' } });
    assert.deepEqual(locations(header.body).map(pathOf), [vms.web2], 'query and header filters combine');
  });

  test('a filter the server cannot read is a 400 naming it, never ignored', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/compute/?foo=1', /unknown query parameter "foo" .*takes category, attribute, page, number/],
      ['/compute/?atribute=occi.core.title=x', /unknown query parameter "atribute" for GET here: did you mean attribute\? It takes category, attribute, page, number/],
      ['/-/?foo=1', /unknown query parameter "foo".*takes category/],
      ['/-/?attribute=occi.core.title=x', /unknown query parameter "attribute"/],
      ['/-/?page=1&number=2', /unknown query parameter "page"/],
      ['/compute/?category=', /category= is neither a term/],
      ['/compute/?category=not%20a%20term', /neither a term .*nor a type identifier/],
      ['/compute/?attribute=occi.core.title', /expected name=value/],
      ['/compute/?attribute=bad%20name=1', /invalid attribute name/],
      ['/compute/?attribute=occi.core.title=a&attribute=occi.core.title=b', /given twice/],
      ['/compute/?category=Debain', /unknown category/],
      [`${'/compute/'}?action=start`, /actions are triggered with POST/],
    ];
    for (const [path, why] of cases) {
      const r = await s.request('GET', path);
      assert.equal(r.status, 400, `${path}: ${r.status} ${r.body}`);
      assert.match(r.body, why, path);
    }
    const entity = await s.request('GET', `${vms.web1}?category=Debian`);
    assert.equal(entity.status, 400);
    assert.match(entity.body, /takes none/);
    const del = await s.request('DELETE', '/compute/?category=Debian');
    assert.equal(del.status, 400, 'a DELETE is never widened or narrowed by a parameter it does not take');
    assert.equal(locations((await s.request('GET', '/compute/')).body).length, 3, 'nothing deleted');
  });

  test('GET /os_tpl/: a family parent has no members, and the answer says where its family is', async () => {
    for (const accept of ['text/plain', 'application/occi+json']) {
      const r = await s.request('GET', '/os_tpl/', { headers: { Accept: accept } });
      assert.equal(r.status, 200);
      assert.match(String(r.headers['x-occi-note']), /os_tpl is the parent of the os_tpl family and has no members .*GET \/-\/\?category=os_tpl.*GET \/compute\/\?category=/);
    }
    assert.equal((await s.request('GET', '/os_tpl/')).body, '');
    assert.equal((await s.request('GET', '/templates/os/Debian/')).headers['x-occi-note'], undefined, 'a template itself lists its computes');
    assert.deepEqual(locations((await s.request('GET', '/templates/os/Debian/')).body).map(pathOf).sort(), [vms.web1, vms.web2].sort());
  });
});
