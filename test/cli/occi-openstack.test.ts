// The occi command on the OpenStack backend of a real cloud (openstack-lite):
// credentials from OS_* only, so every run goes through snf-occi's 401 and
// the Keystone handshake; a compute from the templates tiny and m1.nano on
// the network shared, with --wait; a volume attached and detached; all deleted.
// Runs when OS_AUTH_URL and the other OS_* variables are set (CI sets them).
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/server.js';
import { startOnOpenStack } from '../openstack/occi-server.js';
import { primaryAccount } from '../openstack/os-env.js';
import { occi } from './occi-run.js';

const demo = primaryAccount();

if (!demo) {
  it('occi on OpenStack', (t) => {
    t.skip('occi on OpenStack skipped: no OS_AUTH_URL/OS_USERNAME/OS_PASSWORD/OS_PROJECT_NAME (source /var/lib/openstack-lite/demo-openrc)');
  });
} else {
  describe('occi on the OpenStack backend (Keystone handshake from OS_*)', () => {
    let server: TestServer;
    let env: Record<string, string>;
    const cache = mkdtempSync(join(tmpdir(), 'occi-os-cache-'));
    const run = `occi${Date.now().toString(36)}`;
    const made: string[] = [];

    before(async () => {
      server = await startOnOpenStack(demo);
      env = {
        OCCI_ENDPOINT: server.url,
        OS_AUTH_URL: demo.authUrl,
        OS_USERNAME: demo.username,
        OS_PASSWORD: demo.password,
        OS_PROJECT_NAME: demo.project,
        OS_USER_DOMAIN_NAME: demo.userDomain,
        OS_PROJECT_DOMAIN_NAME: demo.projectDomain,
        XDG_CACHE_HOME: cache,
      };
    });
    after(async () => {
      // Whatever a failed run left behind goes, links first.
      for (const ref of made.reverse()) await occi(['delete', ref, '--wait', '--wait-timeout', '120'], env);
      await server.close();
    });

    it('create from templates with --wait, attach a volume, detach, delete', { timeout: 600_000 }, async () => {
      const vm = await occi(['create', 'compute', '--os-tpl', 'tiny', '--resource-tpl', 'm1.nano', '--link', 'shared', '--title', `${run}-vm`, '--wait', '--wait-timeout', '300', '-o', 'json'], env);
      assert.equal(vm.code, 0, vm.stderr);
      const compute = JSON.parse(vm.stdout);
      made.push(`compute/${compute.id}`);
      assert.equal(compute.state, 'active');
      assert.equal(compute.attributes['occi.compute.cores'], 1);
      assert.ok(compute.links.some((l: string) => l.includes('network/')), 'linked to the shared network');
      assert.equal(statSync(join(cache, 'snf-occi', 'occi-tokens.json')).mode & 0o777, 0o600, 'the Keystone token is cached, mode 0600');

      const again = await occi(['show', `compute/${compute.id}`, '-o', 'value', '-c', 'state', '--debug'], env);
      assert.equal(again.stdout, 'active\n');
      assert.doesNotMatch(again.stderr, /< 401/, 'a cached token needs no second handshake');
      assert.ok(!again.stderr.includes(demo.password), 'the password never appears');

      const vol = await occi(['create', 'storage', '--size', '1', '--title', `${run}-vol`, '--wait', '--wait-timeout', '300', '-o', 'json'], env);
      assert.equal(vol.code, 0, vol.stderr);
      const storage = JSON.parse(vol.stdout);
      made.push(`storage/${storage.id}`);
      assert.equal(storage.state, 'online');

      const link = await occi(['link', `compute/${compute.id}`, `storage/${storage.id}`, '--wait', '--wait-timeout', '300', '-o', 'json'], env);
      assert.equal(link.code, 0, link.stderr);
      const linkId = `storagelink/${JSON.parse(link.stdout).id}`;
      const shown = await occi(['show', `compute/${compute.id}`, '-o', 'json'], env);
      assert.ok(JSON.parse(shown.stdout).links.some((l: string) => l.startsWith(linkId)), shown.stdout);
      const unlinked = await occi(['unlink', linkId], env);
      assert.equal(unlinked.code, 0, unlinked.stderr);

      const gone = await occi(['delete', `compute/${compute.id}`, '--wait', '--wait-timeout', '300'], env);
      assert.equal(gone.code, 0, gone.stderr);
      made.splice(made.indexOf(`compute/${compute.id}`), 1);
      // Cinder may still be detaching: delete the volume once it lets us.
      let volGone = await occi(['delete', `storage/${storage.id}`, '--wait', '--wait-timeout', '300'], env);
      for (let i = 0; i < 60 && volGone.code === 4; i++) {
        await new Promise((r) => setTimeout(r, 2000));
        volGone = await occi(['delete', `storage/${storage.id}`, '--wait', '--wait-timeout', '300'], env);
      }
      assert.equal(volGone.code, 0, volGone.stderr);
      made.splice(made.indexOf(`storage/${storage.id}`), 1);
    });
  });
}
