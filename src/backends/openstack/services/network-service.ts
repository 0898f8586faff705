// OCCI networks as Neutron networks with (at most) one subnet carrying the
// ipnetwork attributes. Creation makes both and removes the network again
// when the subnet is refused (R147); up/down toggle admin_state_up.
import type { ActionOutcome, EntityRecord, ResourceRecord, ResourceSpec, UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict, forbidden, notFound } from '../../../errors.js';
import type { Action, AttributeValue } from '../../../model/category.js';
import { NETWORK } from '../../../model/infrastructure.js';
import { isApplicable } from '../../../model/lifecycle.js';
import { OPENSTACK_LIFECYCLE } from '../mapping/status.js';
import { NETWORK_ACTIONS } from '../../../model/schemes.js';
import type { Cloud } from '../cloud.js';
import { refuseUnsupported, unsupportedActions } from '../dialect.js';
import { isCloudId } from '../mapping/ids.js';
import { networkRecord } from '../mapping/network.js';
import type { NeutronNetwork, NeutronSubnet } from '../clients/neutron.js';
import type { PageAsk } from '../clients/service-client.js';

/** Every network, or one page of them in id order. */
export async function listNetworks(cloud: Cloud, page?: PageAsk): Promise<ResourceRecord[]> {
  const [networks, cached] = await Promise.all([cloud.neutron.listNetworks(page), cloud.subnets()]);
  const subnets = await subnetsOf(cloud, networks, cached);
  return networks.map((n) => record(cloud, n, subnets));
}

export async function getNetwork(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
  const found = await read(cloud, id);
  return found && record(cloud, found.network, found.subnets);
}

async function read(cloud: Cloud, id: string): Promise<{ network: NeutronNetwork; subnets: NeutronSubnet[] } | undefined> {
  if (!isCloudId(id)) return undefined;
  const [network, cached] = await Promise.all([cloud.neutron.getNetwork(id), cloud.subnets()]);
  return network && { network, subnets: await subnetsOf(cloud, [network], cached) };
}

/**
 * The subnets of these networks: the project's cached list when it holds
 * every subnet the networks name, else theirs asked for. A network naming
 * no subnet needs no call at all.
 */
async function subnetsOf(cloud: Cloud, networks: readonly NeutronNetwork[], cached: readonly NeutronSubnet[]): Promise<NeutronSubnet[]> {
  const wanted = networks.flatMap((n) => (n.subnets ?? []).map(String));
  if (wanted.length === 0) return [];
  const known = new Set(cached.map((s) => String(s.id)));
  if (wanted.every((id) => known.has(id))) return cached.filter((s) => wanted.includes(String(s.id)));
  // A long page asks for every subnet rather than a URL naming hundreds of networks.
  return cloud.neutron.listSubnets(networks.length <= SUBNETS_BY_NETWORK_MAX ? networks.map((n) => String(n.id)) : undefined);
}

const SUBNETS_BY_NETWORK_MAX = 25;

interface NetworkFacts {
  network: NeutronNetwork;
  subnets: NeutronSubnet[];
}

/** What each record was made from, so a write in the same request does not read it again. */
const FACTS = new WeakMap<EntityRecord, NetworkFacts>();

/** The network as the request read it (`current`), else read now. */
async function mustRead(cloud: Cloud, id: string, current?: EntityRecord): Promise<NetworkFacts> {
  const known = current && FACTS.get(current);
  const found = known && String(known.network.id) === id ? known : await read(cloud, id);
  if (!found) throw notFound(`network ${id} not found`);
  return found;
}

export async function createNetwork(cloud: Cloud, spec: ResourceSpec): Promise<ResourceRecord> {
  if (spec.id !== undefined) throw badRequest('OpenStack assigns network ids; create with POST to /network/');
  if (spec.links.length > 0) throw badRequest('a network owns no links; link computes to it instead');
  const a = spec.attributes;
  const address = str(a['occi.network.address']);
  if (address === undefined && (a['occi.network.gateway'] !== undefined || a['occi.network.allocation'] !== undefined)) {
    throw badRequest('occi.network.gateway and occi.network.allocation need occi.network.address (a CIDR)');
  }
  const fields: Record<string, unknown> = {
    name: str(a['occi.core.title']) ?? 'occi-network',
    ...cloud.dialect.networkFields(),
    ...cloud.dialect.projectFields(cloud.project),
  };
  const vlan = a['occi.network.vlan'];
  if (typeof vlan === 'number') Object.assign(fields, { 'provider:network_type': 'vlan', 'provider:segmentation_id': vlan });
  const network = await cloud.neutron.createNetwork(fields);
  const subnets: NeutronSubnet[] = [];
  if (address !== undefined) {
    try {
      subnets.push(await cloud.neutron.createSubnet(subnetFields(String(network.id), address, a)));
    } catch (err) {
      await cloud.neutron.deleteNetwork(String(network.id)).catch(() => undefined);
      throw err;
    }
    cloud.forgetSubnets();
  }
  return record(cloud, network, subnets);
}

