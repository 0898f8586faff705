// The volume API of Cyclades (volume/urls.py L126-154, volume/views.py over
// volume/volumes.py (02071b96: create() L28-71, delete() L162-174) and
// logic/server_attachments.py): POST answers only id,
// display_name and links (views.py create_volume() L142; 202 here, 200 in
// the stored pre-0.16 form, L143); statuses are lower case ("in_use",
// volume_to_dict() L49); delete answers 202 (delete_volume() L166); deleted
// volumes still answer GET; the only action is `reassign` (no os-extend) and
// there are no backups. In 0.16 a volume needs a server; later a volume
// without one needs a detachable type (ext_*), and the server's volumes
// must share its flavor's SNF:volume_type.
import { empty, match, methods, ok, type Reply, type Req } from './api.js';
import { attribute, badRequest, endpointNotFound, itemNotFound } from './faults.js';
import { checkServerAction } from './nics.js';
import { detach } from './server-actions.js';
import type { Volume, World } from './world.js';

/** CYCLADES_DETACHABLE_DISK_TEMPLATES */
const DETACHABLE = ['ext_archipelago', 'ext_vlmc'];
/** CYCLADES_VOLUME_MAX_SIZE (GB) */
const MAX_SIZE = 200;

function volumeToDict(w: World, v: Volume, detail: boolean): Record<string, unknown> {
  const d: Record<string, unknown> = { id: v.id, display_name: v.name, links: [{ rel: 'self', href: `volumes/${v.id}` }] };
  if (!detail) return d;
  return {
    ...d,
    status: v.status.toLowerCase(),
    size: v.size,
    display_description: v.description,
    created_at: v.created,
    metadata: { ...v.metadata },
    snapshot_id: null,
    source_volid: null,
    image_id: v.sourceImage,
    attachments: v.machineId === null ? [] : [{ server_id: v.machineId, volume_id: Number(v.id), device_index: v.index }],
    volume_type: v.typeId,
    deleted: v.deleted,
    delete_on_termination: v.deleteOnTermination,
    user_id: v.userid,
    tenant_id: v.project,
    ...(w.features.sharedToProject ? { shared_to_project: false } : {}),
  };
}

function createVolume(req: Req): Reply {
  const { world: w, user } = req;
  const doc = attribute<Record<string, unknown>>(req.body, 'volume', 'object')!;
  const name = attribute<string>(doc, 'display_name', 'string')!;
  const rawSize = attribute<string | number>(doc, 'size', 'id')!;
  const size = Number(rawSize);
  if (!Number.isInteger(size) || size <= 0) throw badRequest(`Volume 'size' needs to be a positive integer value. '${rawSize}' cannot be accepted.`);
  if (size > MAX_SIZE) throw badRequest(`Maximum volume size is '${MAX_SIZE}GB'`);
  const typeId = attribute<string | number>(doc, 'volume_type', 'id', false);
  const serverId = attribute<string | number>(doc, 'server_id', 'id', w.features.detachedVolumes ? false : true);
  const project = w.chargeProject(user, doc.project, 'Disk');
  const type = typeId === undefined ? undefined : w.volumeTypes.find((t) => String(t.id) === String(typeId));
  if (typeId !== undefined && !type) throw badRequest(`Volume type ${typeId} not found`);
  const t = w.stamp();
  const base = { userid: user.uuid, project, name, description: typeof doc.display_description === 'string' ? doc.display_description : '', size, deleted: false, metadata: {}, created: t, sourceImage: null };
  if (serverId === undefined) {
    if (!type) throw badRequest('Volume type must be provided');
    if (!DETACHABLE.includes(type.diskTemplate)) throw badRequest(`Volume type '${type.name}' is not detachable`);
    const v: Volume = { ...base, id: w.id(), typeId: type.id, machineId: null, index: null, status: 'AVAILABLE', deleteOnTermination: false };
    w.volumes.set(v.id, v);
    return ok({ volume: volumeToDict(w, v, false) }, 202);
  }
  let vm;
  try {
    vm = w.vm(serverId, user);
  } catch {
    throw badRequest(`Server ${serverId} not found`);
  }
  if (vm.deleted) throw badRequest(`Server '${vm.id}' has been deleted.`);
  const serverType = w.flavor(vm.flavorId).volumeType;
  if (type && type.id !== serverType) throw badRequest(`Cannot create a volume with type '${type.id}' to a server with volume type '${serverType}'.`);
  checkServerAction(vm, 'ATTACH_VOLUME');
  const index = [...w.volumes.values()].filter((x) => x.machineId === vm.id && !x.deleted).length;
  // volume/volumes.py _create_volume() L74-159: a new volume is CREATING (L158), then attached (create() L69).
  const v: Volume = { ...base, id: w.id(), typeId: serverType, machineId: vm.id, index, status: 'CREATING', deleteOnTermination: true };
  w.volumes.set(v.id, v);
  vm.task = 'ATTACH_VOLUME';
  w.job(() => {
    vm.task = null;
    if (!v.deleted) v.status = 'IN_USE';
  });
  return ok({ volume: volumeToDict(w, v, false) }, 202);
}

/**
 * volumes.delete() (volume/volumes.py L162-174 in 02071b96): an attached volume goes by detaching it
 * (L167-170; not the root); a detached one only if detachable (through a helper VM) — the stored
 * form refuses every detached volume, "Cannot delete a detached volume" L171-172.
 */
