// What a compute creation sends to Nova, for both dialects: templates
// (400 naming what is missing), user data passed once encoded, keypairs,
// networks ('none' / [] / floating IPs) and block devices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LinkSpec, ResourceSpec } from '../../src/port/backend.js';
import { checkBase64, keypairName, openSshKey, planServer, type PlanContext } from '../../src/backends/openstack/services/compute-plan.js';
import { OPENSTACK, SYNNEFO } from '../../src/backends/openstack/dialect.js';
import type { GlanceImage } from '../../src/backends/openstack/clients/glance.js';
import { imageFromGlance, TemplateIndex } from '../../src/backends/openstack/mapping/templates.js';
import type { NeutronNetwork } from '../../src/backends/openstack/clients/neutron.js';
import type { NovaFlavor } from '../../src/backends/openstack/clients/nova.js';
import { OcciError } from '../../src/errors.js';
import { osTemplate } from '../../src/model/templates.js';
import { fixture } from './fixtures.js';

const flavors = fixture<{ flavors: NovaFlavor[] }>('flavors.json').flavors;
const images = fixture<{ images: GlanceImage[] }>('images.json').images;
const networks = fixture<{ networks: NeutronNetwork[] }>('networks.json').networks;
const templates = new TemplateIndex(images.flatMap((i) => imageFromGlance(i) ?? []), flavors);
const tiny = templates.os[0]!;
const nano = templates.resource.find((m) => m.term === 'm1.nano')!;
const shared = networks.find((n) => n.name === 'shared')!;
const pub = networks.find((n) => n.name === 'public')!;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host';

const ctx = (o: Partial<PlanContext> = {}): PlanContext => ({
  templates,
  dialect: OPENSTACK,
  project: 'p1',
  microversion: '2.90',
  networks: new Map([
    [String(shared.id), shared],
    [String(pub.id), pub],
  ]),
  ...o,
});
const spec = (o: Partial<ResourceSpec> = {}): ResourceSpec => ({ kind: 'compute', mixins: [tiny, nano], attributes: {}, links: [], ...o });
const nic = (id: string | number, attributes: LinkSpec['attributes'] = {}): LinkSpec => ({
  kind: 'networkinterface',
  target: { kind: 'network', id: String(id) },
  mixins: [],
  attributes,
});
const status400 = (re: RegExp) => (e: unknown) => e instanceof OcciError && e.status === 400 && re.test(e.message);

