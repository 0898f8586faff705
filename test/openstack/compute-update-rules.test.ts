// Rules of updating an OpenStack compute (services/compute-update.ts) that
// the Stryker run's survivors got past (issue 14): an update changes only
// what was asked, and sends Nova exactly that; creation-only and size
// attributes refused by name; templates kept, replaced, resized (and the
// resize confirmed) to the chosen flavor, rebuilt from the chosen image;
// a compute still being scheduled is waited for; Synnefo's summary in a
// metadata item and its stopped, same-disk resize. On the fake world
// (fake-world.ts) with Nova's update, resize and rebuild added here as Nova
// answers them, and on the Synnefo stand-in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerResponse } from 'node:http';
import { typeId, type Mixin } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import type { UpdateSpec } from '../../src/port/backend.js';
import { rejectsWith, stateOf } from '../backends/contract.js';
import { json, type Recorded } from './fake-cloud.js';
import { onFakeCloud, type OnFakeCloud } from './fake-backend.js';
import { fakeOpenStack, freshWorld, SERVER_ID, type World } from './fake-world.js';
import { DRBD, harness, readsAfterAction, type Harness } from '../synnefo/harness.js';

type Doc = Record<string, unknown>;

/** A message matched whole. */
const exactly = (message: string): RegExp => new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** What Nova does beyond the fake world, as it does it; `was` is the status a resize started from. */
interface NovaExtra {
  version: string;
  /** How a resize ends: VERIFY_RESIZE (flavor changed), ACTIVE with a fault (the old flavor), or never. */
  resizeEnds: 'VERIFY_RESIZE' | 'failed' | 'never' | 'deleted';
  /** The server's status when each PUT arrived, and the PUT bodies. */
  puts: { status: unknown; body: unknown }[];
  /** The server is deleted by someone else right after the PUT. */
  vanishAfterPut: boolean;
  was?: string;
}

const fresh = (): { world: World; extra: NovaExtra } => ({ world: freshWorld(), extra: { version: '2.93', resizeEnds: 'VERIFY_RESIZE', puts: [], vanishAfterPut: false } });

