// What differs between stock OpenStack and GRNET Synnefo (Cyclades/Astakos),
// in one place: the services ask the dialect, never the cloud's name.
// Synnefo (read from grnet/synnefo, 0.16 to 0.20): compute paths without
// tenant ids and no microversions, integer ids, start/shutdown actions and a
// STOPPED status, a `project` on every create, display_name on volumes and
// snapshots, MAC_FILTERED networks, SNF:fqdn as the hostname, ports with a
// device_id to connect servers and floating IPs, deleted things that still
// answer GET, and no suspend, createImage, resize confirmation, network
// admin state, volume extend or backup, availability zones or security groups.
import { badRequest, forbidden } from '../../errors.js';
import type { Action } from '../../model/category.js';
import { COMPUTE, NETWORK, STORAGE } from '../../model/infrastructure.js';
import type { CinderVolume } from './clients/cinder.js';
import type { NeutronNetwork } from './clients/neutron.js';
import type { NovaServer } from './clients/nova.js';
import type { DialectName, IdentityVersion, SynnefoRelease } from './options.js';

/** How a new server gets the caller's public key and user data. */
export interface Contextualization {
  /** A Nova keypair named by key_name; files written by personality; or keypair where the cloud has os-keypairs (probed). */
  keys: 'keypair' | 'personality' | 'probe';
  userData: 'user_data' | 'personality';
}

export interface Dialect {
  readonly name: DialectName;
  /** The cloud's name in messages. */
  readonly label: string;
  /** Whether compute calls carry OpenStack-API-Version. */
  readonly microversions: boolean;
  /** Whether block storage has microversions to negotiate (Cinder v3; Cyclades' volume API has none). */
  readonly volumeMicroversions: boolean;
  /** Whether storage snapshots are offered as snapshot_tpl mixins, to create storage from and to delete (not on Synnefo). */
  readonly snapshotTemplates: boolean;
  /** Whether listings page with the services' own limit and marker in id order (Cyclades reads neither: it answers everything). */
  readonly nativePaging: boolean;
  /** Whether a requested project rescopes the token (Keystone) or only tags creations (Synnefo). */
  readonly scopeTokenToProject: boolean;
  readonly startAction: Record<string, unknown>;
  readonly stopAction: Record<string, unknown>;
  /** What a resize needs: a confirmation afterwards (Nova), or a stopped server and a flavor with the same disk and volume type (Cyclades logic/servers.py _resize() L285-298). */
  readonly resizeRule: 'any' | 'stopped-same-disk';
  /** Who names a server's host: Nova takes one from 2.90 on; Synnefo derives it from the id (CYCLADES_SERVERS_FQDN). */
  readonly hostnames: 'nova' | 'cloud';
  /** Whether availability zones and security groups are offered as mixins. */
  readonly zonesAndGroups: boolean;
  /** Where OS templates come from. */
  readonly images: 'glance' | 'compute';
  /** How a server joins a network after boot / gets a floating IP. */
  readonly attach: 'nova' | 'port';
  /** The `networks` value of a server create that asks for no interface. */
  readonly noNetworks: unknown;
  /** A link to the external network at creation: a floating IP added after boot, or a {uuid, fixed_ip} entry of the create holding one. */
  readonly publicAtCreate: 'after-boot' | 'networks-entry';
  readonly contextualization: Contextualization;
  /** Where occi.core.summary of a compute lives: Nova's description, or a server metadata item. */
  readonly summary: 'description' | 'metadata';
  /** Whether a subnet's gateway and DHCP can change in place. */
  readonly subnetsMutable: boolean;
  /** Whether volumes can exist without a server (false: Synnefo 0.16; undefined: not known, the cloud decides). */
  readonly detachedVolumes: boolean | undefined;
  /** The type of a new volume when none is configured: the cloud's default, or a detachable (ext_*) one Synnefo can create without a server. */
  readonly volumeType: 'default' | 'detachable';
  /**
   * How a create asks for volumes: Nova's block_device_mapping_v2 (the image
   * booted locally), or Cyclades' reading of it (api/servers.py
   * _parse_block_device() L506-555: the first entry is the root volume, sized by
   * volume_size; device names and boot_index are not read).
   */
  readonly blockDevices: 'nova' | 'cyclades';
  /** Attached volumes as Nova lists them, or from the volumes' disk indexes (Synnefo's attachments name no device). */
  readonly attachments: 'nova' | 'volumes';
  /** What the cloud never does, by `kind.action`, with what to do instead: not advertised, refused with 400. */
  readonly cannot: Readonly<Record<string, string>>;
  hostname(server: NovaServer): string | undefined;
  /** Whether a server the API still returns is gone for OCCI (deleted, or on its way out). */
  serverGone(server: NovaServer): boolean;
  volumeGone(volume: CinderVolume): boolean;
  networkGone(network: NeutronNetwork): boolean;
  /** The identity API version to speak when configured `auto`. */
  identityVersion(configured: IdentityVersion): IdentityVersion;
  /** Members every create body carries (Synnefo: the project for quotas). */
  projectFields(project: string): Record<string, unknown>;
  volumeName(name: string): Record<string, unknown>;
  snapshotFields(name: string): Record<string, unknown>;
  networkFields(): Record<string, unknown>;
  /** Refuses early a project the identity service says the user is not in (Astakos 0.17+ lists them). */
  checkProject(project: string | undefined, facts: { userId: string; projects?: readonly string[] }): void;
}

