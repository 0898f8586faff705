// Floating IPs: a networkinterface from a compute to an external network.
// Addresses the bridge allocates carry a description mark, so deleting the
// link or the compute releases exactly those and leaves the user's own
// reserved addresses alone. Synnefo has no such mark (api/floating_ips.py
// ip_to_dict() L97-111): there an address is attached by a port that holds it, an
// unused address of the project is reused before a new one is reserved, and
// a detached address stays reserved for the next link, so the project never
// holds more addresses than it uses at once.
import { conflict, OcciError } from '../../../errors.js';
import type { Cloud } from '../cloud.js';
import type { NeutronFloatingIp, NeutronNetwork, NeutronPort } from '../clients/neutron.js';
import type { LinkSpec } from '../../../port/backend.js';
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
    const ip = await cloud.neutron
      .createFloatingIp({ floating_network_id: externalNetwork, port_id: port.id, description: OWN_MARK, ...project })
      .catch((err: unknown) => {
        throw whyNoFloatingIp(err, serverId, externalNetwork, port);
      });
    cloud.floatingIpAdded(serverId);
    return ip;
  }
  const tried = new Set<string>();
  for (;;) {
    const { ip, allocated } = await unusedOrNewFloatingIp(cloud, externalNetwork, tried).catch((err: unknown) => {
      throw whyNoFloatingIp(err, serverId, externalNetwork, undefined);
    });
    try {
      const holder = await cloud.neutron.createPort({
        network_id: externalNetwork,
        device_id: serverId,
        fixed_ips: [{ ip_address: ip.floating_ip_address }],
        ...project,
      });
      cloud.floatingIpAdded(serverId);
      return { ...ip, port_id: holder.id, instance_id: serverId };
    } catch (err) {
      if (allocated) await cloud.neutron.deleteFloatingIp(String(ip.id)).catch(() => undefined);
      // A concurrent link took the same unused address first: Cyclades answers
      // 409 "already in use" (logic/servers.py _create_port() L498-500). Once, take
      // another unused address or a new one.
      const raced = !allocated && tried.size === 0 && err instanceof OcciError && err.status === 409;
      if (!raced) throw err;
      tried.add(String(ip.id));
    }
  }
}

/**
 * A floating IP the cloud cannot give, said as a conflict with what to do:
 * Neutron answers 404 when no router joins the compute's network to the
 * external one (ExternalGatewayForFloatingIPNotFound), 409 when the external
 * network has no address left (IpAddressGenerationFailure).
 */
export function whyNoFloatingIp(err: unknown, serverId: string, externalNetwork: string, port: NeutronPort | undefined): unknown {
  if (!(err instanceof OcciError)) return err;
  const said = err.message.replace(/\s+/g, ' ');
  if (err.status === 404 && /not reachable from subnet|ExternalGatewayForFloatingIP/i.test(said)) {
    const from = port ? `its network ${String(port.network_id)}` : 'its network';
    return conflict(
      `compute ${serverId} cannot have a floating IP from network ${externalNetwork}: ${from} has no router to it. ` +
        `Link the compute to a network that has one (a router with its gateway on ${externalNetwork} and an interface on the network's subnet), then link it to ${externalNetwork} again. The cloud said: ${said}`,
    );
  }
  if (/no more ip addresses|IpAddressGenerationFailure|no free|no available/i.test(said) && (err.status === 409 || err.status === 400 || err.status === 404)) {
    return conflict(
      `network ${externalNetwork} has no free address for a floating IP; release one you do not use (delete a networkinterface to ${externalNetwork}) or ask the cloud's administrators for more. The cloud said: ${said}`,
    );
  }
  return err;
}

/** One of the project's unused floating IPs on `network` (not in `taken`), else a new one. */
async function unusedOrNewFloatingIp(
  cloud: Cloud,
  network: string,
  taken: ReadonlySet<string>,
): Promise<{ ip: NeutronFloatingIp; allocated: boolean }> {
  const free = (await cloud.neutron.listFloatingIps()).find(
    (ip) => ip.port_id === null && String(ip.floating_network_id) === network && !taken.has(String(ip.id)),
  );
  if (free) return { ip: free, allocated: false };
  const ip = await cloud.neutron.createFloatingIp({ floating_network_id: network, ...cloud.dialect.projectFields(cloud.project) });
  return { ip, allocated: true };
}

/** Floating IPs held for a server's creation (Synnefo), and those reserved just for it, to release if the creation fails. */
export interface HeldAddresses {
  byNetwork: Map<string, string>;
  allocated: string[];
}

/**
 * Holds a floating IP for each link to an external network of a compute
 * about to be created: the address the link names (one of the user's), or an
 * unused one, or a new one. Cyclades then makes the port in the create itself.
 */
export async function holdFloatingIps(cloud: Cloud, links: readonly LinkSpec[], networks: ReadonlyMap<string, NeutronNetwork>): Promise<HeldAddresses> {
  const held: HeldAddresses = { byNetwork: new Map(), allocated: [] };
  const taken = new Set<string>();
  try {
    for (const l of links) {
      const net = networks.get(l.target.id);
      if (l.kind !== 'networkinterface' || net?.['router:external'] !== true || held.byNetwork.has(String(net.id))) continue;
      const named = l.attributes['occi.networkinterface.address'];
      if (typeof named === 'string' && named !== '') {
        held.byNetwork.set(String(net.id), named.split('/')[0]!);
        continue;
      }
      const { ip, allocated } = await unusedOrNewFloatingIp(cloud, String(net.id), taken);
      taken.add(String(ip.id));
      if (allocated) held.allocated.push(String(ip.id));
      held.byNetwork.set(String(net.id), ip.floating_ip_address);
    }
  } catch (err) {
    await releaseHeld(cloud, held);
    throw err;
  }
  return held;
}

/** Releases the floating IPs reserved for a creation that failed. */
export async function releaseHeld(cloud: Cloud, held: HeldAddresses): Promise<void> {
  await Promise.all(held.allocated.map((id) => cloud.neutron.deleteFloatingIp(id).catch(() => undefined)));
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