/** The fake world, with Nova's server update (PUT), resize, confirmResize (to the status the resize began in) and rebuild. */
function withNova(state: () => { world: World; extra: NovaExtra }) {
  return (url: () => string) => {
    const cloud = fakeOpenStack(url, () => state().world);
    const sid = `/compute/v2.1/servers/${SERVER_ID}`;
    return (req: Recorded, res: ServerResponse): void => {
      const { world: w, extra } = state();
      const s = w.server;
      if (req.path === '/compute/v2.1/') return json(res, 200, { version: { version: extra.version, min_version: '2.1' } });
      if (req.path === sid && req.method === 'PUT' && s) {
        extra.puts.push({ status: s.status, body: req.body });
        const fields = (req.body as { server: Doc }).server;
        Object.assign(s, fields.hostname ? { 'OS-EXT-SRV-ATTR:hostname': fields.hostname } : {}, fields.name ? { name: fields.name } : {}, 'description' in fields ? { description: fields.description } : {});
        json(res, 200, { server: s });
        if (extra.vanishAfterPut) w.server = undefined;
        return;
      }
      if (req.path === `${sid}/action` && req.method === 'POST' && s) {
        const body = req.body as Doc;
        if ('resize' in body) {
          const ref = String((body.resize as { flavorRef?: unknown }).flavorRef);
          const flavor = w.flavors.find((f) => String(f.id) === ref);
          if (!flavor) return json(res, 400, { badRequest: { code: 400, message: `Invalid flavorRef ${ref} provided.` } });
          extra.was = String(s.status);
          Object.assign(s, { status: 'RESIZE', 'OS-EXT-STS:task_state': 'resize_migrating' });
          if (extra.resizeEnds === 'VERIFY_RESIZE') {
            s.flavor = { vcpus: flavor.vcpus, ram: flavor.ram, disk: flavor.disk, ephemeral: 0, swap: 0, original_name: flavor.name, extra_specs: {} };
            w.pending = { ...w.pending, server: w.steps, serverStatus: 'VERIFY_RESIZE' };
          } else if (extra.resizeEnds === 'failed') {
            s.fault = { code: 500, message: 'No valid host was found.' };
            w.pending = { ...w.pending, server: w.steps, serverStatus: extra.was };
          } else if (extra.resizeEnds === 'deleted') w.server = undefined;
          else w.pending = { ...w.pending, server: Infinity };
          res.writeHead(202);
          return void res.end();
        }
        if ('confirmResize' in body) {
          if (s.status !== 'VERIFY_RESIZE') return json(res, 409, { conflictingRequest: { code: 409, message: `Cannot 'confirmResize' instance while it is in vm_state ${String(s.status).toLowerCase()}` } });
          Object.assign(s, { 'OS-EXT-STS:task_state': 'resize_confirming' });
          w.pending = { ...w.pending, server: w.steps, serverStatus: extra.was === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE' };
          res.writeHead(204);
          return void res.end();
        }
        if ('rebuild' in body) {
          const ref = String((body.rebuild as { imageRef?: unknown }).imageRef);
          if (!w.images.some((i) => String(i.id) === ref)) return json(res, 400, { badRequest: { code: 400, message: `Invalid image identifier or unable to access requested image.` } });
          // A stopped server is rebuilt stopped (Nova, since Queens).
          const to = String(s.status);
          Object.assign(s, { status: 'REBUILD', 'OS-EXT-STS:task_state': 'rebuild_spawning', image: { id: ref } });
          w.pending = { ...w.pending, server: w.steps, serverStatus: to };
          res.writeHead(202);
          return void res.end();
        }
      }
      cloud(req, res);
    };
  };
}

/** The resource_tpl of Nova flavor `id` and the os_tpl of Glance image `id`, as the backend offers them. */
async function template(f: OnFakeCloud, kind: 'resource' | 'os', providerId: string): Promise<Mixin> {
  const m = (await f.backend.providerMixins(f.c))[kind].find((x) => x.providerId === providerId);
  assert.ok(m, `a ${kind}_tpl for ${providerId}`);
  return m;
}

const spec = (attributes: UpdateSpec['attributes'], addMixins: Mixin[] = [], removeMixins: Mixin[] = []): UpdateSpec => ({ attributes, addMixins, removeMixins });

const since = (f: OnFakeCloud, from: number, method: string, part: string): Recorded[] =>
  f.cloud.requests.slice(from).filter((r) => r.method === method && r.path.split('?')[0]!.endsWith(part));

const actionsSent = (f: OnFakeCloud, from: number): unknown[] => since(f, from, 'POST', `/servers/${SERVER_ID}/action`).map((r) => r.body);

const IMAGE_2 = 'i2-0000-4000-8000-000000000000';
const TINY = '07276448-8858-4908-81d1-0d1951cca214';

describe('openstack compute update: attributes', () => {
  let state = fresh();
  const f = onFakeCloud(withNova(() => state), 5000, () => (state = fresh()));

  test('D19: a public key in an update is refused (403) by name, and nothing is sent', async () => {
    // 727
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAA k' })),
      403,
      exactly('occi.credentials.ssh.publickey is given once, when the compute is created; leave it out of updates'),
    );
    assert.equal(state.extra.puts.length, 0, 'no update sent');
  });

  test('D14: memory, architecture, share or cores other than the compute has are refused by name (400)', async () => {
    // 730 731 732 948
    for (const [name, value] of [['occi.compute.memory', 4], ['occi.compute.architecture', 'x86'], ['occi.compute.share', 7], ['occi.compute.cores', 4]] as const) {
      await rejectsWith(
        f.backend.update(f.c, 'compute', SERVER_ID, spec({ [name]: value })),
        400,
        exactly(`${name} follows the resource template; associate another resource_tpl mixin to resize`),
      );
    }
    assert.equal(state.extra.puts.length, 0, 'no update sent');
  });

  test('D14: cores, memory and architecture equal to what the compute has (memory up to rounding) are no change', async () => {
    // 949 950
    state.world.images[0]!.architecture = 'x86_64';
    const current = (await f.backend.get(f.c, 'compute', SERVER_ID))!;
    assert.equal(current.attributes['occi.compute.memory'], 0.125);
    const from = f.cloud.requests.length;
    const same = await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.compute.cores': 1, 'occi.compute.memory': 0.125 + 1e-12, 'occi.compute.architecture': 'x64' }));
    assert.equal(same.attributes['occi.compute.cores'], 1);
    assert.equal(state.extra.puts.length, 0, 'no update sent');
    assert.deepEqual(actionsSent(f, from), []);
  });

  test('R54: updating a compute the cloud does not have is a 404 naming it', async () => {
    // 740
    const other = 'a0000000-0000-4000-8000-000000000000';
    await rejectsWith(f.backend.update(f.c, 'compute', other, spec({ 'occi.core.title': 'x' })), 404, exactly(`compute ${other} not found`));
  });

  test('a new title is sent as the name, and nothing else: no description, no hostname, no metadata', async () => {
    // 864 911-915
    const from = f.cloud.requests.length;
    const renamed = await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': 'web' }));
    assert.deepEqual(state.extra.puts.map((p) => p.body), [{ server: { name: 'web' } }]);
    assert.equal(renamed.attributes['occi.core.title'], 'web');
    assert.deepEqual(f.cloud.requests.slice(from).filter((r) => r.path.includes('/metadata')), []);
    assert.deepEqual(actionsSent(f, from), []);
  });

  test('a title given as null (or empty) keeps the name: Nova needs one, so nothing is sent', async () => {
    // 862
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': null }));
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': '' }));
    assert.equal(state.extra.puts.length, 0, 'no update sent');
  });

  test('a summary is sent as the description, and a null summary clears it', async () => {
    // 865 867 874 875 876
    const set = await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.summary': 'the web server' }));
    assert.equal(set.attributes['occi.core.summary'], 'the web server');
    const cleared = await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.summary': null }));
    assert.equal(cleared.attributes['occi.core.summary'], undefined);
    assert.deepEqual(state.extra.puts.map((p) => p.body), [{ server: { description: 'the web server' } }, { server: { description: null } }]);
  });

  test('a new hostname is sent as its first label (2.90+); a null or empty one is no change', async () => {
    // 887 889 903 904 908
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.compute.hostname': null }));
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.compute.hostname': '' }));
    assert.equal(state.extra.puts.length, 0, 'no update sent');
    const renamed = await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.compute.hostname': 'www.example.org' }));
    assert.deepEqual(state.extra.puts.map((p) => p.body), [{ server: { hostname: 'www' } }]);
    assert.equal(renamed.attributes['occi.compute.hostname'], 'www');
  });

  test('a compute still being scheduled is updated once Nova has placed it, not before', async () => {
    // 802 805 810 814 815 816 820
    Object.assign(state.world.server!, { status: 'BUILD', 'OS-EXT-STS:task_state': 'scheduling' });
    state.world.pending = { ...state.world.pending, server: 3, serverStatus: 'ACTIVE' };
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': 'web' }));
    assert.deepEqual(state.extra.puts, [{ status: 'ACTIVE', body: { server: { name: 'web' } } }]);
  });

  test('a compute being built past scheduling (spawning) is updated at once', async () => {
    // 811 812
    Object.assign(state.world.server!, { status: 'BUILD', 'OS-EXT-STS:task_state': 'spawning' });
    state.world.pending = { ...state.world.pending, server: 3, serverStatus: 'ACTIVE' };
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': 'web' }));
    assert.deepEqual(state.extra.puts, [{ status: 'BUILD', body: { server: { name: 'web' } } }]);
  });

  test('an update of a settled compute reads it once before sending the change', async () => {
    // 817
    const from = f.cloud.requests.length;
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': 'web' }));
    const put = f.cloud.requests.findIndex((r, i) => i >= from && r.method === 'PUT');
    assert.equal(f.cloud.requests.slice(from, put).filter((r) => r.method === 'GET' && r.path.split('?')[0] === `/compute/v2.1/servers/${SERVER_ID}`).length, 1);
  });

  test('a compute deleted while it was being updated is a 404 saying it disappeared', async () => {
    // 794
    state.extra.vanishAfterPut = true;
    await rejectsWith(f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.core.title': 'web' })), 404, exactly(`compute ${SERVER_ID} disappeared`));
  });
});

describe('openstack compute update: a hostname on a compute API older than 2.90', () => {
  let state = fresh();
  const f = onFakeCloud(
    withNova(() => state),
    5000,
    () => {
      state = fresh();
      state.extra.version = '2.60';
    },
  );

  test('a new hostname is refused in words (400) and nothing is sent; the current one is no change', async () => {
    // 902 905 906 907
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, spec({ 'occi.compute.hostname': 'www' })),
      400,
      exactly('occi.compute.hostname cannot be changed on this cloud (needs compute API 2.90)'),
    );
    assert.equal(state.extra.puts.length, 0, 'no update sent');
  });
});

