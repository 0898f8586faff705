// Provider mixins built the same way by every backend (model/templates.ts):
// terms from cloud names, OS and resource templates with their defaults,
// availability zones and security groups, the family parents that are not
// members; and the contextualization variants ooi's clients send
// (model/contextualization.ts), and OCCI/1.1's view of states
// (model/lifecycle.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeContextualization } from '../../src/model/contextualization.js';
import * as I from '../../src/model/infrastructure.js';
import { occi11Value } from '../../src/model/lifecycle.js';
import { AVAILABILITY_ZONE_SCHEME, OS_TPL_SCHEME, RESOURCE_TPL_SCHEME, SECURITY_GROUP_SCHEME } from '../../src/model/schemes.js';
import {
  availabilityZone,
  familyParentMisuse,
  familyParentNote,
  isAvailabilityZone,
  isOsTemplate,
  isResourceTemplate,
  isSecurityGroup,
  osTemplate,
  resourceTemplate,
  securityGroup,
  templateDefault,
  toTerm,
} from '../../src/model/templates.js';

const defaults = (m: ReturnType<typeof osTemplate>): Record<string, unknown> =>
  Object.fromEntries([...m.attributes.values()].map((d) => [d.name, [d.valueKind, d.default, d.mutable]]));
const descriptions = (m: ReturnType<typeof osTemplate>): Record<string, unknown> => Object.fromEntries([...m.attributes.values()].map((d) => [d.name, d.description]));

describe('provider templates', () => {
  test('a cloud name that is a term is kept; otherwise odd characters become _, the start is a letter or digit, and an empty result takes the fallback', () => {
    assert.equal(toTerm('Debian-12.1_x', 'f'), 'Debian-12.1_x');
    assert.equal(toTerm('Ubuntu 24.04 LTS', 'f'), 'Ubuntu_24.04_LTS');
    assert.equal(toTerm('a  / b', 'f'), 'a_b', 'a run of odd characters becomes one _');
    assert.equal(toTerm('--.x', 'f'), 'x');
    assert.equal(toTerm(' (new) x', 'f'), 'new_x');
    assert.equal(toTerm('ε', 'fallback'), 'fallback');
    assert.equal(toTerm('', 'fallback'), 'fallback');
  });

  test('an OS template carries the image id (read-only), an architecture only when known, and lives under /templates/os/<term>/', () => {
    const t = osTemplate({ id: 'img-1', term: 'a b', title: 'Debian' });
    assert.deepEqual({ scheme: t.scheme, term: t.term, title: t.title, location: t.location, origin: t.origin, providerId: t.providerId }, {
      scheme: OS_TPL_SCHEME, term: 'a b', title: 'Debian', location: '/templates/os/a%20b/', origin: 'provider', providerId: 'img-1',
    });
    assert.deepEqual(t.depends, [I.OS_TPL]);
    assert.deepEqual(t.applies, [I.COMPUTE]);
    assert.deepEqual(defaults(t), { 'org.openstack.image.id': ['string', 'img-1', false] });
    const x64 = osTemplate({ id: 'i', term: 't', title: 't', scheme: 'http://cloud/os#', architecture: 'x64' });
    assert.equal(x64.scheme, 'http://cloud/os#');
    assert.deepEqual(defaults(x64)['occi.compute.architecture'], ['enum', 'x64', true]);
    assert.deepEqual(descriptions(x64), { 'org.openstack.image.id': 'Image identifier in the cloud', 'occi.compute.architecture': 'Architecture of the image' });
    assert.equal(isOsTemplate(t), true);
    assert.equal(isResourceTemplate(t), false);
  });

  test('a resource template states cores, memory in GiB from MiB, and the flavor facts (read-only), zero when the cloud gives none', () => {
    const t = resourceTemplate({ id: 'f1', term: 'small', cores: 2, ramMiB: 1536, diskGB: 20 });
    assert.equal(t.title, 'small: 2 cores, 1.5 GiB RAM, 20 GB disk');
    assert.equal(t.location, '/templates/resource/small/');
    assert.equal(t.scheme, RESOURCE_TPL_SCHEME);
    assert.deepEqual(defaults(t), {
      'occi.compute.cores': ['integer', 2, true],
      'occi.compute.memory': ['float', 1.5, true],
      'org.openstack.flavor.disk': ['integer', 20, false],
      'org.openstack.flavor.ephemeral': ['integer', 0, false],
      'org.openstack.flavor.swap': ['integer', 0, false],
      'org.openstack.flavor.id': ['string', 'f1', false],
    });
    assert.deepEqual(descriptions(t), {
      'occi.compute.cores': 'Number of virtual CPU cores',
      'occi.compute.memory': 'RAM in gigabytes',
      'org.openstack.flavor.disk': 'Root disk size in GB',
      'org.openstack.flavor.ephemeral': 'Ephemeral disk size in GB',
      'org.openstack.flavor.swap': 'Swap size in MiB',
      'org.openstack.flavor.id': 'Flavor identifier in the cloud',
    });
    const one = resourceTemplate({ id: 'f2', term: 'tiny', title: undefined, cores: 1, ramMiB: 512, diskGB: 1, ephemeralGB: 5, swapMiB: 256 });
    assert.equal(one.title, 'tiny: 1 core, 0.5 GiB RAM, 1 GB disk');
    assert.equal(templateDefault(one, 'org.openstack.flavor.ephemeral'), 5);
    assert.equal(templateDefault(one, 'org.openstack.flavor.swap'), 256);
    assert.equal(templateDefault(one, 'no.such'), undefined);
    assert.equal(resourceTemplate({ id: 'f3', term: 'named', title: 'Named', cores: 1, ramMiB: 1, diskGB: 1 }).title, 'Named');
    assert.deepEqual([t.depends, t.applies], [[I.RESOURCE_TPL], [I.COMPUTE]]);
    assert.equal(isResourceTemplate(t), true);
    assert.equal(isOsTemplate(t), false);
  });

  test('availability zones and security groups are compute mixins named by their cloud names, with a fallback term', () => {
    const zone = availabilityZone('nova zone');
    assert.deepEqual([zone.scheme, zone.term, zone.title, zone.location, zone.providerId], [AVAILABILITY_ZONE_SCHEME, 'nova_zone', 'Availability zone nova zone', '/availability_zone/nova_zone/', 'nova zone']);
    assert.equal(availabilityZone('☃').term, 'zone');
    assert.equal(isAvailabilityZone(zone), true);
    assert.equal(isSecurityGroup(zone), false);
    const group = securityGroup({ id: 'g1', name: 'web', description: 'HTTP in' });
    assert.deepEqual([group.scheme, group.term, group.title, group.location, group.providerId], [SECURITY_GROUP_SCHEME, 'web', 'web: HTTP in', '/security_group/web/', 'g1']);
    assert.equal(securityGroup({ id: 'g2', name: 'bare' }).title, 'Security group bare');
    assert.equal(securityGroup({ id: 'g3', name: '' }).term, 'sg-g3');
    assert.equal(isSecurityGroup(group), true);
    assert.equal(isAvailabilityZone(group), false);
    for (const m of [zone, group]) assert.deepEqual(m.applies, [I.COMPUTE]);
  });

  test('the parent of a provider family is refused where a member is meant, saying how to list the members; others pass', () => {
    for (const parent of [I.OS_TPL, I.RESOURCE_TPL, I.AVAILABILITY_ZONE, I.SECURITY_GROUP]) {
      assert.equal(
        familyParentMisuse(parent),
        `${parent.scheme}${parent.term} names the family of ${parent.term} mixins, not one of them: associate one of its members (GET /-/?category=${parent.term} lists them)`,
      );
      assert.match(familyParentNote(parent)!, new RegExp(`^${parent.term} is the parent of the ${parent.term} family and has no members of its own: list the family with GET /-/\\?category=${parent.term}, and the computes`));
    }
    for (const other of [I.SSH_KEY, osTemplate({ id: 'i', term: 't', title: 't' })]) {
      assert.equal(familyParentMisuse(other), undefined);
      assert.equal(familyParentNote(other), undefined);
    }
  });
});

