// The two network interface rules left after local-interfaces-rules (from the
// survivors of the first Stryker run over src/backends/local/interfaces.ts,
// issue 14): a random MAC already taken on the network is drawn again, and an
// interface of a running compute is active and 'up'. The random source is
// fixed for the first: node:crypto's randomBytes, replaced through the
// built-in module's live bindings, gives the taken MAC once, then a free one
// with bytes below 16 (each written as two hex digits).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
import * as I from '../../src/model/infrastructure.js';
import { linkFrom } from './contract.js';
import { harness, spec } from './local-harness.js';

describe('local cloud: network interface MAC and state', () => {
  it('draws a random MAC again while it is taken on the network, each byte in two hex digits', async (t) => {
    const h = await harness();
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const net = await h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.8.0.0/24' }, [I.IPNETWORK]));
    const first = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id, { 'occi.networkinterface.mac': '52:54:00:12:34:56' }));
    assert.equal(first.attributes['occi.networkinterface.mac'], '52:54:00:12:34:56');
    const draws = [Buffer.from([0x12, 0x34, 0x56]), Buffer.from([0x0a, 0x00, 0xef])];
    const real = crypto.randomBytes;
    const drawn: number[] = [];
    mock.method(crypto, 'randomBytes', (size: number, ...rest: unknown[]) => {
      if (size === 3 && draws.length > 0) {
        drawn.push(size);
        return draws.shift();
      }
      return (real as (n: number, ...r: unknown[]) => Buffer)(size, ...rest);
    });
    syncBuiltinESMExports();
    t.after(() => {
      mock.restoreAll();
      syncBuiltinESMExports();
    });
    const second = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', net.id));
    assert.equal(drawn.length, 2, 'the random source was drawn from twice: the fixed one reached the cloud');
    assert.equal(second.attributes['occi.networkinterface.mac'], '52:54:00:0a:00:ef', 'every byte two hex digits');
    await h.cloud.close();
  });

  it("shows an interface of a running compute as active and 'up', of a building one as inactive, saying why", async () => {
    const h = await harness({ bootMs: 3000 });
    const vm = await h.cloud.createResource(h.alice, spec('compute'));
    const ni = await h.cloud.createLink(h.alice, linkFrom(vm.id, 'networkinterface', 'public'));
    assert.equal(ni.attributes['occi.networkinterface.state'], 'inactive');
    assert.equal(ni.attributes['occi.networkinterface.state.message'], 'compute is inactive');
    h.advance(3000);
    const up = await h.cloud.get(h.alice, 'networkinterface', ni.id);
    assert.equal(up?.attributes['occi.networkinterface.state'], 'active');
    assert.equal(up?.attributes['occi.networkinterface.state.message'], 'up');
    await h.cloud.close();
  });
});
