// snf-occi over HTTP on the OpenStack backend, against a real cloud
// (openstack-lite): the original's requests, and a compute's life with a
// network link and a volume, in text/plain, text/occi and JSON; tenants
// apart; nothing left behind. Runs only with OS_AUTH_URL set:
//   . /var/lib/openstack-lite/demo-openrc && npm run build && node --test dist/test/openstack/http.test.js
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attribute, entityPath, eventually, INFRA, locations, pathOf, type Reply, type TestServer } from '../helpers/server.js';
import { altAccount, osGet, osSend, passwordToken, primaryAccount, SKIP_MESSAGE, type Token } from './os-env.js';
import { sharedNetworkPath, startOnOpenStack } from './occi-server.js';

const demo = primaryAccount();
const alt = altAccount();
const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
const PLAIN = { 'Content-Type': 'text/plain' };
const JSON_TYPE = { 'Content-Type': 'application/occi+json', Accept: 'application/occi+json' };
const RUN = `http${Date.now().toString(36)}`;

if (!demo || !alt) {
  it('OpenStack over HTTP', (t) => {
    t.skip(SKIP_MESSAGE);
  });
} else {
  describe('snf-occi over HTTP on a real OpenStack', () => {
    let s: TestServer;
    let tok: Token;
    let altTok: Token;
    let shared: string;
    const made: string[] = [];

    before(async () => {
      [tok, altTok] = await Promise.all([passwordToken(demo), passwordToken(alt)]);
      s = await startOnOpenStack(demo);
      shared = await sharedNetworkPath(s, tok.token);
    });

    after(async () => {
      for (const path of made.reverse()) await req('DELETE', path).catch(() => undefined);
      await s.close();
    });

    const req = (method: string, path: string, o: { headers?: Record<string, string | string[]>; body?: string; token?: string } = {}): Promise<Reply> =>
      s.request(method, path, { headers: o.headers, body: o.body, token: o.token ?? tok.token });
    const state = (r: Reply): string | undefined => attribute(r.body, 'occi.compute.state');
    const untilState = (path: string, want: string) => eventually(() => req('GET', path), (r) => state(r) === `"${want}"`, 60_000);

    it('discovery lists the cloud templates as os_tpl and resource_tpl mixins', async () => {
      const r = await req('GET', '/-/');
      assert.equal(r.status, 200);
      assert.match(r.body, /^Category: tiny; scheme="[^"]+"; class="mixin".*rel="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#os_tpl"/m);
      assert.match(r.body, /^Category: m1\.nano; scheme="[^"]+"; class="mixin".*rel="http:\/\/schemas\.ogf\.org\/occi\/infrastructure#resource_tpl"/m);
    });

    it('DELETE /-/ of a template the project does not own is a 403 saying whose it is, and the template stays (issue 8)', async () => {
      const tiny = /^Category: tiny; scheme="([^"]+)"/m.exec((await req('GET', '/-/')).body)?.[1];
      assert.ok(tiny, 'the template tiny is listed');
      const r = await req('DELETE', '/-/', { headers: PLAIN, body: `Category: tiny; scheme="${tiny}"; class="mixin"\n` });
      assert.equal(r.status, 403, r.body);
      assert.match(r.body, /template tiny is a public image owned by project [0-9a-f]+, not yours/);
      assert.match((await req('GET', '/-/')).body, /^Category: tiny; /m);
    });

    it('no token → 401 with the Keystone challenge', async () => {
      const r = await s.request('GET', '/-/', { token: null });
      assert.equal(r.status, 401);
      assert.match(String(r.headers['www-authenticate']), /^Keystone uri=/);
    });

    it('the original request, with empty schemes and the original Auth-Token header', async () => {
      const r = await s.request('POST', '/compute/', {
        token: null,
        headers: {
          Category: ['compute; scheme=;  class="kind";', 'm1.nano; scheme=; ', 'tiny; scheme=;'],
          'X-OCCI-Attribute': `occi.core.title = ${RUN}-orig`,
          'Auth-Token': tok.token,
          'Content-type': 'text/occi',
        },
      });
      assert.equal(r.status, 201, r.body);
      const path = pathOf(r.headers.location!);
      made.push(path);
      const active = await untilState(path, 'active');
      assert.equal(attribute(active.body, 'occi.core.title'), `"${RUN}-orig"`);
      assert.equal(attribute(active.body, 'occi.compute.cores'), '1');
      assert.equal((await req('DELETE', path)).status, 200);
      made.pop();
      assert.equal((await req('GET', path)).status, 404);
    });

    it('text/plain: a compute on the shared network goes through stop, start and restart; another project sees 404', async () => {
      const created = await req('POST', '/compute/', {
        headers: PLAIN,
        body: [
          `Category: compute; scheme="${INFRA}"; class="kind"`,
          'Category: tiny; scheme=;',
          'Category: m1.nano; scheme=;',
          `X-OCCI-Attribute: occi.core.title="${RUN}-text"`,
          `Link: <${shared}>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
        ].join('\n'),
      });
      assert.equal(created.status, 201, created.body);
      const path = pathOf(created.headers.location!);
      made.push(path);
      const active = await untilState(path, 'active');
      assert.match(active.body, new RegExp(`^Link: <[^>]*${shared}>; rel="${INFRA}network"; self="[^"]+networkinterface/`, 'm'));
      assert.match(active.body, /occi\.networkinterface\.address="192\.0\.2\.\d+"/);
      assert.match(active.body, /occi\.networkinterface\.gateway="192\.0\.2\.1"/, 'the gateway of the shared subnet');
      assert.equal((await req('GET', path, { token: altTok.token })).status, 404);
      assert.ok(!locations((await req('GET', '/compute/', { token: altTok.token })).body).some((l) => l.endsWith(path)));
      const act = (term: string, method?: string, token?: string) =>
        req('POST', `${path}?action=${term}`, {
          token,
          headers: PLAIN,
          body: `Category: ${term}; scheme="${ACTIONS}"; class="action"\n${method ? `X-OCCI-Attribute: method="${method}"\n` : ''}`,
        });
      const id = path.slice(path.lastIndexOf('/') + 1);
      const refused = await act('start');
      assert.equal(refused.status, 409, 'start while active');
      assert.match(refused.body, /cannot start compute \S+ while it is active; allowed now: stop, restart, suspend, save/);
      assert.equal((await act('stop', 'graceful')).status, 200);
      assert.equal(state(await untilState(path, 'inactive')), '"inactive"');
      // Another client starts it straight through Nova: the state the stop saw is no longer true (issue 7).
      assert.equal((await osSend(tok, 'POST', `${tok.endpoints.compute}/servers/${id}/action`, { 'os-start': null })).status, 202);
      await eventually(
        () => osGet<{ server: { status: string; 'OS-EXT-STS:task_state': string | null } }>(tok, `${tok.endpoints.compute}/servers/${id}`),
        (s) => s.server.status === 'ACTIVE' && !s.server['OS-EXT-STS:task_state'],
        60_000,
      );
      const stale = await act('start');
      assert.equal(stale.status, 409, `start of a compute another client started: ${stale.body}`);
      // Refused from Nova's fresh answer (its status said too) or, once the remembered state has expired on a
      // slow machine, by the state read afresh before the action: a 409 naming the state and the choices either way.
      assert.match(stale.body, /cannot start compute \S+ while it is active( \(ACTIVE\))?; allowed now: stop, restart, suspend, save/);
      assert.equal((await act('stop', 'graceful')).status, 200);
      assert.equal((await act('start', undefined, altTok.token)).status, 404, 'another project cannot act on it, right after this one did');
      const started = await act('start');
      assert.equal(started.status, 200, started.body);
      assert.equal(state(started), '"active"', 'the answer shows the new state');
      assert.match(started.body, /occi\.networkinterface\.address="192\.0\.2\.\d+"/, 'and the links, read while Nova acted');
      assert.equal((await act('restart', 'warm')).status, 200);
      assert.equal(state(await untilState(path, 'active')), '"active"');
    });

    it('JSON: a volume is created, attached to a compute by a storagelink, detached and deleted', async () => {
      const vm = await req('POST', '/compute/', {
        headers: JSON_TYPE,
        body: JSON.stringify({ kind: `${INFRA}compute`, mixins: [], title: `${RUN}-json`, attributes: {} }),
      });
      // No templates named: the OpenStack backend needs them and says which.
      assert.equal(vm.status, 400, vm.body);
      assert.match(vm.json().error.message, /os_tpl|resource_tpl|image|flavor/);
      const disco = (await req('GET', '/-/', { headers: { Accept: 'application/occi+json' } })).json();
      const id = (term: string) => {
        const m = disco.mixins.find((x: { term: string }) => x.term === term);
        return m.scheme + m.term;
      };
      const created = await req('POST', '/compute/', {
        headers: JSON_TYPE,
        body: JSON.stringify({ kind: `${INFRA}compute`, mixins: [id('tiny'), id('m1.nano')], title: `${RUN}-json` }),
      });
      assert.equal(created.status, 201, created.body);
      const vmPath = pathOf(created.headers.location!);
      made.push(vmPath);
      const vol = await req('POST', '/storage/', { headers: JSON_TYPE, body: JSON.stringify({ kind: `${INFRA}storage`, title: `${RUN}-vol`, attributes: { 'occi.storage.size': 1 } }) });
      assert.equal(vol.status, 201, vol.body);
      const volPath = pathOf(vol.headers.location!);
      made.push(volPath);
      await eventually(() => req('GET', volPath), (r) => attribute(r.body, 'occi.storage.state') === '"online"', 60_000);
      await untilState(vmPath, 'active');
      const link = await req('POST', '/storagelink/', {
        headers: JSON_TYPE,
        body: JSON.stringify({ kind: `${INFRA}storagelink`, source: { location: vmPath }, target: { location: volPath } }),
      });
      assert.equal(link.status, 201, link.body);
      const linkJson = link.json();
      assert.ok(linkJson.target.location.endsWith(volPath));
      assert.match(String(linkJson.attributes['occi.storagelink.deviceid']), /^\/dev\//);
      const withLink = (await req('GET', vmPath, { headers: { Accept: 'application/occi+json' } })).json();
      assert.ok(withLink.links.some((l: { kind: string }) => l.kind === `${INFRA}storagelink`));
      assert.equal((await req('DELETE', entityPath(linkJson))).status, 200);
      await eventually(() => req('GET', volPath), (r) => !r.body.includes('in-use'), 60_000);
      assert.equal((await req('DELETE', vmPath)).status, 200);
      made.splice(made.indexOf(vmPath), 1);
      assert.equal((await req('DELETE', volPath)).status, 200);
      made.splice(made.indexOf(volPath), 1);
      // Gone for OCCI once Nova reads it DELETED; Nova lists it until it has finished its own work (a moment
      // later), so the listings are read until then.
      const left = await eventually(() => osGet<{ volumes: { name: string }[] }>(tok, `${tok.endpoints.volumev3}/volumes`), (l) => !l.volumes.some((v) => v.name?.startsWith(RUN)), 30_000);
      assert.ok(!left.volumes.some((v) => v.name?.startsWith(RUN)), 'no volume of this run is left');
      const servers = await eventually(() => osGet<{ servers: { name: string }[] }>(tok, `${tok.endpoints.compute}/servers`), (l) => !l.servers.some((v) => v.name.startsWith(`${RUN}-json`)), 30_000);
      assert.ok(!servers.servers.some((v) => v.name.startsWith(`${RUN}-json`)), 'no server of this run is left');
    });
  });
}
