// snf-occi over HTTP (the real `snf-occi --backend openstack` process, Synnefo
// dialect) against the Synnefo stand-in of every release, in text/plain and
// JSON: discovery, the project header, a compute's life with a public link
// and an SSH key, networks, storage, and clear answers for what Cyclades
// cannot do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attr, entityPath, INFRA, OCCI_JSON, pathOf, PLAIN, startOcci, type OcciChild } from './occi-child.js';
import { KEY } from './harness.js';
import { RELEASES, startStandin, type Standin } from './standin/index.js';

const ACTIONS = 'http://schemas.ogf.org/occi/infrastructure/compute/action#';
const TEMPLATES = 'http://schemas.snf-occi.org/occi/';

for (const release of RELEASES) {
  describe(`snf-occi over HTTP on Synnefo ${release} (stand-in)`, () => {
    let standin: Standin;
    let occi: OcciChild;
    before(async () => {
      standin = await startStandin({ release });
      // The Astakos URL as operators often write it, without /v2.0.
      occi = await startOcci(standin, {}, `${standin.url}/identity`);
    });
    after(async () => {
      await occi.stop();
      await standin.close();
    });

    const act = (path: string, term: string, extra = '') =>
      occi.request('POST', `${path}?action=${term}`, { headers: PLAIN, body: `Category: ${term}; scheme="${ACTIONS}"; class="action"\n${extra}` });

    it('discovery offers the flavors Cyclades lets users create from, and the images', async () => {
      const r = await occi.request('GET', '/-/', { headers: { Accept: 'text/plain' } });
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, new RegExp(`^Category: C1R1024D20archipelago; scheme="${TEMPLATES}resource_tpl#"; class="mixin"`, 'm'));
      assert.match(r.body, new RegExp(`^Category: Debian_Base; scheme="${TEMPLATES}os_tpl#"; class="mixin"`, 'm'));
      assert.doesNotMatch(r.body, /C8R16384D20drbd/, 'SNF:allow_create false is not offered');
      assert.equal((await occi.request('GET', '/-/', { token: null })).status, 401);
    });

    it(release === '0.16' ? 'passes X-Snf-Project on (0.16 lists no projects)' : 'refuses an X-Snf-Project the user is not in, with 403 in words', async () => {
      const r = await occi.request('GET', '/compute/', { headers: { Accept: 'text/plain', 'X-Snf-Project': 'not-mine' } });
      if (release === '0.16') return assert.equal(r.status, 200, r.body);
      assert.equal(r.status, 403, r.body);
      assert.match(r.body, /not a member of Synnefo project not-mine; send X-Snf-Project with one of yours/);
      const own = await occi.request('GET', '/compute/', { headers: { Accept: 'text/plain', 'X-Snf-Project': standin.world.users[0]!.projects[1]! } });
      assert.equal(own.status, 200, own.body);
    });

    it('text/plain: a compute linked to the public network, with a key; rename, actions, delete', async () => {
      const created = await occi.request('POST', '/compute/', {
        headers: PLAIN,
        body: [
          `Category: compute; scheme="${INFRA}"; class="kind"`,
          'Category: Debian_Base; scheme=;',
          'Category: C1R1024D20drbd; scheme=;',
          'Category: ssh_key; scheme="http://schemas.ogf.org/occi/infrastructure/credentials#"; class="mixin"',
          `X-OCCI-Attribute: occi.core.title="web"`,
          `X-OCCI-Attribute: occi.credentials.ssh.publickey="${KEY}"`,
          `Link: </network/1>; rel="${INFRA}network"; category="${INFRA}networkinterface"`,
        ].join('\n'),
      });
      assert.equal(created.status, 201, created.body);
      const path = pathOf(created.headers.get('location')!);
      const id = path.split('/').pop()!;
      const got = await occi.request('GET', path, { headers: { Accept: 'text/plain' } });
      assert.equal(attr(got.body, 'occi.compute.hostname'), `"snf-${id}.vm.example.org"`);
      assert.equal(attr(got.body, 'occi.compute.state'), '"active"');
      assert.match(got.body, /^Link: <[^>]*\/network\/1>; rel="[^"]+"; self="[^"]*\/networkinterface\/\d+_fip_\d+"/m);
      assert.match(got.body, /occi\.networkinterface\.address="83\.212\.96\.\d+"/);
      assert.match(got.body, /occi\.storagelink\.deviceid="\/dev\/vda"/, 'the root disk');
      const renamed = await occi.request('POST', path, { headers: PLAIN, body: 'X-OCCI-Attribute: occi.core.title="web-2"' });
      assert.equal(renamed.status, 200, renamed.body);
      assert.equal(attr(renamed.body, 'occi.core.title'), '"web-2"');
      assert.equal((await act(path, 'stop', 'X-OCCI-Attribute: method="graceful"\n')).status, 200);
      assert.equal((await act(path, 'start')).status, 200);
      const restarted = await act(path, 'restart', 'X-OCCI-Attribute: method="cold"\n');
      assert.equal(restarted.status, 200);
      assert.equal(attr(restarted.body, 'occi.compute.state'), '"active"');
      const suspend = await act(path, 'suspend');
      assert.equal(suspend.status, 400);
      assert.match(suspend.body, /Synnefo cannot suspend a compute; stop it instead/);
      assert.doesNotMatch(got.body, /action#suspend/, 'suspend is not offered');
      assert.equal((await occi.request('DELETE', path)).status, 200);
      assert.equal((await occi.request('GET', path)).status, 404);
      assert.equal((await occi.request('DELETE', path)).status, 404);
    });

    it('JSON: a network with its subnet, a compute linked to it, and storage as the release allows', async () => {
      const net = await occi.request('POST', '/network/', {
        headers: OCCI_JSON,
        body: JSON.stringify({ kind: `${INFRA}network`, mixins: [`${INFRA}ipnetwork`], title: 'back', attributes: { 'occi.network.address': '10.20.0.0/24' } }),
      });
      assert.equal(net.status, 201, net.body);
      const netPath = pathOf(net.headers.get('location')!);
      const disco = (await occi.request('GET', '/-/', { headers: { Accept: 'application/occi+json' } })).json();
      const mixin = (term: string) => disco.mixins.find((m: { term: string }) => m.term === term).scheme + term;
      const vm = await occi.request('POST', '/compute/', {
        headers: OCCI_JSON,
        body: JSON.stringify({
          kind: `${INFRA}compute`,
          mixins: [mixin('Debian_Base'), mixin('C1R1024D20archipelago')],
          title: 'db',
          links: [{ kind: `${INFRA}networkinterface`, target: { location: netPath, kind: `${INFRA}network` } }],
        }),
      });
      assert.equal(vm.status, 201, vm.body);
      const vmPath = pathOf(vm.headers.get('location')!);
      const shown = (await occi.request('GET', vmPath, { headers: { Accept: 'application/occi+json' } })).json();
      const ni = shown.links.find((l: { kind: string }) => l.kind === `${INFRA}networkinterface`);
      assert.equal(ni.attributes['occi.networkinterface.address'], '10.20.0.2');
      assert.equal(ni.attributes['occi.networkinterface.gateway'], '10.20.0.1');
      const vol = await occi.request('POST', '/storage/', { headers: OCCI_JSON, body: JSON.stringify({ kind: `${INFRA}storage`, title: 'data', attributes: { 'occi.storage.size': 1 } }) });
      if (release === '0.16') {
        assert.equal(vol.status, 400, vol.body);
        assert.match(vol.json().error.message, /only together with a server/);
      } else {
        assert.equal(vol.status, 201, vol.body);
        const volPath = pathOf(vol.headers.get('location')!);
        const link = await occi.request('POST', '/storagelink/', {
          headers: OCCI_JSON,
          body: JSON.stringify({ kind: `${INFRA}storagelink`, source: { location: vmPath }, target: { location: volPath } }),
        });
        assert.equal(link.status, 201, link.body);
        assert.equal(link.json().attributes['occi.storagelink.deviceid'], '/dev/vdb');
        const resize = await occi.request('POST', `${volPath}?action=resize`, {
          headers: OCCI_JSON,
          body: JSON.stringify({ action: 'http://schemas.ogf.org/occi/infrastructure/storage/action#resize', attributes: { size: 2 } }),
        });
        assert.equal(resize.status, 400, resize.body);
        assert.match(resize.json().error.message, /cannot resize a volume/);
        assert.equal((await occi.request('DELETE', entityPath(link.json()))).status, 200);
        assert.equal((await occi.request('DELETE', volPath)).status, 200);
        assert.equal((await occi.request('GET', volPath)).status, 404);
      }
      assert.equal((await occi.request('DELETE', vmPath)).status, 200);
      assert.equal((await occi.request('DELETE', netPath)).status, 200, 'the ports went with the compute');
      assert.equal((await occi.request('GET', netPath)).status, 404);
    });
  });
}