export const OPENSTACK: Dialect = {
  name: 'openstack',
  label: 'OpenStack',
  microversions: true,
  volumeMicroversions: true,
  snapshotTemplates: true,
  nativePaging: true,
  scopeTokenToProject: true,
  startAction: { 'os-start': null },
  stopAction: { 'os-stop': null },
  resizeRule: 'any',
  hostnames: 'nova',
  zonesAndGroups: true,
  images: 'glance',
  attach: 'nova',
  noNetworks: 'none',
  publicAtCreate: 'after-boot',
  contextualization: { keys: 'keypair', userData: 'user_data' },
  summary: 'description',
  subnetsMutable: true,
  detachedVolumes: true,
  volumeType: 'default',
  blockDevices: 'nova',
  attachments: 'nova',
  cannot: {},
  hostname: (s) => s['OS-EXT-SRV-ATTR:hostname'] ?? undefined,
  serverGone: (s) => s.status === 'DELETED',
  volumeGone: () => false,
  networkGone: () => false,
  identityVersion: (v) => v,
  projectFields: () => ({}),
  volumeName: (name) => ({ name }),
  snapshotFields: (name) => ({ name, force: true }),
  networkFields: () => ({}),
  checkProject: () => undefined,
};

const RELEASE_ORDER = ['0.16', '0.17', '0.18', '0.19', '0.20'];
const atLeast = (release: SynnefoRelease, first: string): boolean => release !== 'auto' && RELEASE_ORDER.indexOf(release) >= RELEASE_ORDER.indexOf(first);

