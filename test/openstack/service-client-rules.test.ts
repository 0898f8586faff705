// The plumbing every OpenStack service client shares: the rules that mutants
// of src/backends/openstack/clients/service-client.ts got past in the first
// Stryker run over clients/ (docs/testing.md). Absolute and relative URLs, the
// extra headers of one call, members that must be there, 502s naming the path
// without its query, and paging: which link is "next", Glance's next paths
// under a versioned endpoint, the 50-page guard. A subclass opens the
// protected calls; a recording stand-in answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceClient } from '../../src/backends/openstack/clients/service-client.js';
import { recordingHttp, refusal, type Answer, type Call } from './recording-http.js';

class Open extends ServiceClient {
  get = <T>(path: string, extra?: Record<string, string>) => this.send<T>('GET', path, undefined, undefined, extra);
  doc = <T>(path: string) => this.json<T>('GET', path);
  memberOf = <T>(path: string, key: string) => this.member<T>('GET', path, key);
  one = <T>(path: string, key: string) => this.find<T>(path, key);
  all = <T>(path: string, key: string) => this.collect<T>(path, key);
}
const client = (answer: (c: Call) => Answer, base = 'https://cloud/compute/v2.1') => {
  const r = recordingHttp(answer);
  return { c: new Open(r.http, 'nova', base, 'tok', { 'OpenStack-API-Version': 'compute 2.93' }), calls: r.calls };
};

describe('openstack service client rules: requests', () => {
  it('a path is joined to the base even when its query holds a URL; an absolute URL is used as it is', async () => {
    const { c, calls } = client(() => ({ status: 200, body: {} }));
    await c.get('/servers?next=https://elsewhere/x');
    await c.get('http://other/servers');
    assert.deepEqual(calls.map((x) => x.url), ['https://cloud/compute/v2.1/servers?next=https://elsewhere/x', 'http://other/servers']);
  });

  it("one call's extra headers go with the client's own", async () => {
    const { c, calls } = client(() => ({ status: 200, body: {} }));
    await c.get('/servers', { 'X-One': '1' });
    assert.deepEqual(calls[0]!.headers, { 'OpenStack-API-Version': 'compute 2.93', 'X-One': '1' });
  });

  it('an empty answer, a member absent or null, an item absent or null: 502s naming the path without its query', async () => {
    const answering = (body: unknown) => client(() => ({ status: 200, body })).c;
    assert.equal((await refusal(answering(undefined).doc('/servers?all=1'))).message, 'nova sent an empty answer to GET /servers');
    for (const body of [{}, { server: null }]) {
      const m = await refusal(answering(body).memberOf('/servers/1?x=y', 'server'));
      assert.deepEqual([m.status, m.message], [502, "nova answered GET /servers/1 without 'server'"]);
      const f = await refusal(answering(body).one('/servers/1?x=y', 'server'));
      assert.deepEqual([f.status, f.message], [502, "nova answered GET /servers/1 without 'server'"]);
    }
    assert.equal(await client(() => ({ status: 404 })).c.one('/servers/1', 'server'), undefined);
  });
});

describe('openstack service client rules: paging', () => {
  it("a page that is not a list is a 502 naming the path", async () => {
    const e = await refusal(client(() => ({ status: 200, body: { servers: { id: 1 } } })).c.all('/servers/detail?limit=2', 'servers'));
    assert.deepEqual([e.status, e.message], [502, "nova answered GET /servers/detail without a 'servers' list"]);
  });

  it('only the link whose rel is next is followed, among junk, null and self links; no next link ends the listing', async () => {
    const { c, calls } = client((x) =>
      x.url.endsWith('marker=1')
        ? { status: 200, body: { servers: [{ id: 2 }], servers_links: [null, 'junk', { rel: 'self', href: 'https://cloud/compute/v2.1/servers' }] } }
        : { status: 200, body: { servers: [{ id: 1 }], servers_links: [null, 'junk', { rel: 'self', href: 'https://cloud/compute/v2.1/servers' }, { rel: 'next', href: 'https://cloud/compute/v2.1/servers?marker=1' }] } },
    );
    assert.deepEqual(await c.all('/servers', 'servers'), [{ id: 1 }, { id: 2 }]);
    assert.equal(calls.length, 2);
  });

  it("Glance's next path is followed under the endpoint's own path, whatever the version's digits; an absolute one as it is", async () => {
    for (const version of ['v2', 'v2.0', 'v10', 'v2.10']) {
      const { c, calls } = client(
        (x) => ({ status: 200, body: { images: [], ...(x.url.includes('marker') ? {} : { next: `/${version}/images?marker=a` }) } }),
        `http://host/image/${version}`,
      );
      await c.all('/images', 'images');
      assert.equal(calls[1]!.url, `http://host/image/${version}/images?marker=a`, version);
    }
    const prefixed = client((x) => ({ status: 200, body: { images: [], ...(x.url.includes('marker') ? {} : { next: '/v2/images?marker=a' }) } }), 'http://host/v1/image/v2');
    await prefixed.c.all('/images', 'images');
    assert.equal(prefixed.calls[1]!.url, 'http://host/v1/image/v2/images?marker=a', 'only the version at the end of the endpoint is taken off');
    const { c, calls } = client((x) => ({ status: 200, body: { images: [], ...(x.url.includes('marker') ? {} : { next: 'http://glance/v2/images?marker=a' }) } }), 'http://host/image/v2');
    await c.all('/images', 'images');
    assert.equal(calls[1]!.url, 'http://glance/v2/images?marker=a');
  });

  it('a cloud whose next link never ends is read for 50 pages, then the listing stops', async () => {
    const { c, calls } = client(() => ({ status: 200, body: { servers: [{ id: 1 }], servers_links: [{ rel: 'next', href: 'https://cloud/compute/v2.1/servers?marker=1' }] } }));
    assert.equal((await c.all('/servers', 'servers')).length, 50);
    assert.equal(calls.length, 50);
  });
});
