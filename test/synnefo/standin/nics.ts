// Ports (NICs) and their addresses, shared by server creation, the ports API
// and floating IPs: logic/servers.py _create_port() L455-528,
// associate_port_with_machine() L531-552, delete_port() L556-574,
// create_instance_ports() L577-590, create_public_ipv4_port() L667-692,
// _port_for_request() L726-752; logic/ips.py; api/ports.py port_to_dict() L255-280.
import { badRequest, buildInProgress, conflict, forbidden, itemNotFound } from './faults.js';
import type { IpAddress, Network, Port, Server, User, World } from './world.js';

/** logic/commands.py validate_server_action() L30-64 for CONNECT/DISCONNECT (GANETI_USE_HOTPLUG on); BUILD is 'is being build.' (L42, L52). */
export function checkServerAction(vm: Server, action: string): void {
  if (vm.deleted) throw badRequest(`Server '${vm.id}' has been deleted.`);
  if (action === 'DESTROY') return;
  if (vm.task) {
    if (vm.task === 'BUILD') throw buildInProgress(`Server '${vm.id}' is being build.`);
    throw badRequest(`Cannot perform '${action}' action while there is a pending '${vm.task}'.`);
  }
  if (action === 'REASSIGN') return;
  if (vm.operstate === 'ERROR') throw badRequest(`Cannot perform '${action}' action while server is in 'ERROR' state.`);
  if (vm.operstate === 'BUILD' && action !== 'BUILD') throw buildInProgress(`Server '${vm.id}' is being build.`);
  const needsStopped = action === 'START' || action === 'RESIZE';
  if ((needsStopped && vm.operstate !== 'STOPPED') || (action === 'STOP' && vm.operstate !== 'STARTED')) {
    throw badRequest(`Cannot perform '${action}' action while server is in '${vm.operstate}' state.`);
  }
}

/**
 * _create_port(): a port on a network, with a new address from its IPv4
 * subnet or the given (floating) one: 409 unless the network is ACTIVE
 * (L467-469), for an address of another network (L481-483) or one already on
 * a port (L498-500); 400 for an address without a subnet (L494-496); at most
 * GANETI_MAX_NICS_PER_INSTANCE ports (create_port() L449-451).
 */
export function createPort(
  w: World,
  user: User,
  network: Network,
  o: { machine?: Server; address?: string; use?: IpAddress; name?: string },
): Port {
  if (network.state !== 'ACTIVE') throw conflict(`Cannot create port while network '${network.id}' is in '${network.state}' status`);
  if (o.machine) {
    checkServerAction(o.machine, 'CONNECT');
    if ([...w.ports.values()].filter((p) => p.machineId === o.machine!.id).length >= 8) throw badRequest('Maximum ports per server limit reached');
  }
  let ip = o.use;
  if (ip && ip.networkId !== network.id) throw conflict(`IP Address ${ip.address} does not belong to network ${network.id}`);
  if (ip && ip.nicId !== null) throw conflict(`IP address '${ip.address}' is already in use`);
  if (!ip) {
    const subnet = [...w.subnets.values()].find((s) => s.networkId === network.id && s.ipVersion === 4);
    if (subnet) {
      const taken = o.address !== undefined && [...w.ips.values()].some((x) => !x.deleted && x.networkId === network.id && x.address === o.address);
      if (taken) throw conflict(`IP address ${o.address} is already used.`);
      const address = o.address ?? w.allocateAddress(subnet);
      ip = { id: w.id(), userid: user.uuid, project: user.uuid, networkId: network.id, subnetId: subnet.id, address, floating: false, nicId: null, deleted: false };
      w.ips.set(ip.id, ip);
    } else if (o.address !== undefined) {
      throw badRequest(`Address ${o.address} is not a valid IP for the defined network subnets`);
    }
  }
  const t = w.stamp();
  const port: Port = { id: w.id(), userid: user.uuid, networkId: network.id, machineId: null, mac: w.mac(), state: 'DOWN', deviceOwner: null, name: o.name ?? '', created: t, updated: t };
  w.ports.set(port.id, port);
  if (ip) ip.nicId = port.id;
  if (o.machine) connect(w, port, o.machine);
  return port;
}

/** associate_port_with_machine() L538-551 and connect() L325-332: the port goes BUILD until the hotplug job ends. */
export function connect(w: World, port: Port, vm: Server): void {
  port.machineId = vm.id;
  port.state = 'BUILD';
  port.deviceOwner = 'vm';
  if (vm.operstate === 'BUILD') return; // the create job activates it
  vm.task = 'CONNECT';
  w.job(() => {
    vm.task = null;
    if (w.ports.has(port.id)) port.state = 'ACTIVE';
  });
}

