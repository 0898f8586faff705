// The stand-in's answers where Synnefo differs from OpenStack, recorded here
// as the facts the dialect is built on (each from the Synnefo source named in
// the stand-in's modules).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RELEASES, startStandin, type Release, type Standin } from './standin/index.js';

const at = (r: Release, first: Release): boolean => RELEASES.indexOf(r) >= RELEASES.indexOf(first);

for (const release of RELEASES) {
  describe(`Synnefo stand-in ${release}: what Synnefo answers`, () => {
    let s: Standin;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(s.url + path, { method, headers: { 'X-Auth-Token': 'alice-snf-token', 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await r.text();
      return { status: r.status, text, json: text ? JSON.parse(text) : undefined };
    };
    before(async () => {
      s = await startStandin({ release });
    });
    after(() => s.close());

    it('catalog: versions, regions and projects as the release has them', async () => {
      const { json } = await call('POST', '/identity/v2.0/tokens', { auth: { token: { id: 'alice-snf-token' } } });
      const volume = json.access.serviceCatalog.find((x: { type: string }) => x.type === 'volume').endpoints[0];
      assert.equal(volume.versionId, 'v2.0');
      assert.equal(volume.publicURL, at(release, '0.19') ? `${s.url}/cyclades/volume` : `${s.url}/cyclades/volume/v2.0`);
      assert.equal(volume.region, at(release, '0.17') ? 'default' : undefined);
      assert.equal(Array.isArray(json.access.user.projects), at(release, '0.17'));
      assert.equal((await call('GET', '/cyclades/volume/volumes')).json.badRequest.message, 'API endpoint not found');
      assert.equal((await call('GET', '/identity')).status, at(release, '0.20') ? 200 : 404);
      // tokens.py authenticate(): only a request without a body is public mode; a body without credentials is a 400.
      const publicMode = await fetch(`${s.url}/identity/v2.0/tokens`, { method: 'POST' });
      assert.equal(publicMode.status, 200);
      assert.ok(Array.isArray(((await publicMode.json()) as { access: { serviceCatalog: unknown } }).access.serviceCatalog));
      const noCredentials = await call('POST', '/identity/v2.0/tokens', { auth: {} });
      assert.deepEqual([noCredentials.status, noCredentials.json.badRequest.message], [400, 'Malformed request: missing credentials']);
    });

    it('servers: rename is 204 with no body; a deleted server still answers GET; listings ignore filters', async () => {
      const ip = (await call('POST', '/cyclades/network/v2.0/floatingips', { floatingip: { floating_network_id: '1' } })).json.floatingip;
      const networks = [{ uuid: '1', fixed_ip: ip.floating_ip_address }];
      const { json } = await call('POST', '/cyclades/compute/v2.0/servers', { server: { name: 'a', imageRef: s.world.images[0]!.id, flavorRef: 3, networks } });
      const id = json.server.id;
      const renamed = await call('PUT', `/cyclades/compute/v2.0/servers/${id}`, { server: { name: 'b' } });
      assert.deepEqual([renamed.status, renamed.text], [204, '']);
      const ports = (await call('GET', '/cyclades/network/v2.0/ports?device_id=999999')).json.ports;
      assert.deepEqual(ports.map((p: { device_id: string }) => p.device_id), [String(id)], 'device_id is not read');
      const ips = (await call('GET', '/cyclades/network/v2.0/floatingips?port_id=999999')).json.floatingips;
      assert.deepEqual(ips.map((x: { instance_id: string }) => x.instance_id), [String(id)], 'nor is port_id');
      assert.equal((await call('DELETE', `/cyclades/compute/v2.0/servers/${id}`)).status, 204);
      await new Promise((r) => setImmediate(r));
      const gone = (await call('GET', `/cyclades/compute/v2.0/servers/${id}`)).json.server;
      assert.deepEqual([gone.status, gone.deleted], ['DELETED', true]);
      assert.equal((await call('GET', '/cyclades/compute/v2.0/os-keypairs')).status, at(release, '0.19') ? 200 : 400);
      if (at(release, '0.19')) {
        // api/keypairs.py L151-152: no key generation without SUPPORT_GENERATE_KEYS, a 403.
        const generate = await call('POST', '/cyclades/compute/v2.0/os-keypairs', { keypair: { name: 'made-for-me' } });
        assert.equal(generate.status, 403);
        assert.equal(generate.json.forbidden.message, 'Application does not support ssh keys generation');
      }
    });

    it('volumes: POST answers id, display_name and links only; a volume of its own needs a detachable type', async () => {
      const detached = await call('POST', '/cyclades/volume/v2.0/volumes', { volume: { size: 1, display_name: 'v', volume_type: 2 } });
      if (!at(release, '0.17')) return assert.equal(detached.json.badRequest.message, "Malformed request. Missing attribute 'server_id'.");
      assert.deepEqual(Object.keys(detached.json.volume).sort(), ['display_name', 'id', 'links']);
      const drbd = await call('POST', '/cyclades/volume/v2.0/volumes', { volume: { size: 1, display_name: 'v', volume_type: 1 } });
      assert.equal(drbd.json.badRequest.message, "Volume type 'drbd' is not detachable");
      const shown = (await call('GET', `/cyclades/volume/v2.0/volumes/${detached.json.volume.id}`)).json.volume;
      assert.deepEqual([shown.status, shown.volume_type, shown.attachments], ['available', 2, []]);
      assert.equal((await call('POST', `/cyclades/volume/v2.0/volumes/${shown.id}/action`, { 'os-extend': { new_size: 2 } })).json.badRequest.message, 'Action os-extend not supported');
    });
  });
}