function record(cloud: Cloud, network: NeutronNetwork, subnets: readonly NeutronSubnet[]): ResourceRecord {
  const owned = ownerOf(network) === undefined || ownerOf(network) === cloud.session.projectId;
  const refused = [...new Set([...unsupportedActions(cloud.dialect, 'network'), ...(owned ? [] : ['up', 'down'])])];
  const r = networkRecord(network, subnets, refused);
  FACTS.set(r, { network, subnets: [...subnets] });
  return r;
}

/** The project a network belongs to (Neutron names it twice; Synnefo's public networks name none). */
function ownerOf(n: NeutronNetwork): string | undefined {
  return n.project_id ?? n.tenant_id ?? undefined;
}

function subnetFields(networkId: string, cidr: string, a: Record<string, AttributeValue | null>): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    network_id: networkId,
    cidr,
    ip_version: cidr.includes(':') ? 6 : 4,
    enable_dhcp: a['occi.network.allocation'] !== 'static',
  };
  const gateway = str(a['occi.network.gateway']);
  if (gateway !== undefined) fields.gateway_ip = gateway;
  return fields;
}

export async function updateNetwork(cloud: Cloud, id: string, spec: UpdateSpec, known?: EntityRecord): Promise<ResourceRecord> {
  const { network, subnets } = await mustRead(cloud, id, known);
  if (spec.addMixins.length > 0 || spec.removeMixins.some((m) => m.term !== 'ipnetwork')) {
    throw badRequest('only the ipnetwork mixin and its attributes can change on an OpenStack network');
  }
  const current = record(cloud, network, subnets);
  const a = spec.attributes;
  const title = str(a['occi.core.title']);
  if (title !== undefined && title !== network.name) await cloud.neutron.updateNetwork(id, { name: title });
  if (a['occi.network.vlan'] !== undefined && a['occi.network.vlan'] !== null && a['occi.network.vlan'] !== current.attributes['occi.network.vlan']) {
    throw badRequest('occi.network.vlan cannot be changed on an existing network');
  }
  await updateSubnet(cloud, id, subnets, current, a);
  cloud.forgetSubnets();
  const after = await getNetwork(cloud, id);
  if (!after) throw notFound(`network ${id} disappeared`);
  return after;
}

/** ipnetwork changes: a new address creates the subnet; gateway and allocation update it; the CIDR itself is fixed. */
async function updateSubnet(
  cloud: Cloud,
  id: string,
  subnets: NeutronSubnet[],
  current: ResourceRecord,
  a: Record<string, AttributeValue | null>,
): Promise<void> {
  const subnet = subnets.find((s) => s.ip_version === 4) ?? subnets[0];
  const address = str(a['occi.network.address']);
  if (!subnet) {
    if (address !== undefined) await cloud.neutron.createSubnet(subnetFields(id, address, a));
    return;
  }
  if (address !== undefined && address !== subnet.cidr) {
    throw badRequest(`occi.network.address cannot change from ${subnet.cidr}; create another network`);
  }
  const fields: Record<string, unknown> = {};
  const gateway = a['occi.network.gateway'];
  if (gateway !== undefined && gateway !== current.attributes['occi.network.gateway']) fields.gateway_ip = gateway;
  const allocation = a['occi.network.allocation'];
  if (typeof allocation === 'string' && allocation !== current.attributes['occi.network.allocation']) {
    fields.enable_dhcp = allocation !== 'static';
  }
  if (Object.keys(fields).length === 0) return;
  if (!cloud.dialect.subnetsMutable) {
    throw badRequest(`${cloud.dialect.label} cannot change the gateway or allocation of network ${id}; create another network with the ones you want`);
  }
  await cloud.neutron.updateSubnet(String(subnet.id), fields);
}

export async function deleteNetwork(cloud: Cloud, id: string, current?: EntityRecord): Promise<void> {
  await mustRead(cloud, id, current);
  await cloud.neutron.deleteNetwork(id);
}

export async function networkAction(cloud: Cloud, id: string, action: Action, current?: EntityRecord): Promise<ActionOutcome> {
  if (action.scheme !== NETWORK_ACTIONS || (action.term !== 'up' && action.term !== 'down')) {
    throw badRequest(`action ${action.scheme}${action.term} does not apply to a network`);
  }
  const { network, subnets } = await mustRead(cloud, id, current);
  refuseUnsupported(cloud.dialect, 'network', action.term);
  const owner = ownerOf(network);
  if (owner !== undefined && owner !== cloud.session.projectId) {
    const how = network['router:external'] === true ? 'the external network' : network.shared === true ? 'a network shared with your project' : 'a network';
    throw forbidden(`network ${id} (${network.name}) is ${how} of project ${owner}: only that project can take it ${action.term}; link your computes to it, or create a network of your own`);
  }
  const state = record(cloud, network, subnets).attributes['occi.network.state'];
  if (!isApplicable(NETWORK, state, action, OPENSTACK_LIFECYCLE)) {
    throw conflict(`network ${id} is ${String(state)}; ${action.term} is not allowed in that state`); // D2
  }
  await cloud.neutron.updateNetwork(id, { admin_state_up: action.term === 'up' });
  return { entity: await getNetwork(cloud, id) };
}

function str(v: AttributeValue | null | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
