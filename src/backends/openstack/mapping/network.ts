// A Neutron network (with its subnets) → an OCCI network record. The first
// IPv4 subnet (else the first one) gives the ipnetwork attributes.
import type { Attributes, ResourceRecord } from '../../../port/backend.js';
import { typeId } from '../../../model/category.js';
import { IPNETWORK } from '../../../model/infrastructure.js';
import type { NeutronNetwork, NeutronSubnet } from '../clients/neutron.js';
import { networkState } from './status.js';

/** `refused`: actions this cloud never offers on networks (Synnefo: up, down). */
export function networkRecord(net: NeutronNetwork, subnets: readonly NeutronSubnet[], refused: readonly string[] = []): ResourceRecord {
  const own = subnets.filter((s) => String(s.network_id) === String(net.id));
  const subnet = own.find((s) => s.ip_version === 4) ?? own[0];
  const attributes: Attributes = {
    'occi.core.title': net.name,
    'occi.network.state': networkState(net.status, net.admin_state_up),
    'occi.network.state.message': net.admin_state_up ? net.status : `${net.status} (admin state down)`,
  };
  const seg = net['provider:segmentation_id'];
  if (net['provider:network_type'] === 'vlan' && typeof seg === 'number') attributes['occi.network.vlan'] = seg;
  if (net['router:external'] === true) attributes['occi.network.label'] = 'external';
  if (subnet) {
    attributes['occi.network.address'] = subnet.cidr;
    if (subnet.gateway_ip) attributes['occi.network.gateway'] = subnet.gateway_ip;
    attributes['occi.network.allocation'] = subnet.enable_dhcp ? 'dynamic' : 'static';
  }
  return { kind: 'network', id: String(net.id), mixins: subnet ? [typeId(IPNETWORK)] : [], attributes, links: [], ...(refused.length ? { refused } : {}) };
}