describe('openstack: compute creation plan', () => {
  it('names the missing templates in a 400', () => {
    assert.throws(() => planServer(spec({ mixins: [] }), ctx()), status400(/an os_tpl mixin \(OS template\) and a resource_tpl mixin/));
    assert.throws(() => planServer(spec({ mixins: [tiny] }), ctx()), status400(/needs a resource_tpl mixin/));
    assert.throws(() => planServer(spec({ mixins: [nano] }), ctx()), status400(/needs an os_tpl mixin/));
    const foreign = osTemplate({ id: 'x', term: 'elsewhere', title: 'not here' });
    assert.throws(() => planServer(spec({ mixins: [foreign, nano] }), ctx()), status400(/os_tpl#elsewhere is not offered/));
    assert.throws(() => planServer(spec({ id: 'mine' }), ctx()), status400(/assigns compute ids/));
  });

  it('builds the Nova body: title → name, templates → refs, no interface → networks "none" (2.37+)', () => {
    const { body, floating, keypair } = planServer(spec({ attributes: { 'occi.core.title': 'web', 'occi.core.summary': 'front' } }), ctx());
    assert.deepEqual(body, {
      name: 'web',
      imageRef: images[0]!.id,
      flavorRef: '42',
      description: 'front',
      networks: 'none',
    });
    assert.deepEqual(floating, []);
    assert.equal(keypair, undefined);
  });

  it('passes Base64 user data on exactly as given, and refuses anything else (D19)', () => {
    const encoded = Buffer.from('#!/bin/sh\necho hi\n').toString('base64');
    const { body } = planServer(spec({ attributes: { 'occi.compute.userdata': encoded } }), ctx());
    assert.equal(body.user_data, encoded, 'not encoded a second time');
    assert.equal(checkBase64(`${encoded.slice(0, 8)}\n${encoded.slice(8)}`), encoded, 'line breaks dropped');
    assert.throws(() => planServer(spec({ attributes: { 'occi.compute.userdata': '#!/bin/sh' } }), ctx()), status400(/occi\.compute\.userdata must be Base64/));
  });

  it('imports the ssh key as a keypair named after its hash, plain or Base64 (D19)', () => {
    const plain = planServer(spec({ attributes: { 'occi.credentials.ssh.publickey': KEY } }), ctx());
    const b64 = planServer(spec({ attributes: { 'occi.credentials.ssh.publickey': Buffer.from(KEY).toString('base64') } }), ctx());
    assert.deepEqual(plain.keypair, { name: keypairName(KEY), publicKey: KEY });
    assert.deepEqual(b64.keypair, plain.keypair);
    assert.match(plain.keypair!.name, /^snf-occi-[0-9a-f]{16}$/);
    assert.equal(plain.body.key_name, plain.keypair!.name);
    assert.equal(keypairName(`${KEY.split(' ').slice(0, 2).join(' ')} other comment`), plain.keypair!.name, 'the comment does not matter');
    assert.throws(() => openSshKey('not a key'), status400(/occi\.credentials\.ssh\.publickey/));
  });

  it('turns links to private networks into networks and to external ones into floating IPs', () => {
    const plan = planServer(spec({ links: [nic(shared.id, { 'occi.networkinterface.address': '192.0.2.50/24' }), nic(pub.id)] }), ctx());
    assert.deepEqual(plan.body.networks, [{ uuid: shared.id, fixed_ip: '192.0.2.50' }]);
    assert.deepEqual(plan.floating, [{ external: pub.id, via: shared.id }]);
    assert.throws(() => planServer(spec({ links: [nic(pub.id)] }), ctx()), status400(/needs a networkinterface to a private network/));
    assert.throws(
      () => planServer(spec({ links: [nic('nope')] }), ctx()),
      (e: unknown) => e instanceof OcciError && e.status === 404 && /network nope not found/.test(e.message),
    );
  });

  it('sends inline storagelinks as block_device_mapping_v2 after the image', () => {
    const { body } = planServer(
      spec({ links: [{ kind: 'storagelink', target: { kind: 'storage', id: 'vol-1' }, mixins: [], attributes: { 'occi.storagelink.deviceid': '/dev/vdb' } }] }),
      ctx(),
    );
    assert.deepEqual(body.block_device_mapping_v2, [
      { boot_index: 0, uuid: images[0]!.id, source_type: 'image', destination_type: 'local', delete_on_termination: true },
      { boot_index: -1, uuid: 'vol-1', source_type: 'volume', destination_type: 'volume', delete_on_termination: false, device_name: '/dev/vdb' },
    ]);
    // A mount point is the guest's business: refused with a 400 that says so, not dropped.
    assert.throws(
      () => planServer(spec({ links: [{ kind: 'storagelink', target: { kind: 'storage', id: 'vol-1' }, mixins: [], attributes: { 'occi.storagelink.mountpoint': '/mnt/x' } }] }), ctx()),
      (e: unknown) => e instanceof OcciError && e.status === 400 && /mountpoint/.test(e.message),
    );
  });

  it('sets the hostname from 2.90 on (its first label) and leaves it to older clouds', () => {
    const a = { 'occi.compute.hostname': 'web-1.example.org' };
    assert.equal(planServer(spec({ attributes: a }), ctx()).body.hostname, 'web-1');
    assert.equal(planServer(spec({ attributes: a }), ctx({ microversion: '2.60' })).body.hostname, undefined);
  });
});

describe('openstack: Synnefo dialect in the plan', () => {
  const data = Buffer.from('#cloud-config\n').toString('base64');
  const decode = (f: { contents: string }): string => Buffer.from(f.contents, 'base64').toString('utf8');

  it('charges the project, asks for no network with [], keeps the summary in metadata and refuses a hostname', () => {
    const { body } = planServer(spec({ attributes: { 'occi.core.summary': 'x' } }), ctx({ dialect: SYNNEFO, microversion: undefined, project: 'proj-9' }));
    assert.deepEqual(body, { name: 'occi-compute', imageRef: images[0]!.id, flavorRef: '42', project: 'proj-9', metadata: { 'occi.core.summary': 'x' }, networks: [] });
    assert.throws(
      () => planServer(spec({ attributes: { 'occi.compute.hostname': 'h' } }), ctx({ dialect: SYNNEFO, microversion: undefined })),
      status400(/Synnefo names a compute's host itself/),
    );
  });

  it('writes key and user data as personality files where the release lacks key_name and user_data (soi/compute.py)', () => {
    const attributes = { 'occi.credentials.ssh.publickey': KEY, 'occi.compute.userdata': data };
    const { body, keypair } = planServer(spec({ attributes }), ctx({ dialect: SYNNEFO, microversion: undefined, contextualization: { keypairs: false, userData: false } }));
    assert.equal(keypair, undefined);
    assert.equal(body.key_name, undefined);
    assert.equal(body.user_data, undefined);
    const files = body.personality as Array<{ path: string; contents: string; owner?: string; mode?: number }>;
    assert.deepEqual(files.map((f) => f.path), ['/var/lib/cloud/seed/nocloud-net/meta-data', '/var/lib/cloud/seed/nocloud-net/user-data', '/root/.ssh/authorized_keys']);
    assert.match(decode(files[0]!), new RegExp(`^instance-id: snf-occi-[0-9a-f]{16}\npublic-keys:\n  - ${KEY.replace(/[+]/g, '\\+')}\n$`));
    assert.equal(files[1]!.contents, data, 'user data is Base64 already (D19)');
    assert.equal(decode(files[2]!), `${KEY}\n`);
    assert.equal(files[2]!.mode, 0o600);
  });

  it('uses key_name where the release has os-keypairs, and user_data from 0.20', () => {
    const attributes = { 'occi.credentials.ssh.publickey': KEY, 'occi.compute.userdata': data };
    const keyOnly = planServer(spec({ attributes }), ctx({ dialect: SYNNEFO, microversion: undefined, contextualization: { keypairs: true, userData: false } }));
    assert.equal(keyOnly.body.key_name, keypairName(KEY));
    assert.deepEqual((keyOnly.body.personality as Array<{ path: string }>).map((f) => f.path), ['/var/lib/cloud/seed/nocloud-net/meta-data', '/var/lib/cloud/seed/nocloud-net/user-data']);
    const both = planServer(spec({ attributes }), ctx({ dialect: SYNNEFO, microversion: undefined, contextualization: { keypairs: true, userData: true } }));
    assert.equal(both.body.user_data, data);
    assert.equal(both.body.personality, undefined);
  });

  it('puts a held floating IP into networks as {uuid, fixed_ip}', () => {
    const plan = planServer(spec({ links: [nic(pub.id)] }), ctx({ dialect: SYNNEFO, publicAddresses: new Map([[String(pub.id), '83.212.96.9']]) }));
    assert.deepEqual(plan.body.networks, [{ uuid: String(pub.id), fixed_ip: '83.212.96.9' }]);
    assert.deepEqual(plan.floating, []);
  });

  it("sends inline volumes the way Cyclades reads block_device_mapping_v2: the image first at the flavor's disk size", () => {
    const disk = (id: string, attributes: LinkSpec['attributes'] = {}): LinkSpec => ({ kind: 'storagelink', target: { kind: 'storage', id }, mixins: [], attributes });
    const { body } = planServer(spec({ links: [disk('7'), disk('8', { 'occi.storagelink.deviceid': '/dev/vdc' })] }), ctx({ dialect: SYNNEFO }));
    assert.deepEqual(body.block_device_mapping_v2, [
      { source_type: 'image', uuid: images[0]!.id, volume_size: flavors.find((f) => String(f.id) === '42')!.disk, delete_on_termination: true },
      { source_type: 'volume', uuid: '7', delete_on_termination: false },
      { source_type: 'volume', uuid: '8', delete_on_termination: false },
    ]);
    assert.throws(() => planServer(spec({ links: [disk('7', { 'occi.storagelink.deviceid': '/dev/vdd' })] }), ctx({ dialect: SYNNEFO })), status400(/will be \/dev\/vdb/));
    assert.throws(() => planServer(spec({ links: [disk('7', { 'occi.storagelink.mountpoint': '/mnt' })] }), ctx({ dialect: SYNNEFO })), OcciError);
  });

  it('differs from OpenStack where Synnefo does', () => {
    assert.deepEqual(SYNNEFO.startAction, { start: {} });
    assert.deepEqual(SYNNEFO.stopAction, { shutdown: {} });
    assert.deepEqual(OPENSTACK.startAction, { 'os-start': null });
    assert.deepEqual(OPENSTACK.stopAction, { 'os-stop': null });
    assert.equal(SYNNEFO.hostname({ id: 42, name: 'a', status: 'ACTIVE', 'SNF:fqdn': 'snf-42.vm.example.org' }), 'snf-42.vm.example.org');
    assert.equal(SYNNEFO.hostname({ id: 42, name: 'a', status: 'ACTIVE', 'SNF:fqdn': null }), undefined);
    assert.deepEqual(SYNNEFO.volumeName('v'), { display_name: 'v' });
    assert.deepEqual(SYNNEFO.snapshotFields('s'), { display_name: 's' });
    assert.deepEqual(OPENSTACK.snapshotFields('s'), { name: 's', force: true });
    assert.deepEqual(SYNNEFO.networkFields(), { type: 'MAC_FILTERED' });
    assert.deepEqual(OPENSTACK.projectFields('p'), {});
    assert.equal(SYNNEFO.serverGone({ id: 1, name: 'a', status: 'DELETED', deleted: true }), true);
    assert.equal(SYNNEFO.serverGone({ id: 1, name: 'a', status: 'ACTIVE', 'SNF:task_state': 'DESTROYING' }), true);
    assert.equal(SYNNEFO.serverGone({ id: 1, name: 'a', status: 'ACTIVE', 'SNF:task_state': '' }), false);
  });
});