/** delete_port() L565-572: a connected port goes with a DISCONNECT job; a free one at once. Its fixed address is released, a floating one kept. */
export function deletePort(w: World, port: Port): void {
  const vm = port.machineId === null ? undefined : w.servers.get(port.machineId);
  if (vm && !vm.deleted) {
    checkServerAction(vm, 'DISCONNECT');
    vm.task = 'DISCONNECT';
    w.job(() => {
      vm.task = null;
      removePort(w, port);
    });
    return;
  }
  removePort(w, port);
}

export function removePort(w: World, port: Port): void {
  for (const ip of w.ips.values()) {
    if (ip.nicId !== port.id) continue;
    ip.nicId = null;
    if (!ip.floating) w.ips.delete(ip.id);
  }
  w.ports.delete(port.id);
}

/** api/ports.py delete_port() L236-250: a public port needs a floating IP to go (403 at L245-247). */
export function checkPortDeletable(w: World, port: Port): void {
  const network = w.networks.get(port.networkId);
  const floating = [...w.ips.values()].some((ip) => ip.nicId === port.id && ip.floating && !ip.deleted);
  if (network?.public && !floating) throw forbidden('Cannot disconnect from public network.');
}

export function portToDict(w: World, p: Port): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    links: [{ rel: 'self', href: `ports/${p.id}` }],
    user_id: p.userid,
    tenant_id: p.userid,
    device_id: p.machineId === null ? null : String(p.machineId),
    admin_state_up: true,
    mac_address: p.mac,
    status: p.state,
    device_owner: p.deviceOwner,
    network_id: p.networkId,
    updated: p.updated,
    created: p.created,
    fixed_ips: [...w.ips.values()].filter((ip) => ip.nicId === p.id).map((ip) => ({ ip_address: ip.address, subnet: ip.subnetId })),
    security_groups: [],
  };
}

/** api/util.py get_floating_ip_by_address() L244-252: one of the user's floating IPs. */
export function floatingIpByAddress(w: World, user: User, address: string): IpAddress {
  const ip = [...w.ips.values()].find((x) => x.floating && !x.deleted && x.userid === user.uuid && x.address === address);
  if (!ip) throw itemNotFound('Floating IP does not exist.');
  return ip;
}

/**
 * _port_for_request(): {uuid} or {uuid, fixed_ip} or {port}. A public
 * network needs a floating IP: the one named by fixed_ip, else any unused
 * one of the user (logic/ips.py get_free_floating_ip() L157-183, 409 if none).
 */
export function portForRequest(w: World, user: User, entry: unknown): Port {
  if (typeof entry !== 'object' || entry === null) throw badRequest("Malformed request. Invalid 'networks' field");
  const e = entry as { uuid?: unknown; port?: unknown; fixed_ip?: unknown };
  if (e.port !== undefined) {
    const port = w.ports.get(String(e.port));
    if (!port || port.userid !== user.uuid) throw itemNotFound(`Port '${String(e.port)}' not found.`);
    if (port.machineId !== null) throw conflict(`Port ${port.id} is already in use.`); // associate_port_with_machine() L538-539
    return port;
  }
  if (e.uuid === undefined) throw badRequest("Network 'uuid' or 'port' attribute is required.");
  const network = w.network(String(e.uuid), user);
  if (network.deleted) throw badRequest('Network has been deleted.');
  if (!network.public) return createPort(w, user, network, typeof e.fixed_ip === 'string' ? { address: e.fixed_ip } : {});
  // _port_for_request() L738-744: no fixed_ip takes a free floating IP, a null one is refused, an address names the floating IP.
  if ('fixed_ip' in e && typeof e.fixed_ip !== 'string') throw badRequest('Cannot connect to public network');
  const use = typeof e.fixed_ip === 'string' ? floatingIpByAddress(w, user, e.fixed_ip) : freeFloatingIp(w, user, network);
  return createPort(w, user, network, { use });
}

function freeFloatingIp(w: World, user: User, network: Network): IpAddress {
  const ip = [...w.ips.values()].find((x) => x.floating && !x.deleted && x.userid === user.uuid && x.nicId === null && x.networkId === network.id);
  if (!ip) throw conflict(`Cannot find an unused floating IP to connect server to network '${network.id}'. Please create a floating IP.`);
  return ip;
}
