// Availability zones and security groups as mixins, over HTTP on the
// OpenStack backend against a real cloud (openstack-lite): discovery, a
// compute created in a zone with a group, a group made through Neutron
// associated and dissociated through its mixin location, the other project
// kept apart, and nothing left behind. Runs only with OS_AUTH_URL set:
//   . /var/lib/openstack-lite/demo-openrc && npx tsc -p tsconfig.json && node --test dist/test/openstack/zones-groups.test.js
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AVAILABILITY_ZONE_SCHEME as ZONES, PROVIDER_INFRA, SECURITY_GROUP_SCHEME as GROUPS } from '../../src/model/schemes.js';
import { attribute, eventually, INFRA, locations, pathOf, type Reply, type TestServer } from '../helpers/server.js';
import { altAccount, osGet, osSend, passwordToken, primaryAccount, SKIP_MESSAGE, type Token } from './os-env.js';
import { sharedNetworkPath, startOnOpenStack } from './occi-server.js';

const demo = primaryAccount();
const alt = altAccount();
const PLAIN = { 'Content-Type': 'text/plain' };
const RUN = `zg${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The Category line of a mixin in a text/plain rendering. */
const category = (term: string, scheme: string) => new RegExp(`^Category: ${escape(term)}; scheme="${escape(scheme)}"; class="mixin"`, 'm');

if (!demo || !alt) {
  it('zones and groups over HTTP on OpenStack', (t) => {
    t.skip(SKIP_MESSAGE);
  });
} else {
  describe('availability zones and security groups as mixins, on a real OpenStack', () => {
    let s: TestServer;
    let tok: Token;
    let altTok: Token;
    let shared: string;
    /** OCCI paths of every compute made here, of those not deleted yet, and the Neutron id of the group made here. */
    const made: string[] = [];
    const computes: string[] = [];
    let groupId: string | undefined;

    const nova = (path: string) => `${tok.endpoints.compute}/${path}`;
    const neutron = (path: string) => `${tok.endpoints.network.replace(/\/v2\.0$/, '')}/v2.0/${path}`;
    const req = (method: string, path: string, o: { headers?: Record<string, string>; body?: string; token?: string } = {}): Promise<Reply> =>
      s.request(method, path, { headers: o.headers, body: o.body, token: o.token ?? tok.token });
    /** Polls gently (the machine is shared) until `check` holds or `ms` pass. */
    const poll = (probe: () => Promise<Reply>, check: (r: Reply) => boolean, ms: number) =>
      eventually(async () => {
        const r = await probe();
        if (!check(r)) await sleep(400);
        return r;
      }, check, ms);
    const idOf = (path: string): string => path.split('/').at(-1)!;
    const novaServer = async (path: string) =>
      (await osGet<{ server: { security_groups?: { name: string }[]; 'OS-EXT-AZ:availability_zone'?: string } }>(tok, nova(`servers/${idOf(path)}`))).server;
    const novaGroups = async (path: string): Promise<string[]> => ((await novaServer(path)).security_groups ?? []).map((g) => g.name);

    before(async () => {
      [tok, altTok] = await Promise.all([passwordToken(demo), passwordToken(alt)]);
      s = await startOnOpenStack(demo);
      shared = await sharedNetworkPath(s, tok.token);
    });

    after(async () => {
      for (const path of computes) await req('DELETE', path).catch(() => undefined);
      if (groupId) {
        // A group still on a port cannot go: wait for the servers' ports to be released.
        for (let i = 0; i < 30 && (await osSend(tok, 'DELETE', neutron(`security-groups/${groupId}`))).status === 409; i++) await sleep(1000);
      }
      await s.close();
    });

    it('GET /-/ lists the zone nova and the group default, related to their parents', async () => {
      const r = await req('GET', '/-/');
      assert.equal(r.status, 200);
      const zone = r.body.split('\n').find((l) => category('nova', ZONES).test(l));
      assert.ok(zone, 'zone nova is listed');
      assert.match(zone, new RegExp(`rel="${escape(PROVIDER_INFRA)}availability_zone"`));
      assert.match(zone, /location="[^"]*\/availability_zone\/nova\/"/);
      const group = r.body.split('\n').find((l) => category('default', GROUPS).test(l));
      assert.ok(group, 'group default is listed');
      assert.match(group, new RegExp(`rel="${escape(PROVIDER_INFRA)}security_group"`));
      assert.match(group, /location="[^"]*\/security_group\/default\/"/);
    });

    it('a compute created in zone nova with group default carries both; a new group is associated and dissociated through its location', async () => {
      const create = (name: string, extra: string[]) =>
        req('POST', '/compute/', {
          headers: PLAIN,
          body: [
            `Category: compute; scheme="${INFRA}"; class="kind"`,
            'Category: tiny; scheme=;',
            'Category: m1.nano; scheme=;',
            ...extra,
            `X-OCCI-Attribute: occi.core.title="${RUN}-${name}"`,
            `Link: <${shared}>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
          ].join('\n'),
        });
      const [a, b] = await Promise.all([
        create('a', [`Category: nova; scheme="${ZONES}"; class="mixin"`, `Category: default; scheme="${GROUPS}"; class="mixin"`]),
        create('b', []),
      ]);
      // Whatever was made is cleaned up, even when the other creation was refused.
      for (const r of [a, b]) if (r.status === 201) computes.push(pathOf(r.headers.location!));
      assert.equal(a.status, 201, a.body);
      assert.equal(b.status, 201, b.body);
      const [vmA, vmB] = [pathOf(a.headers.location!), pathOf(b.headers.location!)];
      made.push(vmA, vmB);
      const shown = await req('GET', vmA);
      assert.match(shown.body, category('nova', ZONES));
      assert.match(shown.body, category('default', GROUPS));
      assert.equal((await novaServer(vmA))['OS-EXT-AZ:availability_zone'], 'nova');

      // A group made straight through Neutron; snf-occi offers it once its short cache expires.
      const sg = await osSend(tok, 'POST', neutron('security-groups'), { security_group: { name: `${RUN}-web`, description: 'made by the zones-groups test' } });
      assert.equal(sg.status, 201);
      groupId = ((await sg.json()) as { security_group: { id: string } }).security_group.id;
      const term = `${RUN}-web`;
      const offered = await poll(() => req('GET', '/-/'), (r) => category(term, GROUPS).test(r.body), 15_000);
      assert.match(offered.body, category(term, GROUPS), 'the new group is offered');
      const location = `/security_group/${term}/`;

      await poll(() => req('GET', vmA), (r) => attribute(r.body, 'occi.compute.state') === '"active"', 60_000);
      const assoc = await req('POST', location, { headers: PLAIN, body: `X-OCCI-Location: ${s.url}${vmA}\n` });
      assert.equal(assoc.status, 200, assoc.body);
      assert.ok(locations(assoc.body).some((l) => l.endsWith(vmA)), 'the answer lists the compute as a member');
      assert.ok(!locations(assoc.body).some((l) => l.endsWith(vmB)), 'and not the other compute');
      const withGroup = await req('GET', vmA);
      assert.match(withGroup.body, category(term, GROUPS));
      assert.match(withGroup.body, category('default', GROUPS), 'the group it had stays');
      assert.deepEqual((await novaGroups(vmA)).sort(), [term, 'default'].sort(), 'Nova applies it');
      assert.doesNotMatch((await req('GET', vmB)).body, category(term, GROUPS), "the project's other compute is untouched");
      assert.deepEqual(await novaGroups(vmB), ['default']);
      const members = await req('GET', location);
      assert.deepEqual(locations(members.body).map((l) => pathOf(l)), [vmA]);

      const zoneOut = await req('DELETE', '/availability_zone/nova/', { headers: { 'Content-Type': 'text/occi', 'X-OCCI-Location': `${s.url}${vmA}` } });
      assert.equal(zoneOut.status, 400, zoneOut.body);
      assert.match(zoneOut.body, /cannot move a compute to another availability zone/);

      const dissoc = await req('DELETE', location, { headers: { 'Content-Type': 'text/occi', 'X-OCCI-Location': `${s.url}${vmA}` } });
      assert.equal(dissoc.status, 200, dissoc.body);
      assert.doesNotMatch((await req('GET', vmA)).body, category(term, GROUPS));
      assert.deepEqual(await novaGroups(vmA), ['default'], 'Nova no longer applies it');
      assert.deepEqual(locations((await req('GET', location)).body), []);
    });

    it("another project never sees this project's group", async () => {
      const r = await req('GET', '/-/', { token: altTok.token });
      assert.equal(r.status, 200);
      assert.match(r.body, category('default', GROUPS), 'alt_demo sees its own default group');
      assert.doesNotMatch(r.body, new RegExp(escape(`${RUN}-web`)));
      assert.equal((await req('GET', `/security_group/${RUN}-web/`, { token: altTok.token })).status, 404);
    });

    it('deleting everything leaves no server, port or group of this run', async () => {
      for (const path of computes.splice(0)) assert.equal((await req('DELETE', path)).status, 200);
      assert.ok(groupId);
      let status = 0;
      for (let i = 0; i < 30; i++) {
        status = (await osSend(tok, 'DELETE', neutron(`security-groups/${groupId}`))).status;
        if (status !== 409) break;
        await sleep(1000);
      }
      assert.equal(status, 204);
      groupId = undefined;
      // Gone for OCCI once Nova reads it DELETED; Nova lists it until it has finished its own work.
      const { servers } = await eventually(() => osGet<{ servers: { name: string }[] }>(tok, nova('servers')), (l) => !l.servers.some((v) => v.name.startsWith(RUN)), 30_000);
      assert.ok(!servers.some((v) => v.name.startsWith(RUN)), 'no server of this run is left');
      assert.equal(made.length, 2);
      for (const path of made) {
        const { ports } = await osGet<{ ports: unknown[] }>(tok, neutron(`ports?device_id=${idOf(path)}`));
        assert.deepEqual(ports, [], `no port of ${path} is left`);
      }
      const { security_groups } = await osGet<{ security_groups: { name: string }[] }>(tok, neutron(`security-groups?project_id=${tok.projectId}`));
      assert.ok(!security_groups.some((g) => g.name.startsWith(RUN)), 'no group of this run is left');
      assert.ok(security_groups.some((g) => g.name === 'default'), 'the default group stays');
      const gone = await poll(() => req('GET', '/-/'), (r) => !r.body.includes(`${RUN}-web`), 15_000);
      assert.doesNotMatch(gone.body, new RegExp(escape(`${RUN}-web`)), 'and snf-occi stops offering the group');
    });
  });
}
