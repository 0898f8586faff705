// The volumes of a server create: api/servers.py parse_block_device_mapping()
// L499-503 and _parse_block_device() L506-555 read `block_device_mapping_v2`
// (create_server() L421-426; VOLUME_SOURCE_TYPES L55-59; source_type among
// image, volume, blank, and snapshot where snapshots are enabled; uuid unless
// blank; volume_size; delete_on_termination, false by default for a volume
// source), then logic/servers.py create() makes the first entry the root
// volume (L54-69, a blank root refused L87-88), takes an existing volume only
// if it is of the flavor's volume type and AVAILABLE (L141-153), and creates
// the others (L154-156). Read in the 0.16 form onwards (volumes
// arrived in 0.16); line numbers in README.md.
import { badRequest } from './faults.js';
import type { Flavor, User, Volume, World } from './world.js';

export interface BlockDevice {
  sourceType: string;
  uuid: string | undefined;
  size: number | undefined;
  deleteOnTermination: boolean;
}

const SOURCE_TYPES = ['image', 'volume', 'blank', 'snapshot'];

export function parseBlockDevices(map: unknown): BlockDevice[] | undefined {
  if (map === undefined || map === null) return undefined;
  if (!Array.isArray(map)) throw badRequest('Block Device Mapping is Invalid');
  return map.map((d: unknown) => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw badRequest('Block Device Mapping is Invalid');
    const e = d as Record<string, unknown>;
    const sourceType = e.source_type;
    if (sourceType === undefined || sourceType === null) throw badRequest('Block Device Mapping is Invalid: Invalid source_type field');
    if (typeof sourceType !== 'string' || !SOURCE_TYPES.includes(sourceType)) {
      throw badRequest(`Block Device Mapping is Invalid: source_type must be on of ${SOURCE_TYPES.join(', ')}`);
    }
    const uuid = e.uuid === undefined || e.uuid === null ? undefined : String(e.uuid);
    if (uuid === undefined && sourceType !== 'blank') throw badRequest(`Block Device Mapping is Invalid: uuid of ${sourceType} is missing`);
    let size: number | undefined;
    if (e.volume_size !== undefined && e.volume_size !== null) {
      size = Number(e.volume_size);
      if (!Number.isInteger(size)) throw badRequest('Block Device Mapping is Invalid: Invalid size field');
    }
    const dot = e.delete_on_termination;
    if (dot !== undefined && dot !== null && typeof dot !== 'boolean') throw badRequest('Block Device Mapping is Invalid: Invalid delete_on_termination field');
    return { sourceType, uuid, size, deleteOnTermination: typeof dot === 'boolean' ? dot : sourceType !== 'volume' };
  });
}

/** create()'s checks before anything exists: the root's image, a non-blank root, usable existing volumes. */
export function checkBlockDevices(w: World, user: User, flavor: Flavor, imageRef: unknown, devices: BlockDevice[]): void {
  const first = devices[0];
  if (first === undefined) throw badRequest('You need to specify either an image or a block device mapping.');
  const rootImage = ['image', 'snapshot'].includes(first.sourceType) ? first.uuid : undefined;
  if (rootImage !== undefined && imageRef !== undefined && rootImage !== String(imageRef)) {
    throw badRequest("The specified server's image is different from the the source of the first volume.");
  }
  if (first.sourceType === 'blank') throw badRequest('Root volume cannot be blank');
  for (const d of devices) {
    if (d.sourceType !== 'volume') continue;
    const v = w.volume(d.uuid!, user, 'badRequest');
    if (v.deleted) throw badRequest(`Volume ${v.id} has been deleted.`);
    if (v.typeId !== flavor.volumeType) throw badRequest(`Volume '${v.id}' has type '${v.typeId}' while flavor's volume type is '${flavor.volumeType}'`);
    if (v.status !== 'AVAILABLE') throw badRequest(`Cannot use volume while it is in ${v.status} status`);
  }
}

/** The server's volumes by index: existing ones assigned, the others created of the flavor's type. */
export function assignBlockDevices(w: World, vmId: number, project: string, user: User, flavor: Flavor, devices: BlockDevice[], created: string): Volume[] {
  return devices.map((d, index) => {
    if (d.sourceType === 'volume') {
      const v = w.volume(d.uuid!, user, 'badRequest');
      return Object.assign(v, { machineId: vmId, index, status: 'ATTACHING', deleteOnTermination: d.deleteOnTermination });
    }
    const v: Volume = {
      id: w.id(), userid: user.uuid, project, name: null, description: '', size: d.size ?? flavor.disk, typeId: flavor.volumeType, machineId: vmId, index,
      status: 'CREATING', deleted: false, deleteOnTermination: d.deleteOnTermination, metadata: {}, created, sourceImage: d.sourceType === 'image' ? d.uuid! : null,
    };
    w.volumes.set(v.id, v);
    return v;
  });
}
