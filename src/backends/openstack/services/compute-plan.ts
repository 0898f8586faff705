// What a compute creation asks of Nova: the server body, the keypair to
// import and the floating IPs to add once the server has a port. Pure: every
// cloud fact it needs is passed in, every refusal is a 400 naming the problem.
import { createHash } from 'node:crypto';
import type { LinkSpec, ResourceSpec } from '../../../port/backend.js';
import { badRequest, notFound } from '../../../errors.js';
import type { Mixin } from '../../../model/category.js';
import { isOsTemplate, isResourceTemplate } from '../../../model/templates.js';
import { hostnameIsTheClouds, type Dialect } from '../dialect.js';
import { refuseMountpoint } from '../mapping/links.js';
import { personalityFiles } from '../mapping/personality.js';
import { SUMMARY_KEY } from '../mapping/compute.js';
import type { TemplateIndex } from '../mapping/templates.js';
import type { NeutronNetwork } from '../clients/neutron.js';
import { compareMicroversions, type ServerCreate } from '../clients/nova.js';

export interface PlanContext {
  templates: TemplateIndex;
  dialect: Dialect;
  project: string;
  microversion: string | undefined;
  /** The networks the inline networkinterfaces target, by id. */
  networks: ReadonlyMap<string, NeutronNetwork>;
  /** Whether the key goes in as a keypair and the user data as user_data; otherwise as personality files (default: both native). */
  contextualization?: { keypairs: boolean; userData: boolean };
  /** The floating IP address held for each external network linked at creation (Synnefo puts them in `networks`). */
  publicAddresses?: ReadonlyMap<string, string>;
}

export interface ServerPlan {
  body: ServerCreate;
  keypair?: { name: string; publicKey: string };
  /** Floating IPs to add after boot: from `external`, on the port on `via` (any port when undefined). */
  floating: { external: string; via: string | undefined }[];
}

export function planServer(spec: ResourceSpec, ctx: PlanContext): ServerPlan {
  if (spec.id !== undefined) throw badRequest('OpenStack assigns compute ids; create with POST to /compute/');
  const { image, flavor } = templates(spec.mixins, ctx.templates);
  const a = spec.attributes;
  const body: ServerCreate = {
    name: stringAttr(a['occi.core.title']) ?? 'occi-compute',
    imageRef: image,
    flavorRef: flavor,
    ...ctx.dialect.projectFields(ctx.project),
  };
  const summary = stringAttr(a['occi.core.summary']);
  if (summary !== undefined && ctx.dialect.summary === 'description') body.description = summary;
  const hostname = stringAttr(a['occi.compute.hostname']);
  if (hostname !== undefined && ctx.dialect.hostnames === 'cloud') throw badRequest(hostnameIsTheClouds(ctx.dialect));
  if (hostname !== undefined && ctx.microversion && compareMicroversions(ctx.microversion, '2.90') >= 0) {
    // Nova 2.90 takes a short host name; the domain is the cloud's.
    body.hostname = hostname.split('.')[0];
  }
  if (summary !== undefined && ctx.dialect.summary === 'metadata') body.metadata = { [SUMMARY_KEY]: summary };
  const plan: ServerPlan = { body, floating: [] };
  contextualize(plan, a, ctx);
  addNetworks(plan, spec.links.filter((l) => l.kind === 'networkinterface'), ctx);
  addVolumes(body, { image, flavor }, spec.links.filter((l) => l.kind === 'storagelink'), ctx);
  return plan;
}

/** The public key and user data: as a keypair and user_data where the cloud has them, else as personality files. */
function contextualize(plan: ServerPlan, a: ResourceSpec['attributes'], ctx: PlanContext): void {
  const native = ctx.contextualization ?? { keypairs: true, userData: true };
  const raw = stringAttr(a['occi.compute.userdata']);
  const userData = raw === undefined ? undefined : checkBase64(raw);
  const rawKey = stringAttr(a['occi.credentials.ssh.publickey']);
  const key = rawKey === undefined ? undefined : openSshKey(rawKey);
  if (userData !== undefined && native.userData) plan.body.user_data = userData;
  if (key !== undefined && native.keypairs) {
    plan.keypair = { name: keypairName(key), publicKey: key };
    plan.body.key_name = plan.keypair.name;
  }
  const files = personalityFiles({
    ...(key !== undefined && !native.keypairs ? { publicKey: key } : {}),
    ...(userData !== undefined && !native.userData ? { userData } : {}),
    ...withUsers(ctx.templates.imageUsers(String(plan.body.imageRef))),
    name: String(plan.body.name),
  });
  if (files.length > 0) plan.body.personality = files;
}

const withUsers = (users: string | undefined): { imageUsers?: string } => (users === undefined ? {} : { imageUsers: users });

function templates(mixins: readonly Mixin[], index: TemplateIndex): { image: string; flavor: string } {
  const os = mixins.filter(isOsTemplate);
  const res = mixins.filter(isResourceTemplate);
  const missing = [os.length === 0 ? 'an os_tpl mixin (OS template)' : '', res.length === 0 ? 'a resource_tpl mixin (resource template)' : '']
    .filter((m) => m !== '');
  if (missing.length > 0) throw badRequest(`creating a compute needs ${missing.join(' and ')}; see the templates in /-/`);
  if (os.length > 1 || res.length > 1) throw badRequest('a compute takes exactly one os_tpl and one resource_tpl mixin');
  return { image: providerId(os[0]!, index), flavor: providerId(res[0]!, index) };
}

