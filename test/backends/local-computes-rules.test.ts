// The embedded cloud's rules for computes, stated one by one (from the
// survivors of the first Stryker run over src/backends/local/, issue 14):
// one template of each sort and no provider mixin it does not offer, host
// names trimmed of dashes, a failing image's build, what an update may add,
// remove and change, and the messages of each action.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityRecord } from '../../src/port/backend.js';
import { typeId } from '../../src/model/category.js';
import * as I from '../../src/model/infrastructure.js';
import { availabilityZone } from '../../src/model/templates.js';
import { rejectsWith, stateOf } from './contract.js';
import { change, computeAction, harness, spec, template, type Harness } from './local-harness.js';

const BOOT_MS = 3000;
const ACTION_MS = 1000;
const message = (r: EntityRecord | undefined): unknown => r?.attributes['occi.compute.state.message'];
const KEY = { 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOr1 demo' };

/** The message `promise` is refused with. */
const refusal = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => assert.fail('accepted'),
    (e: Error) => e.message,
  );

async function running(h: Harness, attributes = {}, mixins: Parameters<typeof spec>[2] = []): Promise<EntityRecord> {
  const vm = await h.cloud.createResource(h.alice, spec('compute', attributes, mixins));
  h.advance(BOOT_MS);
  return (await h.cloud.get(h.alice, 'compute', vm.id))!;
}