/** The Synnefo dialect of a release (`auto`: keypairs probed, user data as a file, volumes as the cloud allows). */
export function synnefoDialect(release: SynnefoRelease): Dialect {
  return {
    name: 'synnefo',
    label: 'Synnefo',
    microversions: false,
    volumeMicroversions: false,
    snapshotTemplates: false,
    nativePaging: false,
    scopeTokenToProject: false,
    startAction: { start: {} },
    stopAction: { shutdown: {} },
    resizeRule: 'stopped-same-disk',
    hostnames: 'cloud',
    zonesAndGroups: false,
    images: 'compute',
    attach: 'port',
    noNetworks: [],
    publicAtCreate: 'networks-entry',
    contextualization: {
      // os-keypairs and key_name from 0.19, user_data from 0.20; the original snf-occi wrote both as personality files.
      keys: release === 'auto' ? 'probe' : atLeast(release, '0.19') ? 'keypair' : 'personality',
      userData: atLeast(release, '0.20') ? 'user_data' : 'personality',
    },
    summary: 'metadata',
    subnetsMutable: false,
    detachedVolumes: release === 'auto' ? undefined : atLeast(release, '0.17'),
    volumeType: 'detachable',
    blockDevices: 'cyclades',
    attachments: 'volumes',
    cannot: {
      'compute.suspend': 'Synnefo cannot suspend a compute; stop it instead',
      'compute.save': 'Synnefo cannot save a compute as an OS template; snapshot its storage instead',
      'compute.rebuild': 'Synnefo cannot rebuild a compute from another os_tpl; create a new compute from it instead',
      'network.up': 'Synnefo networks have no administrative state: they are up while they exist',
      'network.down': 'Synnefo networks have no administrative state: unlink the computes instead, or delete the network',
      'storage.resize': 'Synnefo cannot resize a volume; create a larger storage instead',
      'storage.backup': 'Synnefo has no volume backups; use the snapshot action instead',
    },
    // SNF:fqdn is null when the operator sets no CYCLADES_SERVERS_FQDN (api/servers.py get_server_fqdn() L258-267).
    hostname: (s) => (typeof s['SNF:fqdn'] === 'string' && s['SNF:fqdn'] !== '' ? s['SNF:fqdn'] : undefined),
    serverGone: (s) => s.deleted === true || s.status === 'DELETED' || s['SNF:task_state'] === 'DESTROYING',
    volumeGone: (v) => v.deleted === true || ['deleted', 'deleting'].includes(v.status.toLowerCase()),
    networkGone: (n) => n.deleted === true || n.status === 'DELETED',
    // Astakos speaks v2.0 only, and before 0.20 its identity root lists no versions to discover.
    identityVersion: (v) => (v === 'auto' ? 'v2.0' : v),
    projectFields: (project) => ({ project }),
    volumeName: (name) => ({ display_name: name }),
    snapshotFields: (name) => ({ display_name: name }),
    networkFields: () => ({ type: 'MAC_FILTERED' }),
    checkProject: (project, facts) => {
      if (project === undefined || facts.projects === undefined || project === facts.userId || facts.projects.includes(project)) return;
      const shown = facts.projects.slice(0, 10).join(', ');
      throw forbidden(`you are not a member of Synnefo project ${project}; send X-Snf-Project with one of yours (${shown}) or none for your own project`);
    },
  };
}

/** The Synnefo dialect as `auto` configures it. */
export const SYNNEFO: Dialect = synnefoDialect('auto');

export function dialectFor(name: DialectName, release: SynnefoRelease = 'auto'): Dialect {
  return name === 'synnefo' ? synnefoDialect(release) : OPENSTACK;
}

/** Why a cloud that names hosts itself refuses occi.compute.hostname. */
export const hostnameIsTheClouds = (d: Dialect): string =>
  `${d.label} names a compute's host itself (SNF:fqdn, after the compute's id); leave occi.compute.hostname out`;

/** Refuses with 400 what this cloud never does (see Dialect.cannot). */
export function refuseUnsupported(d: Dialect, kind: string, action: string): void {
  const message = d.cannot[`${kind}.${action}`];
  if (message) throw badRequest(message);
}

const ACTIONS_OF: Record<string, readonly Action[]> = { compute: COMPUTE.actions, network: NETWORK.actions, storage: STORAGE.actions };

/** The OCCI actions of `kind` this cloud never offers: left out of renderings (R56). */
export function unsupportedActions(d: Dialect, kind: string): string[] {
  const actions = ACTIONS_OF[kind] ?? [];
  return Object.keys(d.cannot)
    .filter((k) => k.startsWith(`${kind}.`))
    .map((k) => k.slice(kind.length + 1))
    .filter((term) => actions.some((a) => a.term === term));
}
