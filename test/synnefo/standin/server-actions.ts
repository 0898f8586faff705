// Server actions and volume attachments: api/servers.py demux_server_action()
// L648-675 (key_to_action() L634-643), start L944, shutdown L956, reboot
// L966-982, resize L1014-1035, the refused rebuild/resize/password actions
// L1168-1185, attach_volume() L1348-1371 and detach_volume() L1376-1390, over
// logic/servers.py, logic/server_attachments.py (attach_volume() L25-58,
// detach_volume() L76-96, _detach_volume() L99-110) and logic/commands.py
// validate_server_action() L30-64 (start needs STOPPED, shutdown STARTED,
// resize STOPPED with the same disk and volume type; nothing while a task
// runs, L39-44).
import { empty, match, methods, ok, type Reply, type Req } from './api.js';
import { attribute, badRequest, notImplemented } from './faults.js';
import { checkServerAction } from './nics.js';
import type { Server, Volume, World } from './world.js';

type Action = (req: Req, vm: Server, args: Record<string, unknown>) => Reply;

/** Runs a server command: validates, sets the task, and lets a job finish it (logic/commands.py server_command() L67-142, task set at L135-137). */
function command(w: World, vm: Server, action: string, finish: () => void): Reply {
  checkServerAction(vm, action);
  vm.task = action;
  w.job(() => {
    vm.task = null;
    finish();
    vm.updated = w.stamp();
  });
  return empty(202);
}

const ACTIONS: Record<string, Action> = {
  start: (req, vm) => command(req.world, vm, 'START', () => (vm.operstate = 'STARTED')),
  shutdown: (req, vm) => command(req.world, vm, 'STOP', () => (vm.operstate = 'STOPPED')),
  reboot: (req, vm, args) => {
    const type = args.type ?? 'SOFT';
    if (type !== 'SOFT' && type !== 'HARD') throw badRequest("Invalid 'type' attribute.");
    return command(req.world, vm, 'REBOOT', () => (vm.operstate = 'STARTED'));
  },
  resize: (req, vm, args) => {
    if (args.flavorRef === undefined) throw badRequest("Missing 'flavorRef' attribute.");
    const w = req.world;
    const flavor = w.flavor(args.flavorRef);
    const old = w.flavor(vm.flavorId);
    checkServerAction(vm, 'RESIZE');
    // logic/servers.py _resize() L285-298
    if (old.id === flavor.id) throw badRequest(`Server '${vm.id}' flavor is already '${flavor.name}'.`);
    if (old.disk !== flavor.disk) throw badRequest("Cannot change instance's disk size.");
    if (old.volumeType !== flavor.volumeType) throw badRequest("Cannot change instance's volume type.");
    return command(w, vm, 'RESIZE', () => (vm.flavorId = flavor.id));
  },
  rebuild: () => {
    throw notImplemented('Rebuild not supported.');
  },
  confirmResize: () => {
    throw notImplemented('Resize not supported.');
  },
  revertResize: () => {
    throw notImplemented('Resize not supported.');
  },
  changePassword: () => {
    throw notImplemented('Changing password is not supported.');
  },
};

function action(req: Req, vm: Server): Reply {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Object.keys(body).length !== 1) throw badRequest('Malformed request');
  if (vm.deleted) throw badRequest('Server has been deleted.');
  const name = Object.keys(body)[0]!;
  const f = ACTIONS[name];
  // key_to_action(name) must be one of VirtualMachine.ACTIONS (suspend, createImage, os-start … are not): demux_server_action() L669-671.
  if (!f) throw badRequest(`Action ${name} not supported`);
  const args = attribute<Record<string, unknown>>(body, name, 'object')!;
  return f(req, vm, args);
}

/** api/servers.py volume_to_attachment() L1311-1315: the device is always "". */
const attachmentOf = (v: Volume): Record<string, unknown> => ({ id: Number(v.id), volumeId: Number(v.id), serverId: v.machineId, device: '' });

