// The connections to the cloud: the rules that mutants of
// src/backends/openstack/clients/tls.ts got past in the first Stryker run over
// clients/ (docs/testing.md). close() ends the Agent's connections and the next
// call makes a new Agent; closing one never used is fine. No sockets opened.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudDispatcher } from '../../src/backends/openstack/clients/tls.js';

describe('openstack connections: the Agent', () => {
  it('close() closes the Agent made, and the next call makes a new one', async () => {
    const d = cloudDispatcher({ insecure: false });
    const first = await d();
    assert.equal(await d(), first, 'one Agent for every call');
    await d.close();
    assert.equal((first as unknown as { closed: boolean }).closed, true);
    const second = await d();
    assert.notEqual(second, first);
    await d.close();
  });

  it('closing a dispatcher that never made an Agent is fine', async () => {
    await assert.doesNotReject(cloudDispatcher({ insecure: true }).close());
  });
});
