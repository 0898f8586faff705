// Networks and subnets, the Neutron-like API of Cyclades: api/networks.py
// (network_to_dict() L172-190; create_network() L108-136: `type` required,
// MAC_FILTERED the one users may create, 201 at L134; update_network()
// L146-158 renames only; delete_network() L161-169, 409 while ports remain
// in logic/networks.py delete() L139-160, conflicts L140-145), and api/subnets.py (list_subnets() L61-77 ignores
// every query filter; update_subnet() L166-188: only the name may change;
// delete_subnet() L157-163 refuses; subnet_to_dict() L192-220;
// check_boolean_value() L255-260). Line numbers: README.md.
import { empty, match, methods, ok, type Reply, type Req } from './api.js';
import { attribute, badRequest, conflict, forbidden, itemNotFound, overLimit } from './faults.js';
import type { Network, Subnet, World } from './world.js';

const FLAVORS = ['CUSTOM', 'IP_LESS_ROUTED', 'MAC_FILTERED', 'PHYSICAL_VLAN'];
/** API_ENABLED_NETWORK_FLAVORS (default). */
const USER_FLAVORS = ['MAC_FILTERED'];
/** cyclades.network.private quota of the stand-in's users. */
const PRIVATE_NETWORKS = 5;

function networkToDict(w: World, n: Network): Record<string, unknown> {
  return {
    id: n.id,
    name: n.name,
    links: [{ rel: 'self', href: `networks/${n.id}` }],
    user_id: n.userid,
    tenant_id: n.project,
    ...(w.features.sharedToProject ? { shared_to_project: false } : {}),
    type: n.flavor,
    updated: n.updated,
    created: n.created,
    status: n.state,
    public: n.public,
    shared: n.public,
    'router:external': n.public,
    admin_state_up: true,
    subnets: [...w.subnets.values()].filter((s) => s.networkId === n.id).map((s) => s.id),
    'SNF:floating_ip_pool': n.floatingPool,
    deleted: n.deleted,
  };
}

function subnetToDict(w: World, s: Subnet): Record<string, unknown> {
  const net = w.networks.get(s.networkId)!;
  const [base] = s.cidr.split('/');
  const prefix = base!.split('.').slice(0, 3).join('.');
  return {
    id: s.id,
    network_id: s.networkId,
    name: s.name,
    tenant_id: net.project,
    user_id: net.userid,
    gateway_ip: s.gateway,
    ip_version: s.ipVersion,
    cidr: s.cidr,
    enable_dhcp: s.dhcp,
    dns_nameservers: [],
    host_routes: [],
    allocation_pools: [{ start: `${prefix}.2`, end: `${prefix}.254` }],
    links: [{ rel: 'self', href: `subnets/${s.id}` }],
    public: net.public,
    deleted: net.deleted,
  };
}

function createNetwork(req: Req): Reply {
  const { world: w, user } = req;
  const doc = attribute(req.body, 'network', 'object');
  const flavor = attribute<string>(doc, 'type', 'string')!;
  // logic/networks.py create() L50-116: unknown type L55-56.
  if (!FLAVORS.includes(flavor)) throw badRequest(`Invalid network type '${flavor}'`);
  if (!USER_FLAVORS.includes(flavor)) throw forbidden(`Cannot create network of type '${flavor}'.`);
  const name = attribute<string>(doc, 'name', 'string', false) ?? '';
  const project = w.chargeProject(user, (doc as Record<string, unknown>).project, 'Private Network');
  const mine = [...w.networks.values()].filter((n) => n.userid === user.uuid && !n.deleted).length;
  if (mine >= PRIVATE_NETWORKS) throw overLimit('Private Network', 0);
  const t = w.stamp();
  const n: Network = { id: w.id(), userid: user.uuid, project, name, flavor, public: false, floatingPool: false, state: 'ACTIVE', deleted: false, created: t, updated: t };
  w.networks.set(n.id, n);
  return ok({ network: networkToDict(w, n) }, 201);
}

// logic/networks.py: validate_network_action() L33-35 ("has been deleted"),
// delete() L139-160 (ports L140-142, floating IPs L143-145).
function deleteNetwork(w: World, n: Network): Reply {
  if (n.public) throw forbidden('Cannot delete the public network.');
  if (n.deleted) throw badRequest('Network has been deleted.');
  if ([...w.ports.values()].some((p) => p.networkId === n.id)) {
    throw conflict(`Cannot delete network. There are ports still configured on network network ${n.id}`);
  }
  if ([...w.ips.values()].some((ip) => ip.networkId === n.id && ip.floating && !ip.deleted)) {
    throw conflict('Cannot delete netowrk. Network has allocated floating IPs.');
  }
  w.job(() => Object.assign(n, { state: 'DELETED', deleted: true, updated: w.stamp() }));
  return empty(204);
}

