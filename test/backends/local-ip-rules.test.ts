// The embedded cloud's IP rules, stated one by one (from the survivors of the
// first Stryker run over src/backends/local/ip.ts, issue 14): a CIDR prefix
// is plain decimal digits and nothing before them, and an address of the
// other family is no host of a range, whatever its number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHostOf, parseCidr, parseIp, type Cidr } from '../../src/backends/local/ip.js';
import { rejectsWith } from './contract.js';
import { harness, spec } from './local-harness.js';
import * as I from '../../src/model/infrastructure.js';

describe('local cloud: IP rules', () => {
  it('refuses a prefix with a sign, a space or a hexadecimal form before its digits', async () => {
    for (const prefix of ['+24', ' 24', '0x18', 'a24']) assert.equal(parseCidr(`10.0.0.0/${prefix}`), 'syntax', prefix);
    const h = await harness();
    await rejectsWith(h.cloud.createResource(h.alice, spec('network', { 'occi.network.address': '10.0.0.0/+24' }, [I.IPNETWORK])), 400, /10\.0\.0\.0\/\+24/);
    await h.cloud.close();
  });

  it('takes an IPv6 address for no host of an IPv4 range, even one with the same number', () => {
    const net = parseCidr('192.168.7.0/29') as Cidr;
    assert.equal(isHostOf(net, parseIp('192.168.7.1')!), true);
    assert.equal(isHostOf(net, parseIp('::c0a8:701')!), false, '::c0a8:701 is 192.168.7.1 as a number');
    const v6 = parseCidr('::/125') as Cidr;
    assert.equal(isHostOf(v6, parseIp('::1')!), true);
    assert.equal(isHostOf(v6, parseIp('0.0.0.1')!), false, '0.0.0.1 is ::1 as a number');
  });
});
