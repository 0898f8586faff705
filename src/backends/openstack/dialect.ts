// What differs between stock OpenStack and GRNET Synnefo (Cyclades/Astakos),
// in one place. Synnefo: compute paths without tenant ids and no
// microversions, integer ids, start/shutdown actions and a STOPPED status,
// a `project` on every create, a volume_type on volumes, display_name on
// volumes, network type MAC_FILTERED, SNF:fqdn as the hostname, ports with a
// device_id to connect servers and floating IPs, and no suspend, createImage,
// resize confirmation, network admin state, availability zones or security
// groups.
import type { DialectName } from './options.js';
import type { NovaServer } from './clients/nova.js';

export interface Dialect {
  readonly name: DialectName;
  /** Whether compute calls carry OpenStack-API-Version. */
  readonly microversions: boolean;
  /** Whether a requested project rescopes the token (Keystone) or only tags creations (Synnefo). */
  readonly scopeTokenToProject: boolean;
  readonly startAction: Record<string, unknown>;
  readonly stopAction: Record<string, unknown>;
  readonly canSuspend: boolean;
  readonly canSave: boolean;
  readonly resizeNeedsConfirm: boolean;
  readonly canToggleNetworks: boolean;
  /** Whether availability zones and security groups are offered as mixins. */
  readonly zonesAndGroups: boolean;
  /** Where OS templates come from. */
  readonly images: 'glance' | 'compute';
  /** How a server joins a network after boot / gets a floating IP. */
  readonly attach: 'nova' | 'port';
  /** The `networks` value of a server create that asks for no interface. */
  readonly noNetworks: unknown;
  hostname(server: NovaServer): string | undefined;
  /** Members every create body carries (Synnefo: the project for quotas). */
  projectFields(project: string): Record<string, unknown>;
  volumeName(name: string): Record<string, unknown>;
  networkFields(): Record<string, unknown>;
}

export const OPENSTACK: Dialect = {
  name: 'openstack',
  microversions: true,
  scopeTokenToProject: true,
  startAction: { 'os-start': null },
  stopAction: { 'os-stop': null },
  canSuspend: true,
  canSave: true,
  resizeNeedsConfirm: true,
  canToggleNetworks: true,
  zonesAndGroups: true,
  images: 'glance',
  attach: 'nova',
  noNetworks: 'none',
  hostname: (s) => s['OS-EXT-SRV-ATTR:hostname'] ?? undefined,
  projectFields: () => ({}),
  volumeName: (name) => ({ name }),
  networkFields: () => ({}),
};

export const SYNNEFO: Dialect = {
  name: 'synnefo',
  microversions: false,
  scopeTokenToProject: false,
  startAction: { start: {} },
  stopAction: { shutdown: {} },
  canSuspend: false,
  canSave: false,
  resizeNeedsConfirm: false,
  canToggleNetworks: false,
  zonesAndGroups: false,
  images: 'compute',
  attach: 'port',
  noNetworks: [],
  hostname: (s) => s['SNF:fqdn'] ?? undefined,
  projectFields: (project) => ({ project }),
  volumeName: (name) => ({ display_name: name }),
  networkFields: () => ({ type: 'MAC_FILTERED' }),
};

export function dialectFor(name: DialectName): Dialect {
  return name === 'synnefo' ? SYNNEFO : OPENSTACK;
}
