// Ports and floating IPs: api/ports.py (list_ports() L81-100 ignores
// device_id, network_id and every other filter; create_port() L103-187: a port
// on a public network needs one of the user's floating IPs as its fixed IP,
// L148-157; 201 at L185; update_port() L197-233 takes the name if not empty)
// and api/floating_ips.py (allocate_floating_ip() L145-182 answers 200 and
// counts against cyclades.floating_ip; update_floating_ip() L201-206 is not
// implemented; a floating IP in use cannot be released, release L185-198)
// over logic/ips.py. Line numbers: README.md.
import { empty, match, methods, ok, type Reply, type Req } from './api.js';
import { attribute, badRequest, conflict, itemNotFound, notImplemented, overLimit } from './faults.js';
import { checkPortDeletable, createPort, deletePort, floatingIpByAddress, portToDict } from './nics.js';
import type { IpAddress, User, World } from './world.js';

function createPortView(req: Req): Reply {
  const { world: w, user } = req;
  const doc = attribute<Record<string, unknown>>(req.body, 'port', 'object')!;
  const network = w.network(attribute<string>(doc, 'network_id', 'id')!, user);
  if (network.deleted) throw badRequest('Network has been deleted.');
  const deviceId = attribute<string>(doc, 'device_id', 'id', false);
  const machine = deviceId === undefined ? undefined : w.vm(deviceId, user);
  if (machine?.deleted) throw badRequest('Server has been deleted.');
  const fixed = attribute<unknown[]>(doc, 'fixed_ips', 'list', false) ?? [];
  if (fixed.length > 1) throw badRequest("'fixed_ips' attribute must contain only one fixed IP.");
  const address = (fixed[0] as { ip_address?: unknown } | undefined)?.ip_address;
  if (address !== undefined && typeof address !== 'string') throw badRequest("Invalid 'fixed_ips' field.");
  const name = attribute<string>(doc, 'name', 'string', false) ?? '';
  if (network.public) {
    if (address === undefined) throw badRequest("'fixed_ips' attribute must contain a floating IP address in order to connect to a public network.");
    const use = floatingIpByAddress(w, user, address);
    return ok({ port: portToDict(w, createPort(w, user, network, { machine, use, name })) }, 201);
  }
  return ok({ port: portToDict(w, createPort(w, user, network, { machine, address, name })) }, 201);
}

function ipToDict(w: World, ip: IpAddress): Record<string, unknown> {
  const port = ip.nicId === null ? undefined : w.ports.get(ip.nicId);
  return {
    fixed_ip_address: null,
    id: ip.id,
    instance_id: port?.machineId ? String(port.machineId) : null,
    floating_ip_address: ip.address,
    port_id: port ? port.id : null,
    floating_network_id: ip.networkId,
    user_id: ip.userid,
    tenant_id: ip.project,
    ...(w.features.sharedToProject ? { shared_to_project: false } : {}),
    deleted: ip.deleted,
  };
}

/** logic/ips.py create_floating_ip() L127-154 (pool check L132-135, any pool L123-124): from a floating IP pool, against the cyclades.floating_ip quota. */
function allocate(req: Req): Reply {
  const { world: w, user } = req;
  const doc = attribute<Record<string, unknown>>(req.body, 'floatingip', 'object')!;
  const project = w.chargeProject(user, doc.project, 'Floating IP address');
  const netId = attribute<string>(doc, 'floating_network_id', 'id', false);
  const network = netId === undefined ? [...w.networks.values()].find((n) => n.floatingPool && !n.deleted) : w.network(netId, user);
  if (!network) throw conflict('Cannot allocate a floating IP address.');
  if (!network.floatingPool) throw conflict(`Cannot allocate floating IP. Network ${network.id} is not a floating IP pool.`);
  const held = heldBy(w, user);
  if (held >= w.floatingIpLimit) throw overLimit('Floating IP address', w.floatingIpLimit - held);
  const subnet = [...w.subnets.values()].find((s) => s.networkId === network.id)!;
  const ip: IpAddress = { id: w.id(), userid: user.uuid, project, networkId: network.id, subnetId: subnet.id, address: w.allocateAddress(subnet), floating: true, nicId: null, deleted: false };
  w.ips.set(ip.id, ip);
  return ok({ floatingip: ipToDict(w, ip) });
}

function heldBy(w: World, user: User): number {
  return [...w.ips.values()].filter((x) => x.floating && !x.deleted && x.userid === user.uuid).length;
}

export function portsRoute(req: Req): Reply | undefined {
  const { world: w, user } = req;
  if (req.path === '/ports' || req.path === '/ports/') {
    return methods(req, {
      GET: () => ok({ ports: [...w.ports.values()].filter((p) => p.userid === user.uuid).map((p) => portToDict(w, p)) }),
      POST: () => createPortView(req),
    });
  }
  let m = match(req, /^\/ports\/([-\w]+)$/);
  if (m) {
    const port = w.ports.get(m[0]!);
    if (!port || port.userid !== user.uuid) throw itemNotFound(`Port '${m[0]}' not found.`);
    return methods(req, {
      GET: () => ok({ port: portToDict(w, port) }),
      PUT: () => {
        const name = attribute<string>(attribute(req.body, 'port', 'object'), 'name', 'string', false);
        if (name) port.name = name;
        return ok({ port: portToDict(w, port) });
      },
      DELETE: () => {
        checkPortDeletable(w, port);
        deletePort(w, port);
        return empty(204);
      },
    });
  }
  if (req.path === '/floatingips' || req.path === '/floatingips/') {
    const mine = (): IpAddress[] => [...w.ips.values()].filter((x) => x.floating && !x.deleted && x.userid === user.uuid);
    return methods(req, { GET: () => ok({ floatingips: mine().map((ip) => ipToDict(w, ip)) }), POST: () => allocate(req) });
  }
  m = match(req, /^\/floatingips\/(\w+)$/);
  if (m) {
    const ip = w.ips.get(m[0]!);
    if (!ip || !ip.floating || ip.deleted || ip.userid !== user.uuid) throw itemNotFound(`Floating IP with ID ${m[0]} does not exist.`);
    return methods(req, {
      GET: () => ok({ floatingip: ipToDict(w, ip) }),
      PUT: () => {
        throw notImplemented('Updating a floating IP is not supported.');
      },
      DELETE: () => {
        // logic/ips.py validate_ip_action("DELETE"), the later form (README.md); 02071b96 words it "Floating IP '…' is used by …" (delete_floating_ip() L186-198)
        if (ip.nicId !== null) {
          const vm = w.ports.get(ip.nicId)?.machineId;
          throw conflict(vm ? `IP '${ip.id}' is used by server '${vm}'` : `IP '${ip.id}' is used by port '${ip.nicId}'`);
        }
        w.ips.delete(ip.id);
        return empty(204);
      },
    });
  }
  return undefined;
}
