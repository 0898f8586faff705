// OpenStack statuses → OCCI states. Unknown statuses fall back to the
// inactive/offline state, and every record keeps the raw status in
// occi.*.state.message so nothing is lost.
import type { ComputeState } from '../../../model/infrastructure.js';
import type { LifecycleExtension } from '../../../model/lifecycle.js';

/**
 * What the bridge runs on OpenStack beyond the spec's diagrams, so it is
 * advertised and allowed there (docs/openstack.md): stop on a suspended or
 * paused server (woken first), save (createImage) on a stopped one, and
 * resize (Cinder extend) of a volume taken offline.
 */
export const OPENSTACK_LIFECYCLE: LifecycleExtension = {
  compute: { suspended: ['stop'], inactive: ['save'] },
  storage: { offline: ['resize'] },
};

const COMPUTE: Record<string, ComputeState> = {
  ACTIVE: 'active',
  // 1.2's enum has no building state: a server being built is inactive, its state message says BUILD (R91).
  BUILD: 'inactive',
  SHUTOFF: 'inactive',
  STOPPED: 'inactive',
  SUSPENDED: 'suspended',
  PAUSED: 'suspended',
  ERROR: 'error',
};

export function computeState(status: string): ComputeState {
  return COMPUTE[status.toUpperCase()] ?? 'inactive';
}

export type StorageState = 'online' | 'offline' | 'error';

/** Cinder's volume status in its usual spelling (Synnefo lower-cases its model's IN_USE to in_use). */
export function volumeStatus(status: string): string {
  return status.toLowerCase().replace(/_/g, '-');
}

export function storageState(status: string): StorageState {
  const s = volumeStatus(status);
  if (s === 'available' || s === 'in-use') return 'online';
  if (s.startsWith('error')) return 'error';
  return 'offline';
}

export type LinkState = 'active' | 'inactive' | 'error';

/** Neutron port / floating IP status → link state. */
export function linkState(status: string): LinkState {
  const s = status.toUpperCase();
  if (s === 'ACTIVE') return 'active';
  if (s === 'ERROR') return 'error';
  return 'inactive';
}

export type NetworkState = 'active' | 'inactive' | 'error';

/** A network is active only when Neutron says ACTIVE and its admin state is up. */
export function networkState(status: string, adminUp: boolean): NetworkState {
  const s = status.toUpperCase();
  if (s === 'ERROR') return 'error';
  return s === 'ACTIVE' && adminUp ? 'active' : 'inactive';
}
