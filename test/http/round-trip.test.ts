// Full and partial update round trips (R61–R68), in text/plain, text/occi and
// JSON: a compute with a network interface and a storage link is read, its
// title edited, and the whole rendering sent back. The server recognises its
// action links and the links the compute owns and leaves them alone; adding
// (by PUT), changing or dropping a link is a 400 naming it and saying how.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { COMPUTE_KIND, eventually, headerValues, INFRA, pathOf, startServer, type Reply, type TestServer } from '../helpers/server.js';

const PLAIN = { 'Content-Type': 'text/plain', Accept: 'text/plain' };

/** A rendering as a client holds it: read, edited, sent back. */
interface Rendering {
  name: string;
  get(path: string): Promise<Reply>;
  /** The rendering with its title replaced, or with a link line/object passed through `edit` (undefined drops it). */
  edited(r: Reply, o: { title?: string; link?: (link: string, index: number) => string | undefined; extraLink?: string }): { headers: Record<string, string | string[]>; body?: string };
  links(r: Reply): string[];
  title(r: Reply): string | undefined;
}

const isOwnedLink = (value: string): boolean => !value.includes('?action=');

type Structure = { name: 'Category' | 'Link' | 'X-OCCI-Attribute'; value: string };

/** Applies a client's edits to the structures of a text rendering. */
function edit(structures: Structure[], o: Parameters<Rendering['edited']>[1]): Structure[] {
  let index = 0;
  const out: Structure[] = [];
  for (const st of structures) {
    if (st.name === 'Link' && isOwnedLink(st.value) && o.link) {
      const value = o.link(st.value, index++);
      if (value !== undefined) out.push({ name: 'Link', value });
    } else if (st.name === 'X-OCCI-Attribute' && o.title !== undefined) {
      out.push({ name: st.name, value: st.value.replace(/^occi\.core\.title=".*"$/, `occi.core.title="${o.title}"`) });
    } else out.push(st);
  }
  if (o.extraLink) out.push({ name: 'Link', value: o.extraLink });
  return out;
}

const RENDERINGS: Rendering[] = [];

function textPlain(s: () => TestServer): Rendering {
  const structures = (r: Reply): Structure[] =>
    r.body.split('\n').filter((l) => l !== '').map((l) => {
      const colon = l.indexOf(': ');
      return { name: l.slice(0, colon) as Structure['name'], value: l.slice(colon + 2) };
    });
  return {
    name: 'text/plain',
    get: (path) => s().request('GET', path, { headers: { Accept: 'text/plain' } }),
    edited: (r, o) => ({ headers: PLAIN, body: edit(structures(r), o).map((st) => `${st.name}: ${st.value}\n`).join('') }),
    links: (r) => structures(r).filter((st) => st.name === 'Link' && isOwnedLink(st.value)).map((st) => st.value),
    title: (r) => /^X-OCCI-Attribute: occi\.core\.title="(.*)"$/m.exec(r.body)?.[1],
  };
}

function textOcci(s: () => TestServer): Rendering {
  const NAMES = ['Category', 'Link', 'X-OCCI-Attribute'] as const;
  return {
    name: 'text/occi',
    get: (path) => s().request('GET', path, { headers: { Accept: 'text/occi' } }),
    edited(r, o) {
      const all = NAMES.flatMap((name) => headerValues(r.headers[name.toLowerCase()]).map((value) => ({ name, value })));
      const headers: Record<string, string | string[]> = { 'Content-Type': 'text/occi', Accept: 'text/occi' };
      for (const name of NAMES) {
        const values = edit(all, o).filter((st) => st.name === name).map((st) => st.value);
        if (values.length) headers[name] = values.join(', ');
      }
      return { headers };
    },
    links: (r) => headerValues(r.headers.link).filter(isOwnedLink),
    title: (r) => headerValues(r.headers['x-occi-attribute']).map((v) => /^occi\.core\.title="(.*)"$/.exec(v)?.[1]).find((t) => t !== undefined),
  };
}

function json(s: () => TestServer): Rendering {
  const JSON_IO = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };
  return {
    name: 'application/occi+json',
    get: (path) => s().request('GET', path, { headers: { Accept: 'application/occi+json' } }),
    edited(r, o) {
      const doc = r.json();
      if (o.title !== undefined) doc.title = o.title;
      if (o.link) {
        doc.links = (doc.links as object[])
          .map((l, i) => {
            const text = o.link!(JSON.stringify(l), i);
            return text === undefined ? undefined : JSON.parse(text);
          })
          .filter((l: unknown) => l !== undefined);
      }
      if (o.extraLink) doc.links.push(JSON.parse(o.extraLink));
      return { headers: JSON_IO, body: JSON.stringify(doc) };
    },
    links: (r) => (r.json().links ?? []).map((l: object) => JSON.stringify(l)),
    title: (r) => r.json().title,
  };
}

