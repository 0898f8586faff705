// The backend contract: what every implementation of the port must do, in OCCI
// terms. Each backend's test file calls backendContract with its own setup.
// Tests create what they use and never assume an empty cloud.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  Attributes,
  Backend,
  Credentials,
  EntityKindTerm,
  EntityRecord,
  LinkRecord,
  LinkSpec,
  ResourceRecord,
  ResourceSpec,
} from '../../src/port/backend.js';
import { OcciError } from '../../src/errors.js';
import type { Mixin } from '../../src/model/category.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { isOsTemplate, isResourceTemplate, templateDefault } from '../../src/model/templates.js';
import { listContract } from './list-contract.js';

export interface ContractSetup {
  backend: Backend;
  /** Two tenants of the same cloud. */
  alice: Credentials;
  bob: Credentials;
  /** Resolves once every transition started so far has completed (a fake clock advances; a real cloud polls). */
  settle: () => Promise<void>;
  /** What this cloud cannot do, each with the reason, so those steps are reported as skipped. */
  cannot?: { resizeStorage?: string; suspend?: string; networkUpDown?: string; storageAlone?: string };
  /** The resource template the computes are made from (default: the first offered). */
  size?: (offered: Mixin[]) => Mixin;
}

/** Asserts that `p` rejects with an OcciError of `status`. */
export async function rejectsWith(p: Promise<unknown>, status: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof OcciError, `expected an OcciError, got ${String(e)}`);
    assert.equal(e.status, status, `expected ${status}, got ${e.status}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

export const stateOf = (r: EntityRecord | undefined): unknown => r?.attributes[`occi.${r.kind}.state`];

const resourceSpec = (kind: ResourceSpec['kind'], attributes: Attributes, mixins: Mixin[] = [], links: LinkSpec[] = []): ResourceSpec => ({
  kind,
  mixins,
  attributes,
  links,
});

/** A standalone link from compute `source` to the network or storage `target`. */
export const linkFrom = (
  source: string,
  kind: LinkSpec['kind'],
  target: string,
  attributes: Attributes = {},
): LinkSpec & { source: { kind: 'compute'; id: string } } => ({
  kind,
  source: { kind: 'compute', id: source },
  target: { kind: kind === 'networkinterface' ? 'network' : 'storage', id: target },
  mixins: [],
  attributes,
});

export function backendContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`backend contract: ${name}`, () => {
    let s: ContractSetup;
    let os: Mixin;
    let size: Mixin;
    let subnet = 0;

    before(async () => {
      s = await setup();
      const templates = await s.backend.providerMixins(s.alice);
      os = templates.os[0]!;
      size = s.size ? s.size(templates.resource) : templates.resource[0]!;
    });
    after(async () => {
      await s.backend.close();
    });

    /** Settles until `kind` `id` is in `state` (state attribute), and returns it. */
    async function waitForState(c: Credentials, kind: EntityKindTerm, id: string, state: string): Promise<EntityRecord> {
      let last: EntityRecord | undefined;
      for (let i = 0; i < 30; i++) {
        await s.settle();
        last = await s.backend.get(c, kind, id);
        if (stateOf(last) === state) return last!;
      }
      assert.fail(`${kind} ${id} never became ${state}; last seen ${String(stateOf(last))}`);
    }

    const compute = (c: Credentials = s.alice, links: LinkSpec[] = [], title = 'contract-vm'): Promise<ResourceRecord> =>
      s.backend.createResource(c, resourceSpec('compute', { 'occi.core.title': title }, [os, size], links));
    const network = (c: Credentials = s.alice): Promise<ResourceRecord> =>
      s.backend.createResource(
        c,
        resourceSpec('network', { 'occi.core.title': 'contract-net', 'occi.network.address': `10.250.${++subnet}.0/24` }, [I.IPNETWORK]),
      );
    const storage = (c: Credentials = s.alice, gb = 1): Promise<ResourceRecord> =>
      s.backend.createResource(c, resourceSpec('storage', { 'occi.core.title': 'contract-vol', 'occi.storage.size': gb }));
    const act = (kind: EntityKindTerm, id: string, action: string, params: Attributes = {}, c = s.alice) => {
      const kindDef = [I.COMPUTE, I.NETWORK, I.STORAGE].find((k) => k.term === kind)!;
      return s.backend.action(c, kind, id, kindDef.actions.find((a) => a.term === action)!, params);
    };
    const activeCompute = async (links: LinkSpec[] = []): Promise<ResourceRecord> => {
      const vm = await compute(s.alice, links);
      return (await waitForState(s.alice, 'compute', vm.id, 'active')) as ResourceRecord;
    };

    it('offers OS and resource templates that depend on os_tpl / resource_tpl (§2.8)', async () => {
      const t = await s.backend.providerMixins(s.alice);
      assert.ok(t.os.length > 0 && t.resource.length > 0);
      assert.ok(t.os.every(isOsTemplate));
      assert.ok(t.resource.every(isResourceTemplate));
      assert.ok(t.os.every((m) => m.origin === 'provider'));
    });

    it('creates a compute from templates that becomes active, sized by the resource_tpl (D14, D36, R48)', async () => {
      const vm = await compute();
      assert.equal(vm.kind, 'compute');
      assert.ok(vm.mixins.includes(typeId(os)) && vm.mixins.includes(typeId(size)));
      assert.equal(vm.attributes['occi.core.title'], 'contract-vm');
      assert.ok(I.COMPUTE_STATES.includes(stateOf(vm) as I.ComputeState));
      const active = await waitForState(s.alice, 'compute', vm.id, 'active');
      assert.equal(active.attributes['occi.compute.cores'], templateDefault(size, 'occi.compute.cores'));
      assert.equal(active.attributes['occi.compute.memory'], templateDefault(size, 'occi.compute.memory'));
      assert.ok(!('occi.core.id' in active.attributes));
      assert.ok((await s.backend.list(s.alice, { kind: 'compute', detail: 'records' })).items.some((r) => r.id === vm.id), 'R46: listed in its kind');
    });

    it('moves a compute through stop/start/restart/suspend and refuses forbidden actions with 409 (R77, R81, D2)', async (t) => {
      const vm = await activeCompute();
      await act('compute', vm.id, 'stop', { method: 'graceful' });
      await waitForState(s.alice, 'compute', vm.id, 'inactive');
      if (!s.cannot?.suspend) await rejectsWith(act('compute', vm.id, 'suspend'), 409, /inactive/);
      await rejectsWith(act('compute', vm.id, 'stop'), 409);
      assert.equal(stateOf(await s.backend.get(s.alice, 'compute', vm.id)), 'inactive', 'R81: state unchanged');
      await act('compute', vm.id, 'start');
      await waitForState(s.alice, 'compute', vm.id, 'active');
      await rejectsWith(act('compute', vm.id, 'start'), 409, /active/);
      await act('compute', vm.id, 'restart', { method: 'warm' });
      await waitForState(s.alice, 'compute', vm.id, 'active');
      if (s.cannot?.suspend) return t.skip(s.cannot.suspend);
      await act('compute', vm.id, 'suspend');
      await waitForState(s.alice, 'compute', vm.id, 'suspended');
      await act('compute', vm.id, 'start');
      await waitForState(s.alice, 'compute', vm.id, 'active');
    });

    it('updates title and hostname, and unsets them with null (R61, R66)', async () => {
      const vm = await compute();
      const updated = await s.backend.update(s.alice, 'compute', vm.id, {
        attributes: { 'occi.core.title': 'renamed', 'occi.core.summary': 'a summary' },
        addMixins: [],
        removeMixins: [],
      });
      assert.equal(updated.attributes['occi.core.title'], 'renamed');
      assert.equal(updated.attributes['occi.core.summary'], 'a summary');
      const cleared = await s.backend.update(s.alice, 'compute', vm.id, {
        attributes: { 'occi.core.summary': null },
        addMixins: [],
        removeMixins: [],
      });
      assert.ok(!('occi.core.summary' in cleared.attributes));
      assert.equal(cleared.attributes['occi.core.title'], 'renamed');
    });

    it('creates a network, takes it down and up, and deletes it (R89)', async (t) => {
      const net = await network();
      assert.equal(net.kind, 'network');
      assert.ok(net.mixins.includes(typeId(I.IPNETWORK)));
      assert.match(String(net.attributes['occi.network.address']), /^10\.250\.[0-9]+\.0\/24$/);
      await waitForState(s.alice, 'network', net.id, 'active');
      if (s.cannot?.networkUpDown) {
        await s.backend.delete(s.alice, 'network', net.id);
        assert.equal(await s.backend.get(s.alice, 'network', net.id), undefined);
        return t.skip(s.cannot.networkUpDown);
      }
      await act('network', net.id, 'down');
      await waitForState(s.alice, 'network', net.id, 'inactive');
      await rejectsWith(act('network', net.id, 'down'), 409);
      await act('network', net.id, 'up');
      await waitForState(s.alice, 'network', net.id, 'active');
      await s.backend.delete(s.alice, 'network', net.id);
      assert.equal(await s.backend.get(s.alice, 'network', net.id), undefined);
      await rejectsWith(s.backend.delete(s.alice, 'network', net.id), 404);
    });

    it('creates a storage, takes it offline and online, and deletes it (R90)', async (t) => {
      if (s.cannot?.storageAlone) return t.skip(s.cannot.storageAlone);
      const vol = await storage(s.alice, 1);
      assert.equal(vol.attributes['occi.storage.size'], 1);
      await waitForState(s.alice, 'storage', vol.id, 'online');
      await act('storage', vol.id, 'offline');
      await waitForState(s.alice, 'storage', vol.id, 'offline');
      await rejectsWith(act('storage', vol.id, 'offline'), 409);
      await act('storage', vol.id, 'online');
      await waitForState(s.alice, 'storage', vol.id, 'online');
      await s.backend.delete(s.alice, 'storage', vol.id);
      assert.equal(await s.backend.get(s.alice, 'storage', vol.id), undefined);
    });

    it('resizes a storage by action and by update (R71, D32)', async (t) => {
      if (s.cannot?.resizeStorage ?? s.cannot?.storageAlone) return t.skip(s.cannot.resizeStorage ?? s.cannot.storageAlone);
      const vol = await storage(s.alice, 1);
      await waitForState(s.alice, 'storage', vol.id, 'online');
      await act('storage', vol.id, 'resize', { size: 2 });
      await s.settle();
      assert.equal((await s.backend.get(s.alice, 'storage', vol.id))?.attributes['occi.storage.size'], 2);
      const grown = await s.backend.update(s.alice, 'storage', vol.id, {
        attributes: { 'occi.storage.size': 3 },
        addMixins: [],
        removeMixins: [],
      });
      assert.equal(grown.attributes['occi.storage.size'], 3);
      await s.settle();
      await s.backend.delete(s.alice, 'storage', vol.id);
      assert.equal(await s.backend.get(s.alice, 'storage', vol.id), undefined);
    });

    it('creates, gets, lists and deletes a network interface (R55, R74, R105, R110)', async () => {
      const [vm, net] = await Promise.all([activeCompute(), network()]);
      const link = await s.backend.createLink(s.alice, linkFrom(vm.id, 'networkinterface', net.id));
      assert.deepEqual(link.source, { kind: 'compute', id: vm.id });
      assert.deepEqual(link.target, { kind: 'network', id: net.id });
      assert.equal(typeof link.attributes['occi.networkinterface.interface'], 'string');
      assert.match(String(link.attributes['occi.networkinterface.mac']), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      assert.ok(['active', 'inactive'].includes(stateOf(link) as string));
      assert.deepEqual(await s.backend.get(s.alice, 'networkinterface', link.id), link);
      assert.ok((await s.backend.list(s.alice, { kind: 'networkinterface', detail: 'records' })).items.some((l) => l.id === link.id));
      const owner = (await s.backend.get(s.alice, 'compute', vm.id)) as ResourceRecord;
      assert.ok(owner.links.some((l) => l.id === link.id), 'R55: the compute owns the link');
      await s.backend.delete(s.alice, 'networkinterface', link.id);
      assert.equal(await s.backend.get(s.alice, 'networkinterface', link.id), undefined);
      const after = (await s.backend.get(s.alice, 'compute', vm.id)) as ResourceRecord;
      assert.ok(!after.links.some((l) => l.id === link.id), 'R74: gone from the source');
    });

    it('creates, gets, lists and deletes a storage link (R111)', async (t) => {
      if (s.cannot?.storageAlone) return t.skip(s.cannot.storageAlone);
      const vm = await activeCompute();
      const vol = await storage();
      await waitForState(s.alice, 'storage', vol.id, 'online');
      const link = await s.backend.createLink(s.alice, linkFrom(vm.id, 'storagelink', vol.id));
      assert.equal(link.kind, 'storagelink');
      assert.deepEqual(link.target, { kind: 'storage', id: vol.id });
      assert.match(String(link.attributes['occi.storagelink.deviceid']), /^\/dev\//);
      assert.ok((await s.backend.list(s.alice, { kind: 'storagelink', detail: 'records' })).items.some((l) => l.id === link.id));
      assert.ok(((await s.backend.get(s.alice, 'compute', vm.id)) as ResourceRecord).links.some((l) => l.id === link.id));
      await s.backend.delete(s.alice, 'storagelink', link.id);
      assert.equal(await s.backend.get(s.alice, 'storagelink', link.id), undefined);
      await s.settle();
      await s.backend.delete(s.alice, 'storage', vol.id);
    });

    it('creates inline links with a compute (R104)', async () => {
      const net = await network();
      const vm = await compute(s.alice, [{ kind: 'networkinterface', target: { kind: 'network', id: net.id }, mixins: [], attributes: {} }]);
      // A cloud whose root disks are volumes (Synnefo) shows the root disk as a storagelink beside it.
      const interfaces = vm.links.filter((l) => l.kind === 'networkinterface');
      assert.equal(interfaces.length, 1);
      const link = interfaces[0] as LinkRecord;
      assert.equal(link.kind, 'networkinterface');
      assert.deepEqual(link.source, { kind: 'compute', id: vm.id });
      assert.deepEqual(link.target, { kind: 'network', id: net.id });
    });

    it('deletes a compute with its links, leaving their targets (R73)', async (t) => {
      if (s.cannot?.storageAlone) return t.skip(s.cannot.storageAlone);
      const net = await network();
      const vol = await storage();
      await waitForState(s.alice, 'storage', vol.id, 'online');
      const vm = await activeCompute([{ kind: 'networkinterface', target: { kind: 'network', id: net.id }, mixins: [], attributes: {} }]);
      const sl = await s.backend.createLink(s.alice, linkFrom(vm.id, 'storagelink', vol.id));
      const ni = vm.links.find((l) => l.kind === 'networkinterface')!;
      await s.backend.delete(s.alice, 'compute', vm.id);
      assert.equal(await s.backend.get(s.alice, 'compute', vm.id), undefined);
      await s.settle();
      assert.equal(await s.backend.get(s.alice, 'networkinterface', ni.id), undefined);
      assert.equal(await s.backend.get(s.alice, 'storagelink', sl.id), undefined);
      assert.ok(await s.backend.get(s.alice, 'storage', vol.id), 'the volume survives');
      await s.backend.delete(s.alice, 'network', net.id); // no longer in use
      await s.backend.delete(s.alice, 'storage', vol.id);
    });

    it('refuses links whose source or target the caller cannot see (R107)', async () => {
      const [vm, net] = await Promise.all([compute(), network()]);
      await rejectsWith(
        s.backend.createLink(s.alice, linkFrom('00000000-0000-4000-8000-000000000000', 'networkinterface', net.id)),
        404,
      );
      await rejectsWith(
        s.backend.createLink(s.alice, linkFrom(vm.id, 'storagelink', '00000000-0000-4000-8000-000000000000')),
        404,
      );
    });

    it('answers an unknown id with undefined on get and 404 elsewhere (R54)', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      assert.equal(await s.backend.get(s.alice, 'compute', missing), undefined);
      assert.equal(await s.backend.get(s.alice, 'storagelink', missing), undefined);
      await rejectsWith(s.backend.delete(s.alice, 'storage', missing), 404);
      await rejectsWith(s.backend.update(s.alice, 'network', missing, { attributes: {}, addMixins: [], removeMixins: [] }), 404);
      await rejectsWith(act('compute', missing, 'start'), 404);
    });

    it("keeps tenants apart: bob never sees, gets, changes or deletes alice's resources", async () => {
      const net = await network();
      const vol = s.cannot?.storageAlone ? undefined : await storage();
      const vm = await compute(s.alice, [{ kind: 'networkinterface', target: { kind: 'network', id: net.id }, mixins: [], attributes: {} }]);
      const ni = vm.links.find((l) => l.kind === 'networkinterface')!;
      const owned: Array<[EntityKindTerm, string]> = [
        ['compute', vm.id],
        ['network', net.id],
        ['networkinterface', ni.id],
      ];
      if (vol) owned.push(['storage', vol.id]);
      for (const [kind, id] of owned) {
        assert.ok(!(await s.backend.list(s.bob, { kind, detail: 'records' })).items.some((r) => r.id === id), `bob lists alice's ${kind}`);
        assert.equal(await s.backend.get(s.bob, kind, id), undefined, `bob gets alice's ${kind}`);
        await rejectsWith(s.backend.update(s.bob, kind, id, { attributes: { 'occi.core.title': 'x' }, addMixins: [], removeMixins: [] }), 404);
        await rejectsWith(s.backend.delete(s.bob, kind, id), 404);
      }
      await rejectsWith(act('compute', vm.id, 'stop', {}, s.bob), 404);
      await rejectsWith(act('network', net.id, 'down', {}, s.bob), 404);
      const bobs = await compute(s.bob, [], 'bob-vm');
      if (vol) {
        await rejectsWith(act('storage', vol.id, 'offline', {}, s.bob), 404);
        await rejectsWith(s.backend.createLink(s.bob, linkFrom(bobs.id, 'storagelink', vol.id)), 404);
      }
      await rejectsWith(
        s.backend.createLink(s.bob, linkFrom(vm.id, 'networkinterface', net.id)),
        404,
      );
      assert.equal((await s.backend.get(s.alice, 'compute', vm.id))?.attributes['occi.core.title'], 'contract-vm');
    });

    listContract(() => s);

    it('rejects a missing or unknown token with 401 and the challenge (R149)', async () => {
      for (const token of [undefined, '', 'not-a-token']) {
        await assert.rejects(s.backend.authenticate({ token }), (e: unknown) => {
          assert.ok(e instanceof OcciError);
          assert.equal(e.status, 401);
          assert.equal(e.headers['WWW-Authenticate'], s.backend.authChallenge);
          return true;
        });
      }
      const again = await s.backend.authenticate({ token: s.alice.token });
      assert.equal(again.tenant, s.alice.tenant);
    });
  });
}