describe('openstack compute update: templates', () => {
  let state = fresh();
  const f = onFakeCloud(withNova(() => state), 5000, () => (state = fresh()));

  test('R65: an os_tpl or resource_tpl removed without another in its place is refused (400), and nothing is sent', async () => {
    // 837 839 840 841 844 848
    for (const m of [await template(f, 'os', TINY), await template(f, 'resource', '42')]) {
      const from = f.cloud.requests.length;
      await rejectsWith(
        f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [], [m])),
        400,
        exactly(`a compute keeps its templates; replace ${m.scheme}${m.term} with another one instead of removing it`),
      );
      assert.deepEqual(actionsSent(f, from), []);
    }
  });

  test('R69: replacing both templates at once resizes to the chosen flavor, confirms, and rebuilds from the chosen image', async () => {
    // 836 843 846 1064 1065
    const [os, size] = [await template(f, 'os', TINY), await template(f, 'resource', '42')];
    const [os2, size2] = [await template(f, 'os', IMAGE_2), await template(f, 'resource', '2')];
    const from = f.cloud.requests.length;
    const updated = await f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [size2, os2], [os, size]));
    assert.deepEqual(actionsSent(f, from), [{ resize: { flavorRef: '2' } }, { confirmResize: null }, { rebuild: { imageRef: IMAGE_2 } }]);
    assert.ok(updated.mixins.includes(typeId(size2)) && updated.mixins.includes(typeId(os2)), updated.mixins.join(', '));
    assert.equal(stateOf(updated), 'active');
  });

  test('R69: associating the templates the compute already shows sends nothing', async () => {
    // 778 780 781 785
    const from = f.cloud.requests.length;
    const same = await f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [await template(f, 'os', TINY), await template(f, 'resource', '42')]));
    assert.deepEqual(actionsSent(f, from), []);
    assert.equal(state.extra.puts.length, 0, 'no update sent');
    assert.equal(stateOf(same), 'active');
  });

  test('R65: a resource_tpl the project is not offered is refused by name (400)', async () => {
    // 777
    const offered = await template(f, 'resource', '42');
    const unknown = { ...offered, term: 'm9_huge', providerId: undefined } as Mixin;
    await rejectsWith(f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [unknown])), 400, exactly(`template ${offered.scheme}m9_huge is not offered to this project`));
  });

  test('R70: a resize stops asking once the confirmed compute has settled (from ACTIVE)', async () => {
    // 1000 1001
    const from = f.cloud.requests.length;
    await f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [await template(f, 'resource', '2')]));
    const confirm = f.cloud.requests.findIndex((r, i) => i >= from && (r.body as Doc | undefined)?.confirmResize === null);
    assert.ok(confirm > 0, 'confirmResize sent');
    // Two reads while Nova confirms (steps 2), then the answer's own read.
    assert.equal(since(f, confirm, 'GET', `/servers/${SERVER_ID}`).length, 3);
  });

  test('R70: a stopped compute resized stays stopped, and the update stops asking once it has settled', async () => {
    // 1002
    Object.assign(state.world.server!, { status: 'SHUTOFF' });
    const from = f.cloud.requests.length;
    const resized = await f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [await template(f, 'resource', '2')]));
    const confirm = f.cloud.requests.findIndex((r, i) => i >= from && (r.body as Doc | undefined)?.confirmResize === null);
    assert.equal(since(f, confirm, 'GET', `/servers/${SERVER_ID}`).length, 3);
    assert.equal(stateOf(resized), 'inactive');
  });

  test('a rebuild of a stopped compute sends the chosen image and stops asking once it has settled', async () => {
    // 1064 1065 1068 1069 1070
    Object.assign(state.world.server!, { status: 'SHUTOFF' });
    const from = f.cloud.requests.length;
    const rebuilt = await f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [await template(f, 'os', IMAGE_2)]));
    assert.deepEqual(actionsSent(f, from), [{ rebuild: { imageRef: IMAGE_2 } }]);
    const rebuild = f.cloud.requests.findIndex((r, i) => i >= from && r.path.endsWith('/action'));
    assert.equal(since(f, rebuild, 'GET', `/servers/${SERVER_ID}`).length, 3);
    assert.equal(stateOf(rebuilt), 'inactive');
  });

  test('a rebuild of a running compute waits until it runs again', async () => {
    // 1069
    const from = f.cloud.requests.length;
    const rebuilt = await f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [await template(f, 'os', IMAGE_2)]));
    const rebuild = f.cloud.requests.findIndex((r, i) => i >= from && r.path.endsWith('/action'));
    assert.equal(since(f, rebuild, 'GET', `/servers/${SERVER_ID}`).length, 3);
    assert.equal(stateOf(rebuilt), 'active');
  });

  test('R70: a resize the cloud ends with the old flavor is a 409 saying so with its fault, and is not confirmed', async () => {
    // 976 992 995
    state.extra.resizeEnds = 'failed';
    const size2 = await template(f, 'resource', '2');
    const from = f.cloud.requests.length;
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [size2])),
      409,
      exactly(`the cloud did not resize compute ${SERVER_ID} to ${size2.term} (it is ACTIVE with its old flavor: No valid host was found.)`),
    );
    assert.deepEqual(actionsSent(f, from), [{ resize: { flavorRef: '2' } }]);
  });

  test('R70: a failed resize of a stopped compute is a 409 saying it is SHUTOFF with its old flavor', async () => {
    // 976
    state.extra.resizeEnds = 'failed';
    Object.assign(state.world.server!, { status: 'SHUTOFF' });
    const size2 = await template(f, 'resource', '2');
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [size2])),
      409,
      exactly(`the cloud did not resize compute ${SERVER_ID} to ${size2.term} (it is SHUTOFF with its old flavor: No valid host was found.)`),
    );
  });

  test('R70: a compute deleted while it resizes is a 409 saying it is gone', async () => {
    // 992
    state.extra.resizeEnds = 'deleted';
    const size2 = await template(f, 'resource', '2');
    await rejectsWith(f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [size2])), 409, exactly(`the cloud did not resize compute ${SERVER_ID} to ${size2.term} (it is gone with its old flavor)`));
  });
});

