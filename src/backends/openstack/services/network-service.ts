// OCCI networks as Neutron networks with (at most) one subnet carrying the
// ipnetwork attributes. Creation makes both and removes the network again
// when the subnet is refused (R147); up/down toggle admin_state_up.
import type { ActionOutcome, ResourceRecord, ResourceSpec, UpdateSpec } from '../../../port/backend.js';
import { badRequest, conflict, notFound } from '../../../errors.js';
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

export async function listNetworks(cloud: Cloud): Promise<ResourceRecord[]> {
  const [networks, subnets] = await Promise.all([cloud.neutron.listNetworks(), cloud.neutron.listSubnets()]);
  return networks.map((n) => record(cloud, n, subnets));
}

export async function getNetwork(cloud: Cloud, id: string): Promise<ResourceRecord | undefined> {
  const found = await read(cloud, id);
  return found && record(cloud, found.network, found.subnets);
}

async function read(cloud: Cloud, id: string): Promise<{ network: NeutronNetwork; subnets: NeutronSubnet[] } | undefined> {
  if (!isCloudId(id)) return undefined;
  const [network, subnets] = await Promise.all([cloud.neutron.getNetwork(id), cloud.neutron.listSubnets([id])]);
  return network && { network, subnets };
}

async function mustRead(cloud: Cloud, id: string): Promise<{ network: NeutronNetwork; subnets: NeutronSubnet[] }> {
  const found = await read(cloud, id);
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
  return networkRecord(network, subnets, unsupportedActions(cloud.dialect, 'network'));
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

export async function updateNetwork(cloud: Cloud, id: string, spec: UpdateSpec): Promise<ResourceRecord> {
  const { network, subnets } = await mustRead(cloud, id);
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

export async function deleteNetwork(cloud: Cloud, id: string): Promise<void> {
  await mustRead(cloud, id);
  await cloud.neutron.deleteNetwork(id);
}

export async function networkAction(cloud: Cloud, id: string, action: Action): Promise<ActionOutcome> {
  if (action.scheme !== NETWORK_ACTIONS || (action.term !== 'up' && action.term !== 'down')) {
    throw badRequest(`action ${action.scheme}${action.term} does not apply to a network`);
  }
  const { network, subnets } = await mustRead(cloud, id);
  refuseUnsupported(cloud.dialect, 'network', action.term);
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