// logic/subnets.py (02071b96) _create_subnet() L59-139: validate_subnet_params()
// "Invalid network IPv4 subnet" L250 (the CIDR appended here), one subnet per
// IP version check_number_of_subnets() L203-207, the pool after a gateway on
// the first address L122-123 (the whole range without a gateway L131-132).
function createSubnet(req: Req): Reply {
  const w = req.world;
  const doc = attribute<Record<string, unknown>>(req.body, 'subnet', 'object')!;
  const network = w.network(attribute<string>(doc, 'network_id', 'id')!, req.user);
  if (network.public || network.userid !== req.user.uuid) throw forbidden('Cannot create a subnet on a network you do not own');
  const cidr = attribute<string>(doc, 'cidr', 'string')!;
  const m = /^(\d+)\.(\d+)\.(\d+)\.0\/(\d+)$/.exec(cidr);
  const ipVersion = doc.ip_version ?? 4;
  if (ipVersion !== 4 || !m) throw badRequest(`Invalid network IPv4 subnet: ${cidr}`);
  if ([...w.subnets.values()].some((s) => s.networkId === network.id && s.ipVersion === 4)) throw badRequest('Only one subnet of IPv4/IPv6 per network is allowed');
  const gateway = 'gateway_ip' in doc ? (doc.gateway_ip as string | null) : `${m[1]}.${m[2]}.${m[3]}.1`;
  const dhcp = doc.enable_dhcp ?? true;
  if (typeof dhcp !== 'boolean') throw badRequest('Malformed request, dhcp must be True or False');
  const s: Subnet = { id: w.id(), networkId: network.id, name: typeof doc.name === 'string' ? doc.name : '', cidr, gateway, dhcp, ipVersion: 4, used: 0 };
  w.subnets.set(s.id, s);
  return ok({ subnet: subnetToDict(w, s) }, 201);
}

export function networksRoute(req: Req): Reply | undefined {
  const w = req.world;
  const mine = (n: Network): boolean => n.public || n.userid === req.user.uuid;
  if (req.path === '/networks' || req.path === '/networks/') {
    return methods(req, {
      GET: () => ok({ networks: [...w.networks.values()].filter((n) => mine(n) && !n.deleted).map((n) => networkToDict(w, n)) }),
      POST: () => createNetwork(req),
    });
  }
  let m = match(req, /^\/networks\/(\w+)$/);
  if (m) {
    const n = w.network(m[0]!, req.user);
    return methods(req, {
      GET: () => ok({ network: networkToDict(w, n) }),
      PUT: () => {
        const name = attribute<string>(attribute(req.body, 'network', 'object'), 'name', 'string')!;
        if (n.deleted) throw badRequest('Network has been deleted.');
        if (n.public) throw forbidden('Cannot rename the public network.');
        Object.assign(n, { name, updated: w.stamp() });
        return ok({ network: networkToDict(w, n) });
      },
      DELETE: () => deleteNetwork(w, n),
    });
  }
  if (req.path === '/subnets' || req.path === '/subnets/') {
    // list_subnets() L61-77: every subnet the user sees; ?network_id= and the like are not read.
    const visible = (s: Subnet): boolean => mine(w.networks.get(s.networkId)!) && !w.networks.get(s.networkId)!.deleted;
    return methods(req, { GET: () => ok({ subnets: [...w.subnets.values()].filter(visible).map((s) => subnetToDict(w, s)) }), POST: () => createSubnet(req) });
  }
  m = match(req, /^\/subnets\/([-\w]+)$/);
  if (m) {
    const s = w.subnets.get(m[0]!);
    if (!s || !mine(w.networks.get(s.networkId)!)) throw itemNotFound('Subnet not found.');
    return methods(req, {
      GET: () => ok({ subnet: subnetToDict(w, s) }),
      PUT: () => {
        const doc = attribute<Record<string, unknown>>(req.body, 'subnet', 'object')!;
        if (Object.keys(doc).length !== 1 || typeof doc.name !== 'string' || doc.name === '') throw badRequest('Only the name of a subnet can be updated');
        s.name = doc.name;
        return ok({ subnet: subnetToDict(w, s) });
      },
      DELETE: () => {
        // logic/subnets.py delete_subnet() L156-161.
        throw badRequest('Deletion of a subnet is not supported');
      },
    });
  }
  return undefined;
}
