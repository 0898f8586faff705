// The same life of a compute, storage and link in each rendering: text/plain
// bodies, text/occi headers, and application/occi+json (R8, R10, R119).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { entityPath, eventually, headerValues, INFRA, pathOf, startServer, type Reply, type TestServer } from '../helpers/server.js';

const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';

interface Dialect {
  name: string;
  /** Request options carrying categories, attributes and links. */
  send(categories: string[], attributes: Record<string, string | number>, links?: string[], locations?: string[]): { headers: Record<string, string | string[]>; body?: string };
  /** Reads the state and title back from a GET answer. */
  read(r: Reply): { state?: string; title?: string; mixins: string[]; links: number };
  /** Locations listed in a collection answer (URLs, or paths where the rendering gives no URL). */
  list(r: Reply): string[];
}

const quote = (v: string | number): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

function textRead(lines: string[]): { state?: string; title?: string; mixins: string[]; links: number } {
  const attr = (n: string) => lines.find((l) => l.startsWith(`${n}=`))?.slice(n.length + 1).replace(/^"|"$/g, '');
  return {
    state: attr('occi.compute.state'),
    title: attr('occi.core.title'),
    mixins: lines.filter((l) => l.includes('class="mixin"')).map((l) => l.split(';')[0]),
    links: lines.filter((l) => l.startsWith('<') && !l.includes('?action=')).length,
  };
}

const DIALECTS: Dialect[] = [
  {
    name: 'text/plain',
    send: (cats, attrs, links = [], locs = []) => ({
      headers: { 'Content-Type': 'text/plain', Accept: 'text/plain' },
      body: [
        ...cats.map((c) => `Category: ${c}`),
        ...links.map((l) => `Link: ${l}`),
        ...Object.entries(attrs).map(([k, v]) => `X-OCCI-Attribute: ${k}=${quote(v)}`),
        ...locs.map((l) => `X-OCCI-Location: ${l}`),
      ].join('\n'),
    }),
    read: (r) => textRead(r.body.split('\n').map((l) => l.replace(/^(Category|Link|X-OCCI-Attribute): /, (m, name) => (name === 'Category' ? 'Category: ' : '')))
      .map((l) => (l.startsWith('Category: ') ? l.slice(10) : l))),
    list: (r) => r.body.split('\n').filter((l) => l.startsWith('X-OCCI-Location: ')).map((l) => l.slice(17)),
  },
  {
    name: 'text/occi',
    send: (cats, attrs, links = [], locs = []) => {
      const headers: Record<string, string | string[]> = { 'Content-Type': 'text/occi', Accept: 'text/occi' };
      if (cats.length) headers.Category = cats.join(', ');
      if (links.length) headers.Link = links.join(', ');
      const a = Object.entries(attrs).map(([k, v]) => `${k}=${quote(v)}`);
      if (a.length) headers['X-OCCI-Attribute'] = a;
      if (locs.length) headers['X-OCCI-Location'] = locs.join(', ');
      return { headers };
    },
    read: (r) => {
      assert.equal(r.body, 'OK');
      return textRead([...headerValues(r.headers.category), ...headerValues(r.headers.link), ...headerValues(r.headers['x-occi-attribute'])]);
    },
    list: (r) => headerValues(r.headers['x-occi-location']),
  },
  {
    name: 'application/occi+json',
    send: (cats, attrs, links = [], locs = []) => {
      const headers = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };
      const ids = cats.map((c) => {
        const term = c.split(';')[0].trim();
        const scheme = /scheme="([^"]*)"/.exec(c)?.[1] ?? '';
        const cls = /class="([^"]*)"/.exec(c)?.[1];
        return { id: scheme + term, cls };
      });
      if (locs.length) return { headers, body: JSON.stringify(locs) };
      const action = ids.find((i) => i.cls === 'action');
      if (action) return { headers, body: JSON.stringify({ action: action.id, attributes: attrs }) };
      const kind = ids.find((i) => i.cls === 'kind');
      const body: Record<string, unknown> = { attributes: attrs, mixins: ids.filter((i) => i.cls === 'mixin').map((i) => i.id) };
      if (kind) body.kind = kind.id;
      if (links.length) body.links = links.map((l) => ({ target: { location: /<([^>]+)>/.exec(l)![1] } }));
      return { headers, body: JSON.stringify(body) };
    },
    read: (r) => {
      const j = r.json();
      return { state: j.attributes?.['occi.compute.state'], title: j.title, mixins: (j.mixins ?? []).map((m: string) => m.split('#')[1]), links: (j.links ?? []).length };
    },
    // A JSON entity's URL follows from its kind and id (docs/decisions.md).
    list: (r) => (r.json().resources ?? r.json().links ?? []).map((e: { kind: string; id: string }) => entityPath(e)),
  },
];

describe('one life in every rendering', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
    const def = 'Category: gold; scheme="http://example.com/tiers#"; class="mixin"; location="/tiers/gold/"\n';
    assert.equal((await s.request('POST', '/-/', { headers: { 'Content-Type': 'text/plain' }, body: def })).status, 200);
  });
  after(() => s.close());

  for (const d of DIALECTS) {
    test(`${d.name}: create with a link, retrieve, update, act, tag, list, delete`, async () => {
      const go = (method: string, path: string, o: ReturnType<Dialect['send']>) => s.request(method, path, o);
      const created = await go('POST', '/compute/', d.send(
        [`compute; scheme="${INFRA}"; class="kind"`, 'Ubuntu; scheme="http://schemas.snf-occi.org/occi/os_tpl#"; class="mixin"'],
        { 'occi.core.title': `vm ${d.name}`, 'occi.compute.hostname': 'r.example.org' },
        [`</network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`],
      ));
      assert.equal(created.status, 201, created.body);
      const path = pathOf(created.headers.location!);
      const get = () => s.request('GET', path, d.send([], {}));
      const seen = d.read(await eventually(get, (r) => d.read(r).state === 'active'));
      assert.equal(seen.state, 'active');
      assert.equal(seen.title, `vm ${d.name}`);
      assert.ok(seen.mixins.includes('Ubuntu'), JSON.stringify(seen));
      assert.equal(seen.links, 1);

      const updated = await go('POST', path, d.send([], { 'occi.core.title': 'renamed' }));
      assert.equal(updated.status, 200, updated.body);
      assert.equal(d.read(updated).title, 'renamed');

      const stopped = await go('POST', `${path}?action=stop`, d.send([`stop; scheme="${ACTIONS}"; class="action"`], { method: 'graceful' }));
      assert.equal(stopped.status, 200, stopped.body);
      assert.equal(d.read(await eventually(get, (r) => d.read(r).state === 'inactive')).state, 'inactive');

      const tagged = await go('POST', '/tiers/gold/', d.send([], {}, [], [created.headers.location!]));
      assert.equal(tagged.status, 200, tagged.body);
      assert.ok(d.read(await get()).mixins.includes('gold'));
      const members = await s.request('GET', '/tiers/gold/', d.send([], {}));
      const paths = (r: Reply): string[] => d.list(r).map((l) => new URL(l, s.url).pathname);
      assert.ok(paths(members).includes(path), d.name);

      const all = await s.request('GET', '/compute/', d.send([], {}));
      assert.ok(paths(all).includes(path));

      assert.equal((await go('DELETE', path, d.send([], {}))).status, 200);
      assert.equal((await get()).status, 404);
    });
  }
});