function providerId(m: Mixin, index: TemplateIndex): string {
  const known = index.find(m);
  const id = known?.providerId;
  if (id === undefined) throw badRequest(`template ${m.scheme}${m.term} is not offered to this project`);
  return id;
}

function addNetworks(plan: ServerPlan, links: LinkSpec[], ctx: PlanContext): void {
  const networks: Record<string, string>[] = [];
  const external: string[] = [];
  for (const l of links) {
    const net = ctx.networks.get(l.target.id);
    if (!net) throw notFound(`networkinterface target network ${l.target.id} not found`);
    if (net['router:external'] === true) {
      const held = ctx.publicAddresses?.get(String(net.id));
      // Synnefo: a {uuid, fixed_ip} entry holding one of the user's floating IPs (logic/servers.py _port_for_request() L726-752).
      if (ctx.dialect.publicAtCreate === 'networks-entry' && held !== undefined) networks.push({ uuid: String(net.id), fixed_ip: held });
      else external.push(String(net.id));
      continue;
    }
    const entry: Record<string, string> = { uuid: String(net.id) };
    const fixed = stringAttr(l.attributes['occi.networkinterface.address']);
    if (fixed !== undefined) entry.fixed_ip = fixed.split('/')[0]!;
    networks.push(entry);
  }
  const via = networks[0]?.uuid;
  if (external.length > 0 && via === undefined && ctx.dialect.attach === 'nova') {
    throw badRequest(
      `a link to external network ${external[0]} becomes a floating IP, which needs a networkinterface to a private network too`,
    );
  }
  plan.floating = external.map((e) => ({ external: e, via }));
  plan.body.networks = networks.length > 0 ? networks : ctx.dialect.noNetworks;
}

function addVolumes(body: ServerCreate, refs: { image: string; flavor: string }, links: LinkSpec[], ctx: PlanContext): void {
  if (links.length === 0) return;
  if (ctx.dialect.blockDevices === 'cyclades') {
    body.block_device_mapping_v2 = cycladesBlockDevices(refs, links, ctx.templates);
    return;
  }
  body.block_device_mapping_v2 = [
    { boot_index: 0, uuid: refs.image, source_type: 'image', destination_type: 'local', delete_on_termination: true },
    ...links.map((l) => {
      refuseMountpoint(l.attributes);
      const device = stringAttr(l.attributes['occi.storagelink.deviceid']);
      return {
        boot_index: -1,
        uuid: l.target.id,
        source_type: 'volume',
        destination_type: 'volume',
        delete_on_termination: false,
        ...(device !== undefined ? { device_name: device } : {}),
      };
    }),
  ];
}

/**
 * Cyclades makes the first entry the root volume (logic/servers.py create() L78-88),
 * so the image goes first with the flavor's disk size, then each storage as a
 * `volume` source that stays when the compute goes. Disks are named in that
 * order (/dev/vdb, /dev/vdc …): a device id asking for another is refused.
 */
function cycladesBlockDevices(refs: { image: string; flavor: string }, links: LinkSpec[], templates: TemplateIndex): Record<string, unknown>[] {
  const disk = templates.anyFlavor(refs.flavor)?.disk;
  const root = { source_type: 'image', uuid: refs.image, ...(disk !== undefined ? { volume_size: disk } : {}), delete_on_termination: true };
  return [
    root,
    ...links.map((l, i) => {
      refuseMountpoint(l.attributes);
      const device = stringAttr(l.attributes['occi.storagelink.deviceid']);
      const named = `/dev/vd${String.fromCharCode(98 + i)}`;
      if (device !== undefined && device !== named) {
        throw badRequest(`Synnefo names disks in order: storage ${l.target.id} will be ${named}; ask for ${named} or leave occi.storagelink.deviceid out`);
      }
      return { source_type: 'volume', uuid: l.target.id, delete_on_termination: false };
    }),
  ];
}

function stringAttr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** occi.compute.userdata is Base64 already (D19); Nova wants it Base64, so it is passed on as is, once. */
export function checkBase64(v: string): string {
  const compact = v.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw badRequest('occi.compute.userdata must be Base64 text: encode the data first, e.g. base64 -w0 cloud-init.yaml'); // D19
  }
  return compact;
}

const KEY_LINE = /^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+/;

/** An OpenSSH public key line, given plain or Base64-encoded (D19). */
export function openSshKey(v: string): string {
  const plain = v.trim();
  if (KEY_LINE.test(plain)) return plain;
  const decoded = Buffer.from(plain, 'base64').toString('utf8').trim();
  if (KEY_LINE.test(decoded)) return decoded;
  throw badRequest('occi.credentials.ssh.publickey must be an OpenSSH public key line (plain or Base64)');
}

/** One keypair per distinct key, named after its hash, so repeated creations reuse it. */
export function keypairName(publicKey: string): string {
  const body = publicKey.split(/\s+/).slice(0, 2).join(' ');
  return `snf-occi-${createHash('sha256').update(body).digest('hex').slice(0, 16)}`;
}
