// The embedded cloud's quota rules, stated one by one (from the survivors of
// the first Stryker run over src/backends/local/, issue 14): each kind's
// limit named in its own words with what to do, links counted by their own
// kind only, a new compute's inline links against linksPerCompute, and a
// limit lowered below what a tenant holds stopping only more of that kind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalQuotas } from '../../src/backends/local/quotas.js';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom, rejectsWith } from './contract.js';
import { harness, nic, spec, type Harness } from './local-harness.js';

const volume = (h: Harness) => h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 }));
const disk = (id: string) => ({ kind: 'storagelink' as const, target: { kind: 'storage' as const, id }, mixins: [], attributes: {} });

/** A cloud on a data dir of its own, closed and opened again with `quotas`. */
async function reopened(first: Harness, quotas: Partial<LocalQuotas>): Promise<Harness> {
  await first.cloud.close();
  return harness({ memory: false, quotas }, first);
}

describe('local cloud: quota rules', () => {
  it('names each kind over its limit, with what to do', async () => {
    const h = await harness({ quotas: { network: 1, storage: 1, storagelink: 1 } });
    await h.cloud.createResource(h.alice, spec('network'));
    await rejectsWith(
      h.cloud.createResource(h.alice, spec('network')),
      403,
      /^over quota: a tenant may have at most 1 networks, it has 1 \(setting quotas\.network\); delete some, or ask the operator to raise quotas\.network$/,
    );
    const vol = await volume(h);
    await rejectsWith(h.cloud.createResource(h.alice, spec('storage', { 'occi.storage.size': 1 })), 403, /^over quota: a tenant may have at most 1 storages, it has 1 \(setting quotas\.storage\); delete some, or ask/);
    await rejectsWith(
      h.cloud.createResource(h.alice, spec('compute', {}, [], [disk(vol.id), disk(vol.id)])),
      403,
      /^over quota: a tenant may have at most 1 storage links, it has 0 and this request adds 2 \(setting quotas\.storagelink\); delete some, or ask/,
    );
    await h.cloud.close();
  });

  it('counts each link against its own kind only', async () => {
    const h = await harness({ quotas: { storagelink: 1, networkinterface: 2 } });
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public')]));
    assert.equal(vm.links.length, 2, 'two interfaces under a storage link limit of 1');
    await h.cloud.close();
  });

  it('counts a new compute\'s inline links against linksPerCompute, naming it a new compute', async () => {
    const h = await harness({ quotas: { linksPerCompute: 2 } });
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public')]));
    assert.equal(vm.links.length, 2, 'exactly the limit');
    await rejectsWith(
      h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public'), nic('public'), nic('public')])),
      403,
      /^over quota: a compute may have at most 2 links; a new compute and this request adds 3 \(setting quotas\.linksPerCompute\); remove some links, or ask the operator to raise quotas\.linksPerCompute$/,
    );
    await h.cloud.close();
  });

  it('says what to do over sharedAddresses, and a volume attached is no address', async () => {
    const h = await harness({ quotas: { sharedAddresses: 0 } });
    await rejectsWith(
      h.cloud.createResource(h.alice, spec('compute', {}, [], [nic('public')])),
      403,
      /it holds 0 and this request takes 1 \(setting quotas\.sharedAddresses\); remove some interfaces on shared networks, or ask the operator to raise quotas\.sharedAddresses$/,
    );
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const vol = await volume(h);
    await h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', vol.id));
    // A volume named like the shared network is no address on it: unknown, so 404, not over quota.
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', 'public')), 404, /^storage public not found$/);
    await h.cloud.close();
  });

  it('with a limit lowered below what a tenant holds, refuses more of that kind only', async () => {
    const first = await harness({ memory: false });
    const vm = await first.cloud.createResource(first.alice, spec('compute', {}, [], [nic('public'), nic('public')]));
    for (let i = 0; i < 2; i++) await first.cloud.createLink(first.alice, linkFrom(vm.id, 'storagelink', (await volume(first)).id));
    const h = await reopened(first, { storagelink: 1, sharedAddresses: 1 });
    const own = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.5.0.0/24' }, [I.IPNETWORK]));
    const ni = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', own.id));
    assert.equal(ni.attributes['occi.networkinterface.address'], '10.5.0.2', 'an interface on an own network, over both other limits');
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'storagelink', (await volume(h)).id)), 403, /at most 1 storage links, it has 2 \(/);
    await rejectsWith(h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', 'public')), 403, /it holds 2 and this request takes 1 \(/);
    await h.cloud.close();
  });
});