function deleteVolume(w: World, v: Volume): Reply {
  if (v.deleted) throw badRequest(`Volume ${v.id} has been deleted.`);
  if (v.machineId !== null) {
    const vm = w.servers.get(v.machineId)!;
    v.deleteOnTermination = true;
    detach(w, vm, v);
    return empty(202);
  }
  const type = w.volumeTypes.find((t) => t.id === v.typeId)!;
  if (!w.features.detachedVolumes || !DETACHABLE.includes(type.diskTemplate)) throw badRequest('Cannot delete a detached volume');
  v.status = 'DELETING';
  w.job(() => Object.assign(v, { deleted: true, status: 'DELETED' }));
  return empty(202);
}

function snapshotsRoute(req: Req): Reply | undefined {
  const w = req.world;
  const dict = (s: { id: string; size: number; name: string; description: string; status: string; owner: string; created: string; volumeId: string }) => ({
    id: s.id, size: s.size, display_name: s.name, display_description: s.description, status: s.status, user_id: s.owner, tenant_id: s.owner,
    'os-extended-snapshot-attribute:progress': s.status === 'AVAILABLE' ? '100%' : 0, created_at: s.created, metadata: {}, volume_id: s.volumeId,
  });
  if (req.path === '/snapshots' || req.path === '/snapshots/' || req.path === '/snapshots/detail') {
    return methods(req, {
      GET: () => ok({ snapshots: [...w.snapshots.values()].filter((s) => s.owner === req.user.uuid).map(dict) }),
      POST: () => {
        const doc = attribute<Record<string, unknown>>(req.body, 'snapshot', 'object')!;
        const v = w.volume(attribute<string>(doc, 'volume_id', 'id')!, req.user, 'badRequest');
        if (v.deleted) throw badRequest(`Volume ${v.id} has been deleted.`);
        // views.py create_snapshot() L250-252 reads display_name, and refuses a snapshot without one; a `name` is not looked at.
        if (typeof doc.display_name !== 'string') throw badRequest("Snapshot 'name' is required");
        const name = doc.display_name;
        const s = { id: `snf-snapshot-${w.id()}`, volumeId: v.id, owner: req.user.uuid, name, description: '', size: v.size, status: 'CREATING', created: w.stamp() };
        w.snapshots.set(s.id, s);
        w.job(() => (s.status = 'AVAILABLE'));
        return ok({ snapshot: dict(s) }, 202);
      },
    });
  }
  const m = match(req, /^\/snapshots\/([\w-]+)$/);
  if (!m) return undefined;
  const s = w.snapshots.get(m[0]!);
  if (!s || s.owner !== req.user.uuid) throw itemNotFound('Snapshot not found.');
  return methods(req, { GET: () => ok({ snapshot: dict(s) }), DELETE: () => (w.snapshots.delete(s.id), empty(202)) });
}

export function volumesRoute(req: Req): Reply | undefined {
  const w = req.world;
  const list = (detail: boolean): Reply => ok({ volumes: [...w.volumes.values()].filter((v) => v.userid === req.user.uuid && !v.deleted).map((v) => volumeToDict(w, v, detail)) });
  if (req.path === '/volumes' || req.path === '/volumes/') return methods(req, { GET: () => list(false), POST: () => createVolume(req) });
  if (req.path === '/volumes/detail') return methods(req, { GET: () => list(true) });
  let m = match(req, /^\/volumes\/(\d+)$/);
  if (m) {
    const v = w.volume(m[0]!, req.user);
    return methods(req, {
      GET: () => ok({ volume: volumeToDict(w, v, true) }),
      PUT: () => {
        const doc = attribute<Record<string, unknown>>(req.body, 'volume', 'object')!;
        if (v.deleted) throw badRequest(`Volume ${v.id} has been deleted.`);
        // update_volume() L190-192
        if (doc.display_name === undefined && doc.display_description === undefined && doc.delete_on_termination === undefined) throw badRequest('Nothing to update.');
        if (typeof doc.display_name === 'string') v.name = doc.display_name;
        if (typeof doc.display_description === 'string') v.description = doc.display_description;
        return ok({ volume: volumeToDict(w, v, true) });
      },
      DELETE: () => deleteVolume(w, v),
    });
  }
  m = match(req, /^\/volumes\/(\d+)\/metadata(?:\/(.+))?$/);
  if (m) {
    const v = w.volume(m[0]!, req.user);
    const key = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    if (key !== undefined) {
      return methods(req, {
        DELETE: () => {
          if (!(key in v.metadata)) throw badRequest('Metadata key not found');
          delete v.metadata[key];
          return empty(200);
        },
      });
    }
    const update = (reset: boolean) => (): Reply => {
      const meta = attribute<Record<string, string>>(req.body, 'metadata', 'object')!;
      v.metadata = reset ? { ...meta } : { ...v.metadata, ...meta };
      return ok({ metadata: v.metadata });
    };
    return methods(req, { GET: () => ok({ metadata: v.metadata }), POST: update(false), PUT: update(true) });
  }
  m = match(req, /^\/volumes\/(\d+)\/action$/);
  if (m) {
    w.volume(m[0]!, req.user);
    return methods(req, {
      POST: () => {
        const name = typeof req.body === 'object' && req.body !== null ? Object.keys(req.body)[0] : undefined;
        if (name !== 'reassign') throw badRequest(`Action ${name} not supported`);
        return empty(200);
      },
    });
  }
  if (req.path === '/types' || req.path === '/types/') {
    return methods(req, { GET: () => ok({ volume_types: w.volumeTypes.map((t) => ({ id: t.id, name: t.name, deleted: false, 'SNF:disk_template': t.diskTemplate })) }) });
  }
  if (req.path.startsWith('/snapshots')) return snapshotsRoute(req);
  // /backups and anything else: the catch-all of volume/urls.py (L153).
  throw endpointNotFound();
}