/** server_attachments.py attach_volume() L25-58: AVAILABLE (or CREATING) volume (L36-38), the flavor's volume type (L40-45), at most GANETI_MAX_DISKS_PER_INSTANCE (L47-50). */
function attach(req: Req, vm: Server): Reply {
  const w = req.world;
  if (vm.deleted) throw badRequest('Server has been deleted.');
  const doc = attribute(req.body, 'volumeAttachment', 'object');
  const volume = w.volume(attribute<string | number>(doc, 'volumeId', 'id')!, req.user, 'badRequest');
  if (volume.deleted) throw badRequest(`Volume ${volume.id} has been deleted.`);
  if (!['AVAILABLE', 'CREATING'].includes(volume.status)) throw badRequest(`Cannot attach volume while volume is in '${volume.status}' status.`);
  const flavor = w.flavor(vm.flavorId);
  if (volume.typeId !== flavor.volumeType) {
    throw badRequest(`Volume and server must have the same volume type. Volume has volume type '${volume.typeId}' while server has '${flavor.volumeType}'`);
  }
  const disks = [...w.volumes.values()].filter((v) => v.machineId === vm.id && !v.deleted);
  if (disks.length >= 8) throw badRequest('Maximum volumes per server limit reached');
  checkServerAction(vm, 'ATTACH_VOLUME');
  Object.assign(volume, { machineId: vm.id, index: Math.max(...disks.map((d) => d.index ?? 0)) + 1, status: 'ATTACHING' });
  vm.task = 'ATTACH_VOLUME';
  w.job(() => {
    vm.task = null;
    if (volume.machineId === vm.id) volume.status = 'IN_USE';
  });
  return ok({ volumeAttachment: attachmentOf(volume) }, 202);
}

/** server_attachments.py detach_volume() L76-96 (not the root disk, L90-91) and _detach_volume() L99-110: a volume that dies with its server is deleted (L105-108), a detachable one freed. */
export function detach(w: World, vm: Server, volume: Volume): void {
  if (volume.machineId !== vm.id) throw badRequest(`Volume '${volume.id}' is not attached to server '${vm.id}'`);
  if (!['IN_USE', 'ERROR'].includes(volume.status)) throw badRequest(`Cannot detach volume while volume is in '${volume.status}' status.`);
  if (volume.index === 0) throw badRequest('Cannot detach the root volume of a server');
  checkServerAction(vm, 'DETACH_VOLUME');
  vm.task = 'DETACH_VOLUME';
  volume.status = volume.deleteOnTermination ? 'DELETING' : 'DETACHING';
  w.job(() => {
    vm.task = null;
    if (volume.status === 'DELETING') Object.assign(volume, { deleted: true, status: 'DELETED', machineId: null, index: null });
    else Object.assign(volume, { status: 'AVAILABLE', machineId: null, index: null });
  });
}

export function serverActionsRoute(req: Req): Reply | undefined {
  const w = req.world;
  let m = match(req, /^\/servers\/(\d+)\/action$/);
  if (m) {
    const vm = w.vm(m[0]!, req.user);
    return methods(req, { POST: () => action(req, vm) });
  }
  m = match(req, /^\/servers\/(\d+)\/os-volume_attachments$/);
  if (m) {
    const vm = w.vm(m[0]!, req.user);
    const attached = (): Volume[] => [...w.volumes.values()].filter((v) => v.machineId === vm.id && !v.deleted).sort((a, b) => Number(a.id) - Number(b.id));
    return methods(req, { GET: () => ok({ volumeAttachments: attached().map(attachmentOf) }), POST: () => attach(req, vm) });
  }
  m = match(req, /^\/servers\/(\d+)\/os-volume_attachments\/(\d+)$/);
  if (m) {
    const vm = w.vm(m[0]!, req.user);
    const volume = w.volume(m[1]!, req.user, 'badRequest');
    return methods(req, {
      GET: () => {
        if (volume.machineId !== vm.id) throw badRequest(`Volume '${volume.id}' is not attached to server '${vm.id}'`);
        return ok({ volumeAttachment: attachmentOf(volume) });
      },
      DELETE: () => {
        if (vm.deleted) throw badRequest('Server has been deleted.');
        detach(w, vm, volume);
        return empty(202);
      },
    });
  }
  return undefined;
}