describe('round trips: a GET edited and sent back (R61–R68)', () => {
  let s: TestServer;
  let net: string;
  let storages: string[];
  before(async () => {
    s = await startServer();
    const made = async (path: string, body: string) => pathOf((await s.request('POST', path, { headers: PLAIN, body })).headers.location!);
    net = await made('/network/', `Category: network; scheme="${INFRA}"; class="kind"\n`);
    storages = [];
    for (let i = 0; i < 7; i++) storages.push(await made('/storage/', `Category: storage; scheme="${INFRA}"; class="kind"\nX-OCCI-Attribute: occi.storage.size=1.0\n`));
  });
  after(() => s.close());
  RENDERINGS.push(textPlain(() => s), textOcci(() => s), json(() => s));

  async function computeWithLinks(storage: string): Promise<string> {
    const r = await s.request('POST', '/compute/', {
      headers: PLAIN,
      body: [
        `Category: ${COMPUTE_KIND}`,
        `Link: <${net}>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
        `Link: <${storage}>; rel="${INFRA}storage"; category="${INFRA}storagelink"; occi.storagelink.mountpoint="/data"`,
        'X-OCCI-Attribute: occi.core.title="rt"',
      ].join('\n'),
    });
    assert.equal(r.status, 201, r.body);
    const path = pathOf(r.headers.location!);
    await eventually(() => s.request('GET', path), (g) => g.body.includes('occi.compute.state.message="running"'));
    return path;
  }

  for (const [i, pick] of [0, 1, 2].entries()) {
    test(`${['text/plain', 'text/occi', 'application/occi+json'][pick]}: PUT and POST of the edited GET are accepted; links stay as they are`, async () => {
      const d = RENDERINGS[pick]!;
      const vm = await computeWithLinks(storages[i]!);
      const first = await d.get(vm);
      assert.equal(d.links(first).length, 2);

      const put = await s.request('PUT', vm, d.edited(first, { title: 'renamed' }));
      assert.equal(put.status, 200, put.body);
      const afterPut = await d.get(vm);
      assert.equal(d.title(afterPut), 'renamed');
      assert.deepEqual(d.links(afterPut), d.links(first), 'the same links, unchanged');

      const post = await s.request('POST', vm, d.edited(afterPut, { title: 'again' }));
      assert.equal(post.status, 200, post.body);
      const afterPost = await d.get(vm);
      assert.equal(d.title(afterPost), 'again');
      assert.deepEqual(d.links(afterPost), d.links(first), 'a partial update repeating the links creates none');
    });

    test(`${['text/plain', 'text/occi', 'application/occi+json'][pick]}: a PUT that changes, drops or adds a link is a 400 naming it`, async () => {
      const d = RENDERINGS[pick]!;
      const vm = await computeWithLinks(storages[3 + i]!);
      const got = await d.get(vm);
      const storagelink = (l: string) => l.includes('storagelink');

      const changed = await s.request('PUT', vm, d.edited(got, { link: (l) => (storagelink(l) ? l.replace('/data', '/elsewhere') : l) }));
      assert.equal(changed.status, 400, changed.body);
      assert.match(changed.body, /Link .*\/storagelink\/[0-9a-f-]+ differs .*mountpoint.*own URL/);

      const dropped = await s.request('PUT', vm, d.edited(got, { link: (l) => (storagelink(l) ? undefined : l) }));
      assert.equal(dropped.status, 400, dropped.body);
      assert.match(dropped.body, /leaves out Link .*\/storagelink\/[0-9a-f-]+.*DELETE the link/);

      const extra = d.name === 'application/occi+json'
        ? JSON.stringify({ kind: `${INFRA}networkinterface`, target: { location: '/network/public' } })
        : `</network/public>; rel="${INFRA}network"; category="${INFRA}networkinterface"`;
      const added = await s.request('PUT', vm, d.edited(got, { extraLink: extra }));
      assert.equal(added.status, 400, added.body);
      assert.match(added.body, /a PUT cannot add links .*POST the Link to the entity/);

      const changedByPost = await s.request('POST', vm, d.edited(got, { link: (l) => (storagelink(l) ? l.replace('/data', '/elsewhere') : l) }));
      assert.equal(changedByPost.status, 400, changedByPost.body);
      assert.deepEqual(d.links(await d.get(vm)), d.links(got), 'nothing changed');

      const addedByPost = await s.request('POST', vm, d.edited(got, { extraLink: extra }));
      assert.equal(addedByPost.status, 200, addedByPost.body);
      assert.equal(d.links(await d.get(vm)).length, 3, 'a partial update adds the new link only');
    });
  }

  test('a link entity sent back as it was read is accepted, in each rendering', async () => {
    const vm = await computeWithLinks(storages[6]!);
    const link = /self="([^"]*storagelink[^"]*)"/.exec((await s.request('GET', vm)).body)![1]!;
    for (const d of RENDERINGS) {
      const got = await d.get(pathOf(link));
      for (const method of ['PUT', 'POST']) {
        const r = await s.request(method, pathOf(link), d.edited(got, {}));
        assert.equal(r.status, 200, `${d.name} ${method}: ${r.body}`);
      }
    }
  });
});
