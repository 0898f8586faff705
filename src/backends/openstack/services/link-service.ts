// networkinterface and storagelink entities. A link to a private network is
// a Nova interface attachment (Synnefo: a port with the server as device); a
// link to an external network is a floating IP on the server's port; a
// storagelink is a Nova volume attachment. Ids: see mapping/ids.ts.
import type { EntityRef, LinkKindTerm, LinkRecord, LinkSpec, UpdateSpec } from '../../../port/backend.js';
import { badGateway, badRequest, conflict, notFound } from '../../../errors.js';
import type { Cloud } from '../cloud.js';
import { attachFloatingIp, detachFloatingIp, portForFloatingIp, releasePortFloatingIps } from './floating-ips.js';
import { assembleLinks, readLinkFacts, readServerWithLinks } from './links-read.js';
import { floatingInterfaceId, isCloudId, parseInterfaceId, parseStorageLinkId, portInterfaceId, storageLinkId } from '../mapping/ids.js';
import { refuseMountpoint } from '../mapping/links.js';
import { volumeStatus } from '../mapping/status.js';
import { markedOffline, rootDiskOf } from '../mapping/storage.js';
import type { CinderVolume } from '../clients/cinder.js';
import type { NovaServer } from '../clients/nova.js';
import type { TemplateCache } from '../caches/template-cache.js';
import { untilGone, waitUntil } from './wait.js';

/** Cinder statuses of a volume whose attachment is changing. */
const VOLUME_IN_TRANSIT = new Set(['reserved', 'attaching', 'detaching']);

export class LinkService {
  constructor(
    private readonly timeoutMs: number,
    private readonly templates: TemplateCache,
  ) {}

  async list(cloud: Cloud, kind: LinkKindTerm): Promise<LinkRecord[]> {
    const servers = await cloud.nova.listServers();
    const facts = await readLinkFacts(cloud, servers);
    return [...assembleLinks(cloud, facts, servers).values()].flat().filter((l) => l.kind === kind);
  }

  async get(cloud: Cloud, kind: LinkKindTerm, id: string): Promise<LinkRecord | undefined> {
    const server = serverOf(kind, id);
    if (server === undefined) return undefined;
    if (!isCloudId(server)) return undefined;
    // A link named after a floating IP is looked for even before Nova's addresses show the address.
    const found = await readServerWithLinks(cloud, server, /_fip_/.test(id) ? { floating: 'always' } : {});
    return found?.links.find((l) => l.kind === kind && l.id === id);
  }

  async create(cloud: Cloud, spec: LinkSpec & { source: EntityRef }): Promise<LinkRecord> {
    if (spec.source.kind !== 'compute') throw badRequest(`a ${spec.kind} must start at a compute, not a ${spec.source.kind}`);
    const serverId = spec.source.id;
    const server = isCloudId(serverId) ? await cloud.nova.getServer(serverId) : undefined;
    if (!server) throw notFound(`source compute ${serverId} not found`);
    const id = spec.kind === 'networkinterface' ? await this.attachNetwork(cloud, serverId, spec) : await this.attachStorage(cloud, server, spec);
    const { value } = await waitUntil(() => this.get(cloud, spec.kind, id), (l) => l !== undefined, {
      deadlineMs: this.timeoutMs,
    });
    if (!value) throw notFound(`the cloud did not show ${spec.kind} ${id} after creating it`);
    return value;
  }

  private async attachNetwork(cloud: Cloud, serverId: string, spec: LinkSpec): Promise<string> {
    if (spec.target.kind !== 'network') throw badRequest(`a networkinterface must target a network, not a ${spec.target.kind}`);
    const net = isCloudId(spec.target.id) ? await cloud.neutron.getNetwork(spec.target.id) : undefined;
    if (!net) throw notFound(`target network ${spec.target.id} not found`);
    if (net['router:external'] === true) {
      const port = cloud.dialect.attach === 'nova' ? await portForFloatingIp(cloud, serverId, { waitMs: 0 }) : undefined;
      const ip = await attachFloatingIp(cloud, serverId, String(net.id), port);
      return floatingInterfaceId(serverId, ip.id);
    }
    const address = spec.attributes['occi.networkinterface.address'];
    const fixedIp = typeof address === 'string' && address !== '' ? address.split('/')[0] : undefined;
    if (cloud.dialect.attach === 'port') {
      const port = await cloud.neutron.createPort({
        network_id: net.id,
        device_id: serverId,
        ...(fixedIp !== undefined ? { fixed_ips: [{ ip_address: fixedIp }] } : {}),
        ...cloud.dialect.projectFields(cloud.project),
      });
      return portInterfaceId(serverId, port.id);
    }
    const attached = await cloud.nova.attachInterface(serverId, String(net.id), fixedIp);
    return portInterfaceId(serverId, attached.port_id);
  }

  private async attachStorage(cloud: Cloud, server: NovaServer, spec: LinkSpec): Promise<string> {
    if (spec.target.kind !== 'storage') throw badRequest(`a storagelink must target a storage, not a ${spec.target.kind}`);
    const serverId = String(server.id);
    const volumeId = spec.target.id;
    const volume = isCloudId(volumeId) ? await cloud.cinder.getVolume(volumeId) : undefined;
    if (!volume) throw notFound(`target storage ${volumeId} not found`);
    if (markedOffline(volume)) throw conflict(`storage ${volumeId} is offline; bring it online before attaching it`);
    refuseMountpoint(spec.attributes);
    await this.checkVolumeType(cloud, server, volume);
    const device = spec.attributes['occi.storagelink.deviceid'];
    await cloud.nova.attachVolume(serverId, volumeId, typeof device === 'string' && device !== '' ? device : undefined);
    // Nova answers once the volume is reserved; the attachment completes later.
    // Until it has, the cloud refuses a detach, so the link is not yet usable.
    const settled = await this.volumeSettled(cloud, volumeId);
    if (settled !== undefined && settled !== 'in-use') {
      throw badGateway(`the cloud did not attach storage ${volumeId} to compute ${serverId} (volume status ${settled})`);
    }
    return storageLinkId(serverId, volumeId);
  }