describe("contextualization: ooi's OpenStack-named variants become the OCCI 1.2 mixins", () => {
  test('the OpenStack mixins and attributes are replaced by ssh_key and user_data; the key name is dropped', () => {
    const out = normalizeContextualization([I.OPENSTACK_PUBLIC_KEY, I.OPENSTACK_USER_DATA], {
      'org.openstack.credentials.publickey.data': 'ssh-ed25519 AAA',
      'org.openstack.credentials.publickey.name': 'mykey',
      'org.openstack.compute.user_data': 'aGk=',
      'occi.core.title': 'vm',
    });
    assert.deepEqual(out, {
      mixins: [I.SSH_KEY, I.USER_DATA],
      attributes: { 'occi.core.title': 'vm', 'occi.credentials.ssh.publickey': 'ssh-ed25519 AAA', 'occi.compute.userdata': 'aGk=' },
    });
  });

  test('the OCCI 1.2 value wins when both are given, and each mixin appears once', () => {
    const out = normalizeContextualization([I.SSH_KEY, I.OPENSTACK_PUBLIC_KEY], {
      'occi.credentials.ssh.publickey': 'ssh-ed25519 NEW',
      'org.openstack.credentials.publickey.data': 'ssh-ed25519 OLD',
    });
    assert.deepEqual(out, { mixins: [I.SSH_KEY], attributes: { 'occi.credentials.ssh.publickey': 'ssh-ed25519 NEW' } });
  });

  test('an OpenStack attribute without its mixin still brings the OCCI mixin; other mixins pass unchanged', () => {
    const tpl = osTemplate({ id: 'i', term: 't', title: 't' });
    const out = normalizeContextualization([tpl], { 'org.openstack.compute.user_data': 'aGk=' });
    assert.deepEqual(out, { mixins: [tpl, I.USER_DATA], attributes: { 'occi.compute.userdata': 'aGk=' } });
    const none = normalizeContextualization([tpl], {});
    assert.deepEqual(none, { mixins: [tpl], attributes: {} });
  });
});

test('OCCI/1.1 clients see no error state: inactive for compute, network and links, degraded for storage; other values unchanged', () => {
  assert.equal(occi11Value('occi.compute.state', 'error'), 'inactive');
  assert.equal(occi11Value('occi.network.state', 'error'), 'inactive');
  assert.equal(occi11Value('occi.storage.state', 'error'), 'degraded');
  assert.equal(occi11Value('occi.networkinterface.state', 'error'), 'inactive');
  assert.equal(occi11Value('occi.storagelink.state', 'error'), 'inactive');
  assert.equal(occi11Value('occi.compute.state', 'active'), 'active');
  assert.equal(occi11Value('occi.core.title', 'error'), 'error');
  assert.equal(occi11Value('toString', 'error'), 'error', 'only the state attributes, not inherited object keys');
});