describe('local cloud: compute rules', () => {
  it('takes one OS and one resource template at most, and no provider mixin it does not offer, naming them', async () => {
    const h = await harness();
    const [debian, ubuntu, small, big] = [await template(h, 'Debian'), await template(h, 'Ubuntu'), await template(h, 'C1R1024D10'), await template(h, 'C2R2048D20')];
    assert.equal(await refusal(h.cloud.createResource(h.alice, spec('compute', {}, [debian, ubuntu]))), `a compute takes one OS template; got ${typeId(debian)}, ${typeId(ubuntu)}`);
    assert.equal(await refusal(h.cloud.createResource(h.alice, spec('compute', {}, [small, big]))), `a compute takes one resource template; got ${typeId(small)}, ${typeId(big)}`);
    const zone = availabilityZone('nova');
    assert.equal(await refusal(h.cloud.createResource(h.alice, spec('compute', {}, [zone]))), `mixin ${typeId(zone)} is not offered by the embedded cloud`);
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.summary': 'the web server' }, [ubuntu, big]));
    assert.deepEqual(vm.mixins, [typeId(ubuntu), typeId(big)]);
    assert.equal(vm.attributes['occi.core.summary'], 'the web server');
    await h.cloud.close();
  });

  it('trims every leading and trailing dash from a host name made from a title', async () => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute', { 'occi.core.title': '--Web  Server--' }));
    assert.equal(vm.attributes['occi.compute.hostname'], 'web-server');
    await h.cloud.close();
  });

  it('builds a compute of a failing image as any other, inactive and building, and then ends in error', async () => {
    const h = await harness({ bootMs: BOOT_MS, failingImages: ['CentOS'] });
    const vm = await h.cloud.createResource(h.alice, spec('compute', {}, [await template(h, 'CentOS')]));
    assert.equal(stateOf(vm), 'inactive');
    assert.equal(message(vm), 'building');
    h.advance(BOOT_MS);
    const failed = await h.cloud.get(h.alice, 'compute', vm.id);
    assert.equal(stateOf(failed), 'error');
    assert.equal(message(failed), 'boot failed: image CentOS is set to fail (local.failingImages)');
    await h.cloud.close();
  });

  it('updates summary, host name and memory, and names an unknown compute', async () => {
    const h = await harness();
    const vm = await running(h, { 'occi.core.title': 'web' }, [await template(h, 'C1R1024D10')]);
    const changed = await h.cloud.update(h.alice, 'compute', vm.id, change({ 'occi.core.summary': 'front', 'occi.compute.hostname': 'www', 'occi.compute.memory': 2 }));
    assert.equal(changed.attributes['occi.core.summary'], 'front');
    assert.equal(changed.attributes['occi.compute.hostname'], 'www');
    assert.equal(changed.attributes['occi.compute.memory'], 2);
    assert.ok(changed.mixins.includes(typeId(await template(h, 'C1R2048D20'))), 'resized to the flavor that fits');
    assert.deepEqual(await h.cloud.get(h.alice, 'compute', vm.id), changed, 'as stored');
    await rejectsWith(h.cloud.update(h.alice, 'compute', 'no-such-compute', change({ 'occi.core.title': 'x' })), 404, /^compute no-such-compute not found$/);
    await h.cloud.close();
  });

  it('refuses an update that drops the OS template, adds or removes a write-once mixin, or changes a fixed attribute, saying which', async () => {
    const h = await harness();
    const os = await template(h, 'Debian');
    const vm = await running(h, KEY, [os, I.SSH_KEY]);
    assert.equal(await refusal(h.cloud.update(h.alice, 'compute', vm.id, change({}, [], [os]))), `compute ${vm.id} cannot lose its OS template ${typeId(os)}`);
    await rejectsWith(h.cloud.update(h.alice, 'compute', vm.id, change({}, [], [I.SSH_KEY])), 403);
    assert.equal(await refusal(h.cloud.update(h.alice, 'compute', vm.id, change({}, [], [I.SSH_KEY]))), `${typeId(I.SSH_KEY)} cannot be removed from a compute`);
    const bare = await running(h);
    await rejectsWith(h.cloud.update(h.alice, 'compute', bare.id, change({}, [I.USER_DATA])), 403);
    assert.equal(await refusal(h.cloud.update(h.alice, 'compute', bare.id, change({}, [I.USER_DATA]))), `${typeId(I.USER_DATA)} can only be given when the compute is created`);
    await rejectsWith(h.cloud.update(h.alice, 'compute', bare.id, change({ 'occi.compute.state': 'inactive' })), 400, /^occi\.compute\.state cannot be changed on a compute$/);
    assert.deepEqual(await h.cloud.get(h.alice, 'compute', vm.id), vm, 'nothing changed');
    await h.cloud.close();
  });

  it('refuses an action on a busy compute or in the wrong state, naming the compute', async () => {
    const h = await harness({ bootMs: BOOT_MS });
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('start'), {}), 409, new RegExp(`^compute ${vm.id} is inactive and busy \\(building\\); retry once it is active$`));
    h.advance(BOOT_MS);
    await rejectsWith(h.cloud.action(h.alice, 'compute', vm.id, computeAction('start'), {}), 409, new RegExp(`^cannot start compute ${vm.id}: it is active$`));
    await h.cloud.close();
  });

  it('answers each action with the compute as it is now, showing its messages while it runs and after', async () => {
    const h = await harness({ bootMs: BOOT_MS, actionMs: ACTION_MS });
    const vm = await running(h);
    const steps: Array<[string, Record<string, string>, string, string, string]> = [
      ['suspend', { method: 'suspend' }, 'suspending (suspend)', 'suspended', 'suspended (suspend)'],
      ['start', {}, 'starting', 'active', 'running'],
      ['restart', { method: 'warm' }, 'restarting (warm)', 'active', 'running'],
      ['stop', { method: 'acpioff' }, 'stopping (acpioff)', 'inactive', 'stopped (acpioff)'],
    ];
    for (const [term, params, during, state, after] of steps) {
      const out = await h.cloud.action(h.alice, 'compute', vm.id, computeAction(term), params);
      assert.equal(out.entity?.id, vm.id, term);
      assert.equal(message(out.entity), during, `${term} while it runs`);
      h.advance(ACTION_MS);
      const now = await h.cloud.get(h.alice, 'compute', vm.id);
      assert.equal(stateOf(now), state, term);
      assert.equal(message(now), after, `${term} once done`);
    }
    await h.cloud.close();
  });
});
