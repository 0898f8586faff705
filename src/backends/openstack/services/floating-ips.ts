// Floating IPs: a networkinterface from a compute to an external network.
// Addresses the bridge allocates carry a description mark, so deleting the
// link or the compute releases exactly those and leaves the user's own
// reserved addresses alone. Synnefo has no such mark; there an address is
// attached by creating a port that holds it, and stays reserved afterwards.
import { conflict } from '../../../errors.js';
import type { Cloud } from '../cloud.js';
import type { NeutronFloatingIp, NeutronPort } from '../clients/neutron.js';
import { waitUntil } from './wait.js';

export const OWN_MARK = 'allocated by snf-occi';

/** The port a floating IP goes on: the server's oldest port, or its port on `network`; waits for one while the server builds. */
export async function portForFloatingIp(
  cloud: Cloud,
  serverId: string,
  o: { network?: string; waitMs: number },
): Promise<NeutronPort> {
  const pick = (ports: NeutronPort[]): NeutronPort | undefined =>
    [...ports]
      .sort((a, b) => ((a.created_at ?? '') < (b.created_at ?? '') ? -1 : 1))
      .find((p) => o.network === undefined || String(p.network_id) === o.network);
  const { value } = await waitUntil(
    () => cloud.neutron.listPorts({ device_id: serverId }),
    (ports) => pick(ports) !== undefined,
    { deadlineMs: o.waitMs },
  );
  const port = pick(value);
  if (!port) {
    throw conflict(
      `compute ${serverId} has no network interface to put a floating IP on; link it to a private network first`,
    );
  }
  return port;
}

export async function attachFloatingIp(
  cloud: Cloud,
  serverId: string,
  externalNetwork: string,
  port: NeutronPort | undefined,
): Promise<NeutronFloatingIp> {
  const project = cloud.dialect.projectFields(cloud.project);
  if (cloud.dialect.attach === 'nova') {
    if (!port) throw conflict(`compute ${serverId} has no port for a floating IP`);
    return cloud.neutron.createFloatingIp({
      floating_network_id: externalNetwork,
      port_id: port.id,
      description: OWN_MARK,
      ...project,
    });
  }
  const ip = await cloud.neutron.createFloatingIp({ floating_network_id: externalNetwork, ...project });
  try {
    const holder = await cloud.neutron.createPort({
      network_id: externalNetwork,
      device_id: serverId,
      fixed_ips: [{ ip_address: ip.floating_ip_address }],
      ...project,
    });
    return { ...ip, port_id: holder.id, instance_id: serverId };
  } catch (err) {
    await cloud.neutron.deleteFloatingIp(String(ip.id)).catch(() => undefined);
    throw err;
  }
}

/** Ends a floating-IP link: releases an address we allocated, else only detaches it. */
export async function detachFloatingIp(cloud: Cloud, ip: NeutronFloatingIp): Promise<void> {
  if (cloud.dialect.attach === 'port') {
    if (ip.port_id !== null) await cloud.neutron.deletePort(String(ip.port_id));
    return;
  }
  if (ip.description === OWN_MARK) await cloud.neutron.deleteFloatingIp(String(ip.id));
  else await cloud.neutron.updateFloatingIp(String(ip.id), { port_id: null });
}

/** Releases the addresses we allocated on a server's ports (deleting a server only detaches them). */
export async function releaseServerFloatingIps(cloud: Cloud, serverId: string): Promise<void> {
  if (!cloud.hasNeutron || cloud.dialect.attach === 'port') return;
  const ports = await cloud.neutron.listPorts({ device_id: serverId });
  await releasePortFloatingIps(cloud, ports.map((p) => String(p.id)));
}

/**
 * Releases the addresses we allocated on these ports, before the ports go:
 * Neutron would only unhook them, leaving addresses no compute shows and so
 * no OCCI request can reach. The user's own addresses are left to Neutron.
 */
export async function releasePortFloatingIps(cloud: Cloud, portIds: string[]): Promise<void> {
  if (portIds.length === 0 || !cloud.hasNeutron || cloud.dialect.attach === 'port') return;
  const ips = await cloud.neutron.listFloatingIps({ port_id: portIds });
  await Promise.all(ips.filter((ip) => ip.description === OWN_MARK).map((ip) => cloud.neutron.deleteFloatingIp(String(ip.id))));
}
