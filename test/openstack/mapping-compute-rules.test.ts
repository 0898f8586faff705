// The compute rules that mutants of src/backends/openstack/mapping/compute.ts
// and ids.ts got past in the first Stryker run over mapping/ (docs/testing.md):
// where the summary lives per cloud, the words of each status under way, a
// flavor named by id only, and interface ids of the wrong shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPENSTACK, SYNNEFO } from '../../src/backends/openstack/dialect.js';
import type { NovaFlavor, NovaServer } from '../../src/backends/openstack/clients/nova.js';
import { computeRecord, stateMessage } from '../../src/backends/openstack/mapping/compute.js';
import { parseInterfaceId } from '../../src/backends/openstack/mapping/ids.js';
import { TemplateIndex } from '../../src/backends/openstack/mapping/templates.js';
import { typeId } from '../../src/model/category.js';

const server = (more: Partial<NovaServer> = {}): NovaServer => ({ id: 's1', name: 'vm', status: 'ACTIVE', ...more });
const small: NovaFlavor = { id: 'f1', name: 'small', vcpus: 2, ram: 2048, disk: 1 };
const templates = new TemplateIndex([], [small]);

describe('openstack compute rules: the summary', () => {
  it("OpenStack keeps occi.core.summary in Nova's description, not in the metadata", () => {
    const ctx = { templates, dialect: OPENSTACK };
    const described = { ...server(), description: 'web front' } as NovaServer;
    assert.equal(computeRecord(described, [], ctx).attributes['occi.core.summary'], 'web front');
    const inMetadata = server({ metadata: { 'occi.core.summary': 'not here' } });
    assert.equal('occi.core.summary' in computeRecord(inMetadata, [], ctx).attributes, false);
  });

  it('Synnefo keeps it in the occi.core.summary metadata item, not in a description', () => {
    const ctx = { templates, dialect: SYNNEFO };
    assert.equal(computeRecord(server({ metadata: { 'occi.core.summary': 'web front' } }), [], ctx).attributes['occi.core.summary'], 'web front');
    const described = { ...server(), description: 'not here' } as NovaServer;
    assert.equal('occi.core.summary' in computeRecord(described, [], ctx).attributes, false);
  });

  it('an empty summary is no summary', () => {
    const described = { ...server(), description: '' } as NovaServer;
    assert.equal('occi.core.summary' in computeRecord(described, [], { templates, dialect: OPENSTACK }).attributes, false);
    assert.equal('occi.core.summary' in computeRecord(server({ metadata: { 'occi.core.summary': '' } }), [], { templates, dialect: SYNNEFO }).attributes, false);
  });
});

describe('openstack compute rules: the state message', () => {
  it('each status under way is said in words before the raw status', () => {
    const words: Record<string, string> = {
      BUILD: 'building',
      REBUILD: 'rebuilding',
      REBOOT: 'rebooting',
      HARD_REBOOT: 'rebooting',
      RESIZE: 'resizing',
      VERIFY_RESIZE: 'resized, waiting for the resize to be confirmed',
      REVERT_RESIZE: 'reverting a resize',
      MIGRATING: 'migrating',
    };
    for (const [status, w] of Object.entries(words)) assert.equal(stateMessage(server({ status })), `${w}: ${status}`, status);
    assert.equal(stateMessage(server({ status: 'ACTIVE' })), 'ACTIVE');
    assert.equal(computeRecord(server({ status: 'REBOOT' }), [], { templates, dialect: OPENSTACK }).attributes['occi.compute.state.message'], 'rebooting: REBOOT');
  });
});

describe('openstack compute rules: the flavor', () => {
  it('a flavor given by id only (Nova before 2.47) gives its template and its sizes', () => {
    const r = computeRecord(server({ flavor: { id: 'f1' } }), [], { templates, dialect: OPENSTACK });
    assert.deepEqual(r.mixins, [typeId(templates.flavorById('f1')!.mixin)]);
    assert.equal(r.attributes['occi.compute.cores'], 2);
    assert.equal(r.attributes['occi.compute.memory'], 2);
  });
});

describe('openstack compute rules: interface ids', () => {
  it('a floating-IP interface id is exactly server_fip_ip: more parts are no interface id', () => {
    assert.deepEqual(parseInterfaceId('s1_fip_f1'), { server: 's1', floatingIp: 'f1' });
    assert.equal(parseInterfaceId('s1_fip_f1_x'), undefined);
  });
});
