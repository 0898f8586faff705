// OCCI ids of OpenStack things. Resources keep the cloud's ids (UUIDs, or
// Synnefo's integers), which are URL-safe. Links are not objects of their
// own in OpenStack, so their ids are composites joined by '_', a character
// neither UUIDs nor integers contain:
//   networkinterface through a port:        <server>_<port>
//   networkinterface through a floating IP: <server>_fip_<floatingip>
//   storagelink (a volume attachment):      <server>_<volume>
import type { Id } from '../clients/nova.js';

const PART = /^[A-Za-z0-9-]+$/;

export type InterfaceRef = { server: string; port: string } | { server: string; floatingIp: string };

export function portInterfaceId(server: Id, port: Id): string {
  return `${server}_${port}`;
}

export function floatingInterfaceId(server: Id, floatingIp: Id): string {
  return `${server}_fip_${floatingIp}`;
}

export function storageLinkId(server: Id, volume: Id): string {
  return `${server}_${volume}`;
}

export function parseInterfaceId(id: string): InterfaceRef | undefined {
  const parts = id.split('_');
  if (!parts.every((p) => PART.test(p))) return undefined;
  if (parts.length === 2) return { server: parts[0]!, port: parts[1]! };
  if (parts.length === 3 && parts[1] === 'fip') return { server: parts[0]!, floatingIp: parts[2]! };
  return undefined;
}

export function parseStorageLinkId(id: string): { server: string; volume: string } | undefined {
  const parts = id.split('_');
  if (parts.length !== 2 || !parts.every((p) => PART.test(p))) return undefined;
  return { server: parts[0]!, volume: parts[1]! };
}

/** Whether a resource id can be sent to the cloud as a path segment. */
export function isCloudId(id: string): boolean {
  return PART.test(id);
}