describe('openstack compute update: a resize that does not end', () => {
  let state = fresh();
  const f = onFakeCloud(withNova(() => state), 1000, () => (state = fresh()));

  test('R70: a resize still running at the deadline is a 504 saying how to confirm it later, and is not confirmed', async () => {
    // 980 981 982
    state.extra.resizeEnds = 'never';
    const from = f.cloud.requests.length;
    await rejectsWith(
      f.backend.update(f.c, 'compute', SERVER_ID, spec({}, [await template(f, 'resource', '2')])),
      504,
      exactly(`compute ${SERVER_ID} is still resizing after 1000 ms; update it again with the same resource_tpl to confirm`),
    );
    assert.deepEqual(actionsSent(f, from), [{ resize: { flavorRef: '2' } }]);
  });
});

describe('Synnefo compute update: the summary item and the stopped resize', () => {
  let h: Harness;
  before(async () => {
    h = await harness('0.20', { backend: { timeoutMs: 1500 } });
  });
  after(() => h.close());
  const metadataCalls = (id: string, from: number) =>
    h.standin.requests.slice(from).filter((r) => r.path.split('?')[0]!.includes(`/servers/${id}/metadata`)).map((r) => `${r.method} ${r.path.split('/metadata')[1]}`);

  test('a rename leaves the summary item alone; the same summary again is no change; an empty one removes it', async () => {
    // 918 920 922 929 931
    const vm = await h.compute();
    let from = h.standin.requests.length;
    await h.backend.update(h.alice, 'compute', vm.id, spec({ 'occi.core.summary': 'web' }));
    assert.deepEqual(metadataCalls(vm.id, from), ['POST ']);
    from = h.standin.requests.length;
    await h.backend.update(h.alice, 'compute', vm.id, spec({ 'occi.core.title': 'renamed' }));
    assert.deepEqual(metadataCalls(vm.id, from), []);
    from = h.standin.requests.length;
    await h.backend.update(h.alice, 'compute', vm.id, spec({ 'occi.core.summary': 'web' }));
    assert.deepEqual(metadataCalls(vm.id, from), []);
    from = h.standin.requests.length;
    const cleared = await h.backend.update(h.alice, 'compute', vm.id, spec({ 'occi.core.summary': '' }));
    assert.deepEqual(metadataCalls(vm.id, from), ['DELETE /occi.core.summary']);
    assert.equal(cleared.attributes['occi.core.summary'], undefined);
  });

  test('a resource_tpl with another disk is refused naming the ones with the same disk, and nothing is sent', async () => {
    // 1017 1019
    const vm = await h.compute({ size: DRBD });
    await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_STOP, {});
    const from = h.standin.requests.length;
    await rejectsWith(
      h.backend.update(h.alice, 'compute', vm.id, spec({}, [await h.size('C1R1024D40drbd')])),
      400,
      exactly("Synnefo cannot change a compute's disk size (20 GB); choose a resource_tpl with the same disk: C1R1024D20drbd, C2R2048D20drbd, C1R1024D20archipelago, C2R2048D20archipelago"),
    );
    assert.deepEqual(h.standin.requests.slice(from).filter((r) => r.method === 'POST'), []);
  });

  test('a stopped compute resized answers with the new flavor, and the update stops asking once it shows', async () => {
    // 1052 1054 1055 1058
    const vm = await h.compute({ size: DRBD });
    await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_STOP, {});
    const from = h.standin.requests.length;
    const resized = await h.backend.update(h.alice, 'compute', vm.id, spec({}, [await h.size('C2R2048D20drbd')]));
    assert.equal(resized.attributes['occi.compute.cores'], 2);
    assert.ok(resized.mixins.some((m) => m.endsWith('#C2R2048D20drbd')), resized.mixins.join(', '));
    assert.equal(stateOf(resized), 'inactive');
    const reads = readsAfterAction(h.standin, from, vm.id);
    assert.ok(reads <= 3, `${reads} reads of the compute after the resize`);
  });
});

describe('Synnefo compute update: a resize that takes a while', () => {
  let h: Harness;
  before(async () => {
    h = await harness('0.20', { world: { jobMs: 150 } });
  });
  after(() => h.close());

  test('a stopped compute resized is answered once Cyclades has finished, with the new flavor', async () => {
    // 1048
    const vm = await h.running({ size: DRBD });
    await h.backend.action(h.alice, 'compute', vm.id, I.COMPUTE_STOP, {});
    const resized = await h.backend.update(h.alice, 'compute', vm.id, spec({}, [await h.size('C2R2048D20drbd')]));
    assert.equal(resized.attributes['occi.compute.cores'], 2);
    assert.ok(resized.mixins.some((m) => m.endsWith('#C2R2048D20drbd')), resized.mixins.join(', '));
  });
});