  /**
   * Cyclades attaches only a volume of the server flavor's volume type
   * (logic/server_attachments.py attach_volume() L40-45): said in words before asking.
   */
  private async checkVolumeType(cloud: Cloud, server: NovaServer, volume: CinderVolume): Promise<void> {
    if (volume.volume_type === undefined || volume.volume_type === null || server.flavor?.id === undefined) return;
    const flavor = (await this.templates.index(cloud)).anyFlavor(server.flavor.id);
    const wanted = flavor?.['SNF:volume_type'];
    if (wanted === undefined || String(wanted) === String(volume.volume_type)) return;
    throw conflict(
      `storage ${String(volume.id)} is of volume type ${String(volume.volume_type)}, but compute ${String(server.id)} (flavor ${flavor!.name}) takes only volume type ${String(wanted)}; create the compute from a resource_tpl of that volume type, or a storage of type ${String(wanted)} with openstack.volumeType`,
    );
  }

  /** The volume's status once no attachment or detachment is under way (undefined without Cinder or volume). */
  private async volumeSettled(cloud: Cloud, volumeId: string): Promise<string | undefined> {
    if (!cloud.hasCinder) return undefined;
    const { value } = await waitUntil(
      () => cloud.cinder.getVolume(volumeId),
      (v) => v === undefined || !VOLUME_IN_TRANSIT.has(volumeStatus(v.status)),
      { deadlineMs: this.timeoutMs },
    );
    return value && volumeStatus(value.status);
  }

  /** `known`: the link as the request read it. */
  async delete(cloud: Cloud, kind: LinkKindTerm, id: string, known?: LinkRecord): Promise<void> {
    const link = known ?? (await this.get(cloud, kind, id));
    if (!link) throw notFound(`${kind} ${id} not found`);
    const server = link.source.id;
    if (kind === 'storagelink') {
      await this.checkDetachable(cloud, link.target.id, server);
      // A detach while the attachment is still completing is refused by Nova (400).
      await this.volumeSettled(cloud, link.target.id);
      await cloud.nova.detachVolume(server, link.target.id);
    } else {
      const ref = parseInterfaceId(id)!;
      if ('floatingIp' in ref) {
        const ip = await cloud.neutron.getFloatingIp(ref.floatingIp);
        if (ip) await detachFloatingIp(cloud, ip);
      } else if (cloud.dialect.attach === 'port') {
        await cloud.neutron.deletePort(ref.port);
      } else {
        await releasePortFloatingIps(cloud, [ref.port]);
        await cloud.nova.detachInterface(server, ref.port);
      }
    }
    // Detaching finishes asynchronously; wait so the compute no longer lists the link (bounded).
    await untilGone(() => this.get(cloud, kind, id), { deadlineMs: this.timeoutMs, what: `${kind} ${id}`, describe: (l) => `state ${String(l.attributes[`occi.${kind}.state`])}` });
  }

  /**
   * A root disk cannot be detached, and a Synnefo volume marked
   * delete_on_termination is destroyed by a detach (logic/server_attachments.py
   * detach_volume() L90-91, _detach_volume() L105-108): both refused rather than done.
   */
  private async checkDetachable(cloud: Cloud, volumeId: string, server: string): Promise<void> {
    const volume = cloud.hasCinder ? await cloud.cinder.getVolume(volumeId) : undefined;
    if (!volume) return;
    if (rootDiskOf(volume) !== undefined) {
      throw conflict(`storage ${volumeId} is the root disk of compute ${server}; it cannot be detached and goes when the compute is deleted`);
    }
    if (volume.delete_on_termination === true) {
      throw conflict(`detaching storage ${volumeId} would destroy it (${cloud.dialect.label} deletes a volume of this type when it leaves its server); delete the storage instead if that is what you want`);
    }
  }

  /** Links have no changeable facts in OpenStack: an update may only repeat the current values. */
  async update(cloud: Cloud, kind: LinkKindTerm, id: string, spec: UpdateSpec, known?: LinkRecord): Promise<LinkRecord> {
    const link = known ?? (await this.get(cloud, kind, id));
    if (!link) throw notFound(`${kind} ${id} not found`);
    for (const [name, value] of Object.entries(spec.attributes)) {
      if (value === null || value === undefined || value === link.attributes[name]) continue;
      throw badRequest(`${name} of a ${kind} cannot be changed on OpenStack; delete the link and create another`);
    }
    const extra = spec.addMixins.find((m) => !link.mixins.includes(m.scheme + m.term));
    if (extra) throw badRequest(`mixin ${extra.scheme}${extra.term} cannot be added to a ${kind} on OpenStack`);
    return link;
  }

}

function serverOf(kind: LinkKindTerm, id: string): string | undefined {
  if (kind === 'storagelink') return parseStorageLinkId(id)?.server;
  return parseInterfaceId(id)?.server;
}
